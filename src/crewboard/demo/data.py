"""The demo company's fixed material: skills, job types, crew, names and notes.

Pure constants, no database: ``build.py`` draws from these with a seeded
``random.Random`` so one seed always gives the same company.
"""

from __future__ import annotations

from dataclasses import dataclass, field

COMPANY_NAME = "Northside Home Services"
TIMEZONE = "America/Chicago"
DAY_START, DAY_END = "07:30", "17:30"
WORKING_DAYS = [0, 1, 2, 3, 4]
DEMO_PASSWORD = "crewboard-demo"
EMAIL_DOMAIN = "demo.crewboard"

# name -> (max level, description)
SKILLS: dict[str, tuple[int, str]] = {
    "hvac": (3, "Heating and cooling: 1 tune-ups, 2 repairs, 3 installs and diagnostics"),
    "plumbing": (3, "1 fixtures and leaks, 2 re-piping and installs, 3 master plumber"),
    "electrical": (3, "1 devices, 2 circuits and fixtures, 3 licensed: panels and services"),
    "gas-cert": (1, "Certified to work on gas lines and gas appliances"),
    "appliance": (2, "1 common repairs, 2 sealed systems and diagnostics"),
    "water-heater": (2, "1 tank repairs, 2 tankless and power-vent"),
    "drain-cleaning": (1, "Snaking, jetting and camera work"),
    "refrigeration": (2, "Refrigerant handling (EPA 608); 2 = commercial"),
    "backflow-cert": (1, "Certified backflow prevention tester"),
}


@dataclass(frozen=True)
class JobTypeSpec:
    name: str
    duration: int
    skills: dict[str, int]
    equipment: tuple[str, ...] = ()
    signature: bool = False
    photo: bool = False
    winter: int = 3  # booking weight Oct-Apr
    summer: int = 3  # booking weight May-Sep
    problems: tuple[str, ...] = ()
    fixes: tuple[str, ...] = ()


