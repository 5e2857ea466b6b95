"""Believable Chicago-area addresses with coordinates that match them.

City addresses follow Chicago's street grid (State & Madison is 0/0, 800
address numbers to the mile, with the short first mile south of Madison), so
"1432 W Belmont Ave" lands on Belmont about 1.8 miles west of State Street.
Suburban addresses are drawn around each town's centre. Nothing here is
geocoded; the points are within a few hundred metres of the real places.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

ORIGIN_LAT, ORIGIN_LON = 41.88185, -87.62780  # Madison St and State St
MILE_M = 1609.344
CITY = "Chicago, IL"

# The lakefront: the easternmost grid x (+east, address units) at a grid y (+north).
_LAKE = [(-11100, 2400), (-9500, 2400), (-8700, 3000), (-7900, 2800), (-7100, 2600),
         (-6300, 2000), (-5500, 1600), (-4700, 1200), (-3500, 600), (-2200, 300),
         (-1200, 0), (0, 100), (800, 300), (1600, -100), (2400, -400), (3200, -500),
         (4000, -700), (4800, -900), (5600, -1000), (6400, -1200), (7200, -1300)]

# East-west streets: (name, grid y, westmost x, eastmost x)
_EAST_WEST = [
    ("Touhy Ave", 7200, -2800, -1300), ("Devon Ave", 6400, -3200, -1200),
    ("Peterson Ave", 6000, -4400, -1200), ("Bryn Mawr Ave", 5600, -5600, -1000),
    ("Foster Ave", 5200, -6400, -1000), ("Lawrence Ave", 4800, -6800, -900),
    ("Montrose Ave", 4400, -6800, -700), ("Irving Park Rd", 4000, -7200, -700),
    ("Addison St", 3600, -7200, -600), ("Belmont Ave", 3200, -7200, -500),
    ("Diversey Ave", 2800, -7200, -500), ("Fullerton Ave", 2400, -7200, -400),
    ("Armitage Ave", 2000, -7200, -300), ("North Ave", 1600, -7200, -100),
    ("Division St", 1200, -7200, -100), ("Chicago Ave", 800, -6000, -100),
    ("Grand Ave", 530, -5000, -100), ("Lake St", 200, -7200, -100),
    ("Madison St", 0, -7200, -100), ("Jackson Blvd", -300, -5600, -100),
    ("Roosevelt Rd", -1200, -4800, -100), ("Cermak Rd", -2200, -4800, -100),
    ("31st St", -3100, -4800, 500), ("35th St", -3500, -4800, 500),
    ("47th St", -4700, -4800, 1200), ("55th St", -5500, -4800, 1600),
    ("63rd St", -6300, -6400, 2000), ("71st St", -7100, -4800, 2600),
    ("79th St", -7900, -4800, 2800), ("87th St", -8700, -4000, 3000),
    ("95th St", -9500, -3600, 2400), ("103rd St", -10300, -2800, -100),
    ("111th St", -11100, -2800, -100),
]
# North-south streets: (name, grid x, southmost y, northmost y)
_NORTH_SOUTH = [
    ("Halsted St", -800, -9500, 3800), ("Racine Ave", -1200, -8700, 3600),
    ("Ashland Ave", -1600, -9500, 7000), ("Damen Ave", -2000, -9500, 7000),
    ("Western Ave", -2400, -11100, 7200), ("California Ave", -2800, -7900, 7200),
    ("Kedzie Ave", -3200, -7900, 6400), ("Pulaski Rd", -4000, -7900, 6400),
    ("Cicero Ave", -4800, -7900, 6400), ("Central Ave", -5600, 100, 6000),
    ("Austin Ave", -6000, 100, 6400), ("Harlem Ave", -7200, 100, 6400),
    ("Dr Martin Luther King Jr Dr", 400, -9500, -2200),
    ("Cottage Grove Ave", 800, -9500, -2600), ("Stony Island Ave", 1600, -9500, -5600),
    ("Jeffery Blvd", 2000, -9500, -6700),
]
# Suburbs: (town, lat, lon, spread km, streets)
SUBURBS = [
    ("Evanston", 42.040, -87.700, 1.3, ["Ridge Ave", "Dempster St", "Church St", "Asbury Ave",
                                        "Main St", "Central St", "Oak Ave", "Maple Ave"]),
    ("Skokie", 42.033, -87.745, 1.6, ["Oakton St", "Main St", "Crawford Ave", "Lincoln Ave",
                                      "Niles Center Rd", "Gross Point Rd"]),
    ("Lincolnwood", 42.005, -87.733, 1.0, ["Pratt Ave", "Lincoln Ave", "Crawford Ave",
                                           "Touhy Ave"]),
    ("Park Ridge", 42.011, -87.840, 1.4, ["Prospect Ave", "Talcott Rd", "Cumberland Ave",
                                          "Dee Rd", "Northwest Hwy"]),
    ("Niles", 42.019, -87.803, 1.3, ["Milwaukee Ave", "Oakton St", "Harlem Ave",
                                     "Touhy Ave"]),
    ("Oak Park", 41.885, -87.785, 1.3, ["Lake St", "Oak Park Ave", "Ridgeland Ave",
                                        "Washington Blvd", "Euclid Ave", "Kenilworth Ave"]),
    ("Forest Park", 41.879, -87.814, 0.8, ["Madison St", "Des Plaines Ave", "Harrison St"]),
    ("Berwyn", 41.849, -87.794, 1.2, ["Oak Park Ave", "Ridgeland Ave", "Cermak Rd",
                                      "Grove Ave", "Ogden Ave"]),
    ("Evergreen Park", 41.721, -87.702, 1.0, ["S Kedzie Ave", "W 95th St", "W 99th St",
                                              "S Sacramento Ave"]),
    ("Oak Lawn", 41.711, -87.758, 1.6, ["W 95th St", "S Cicero Ave", "S Pulaski Rd",
                                        "W 103rd St", "S Central Ave"]),
]
REGIONS = ("North", "West", "South", "Central", "Suburbs")
CITY_AREA = {  # first three digits of a customer's phone by region
    "North": "773", "West": "773", "South": "773", "Central": "312", "Suburbs": "708",
}


@dataclass(frozen=True)
class Place:
    address: str
    lat: float
    lon: float
    region: str


def grid_to_latlon(x: float, y: float) -> tuple[float, float]:
    """Chicago grid (address units, +east / +north) to latitude and longitude."""
    miles_north = y / 800 if y >= -1200 else -1.0 + (y + 1200) / 800
    lat = ORIGIN_LAT + miles_north * MILE_M / 111_132
    lon = ORIGIN_LON + (x / 800) * MILE_M / (111_320 * math.cos(math.radians(lat)))
    return round(lat, 6), round(lon, 6)


def lake_x(y: float) -> float:
    """The easternmost dry x at grid y, interpolated along the shore."""
    if y <= _LAKE[0][0]:
        return _LAKE[0][1]
    for (y0, x0), (y1, x1) in zip(_LAKE, _LAKE[1:], strict=False):
        if y0 <= y <= y1:
            return x0 + (x1 - x0) * (y - y0) / (y1 - y0)
    return _LAKE[-1][1]


def city_region(x: float, y: float) -> str:
    if y > 1600 and not (x < -4800 and y < 2400):
        return "North"
    if y < -2200:
        return "South"
    return "West" if x < -2400 else "Central"


def _number(value: float, rng: random.Random) -> int:
    n = max(100, int(abs(value)))
    return n - n % 2 + rng.choice((0, 1))


def city_place(rng: random.Random) -> Place:
    """A street address on Chicago's grid, west of the lake."""
    while True:
        if rng.random() < 0.6:
            name, y, x0, x1 = rng.choice(_EAST_WEST)
            x = rng.uniform(x0, x1)
            number, direction = _number(x, rng), "W" if x < 0 else "E"
        else:
            name, x, y0, y1 = rng.choice(_NORTH_SOUTH)
            y = rng.uniform(y0, y1)
            number, direction = _number(y, rng), "N" if y >= 0 else "S"
        if x <= lake_x(y) - 100:
            lat, lon = grid_to_latlon(x, y)
            return Place(f"{number} {direction} {name}, {CITY}", lat, lon, city_region(x, y))


