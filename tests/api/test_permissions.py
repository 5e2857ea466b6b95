"""Every route in the OpenAPI document, called by every role.

The table below must list every (method, path) the app serves: a new route
without a row here fails ``test_every_route_has_a_permission_row``.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from crewboard.auth.actions import do_create_api_token, do_create_user
from crewboard.auth.actor import SYSTEM, Role
from crewboard.auth.models import User
from crewboard.customers.models import Customer
from crewboard.jobs import actions as A
from crewboard.jobs.kinds import JobStatus
from crewboard.jobs.models import Job
from crewboard.technicians.actions import do_add_absence
from crewboard.technicians.kinds import AbsenceKind
from crewboard.technicians.models import Technician
from tests.conftest import World, at, iso, later
from tests.jobs.drive import place

S = JobStatus
ROLES = ("admin", "dispatcher", "technician", "technician_other", "viewer", "anonymous")
OK = "ok"

# who may call a route: expected outcome per column
PUBLIC = dict.fromkeys(ROLES, OK)
SIGNED_IN = {**dict.fromkeys(ROLES, OK), "anonymous": 401}
ADMIN = {"admin": OK, "dispatcher": 403, "technician": 403, "technician_other": 403,
         "viewer": 403, "anonymous": 401}
DISPATCH = {**ADMIN, "dispatcher": OK}
OFFICE_READ = {**DISPATCH, "viewer": OK}
OWN_READ = {**OFFICE_READ, "technician": OK, "technician_other": 404}
OWN_WRITE = {**OWN_READ, "viewer": 403}
STREAM = {**dict.fromkeys(ROLES, "stream"), "anonymous": 401}


@dataclass
class Ctx:
    world: World
    me: int  # the technician user's own technician record
    owner: int  # whose record/job this call is about

    def run(self, fn: Callable[[Session], Any]) -> Any:
        return self.world.run(fn)

    def job(self, status: JobStatus) -> int:
        other = self.world.tech("Spare Tech")
        return place(self.world, status, tech_id=self.owner, other_tech_id=other).job_id

    def cancelled_job(self) -> int:
        job_id = self.job(S.assigned)

        def cancel(s: Session) -> None:
            job = s.get(Job, job_id)
            assert job is not None
            A.do_cancel_job(s, SYSTEM, job, reason="x")

        self.run(cancel)
        return job_id

    def user(self, role: Role = Role.viewer, password: str | None = None) -> tuple[int, str]:
        email = f"u{uuid.uuid4().hex[:8]}@x.io"

        def make(s: Session) -> int:
            return do_create_user(s, SYSTEM, email=email, name="Someone", role=role,
                                  password=password).id

        return self.run(make), email

    def token(self) -> int:
        uid, _ = self.user()

        def make(s: Session) -> int:
            user = s.get(User, uid)
            assert user is not None
            return do_create_api_token(s, SYSTEM, user, "x").row.id

        return self.run(make)

    def customer(self) -> int:
        return self.world.customer()

    def location(self) -> tuple[int, int]:
        cid = self.world.customer()

        def first(s: Session) -> int:
            customer = s.get(Customer, cid)
            assert customer is not None
            return customer.locations[0].id

        return cid, self.run(first)

    def absence(self) -> int:
        def make(s: Session) -> int:
            tech = s.get(Technician, self.owner)
            assert tech is not None
            return do_add_absence(s, SYSTEM, tech, kind=AbsenceKind.time_off,
                                  starts_at=at("08:00"), ends_at=at("09:00"), reason=None).id

        return self.run(make)

    def skill(self) -> int:
        return self.world.skill(f"s{uuid.uuid4().hex[:6]}")

    def job_type(self) -> int:
        return self.world.job_type(f"t{uuid.uuid4().hex[:6]}")


Setup = Callable[[Ctx], tuple[str, Any]]


def _login(c: Ctx) -> tuple[str, Any]:
    _uid, email = c.user(password="long enough pw")
    return "/auth/login", {"email": email, "password": "long enough pw"}


def _job_route(status: JobStatus, suffix: str, body: Any = None) -> Setup:
    return lambda c: (f"/jobs/{c.job(status)}{suffix}", body)


def _location_path(c: Ctx) -> str:
    cid, lid = c.location()
    return f"/customers/{cid}/locations/{lid}"


def _new_customer() -> dict:
    return {"name": "New Co", "locations": [{"address": "2 Elm", "lat": 41.8, "lon": -87.6}]}


def _assign_body(c: Ctx) -> tuple[str, Any]:
    return (f"/jobs/{c.job(S.scheduled)}/assign",
            {"technician_id": c.owner, "planned_start": iso(at("10:00"))})


def _reassign_body(c: Ctx) -> tuple[str, Any]:
    return (f"/jobs/{c.job(S.assigned)}/reassign",
            {"technician_id": c.world.tech("Fresh Tech")})


API = "/api/v1"
FILES = "__files__"  # a body holding this key is sent as a multipart upload
PERMS: dict[tuple[str, str], tuple[dict[str, Any], Setup]] = {
    ("POST", "/auth/login"): (PUBLIC, _login),
    ("POST", "/auth/logout"): (PUBLIC, lambda c: ("/auth/logout", None)),
    ("GET", "/auth/me"): (SIGNED_IN, lambda c: ("/auth/me", None)),
    ("GET", "/users"): (ADMIN, lambda c: ("/users", None)),
    ("POST", "/users"): (ADMIN, lambda c: ("/users", {
        "email": f"n{uuid.uuid4().hex[:8]}@x.io", "name": "New", "role": "viewer"})),
    ("GET", "/users/{user_id}"): (ADMIN, lambda c: (f"/users/{c.user()[0]}", None)),
    ("PATCH", "/users/{user_id}"): (ADMIN, lambda c: (f"/users/{c.user()[0]}",
                                                      {"name": "Renamed"})),
    ("DELETE", "/users/{user_id}"): (ADMIN, lambda c: (f"/users/{c.user()[0]}", None)),
    ("POST", "/users/{user_id}/revoke-sessions"): (
        ADMIN, lambda c: (f"/users/{c.user()[0]}/revoke-sessions", None)),
    ("POST", "/users/{user_id}/tokens"): (
        ADMIN, lambda c: (f"/users/{c.user()[0]}/tokens", {"name": "ci"})),
    ("GET", "/tokens"): (ADMIN, lambda c: ("/tokens", None)),
    ("DELETE", "/tokens/{token_id}"): (ADMIN, lambda c: (f"/tokens/{c.token()}", None)),
    ("GET", "/company"): (SIGNED_IN, lambda c: ("/company", None)),
    ("PATCH", "/company"): (ADMIN, lambda c: ("/company", {"name": "Acme 2"})),
    ("GET", "/customers"): (OFFICE_READ, lambda c: ("/customers", None)),
    ("POST", "/customers"): (DISPATCH, lambda c: ("/customers", _new_customer())),
    ("GET", "/customers/{customer_id}"): (
        OFFICE_READ, lambda c: (f"/customers/{c.customer()}", None)),
    ("PATCH", "/customers/{customer_id}"): (
        DISPATCH, lambda c: (f"/customers/{c.customer()}", {"notes": "VIP"})),
    ("DELETE", "/customers/{customer_id}"): (
        DISPATCH, lambda c: (f"/customers/{c.customer()}", None)),
    ("POST", "/customers/{customer_id}/locations"): (
        DISPATCH, lambda c: (f"/customers/{c.customer()}/locations",
                             {"address": "3 Oak", "lat": 41.7, "lon": -87.7})),
    ("PATCH", "/customers/{customer_id}/locations/{location_id}"): (
        DISPATCH, lambda c: (_location_path(c), {"label": "Back office"})),
    ("DELETE", "/customers/{customer_id}/locations/{location_id}"): (
        DISPATCH, lambda c: (_location_path(c), None)),
    ("GET", "/skills"): (SIGNED_IN, lambda c: ("/skills", None)),
    ("POST", "/skills"): (DISPATCH, lambda c: ("/skills", {"name": f"k{uuid.uuid4().hex[:6]}"})),
    ("PATCH", "/skills/{skill_id}"): (
        DISPATCH, lambda c: (f"/skills/{c.skill()}", {"name": f"r{uuid.uuid4().hex[:6]}"})),
    ("DELETE", "/skills/{skill_id}"): (DISPATCH, lambda c: (f"/skills/{c.skill()}", None)),
    ("GET", "/technicians"): (SIGNED_IN, lambda c: ("/technicians", None)),
    ("POST", "/technicians"): (DISPATCH, lambda c: ("/technicians", {
        "name": "New Tech", "home_lat": 41.9, "home_lon": -87.6})),
    ("GET", "/technicians/{technician_id}"): (
        OWN_READ, lambda c: (f"/technicians/{c.owner}", None)),
    ("PATCH", "/technicians/{technician_id}"): (
        DISPATCH, lambda c: (f"/technicians/{c.owner}", {"region": "north"})),
    ("DELETE", "/technicians/{technician_id}"): (
        DISPATCH, lambda c: (f"/technicians/{c.owner}", None)),
    ("POST", "/technicians/{technician_id}/absences"): (
        DISPATCH, lambda c: (f"/technicians/{c.owner}/absences", {
            "kind": "time_off", "starts_at": iso(at("13:00")), "ends_at": iso(at("14:00"))})),
    ("DELETE", "/technicians/{technician_id}/absences/{absence_id}"): (
        DISPATCH, lambda c: (f"/technicians/{c.owner}/absences/{c.absence()}", None)),
    ("POST", "/technicians/{technician_id}/location"): (
        OWN_WRITE, lambda c: (f"/technicians/{c.owner}/location",
                              {"lat": 41.9, "lon": -87.6, "at": iso(later(-1))})),
    ("GET", "/technicians/{technician_id}/locations"): (
        OFFICE_READ, lambda c: (f"/technicians/{c.owner}/locations", None)),
    ("GET", "/job-types"): (SIGNED_IN, lambda c: ("/job-types", None)),
    ("POST", "/job-types"): (DISPATCH, lambda c: ("/job-types",
                                                  {"name": f"t{uuid.uuid4().hex[:6]}"})),
    ("GET", "/job-types/{job_type_id}"): (
        SIGNED_IN, lambda c: (f"/job-types/{c.job_type()}", None)),
    ("PATCH", "/job-types/{job_type_id}"): (
        DISPATCH, lambda c: (f"/job-types/{c.job_type()}", {"requires_photo": True})),
    ("DELETE", "/job-types/{job_type_id}"): (
        DISPATCH, lambda c: (f"/job-types/{c.job_type()}", None)),
    ("GET", "/jobs"): (SIGNED_IN, lambda c: ("/jobs", None)),
    ("POST", "/jobs"): (DISPATCH, lambda c: ("/jobs", {"customer_id": c.customer()})),
    ("GET", "/jobs/{job_id}"): (OWN_READ, _job_route(S.assigned, "")),
    ("PATCH", "/jobs/{job_id}"): (DISPATCH, _job_route(S.assigned, "", {"description": "x"})),
    ("DELETE", "/jobs/{job_id}"): (DISPATCH, lambda c: (f"/jobs/{c.cancelled_job()}", None)),
    ("GET", "/jobs/{job_id}/history"): (OWN_READ, _job_route(S.assigned, "/history")),
    ("POST", "/jobs/{job_id}/notes"): (OWN_WRITE, _job_route(S.assigned, "/notes",
                                                              {"text": "gate code"})),
    ("POST", "/jobs/{job_id}/delays"): (OWN_WRITE, _job_route(
        S.accepted, "/delays", {"minutes": 15, "reason": "traffic"})),
    ("POST", "/jobs/{job_id}/schedule"): (DISPATCH, _job_route(
        S.unscheduled, "/schedule",
        {"windows": [{"start": iso(at("08:00")), "end": iso(at("10:00"))}]})),
    ("POST", "/jobs/{job_id}/assign"): (DISPATCH, _assign_body),
    ("POST", "/jobs/{job_id}/reassign"): (DISPATCH, _reassign_body),
    ("POST", "/jobs/{job_id}/reschedule"): (DISPATCH, _job_route(
        S.assigned, "/reschedule", {"planned_start": iso(at("10:30"))})),
    ("POST", "/jobs/{job_id}/unassign"): (DISPATCH, _job_route(S.assigned, "/unassign", {})),
    ("POST", "/jobs/{job_id}/dispatch"): (DISPATCH, _job_route(S.assigned, "/dispatch")),
    ("POST", "/jobs/{job_id}/cancel"): (DISPATCH, _job_route(S.assigned, "/cancel",
                                                              {"reason": "no longer needed"})),
    ("POST", "/jobs/{job_id}/accept"): (OWN_WRITE, _job_route(S.dispatched, "/accept", {})),
    ("POST", "/jobs/{job_id}/start-travel"): (OWN_WRITE, _job_route(S.accepted,
                                                                     "/start-travel", {})),
    ("POST", "/jobs/{job_id}/arrive"): (OWN_WRITE, _job_route(S.en_route, "/arrive", {})),
    ("POST", "/jobs/{job_id}/complete"): (OWN_WRITE, _job_route(S.on_site, "/complete",
                                                                 {"notes": "fixed"})),
    ("POST", "/jobs/{job_id}/incomplete"): (OWN_WRITE, _job_route(
        S.on_site, "/incomplete", {"reason": "no_access"})),
    ("POST", "/imports/{kind}"): (DISPATCH, lambda c: ("/imports/customers?dry_run=true", {
        FILES: {"file": ("c.csv", b"Customer Name,Service Address,Latitude,Lng\n"
                                  b"Zed Q,5 Pine St,41.9,-87.6\n", "text/csv")}})),
    ("GET", "/exports/{kind}.csv"): (OFFICE_READ, lambda c: ("/exports/customers.csv", None)),
    ("GET", "/events/stream"): (STREAM, lambda c: ("/events/stream", None)),
    ("GET", "/healthz"): (PUBLIC, lambda c: ("/healthz", None)),
}
UNPREFIXED = {"/healthz"}

# Routes of the packages built on the foundation (planning, notifications, tracking, ...):
# checked with placeholder ids and bodies, so only the role gate is asserted here:
# a refused role gets exactly 401/403, an allowed one anything but 401/403 (404 and
# 422 are fine), and nobody a 500. Their behaviour is tested in their own packages.
ANY_SIGNED_IN = {**dict.fromkeys(ROLES, "passes auth"), "anonymous": 401}  # handler decides
OPEN_TO_ALL = dict.fromkeys(ROLES, "passes auth")  # public, token in the URL or signature
ROLE_ONLY: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/jobs/{job_id}/tracking-link"): DISPATCH,
    ("DELETE", "/jobs/{job_id}/tracking-link"): DISPATCH,
    ("GET", "/track/{token}/status"): OPEN_TO_ALL,
    ("POST", "/track/{token}/confirm"): OPEN_TO_ALL,
    ("POST", "/track/{token}/reschedule"): OPEN_TO_ALL,
    ("POST", "/track/{token}/cancel"): OPEN_TO_ALL,
    ("POST", "/technicians/{technician_id}/calendar-feeds"): ANY_SIGNED_IN,
    ("GET", "/technicians/{technician_id}/calendar-feeds"): ANY_SIGNED_IN,
    ("DELETE", "/technicians/{technician_id}/calendar-feeds/{feed_id}"): ANY_SIGNED_IN,
    ("GET", "/calendar/{name}"): OPEN_TO_ALL,
    ("GET", "/webhooks"): ADMIN,
    ("POST", "/webhooks"): ADMIN,
    ("GET", "/webhooks/{webhook_id}"): ADMIN,
    ("PATCH", "/webhooks/{webhook_id}"): ADMIN,
    ("DELETE", "/webhooks/{webhook_id}"): ADMIN,
    ("GET", "/webhooks/{webhook_id}/deliveries"): ADMIN,
    ("POST", "/webhooks/deliveries/{delivery_id}/redeliver"): ADMIN,
    ("PUT", "/attachments/{ref}"): ANY_SIGNED_IN,
    ("GET", "/attachments/{ref}"): ANY_SIGNED_IN,
    ("GET", "/attachments/{ref}/content"): ANY_SIGNED_IN,
    ("GET", "/jobs/{job_id}/messages"): OFFICE_READ,
    ("GET", "/notifications/settings"): OFFICE_READ,
    ("PATCH", "/notifications/settings"): ADMIN,
    ("GET", "/notifications/templates/{kind}"): OFFICE_READ,
    ("PUT", "/notifications/templates/{kind}"): ADMIN,
    ("POST", "/notifications/templates/{kind}/preview"): OFFICE_READ,
    ("GET", "/notifications/unsubscribe/{token}"): OPEN_TO_ALL,
    ("POST", "/notifications/unsubscribe/{token}"): OPEN_TO_ALL,
    ("POST", "/notifications/sms/inbound"): OPEN_TO_ALL,
    ("GET", "/outbox"): OFFICE_READ,
    ("GET", "/outbox/{message_id}"): OFFICE_READ,
    ("POST", "/outbox/{message_id}/retry"): DISPATCH,
    ("GET", "/planning/board"): SIGNED_IN,
    ("GET", "/planning/suggestions"): OFFICE_READ,
    ("POST", "/planning/optimize"): DISPATCH,
    ("GET", "/planning/proposals/{proposal_id}"): OFFICE_READ,
    ("POST", "/planning/proposals/{proposal_id}/apply"): DISPATCH,
    ("POST", "/planning/proposals/{proposal_id}/discard"): DISPATCH,
    ("POST", "/board/jobs/{job_id}/move"): DISPATCH,
    ("GET", "/tech/day"): ANY_SIGNED_IN,
}


def _served_routes(app: Any) -> set[tuple[str, str]]:
    out = set()
    for path, ops in app.openapi()["paths"].items():
        short = path.removeprefix(API) if path.startswith(API + "/") else path
        for method in ops:
            out.add((method.upper(), short))
    return out


def test_every_route_has_a_permission_row(app: Any) -> None:
    served = _served_routes(app)
    missing = sorted(served - set(PERMS) - set(ROLE_ONLY))
    stale = sorted((set(PERMS) | set(ROLE_ONLY)) - served)
    assert not set(PERMS) & set(ROLE_ONLY)
    assert not missing, f"routes without a permission row: {missing}"
    assert not stale, f"permission rows for routes the app no longer serves: {stale}"


@pytest.fixture
def tokens(world: World) -> dict[str, Any]:
    me = world.tech("Tess Tech")

    def make(s: Session) -> dict[str, Any]:
        out: dict[str, Any] = {"me": me}
        for role in Role:
            user = do_create_user(s, SYSTEM, email=f"{role.value}@perm.io",
                                  name=f"{role.value} user", role=role,
                                  technician_id=me if role is Role.technician else None)
            out[role.value] = do_create_api_token(s, SYSTEM, user, "t").token
        return out

    return world.run(make)


def _call(client: TestClient, token: str | None, method: str, path: str, body: Any) -> Any:
    url = path if path in UNPREFIXED else API + path
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    kw: dict[str, Any] = {"headers": headers}
    if isinstance(body, dict) and FILES in body:
        kw["files"] = body[FILES]
    elif body is not None:
        kw["json"] = body
    try:
        return client.request(method, url, **kw)
    finally:
        client.cookies.clear()  # a login must not leak into the next caller


@pytest.mark.parametrize("route", sorted(PERMS), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_permissions(world: World, client: TestClient, tokens: dict[str, Any],
                           route: tuple[str, str], subtests: pytest.Subtests) -> None:
    method, _template = route
    expected, setup = PERMS[route]
    for column in ROLES:
        want = expected[column]
        if want == "stream":  # endless response; tests/events/test_stream.py covers it
            continue
        if column in ("technician", "technician_other"):
            role_token = tokens["technician"]
            owner = tokens["me"] if column == "technician" else world.tech("Other Tech")
        else:
            role_token = None if column == "anonymous" else tokens[column]
            owner = world.tech("Office Tech")
        with subtests.test(column=column):
            path, body = setup(Ctx(world, tokens["me"], owner))
            reply = _call(client, role_token, method, path, body)
            if want == OK:
                assert 200 <= reply.status_code < 300, (column, path, reply.text)
            else:
                assert reply.status_code == want, (column, path, reply.text)
                error = reply.json()["error"]
                assert error["code"] == {401: "unauthorized", 403: "forbidden",
                                         404: "not_found"}[want]
                assert error["message"]


def test_unknown_token_is_401_on_every_non_public_route(client: TestClient) -> None:
    for (method, path), (expected, _setup) in sorted(PERMS.items()):
        if expected is PUBLIC:
            continue
        concrete = re.sub(r"\{kind\}", "customers", path)
        concrete = re.sub(r"\{[a-z_]+\}", "1", concrete)
        reply = _call(client, "cbt_not-a-real-token", method, concrete, None)
        assert reply.status_code == 401, (method, path, reply.text)
        assert reply.json()["error"]["code"] == "unauthorized"


def test_role_gate_of_routes_built_on_the_foundation(world: World, client: TestClient,
                                                    tokens: dict[str, Any],
                                                    subtests: pytest.Subtests) -> None:
    for (method, path), expected in sorted(ROLE_ONLY.items()):
        concrete = re.sub(r"\{[a-z_]+\}", "1", path)
        for column in ("admin", "dispatcher", "technician", "viewer", "anonymous"):
            want = expected[column]
            token = None if column == "anonymous" else tokens[column]
            with subtests.test(route=f"{method} {path}", column=column):
                reply = _call(client, token, method, concrete,
                              {} if method in ("POST", "PUT", "PATCH") else None)
                assert reply.status_code < 500, reply.text
                if want in (401, 403):
                    assert reply.status_code == want, reply.text
                elif want == "passes auth":
                    assert reply.status_code != 401, reply.text
                else:  # allowed: the gate lets it through, the handler may still say 404/422
                    assert reply.status_code not in (401, 403), reply.text