JOB_TYPES: list[JobTypeSpec] = [
    JobTypeSpec("Furnace repair", 90, {"hvac": 2, "gas-cert": 1}, signature=True,
                winter=9, summer=1,
                problems=("No heat; furnace short-cycles", "Furnace blows cold air",
                          "Igniter clicks but no flame", "Furnace makes a loud banging noise"),
                fixes=("Replaced hot-surface igniter, tested three full cycles.",
                       "Cleaned flame sensor and burners; heat restored.",
                       "Replaced inducer motor; checked CO at 0 ppm.")),
    JobTypeSpec("Furnace tune-up", 60, {"hvac": 1}, winter=8, summer=1,
                problems=("Annual furnace maintenance", "Pre-winter furnace check"),
                fixes=("Replaced filter, cleaned burners, checked heat exchanger.",
                       "Tune-up done; filter 16x25x1 replaced, system normal.")),
    JobTypeSpec("AC tune-up", 60, {"hvac": 1}, winter=1, summer=8,
                problems=("Spring AC maintenance", "AC check before summer"),
                fixes=("Cleaned condenser coil, checked charge, replaced filter.",)),
    JobTypeSpec("AC repair", 90, {"hvac": 2, "refrigeration": 1}, ("recovery unit",),
                winter=1, summer=6,
                problems=("AC runs but does not cool", "Outdoor unit not starting"),
                fixes=("Replaced run capacitor; cooling restored.",
                       "Found and brazed a leak at the service valve, recharged R-410A.")),
    JobTypeSpec("Thermostat install", 45, {"hvac": 1}, winter=4, summer=4,
                problems=("Install customer-supplied smart thermostat",
                          "Thermostat blank, replace"),
                fixes=("Installed smart thermostat with C-wire adapter, set schedule.",)),
    JobTypeSpec("Drain cleaning", 60, {"drain-cleaning": 1}, ("drain snake",),
                winter=7, summer=7,
                problems=("Kitchen sink draining slowly", "Basement floor drain backing up",
                          "Bathtub clogged"),
                fixes=("Snaked kitchen line 25 ft, cleared grease clog.",
                       "Cleared main line at cleanout; ran water 10 min, flowing.")),
    JobTypeSpec("Sewer camera inspection", 60, {"drain-cleaning": 1, "plumbing": 1},
                ("pipe camera",), photo=True, winter=2, summer=3,
                problems=("Recurring backups, inspect main line", "Pre-purchase sewer scope"),
                fixes=("Camera run 80 ft: root intrusion at 62 ft, estimate sent.",)),
    JobTypeSpec("Leak repair", 60, {"plumbing": 1}, winter=8, summer=7,
                problems=("Leak under kitchen sink", "Water stain on ceiling below bathroom",
                          "Dripping shutoff valve in basement"),
                fixes=("Replaced compression fitting under sink; no leak after 15 min.",
                       "Replaced angle stop and supply line.")),
    JobTypeSpec("Faucet replacement", 45, {"plumbing": 1}, winter=5, summer=5,
                problems=("Replace kitchen faucet (customer has new one)",
                          "Bathroom faucet dripping, replace"),
                fixes=("Installed new faucet and supply lines, tested hot and cold.",)),
    JobTypeSpec("Toilet repair", 45, {"plumbing": 1}, winter=6, summer=6,
                problems=("Toilet runs constantly", "Toilet rocks and leaks at base"),
                fixes=("Replaced fill valve and flapper.", "Reset toilet on new wax ring.")),
    JobTypeSpec("Water heater install", 180, {"plumbing": 2, "water-heater": 1},
                ("hand truck",), signature=True, winter=2, summer=2,
                problems=("Replace 40-gal gas water heater (leaking tank)",
                          "Install 50-gal water heater"),
                fixes=("Installed 50-gal gas heater, new flex lines, hauled old tank away.",)),
    JobTypeSpec("Water heater repair", 75, {"water-heater": 1}, winter=5, summer=3,
                problems=("No hot water", "Pilot light keeps going out"),
                fixes=("Replaced thermocouple; pilot holds, water at 120F.",)),
    JobTypeSpec("Panel upgrade", 240, {"electrical": 3}, photo=True, winter=1, summer=1,
                problems=("Upgrade 100A panel to 200A", "Replace Federal Pacific panel"),
                fixes=("Installed 200A panel, labelled circuits, inspection scheduled.",)),
    JobTypeSpec("Outlet & switch repair", 45, {"electrical": 1}, winter=7, summer=7,
                problems=("Dead outlets in living room", "GFCI in bathroom keeps tripping",
                          "Light switch sparks"),
                fixes=("Replaced failed GFCI and two downstream outlets.",
                       "Tightened backstabbed connections, replaced switch.")),
    JobTypeSpec("Lighting install", 60, {"electrical": 2}, ("extension ladder",),
                winter=3, summer=4,
                problems=("Install ceiling fan in bedroom", "Replace porch light fixtures"),
                fixes=("Installed fan on fan-rated box, tested all speeds.",)),
    JobTypeSpec("EV charger install", 180, {"electrical": 3}, photo=True, signature=True,
                winter=1, summer=2,
                problems=("Install Level 2 EV charger in garage",),
                fixes=("Ran 60A circuit to garage, mounted and commissioned charger.",)),
    JobTypeSpec("Appliance repair", 75, {"appliance": 1}, winter=7, summer=7,
                problems=("Dishwasher not draining", "Washer stops mid-cycle",
                          "Dryer runs but no heat", "Oven not heating"),
                fixes=("Replaced drain pump; full cycle OK.",
                       "Replaced dryer heating element and thermal fuse.",
                       "Replaced lid switch; washer completes cycle.")),
    JobTypeSpec("Refrigerator repair", 90, {"appliance": 2, "refrigeration": 1},
                winter=3, summer=4,
                problems=("Refrigerator not cooling", "Freezer frosting up"),
                fixes=("Replaced defrost heater and timer.", "Replaced start relay.")),
    JobTypeSpec("Gas leak check", 45, {"gas-cert": 1}, winter=3, summer=1,
                problems=("Smell of gas near the stove", "Gas smell in basement"),
                fixes=("Found loose flare fitting at range, tightened, tested 0 ppm.",)),
    JobTypeSpec("Backflow test", 45, {"plumbing": 1, "backflow-cert": 1}, photo=True,
                winter=1, summer=3,
                problems=("Annual backflow preventer test (city notice)",),
                fixes=("Tested RPZ: passed; report filed with the water department.",)),
    JobTypeSpec("Smoke & CO detector check", 30, {"electrical": 1}, winter=4, summer=2,
                problems=("Replace hardwired smoke detectors", "CO alarm chirping"),
                fixes=("Replaced 3 hardwired smoke/CO combos, tested interconnect.",)),
]

