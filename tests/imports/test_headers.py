"""Header matching: synonyms, case and spacing, overrides, unknown and missing columns."""

from __future__ import annotations

import pytest

from crewboard.errors import ValidationFailed
from crewboard.imports.headers import Kind, map_headers, normalize, parse_overrides


def test_normalize_ignores_case_space_and_punctuation() -> None:
    assert normalize(" E-mail Address ") == normalize("email_address") == "emailaddress"


@pytest.mark.parametrize(("header", "field"), [
    ("Customer Name", "name"), ("NAME", "name"), ("Phone Number", "phone"), ("E-mail", "email"),
    ("Latitude", "lat"), ("Lng", "lon"), ("Longitude", "lon"), ("lon", "lon"),
    ("Service Address", "address"), ("Gate code", "access_notes"),
])
def test_customer_synonyms(header: str, field: str) -> None:
    cols = map_headers(Kind.customers, ["Name", header] if field != "name" else [header])
    assert not cols.errors
    assert cols.label[field] == header


def test_technician_lat_means_home_and_skills_shifts_synonyms() -> None:
    cols = map_headers(Kind.technicians, ["Tech Name", "Lat", "Lng", "Skills", "Working Hours",
                                          "Tools", "Area"])
    assert not cols.errors and not cols.warnings
    assert {f: cols.index[f] for f in cols.index} == {
        "name": 0, "home_lat": 1, "home_lon": 2, "skills": 3, "shifts": 4, "equipment": 5,
        "region": 6}


def test_job_columns_and_export_only_columns_are_quiet() -> None:
    cols = map_headers(Kind.jobs, ["Ref", "Status", "Client", "Phone", "Type", "Start", "End",
                                   "Duration", "Skills", "PO Number"])
    assert not cols.errors and not cols.warnings
    assert set(cols.index) == {"customer", "customer_phone", "job_type", "window_start",
                               "window_end", "duration_min", "required_skills", "billing_ref"}


def test_unknown_column_is_a_warning() -> None:
    cols = map_headers(Kind.customers, ["Name", "Favourite colour"])
    assert not cols.errors
    assert [w.column for w in cols.warnings] == ["Favourite colour"]
    assert "not a customers field" in cols.warnings[0].message


def test_missing_required_columns_are_named() -> None:
    cols = map_headers(Kind.technicians, ["Name", "Phone"])
    assert [e.field for e in cols.errors] == ["home_lat", "home_lon"]
    assert "'home_lat'" in cols.errors[0].message and cols.errors[0].row == 1
    jobs = map_headers(Kind.jobs, ["Description"], header_row=3)
    assert jobs.errors[0].message == ("The file has no 'customer' or 'customer_id' column, "
                                      "which a jobs import needs.")
    assert jobs.errors[0].row == 3


def test_overrides_win_and_can_ignore() -> None:
    cols = map_headers(Kind.customers, ["Client", "Cell", "Internal ID", "Where"],
                       overrides={"Cell": "phone", "Internal ID": "ignore", "where": "Address"})
    assert not cols.errors and not cols.warnings
    assert cols.label == {"name": "Client", "phone": "Cell", "address": "Where"}


def test_bad_overrides_are_errors() -> None:
    cols = map_headers(Kind.customers, ["Name", "Cell"],
                       overrides={"Cell": "fax", "Nope": "phone"})
    assert [e.code for e in cols.errors] == ["bad_mapping", "bad_mapping"]
    assert "'fax' is not a customers field" in cols.errors[0].message
    assert "'Nope'" in cols.errors[1].message


def test_two_columns_for_one_field_is_an_error() -> None:
    cols = map_headers(Kind.customers, ["Name", "Phone", "Phone Number"])
    assert cols.errors[0].code == "duplicate_column"
    assert "'Phone' and 'Phone Number' both mean phone" in cols.errors[0].message


def test_parse_overrides() -> None:
    assert parse_overrides(["Their Header=our_field", "a=b=c"]) == {
        "Their Header": "our_field", "a=b": "c"}
    with pytest.raises(ValidationFailed):
        parse_overrides(["no equals sign"])
