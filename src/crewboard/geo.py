"""Coordinate validation shared by customers, technicians and location reports."""

from __future__ import annotations

from crewboard.errors import ValidationFailed


def check_coordinates(lat: float | None, lon: float | None, field: str = "") -> None:
    """Latitude in [-90, 90], longitude in [-180, 180], both or neither."""
    prefix = f"{field}." if field else ""
    if (lat is None) != (lon is None):
        raise ValidationFailed("bad_coordinates", "Give both latitude and longitude.",
                               field=f"{prefix}lat")
    if lat is not None and not -90 <= lat <= 90:
        raise ValidationFailed("bad_coordinates",
                               f"Latitude {lat} is out of range (-90 to 90).",
                               field=f"{prefix}lat")
    if lon is not None and not -180 <= lon <= 180:
        raise ValidationFailed("bad_coordinates",
                               f"Longitude {lon} is out of range (-180 to 180).",
                               field=f"{prefix}lon")