def suburb_place(rng: random.Random) -> Place:
    town, lat0, lon0, spread, streets = rng.choice(SUBURBS)
    dist, bearing = spread * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
    lat = lat0 + dist * math.cos(bearing) / 111.132
    lon = lon0 + dist * math.sin(bearing) / (111.320 * math.cos(math.radians(lat0)))
    number = rng.randrange(100, 2400)
    return Place(f"{number} {rng.choice(streets)}, {town}, IL", round(lat, 6), round(lon, 6),
                 "Suburbs")


def random_place(rng: random.Random, region: str | None = None,
                 suburb_share: float = 0.25) -> Place:
    """A place anywhere in the metro, or in ``region`` when given."""
    if region == "Suburbs":
        return suburb_place(rng)
    while True:
        place = (suburb_place(rng) if region is None and rng.random() < suburb_share
                 else city_place(rng))
        if region is None or place.region == region:
            return place


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


SPEED_KMH, DETOUR, OVERHEAD_MIN = 35.0, 1.3, 5


def drive_minutes(lat1: float, lon1: float, lat2: float, lon2: float) -> int:
    """Straight line x 1.3 at 35 km/h, plus 5 minutes to park and walk to the door."""
    km = distance_km(lat1, lon1, lat2, lon2)
    return math.ceil(km * DETOUR / SPEED_KMH * 60) + OVERHEAD_MIN
