"""A job's history is read entirely from its audit rows (jobs/history.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from crewboard.auth.actor import Role
from crewboard.events.models import Event
from crewboard.jobs.history import build_history
from tests.conftest import World, at, iso, later


def _event(i: int, action: str, frm: str | None = None, to: str | None = None,
           reason: str | None = None, **data: Any) -> Event:
    return Event(id=i, at=datetime(2030, 6, 4, 12, i, tzinfo=UTC), actor_user_id=None,
                 actor_name=f"actor{i}", entity_type="job", entity_id=1, job_id=1,
                 action=action, from_state=frm, to_state=to, reason=reason, data=data)


def test_build_history_sorts_every_kind_of_row() -> None:
    offline = "2030-06-04T11:58:00+00:00"
    events = [
        _event(1, "job.created", None, "scheduled"),
        _event(2, "job.assigned", "scheduled", "assigned", technician_id=5,
               technician="Dana", planned_start="p", warnings=[{"code": "w"}]),
        _event(3, "job.rescheduled", "assigned", "assigned", "customer asked",
               planned_start=["a", "b"]),
        _event(4, "job.reassigned", "assigned", "assigned", "closer", technician_id=6,
               technician="Lee", from_technician="Dana", from_technician_id=5),
        _event(5, "job.dispatched", "assigned", "dispatched"),
        _event(6, "job.delay_reported", reason="traffic", minutes=15),
        _event(7, "job.note", text="gate 12"),
        _event(8, "job.accepted", "dispatched", "accepted", occurred_at=offline),
        _event(9, "job.incomplete", "accepted", "incomplete", "no_access",
               reason_code="no_access", note=None),
    ]
    h = build_history(1, "J-1", events)
    assert list(h["status_timestamps"]) == ["scheduled", "assigned", "dispatched", "accepted",
                                            "incomplete"]
    assert h["status_timestamps"]["accepted"] == offline  # when it really happened
    assert h["status_timestamps"]["assigned"] == events[1].at  # the same-state rows don't move it
    assert [a["technician"] for a in h["assignments"]] == ["Dana", "Lee"]
    assert h["assignments"][0]["warnings"] == [{"code": "w"}]
    assert h["reassignments"] == [h["assignments"][1]]
    assert h["reassignments"][0]["from_technician"] == "Dana"
    assert h["reassignments"][0]["reason"] == "closer"
    assert [c["action"] for c in h["schedule_changes"]] == ["job.rescheduled"]
    assert h["delays"] == [{"at": events[5].at, "by": "actor6", "reason": "traffic",
                            "minutes": 15}]
    assert h["notes"][0]["text"] == "gate 12" and h["notes"][0]["by"] == "actor7"
    assert h["cancellation"] is None
    assert h["outcome"]["status"] == "incomplete" and h["outcome"]["reason_code"] == "no_access"
    assert h["events"] == events


def test_history_route_end_to_end(world: World) -> None:
    tech, other = world.tech("Dana Kim"), world.tech("Lee Park")
    job = world.job()
    office = world.api(Role.dispatcher)
    me = world.api(Role.technician, technician_id=other)
    steps = [
        (office, "assign", {"technician_id": tech, "planned_start": iso(at("09:00"))}),
        (office, "reschedule", {"planned_start": iso(at("10:00")), "reason": "late start"}),
        (office, "reassign", {"technician_id": other, "reason": "Dana sick"}),
        (office, "dispatch", None),
        (me, "accept", {"at": iso(later(-30))}),
        (me, "delays", {"minutes": 20, "reason": "traffic"}),
        (me, "notes", {"text": "dog in yard"}),
        (me, "start-travel", {}),
        (me, "arrive", {}),
        (me, "incomplete", {"reason": "parts_needed", "note": "valve"}),
    ]
    for who, step, body in steps:
        reply = who.post(f"/jobs/{job}/{step}", json=body)
        assert reply.status_code in (200, 201), (step, reply.text)
    h = office.get(f"/jobs/{job}/history").json()
    assert h["ref"] == f"J-{job}"
    assert list(h["status_timestamps"]) == ["scheduled", "assigned", "dispatched", "accepted",
                                            "en_route", "on_site", "incomplete"]
    accepted = datetime.fromisoformat(h["status_timestamps"]["accepted"])
    assert abs(accepted - later(-30)) < timedelta(minutes=1)
    assert [(a["technician"], a["reason"]) for a in h["assignments"]] == [
        ("Dana Kim", None), ("Lee Park", "Dana sick")]
    assert h["reassignments"][0]["from_technician"] == "Dana Kim"
    assert h["schedule_changes"][0]["reason"] == "late start"
    assert h["delays"][0]["minutes"] == 20 and h["delays"][0]["by"] == "Technician User"
    assert h["notes"][0]["text"] == "dog in yard"
    assert h["outcome"]["status"] == "incomplete" and h["outcome"]["note"] == "valve"
    actions = [e["action"] for e in h["events"]]
    assert actions == ["job.created", "job.assigned", "job.rescheduled", "job.reassigned",
                       "technician.job_removed", "job.dispatched", "job.accepted",
                       "job.delay_reported", "job.note", "job.en_route", "job.arrived",
                       "job.incomplete", "job.follow_up_created"]
    # the technician now holding the job reads the same history
    assert me.get(f"/jobs/{job}/history").json()["events"] == h["events"]


def test_cancellation_in_history(world: World) -> None:
    job = world.job()
    office = world.api(Role.dispatcher)
    assert office.post(f"/jobs/{job}/cancel", json={"reason": "moved away"}).status_code == 200
    h = office.get(f"/jobs/{job}/history").json()
    assert h["cancellation"]["reason"] == "moved away"
    assert h["cancellation"]["by"] == "Dispatcher User"
    assert list(h["status_timestamps"]) == ["scheduled", "cancelled"]