EMERGENCIES: list[tuple[str, str]] = [
    ("Gas leak check", "EMERGENCY: strong gas smell in kitchen, family waiting outside"),
    ("Leak repair", "EMERGENCY: burst pipe under kitchen sink, water shut off at main"),
    ("Furnace repair", "EMERGENCY: no heat, elderly resident, house at 55F"),
    ("Drain cleaning", "EMERGENCY: sewage backing up through basement floor drain"),
]


@dataclass(frozen=True)
class Archetype:
    skills: dict[str, int]
    equipment: tuple[str, ...] = ()
    extras: dict[str, int] = field(default_factory=dict)  # one may be added per seed


ARCHETYPES: dict[str, Archetype] = {
    "hvac_senior": Archetype({"hvac": 3, "gas-cert": 1, "refrigeration": 2, "electrical": 1},
                             ("recovery unit", "extension ladder"), {"water-heater": 1}),
    "hvac": Archetype({"hvac": 2, "gas-cert": 1, "refrigeration": 1}, ("recovery unit",),
                      {"electrical": 1, "water-heater": 1}),
    "hvac_junior": Archetype({"hvac": 1}, (), {"appliance": 1}),
    "plumber_senior": Archetype({"plumbing": 3, "water-heater": 2, "drain-cleaning": 1,
                                 "gas-cert": 1, "backflow-cert": 1},
                                ("drain snake", "hand truck", "pipe camera")),
    "plumber": Archetype({"plumbing": 2, "water-heater": 1, "drain-cleaning": 1},
                         ("drain snake", "hand truck"), {"backflow-cert": 1, "gas-cert": 1}),
    "plumber_junior": Archetype({"plumbing": 1, "drain-cleaning": 1}, ("drain snake",)),
    "drain": Archetype({"drain-cleaning": 1, "plumbing": 1},
                       ("drain snake", "pipe camera", "jetter")),
    "electrician_master": Archetype({"electrical": 3}, ("extension ladder",)),
    "electrician": Archetype({"electrical": 2}, ("extension ladder",), {"appliance": 1}),
    "appliance": Archetype({"appliance": 2, "refrigeration": 1, "electrical": 1},
                           ("hand truck",)),
    "appliance_junior": Archetype({"appliance": 1}, (), {"electrical": 1}),
    "generalist": Archetype({"plumbing": 1, "electrical": 1, "appliance": 1, "hvac": 1},
                            ("extension ladder", "drain snake"), {"drain-cleaning": 1}),
}

# The crew in roster order (a smaller demo takes the first N).
# (name, archetype, region, shift pattern, works Saturday mornings, Sunday on-call)
CREW: list[tuple[str, str, str, str, bool, bool]] = [
    ("Dana Kim", "hvac_senior", "North", "early", True, False),
    ("Marcus Johnson", "plumber_senior", "South", "day", False, False),
    ("Luis Hernandez", "hvac", "West", "day", True, False),
    ("Priya Patel", "electrician_master", "Central", "late", False, False),
    ("Tom O'Brien", "plumber", "North", "early", True, False),
    ("Keisha Williams", "appliance", "South", "day", False, False),
    ("Pawel Nowak", "drain", "Suburbs", "early", False, False),
    ("Jamal Carter", "hvac", "South", "late", False, False),
    ("Maria Garcia", "plumber", "West", "day", True, False),
    ("Steve Kowalski", "electrician", "Suburbs", "early", False, False),
    ("Ana Rodriguez", "generalist", "West", "day", False, False),
    ("Kevin Nguyen", "hvac_junior", "North", "day", False, False),
    ("Rachel Cohen", "plumber_junior", "Central", "late", False, False),
    ("DeShawn Harris", "hvac_senior", "South", "day", False, True),
    ("Mike Sullivan", "plumber_senior", "Suburbs", "early", False, True),
    ("Erin Murphy", "electrician_master", "North", "day", True, False),
    ("Carlos Ramirez", "hvac", "Suburbs", "day", False, False),
    ("Tanya Brooks", "appliance_junior", "Central", "early", False, False),
    ("Omar Haddad", "plumber", "Suburbs", "late", False, False),
    ("Jenny Lin", "electrician", "North", "day", False, False),
    ("Brian Schultz", "drain", "West", "early", True, False),
    ("Hector Morales", "plumber_junior", "South", "day", False, False),
    ("Lisa Novak", "appliance", "North", "late", False, False),
    ("Andre Thompson", "hvac_junior", "West", "early", False, False),
    ("Grace Okafor", "generalist", "South", "day", False, False),
]

# pattern -> (start, end, break minutes), Monday to Friday
SHIFT_PATTERNS: dict[str, tuple[str, str, int]] = {
    "early": ("07:30", "16:00", 30),
    "day": ("08:00", "17:00", 30),
    "late": ("09:00", "17:30", 30),
}
SATURDAY = ("08:00", "12:30", 0)
SUNDAY_ON_CALL = ("09:00", "15:00", 30)

OFFICE_USERS: list[tuple[str, str, str]] = [
    # role, e-mail local part, name
    ("admin", "admin", "Alex Morgan"),
    ("dispatcher", "dispatcher", "Sam Rivera"),
    ("viewer", "viewer", "Jordan Lee"),
]

FIRST_NAMES = [
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Christopher", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty",
    "Mark", "Sandra", "Donald", "Ashley", "Steven", "Kimberly", "Andrew", "Emily", "Joshua",
    "Donna", "Kenneth", "Michelle", "Kevin", "Carol", "Brian", "Amanda", "Aisha", "Jose",
    "Mei", "Tariq", "Guadalupe", "Darnell", "Fatima", "Hiroshi", "Ines", "Olumide", "Sven",
    "Bogdan", "Lakshmi", "Tyrone", "Yesenia", "Malik", "Agnieszka", "Rosa", "Wei", "Imani",
]
LAST_NAMES = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
    "Rodriguez", "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas",
    "Taylor", "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris",
    "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King",
    "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson",
    "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Kowalczyk",
    "Wisniewski", "Olson", "Johansson", "Okonkwo", "Patel", "Shah", "Chen", "Wang", "Kim",
    "Park", "Murphy", "O'Connor", "Kelly", "Sullivan", "Brennan", "Rossi", "Esposito",
    "Papadopoulos", "Haddad", "Novak", "Dvorak", "Schmidt", "Becker", "Jablonski",
    "Washington", "Freeman", "Banks", "Moreno", "Castillo",
]
BUSINESSES = [
    "Lakeview Dental Group", "Belmont Bakery", "Kedzie Auto Body", "Logan Square Laundromat",
    "Hyde Park Montessori", "Pilsen Taqueria", "Wicker Park Yoga", "Andersonville Books",
    "Rogers Park Food Co-op", "Bridgeport Coffee House", "Ravenswood Vet Clinic",
    "Uptown Pho", "Bronzeville Barbershop", "Irving Park Animal Hospital",
    "Evanston Family Dental", "Oak Park Pilates", "Berwyn Bowl", "Skokie Kosher Deli",
    "Park Ridge Pediatrics", "Beverly Hardware", "Humboldt Park Daycare",
    "South Shore Cleaners", "Chinatown Tea House", "Greektown Gyros", "Lincoln Square Florist",
]
LOCATION_LABELS = ["Home", "Home", "Home", "Condo", "House"]
SECOND_LABELS = ["Rental unit", "Two-flat (rental)", "Parents' house", "Garden unit",
                 "Lake cottage"]
BUSINESS_LABELS = ["Store", "Office", "Clinic"]
BUSINESS_SECOND = ["Second store", "Warehouse", "Back office"]
ACCESS_NOTES = [
    "Gate code 4412", "Dog in yard, call from the curb", "Park in the alley behind garage",
    "Ring the side door, front bell broken", "Call 10 min before arrival",
    "Key in lockbox, code 2291", "Ask the doorman, service elevator to 4th floor",
    "Basement entrance at the rear", "Street parking only; permit zone, use pass on dash",
    "Tenant on site; landlord approved work", "Two cats, keep doors closed",
    "Loading dock on the side street, buzz 3",
]
CUSTOMER_NOTES = [
    "Prefers text messages", "Long-time customer, service plan member",
    "Spanish preferred", "Pays by check on completion", "Bill the property manager",
]
CANCEL_REASONS = [
    "Customer cancelled: problem fixed itself after a reset",
    "Customer rescheduling; out of town until next week",
    "Customer went with the landlord's contractor",
]
NOTES = [
    "Customer called: please use the side entrance.",
    "Customer asked for a call when the tech is 15 minutes out.",
    "Landlord approved the work by phone; tenant will let you in.",
    "Bring shoe covers, new hardwood floors.",
]
DELAY_REASONS = ["Previous job ran long", "Traffic on the Kennedy",
                 "Parts stop at the supply house"]
UNSCHEDULED = [
    "Customer will call back with availability",
    "Estimate requested; call to book a visit",
    "Annual maintenance due; customer to pick a day",
    "Waiting on landlord approval before booking",
]
