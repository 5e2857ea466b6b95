"""Uploads: stored on disk under upload_dir, size limit, type from magic bytes,
replay-safe under a phone-chosen ref, visible only to whom it concerns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from crewboard.attachments.models import Attachment
from crewboard.auth.actor import Role
from tests.attachments.images import JPEG_HEAD, png
from tests.conftest import World

REF = "p_0123456789abcdef0123"


def _count(world: World) -> int:
    return world.run(lambda s: s.scalar(select(func.count()).select_from(Attachment)))


def _put(api: Any, data: bytes, ref: str = REF, ctype: str = "image/png", **params: Any) -> Any:
    return api.put(f"/attachments/{ref}", content=data, headers={"Content-Type": ctype},
                   params={"kind": "photo", **params})


def test_upload_is_stored_on_disk_and_readable(world: World, app: Any) -> None:
    tech = world.tech("Dana Kim")
    api = world.api(Role.technician, tech)
    data = png()
    r = _put(api, data)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["ref"] == REF and body["content_type"] == "image/png"
    assert body["size"] == len(data)
    files = list(Path(app.state.settings.upload_dir).rglob("*.png"))
    assert len(files) == 1 and files[0].read_bytes() == data
    content = api.get(f"/attachments/{REF}/content")
    assert content.status_code == 200 and content.content == data
    assert content.headers["content-type"] == "image/png"


def test_same_upload_again_is_a_noop(world: World) -> None:
    tech = world.tech("Dana Kim")
    api = world.api(Role.technician, tech)
    assert _put(api, png()).status_code == 201
    again = _put(api, png())
    assert again.status_code == 200 and again.json()["ref"] == REF
    assert _count(world) == 1
    other = _put(api, png(rgb=(1, 2, 3)))
    assert other.status_code == 409 and other.json()["error"]["code"] == "ref_taken"


def test_too_large_is_refused(world: World, app: Any) -> None:
    app.state.settings.upload_max_bytes = 1000
    api = world.api(Role.technician, world.tech("Dana Kim"))
    r = _put(api, JPEG_HEAD + b"\x00" * 2000, ctype="image/jpeg")
    assert r.status_code == 413 and r.json()["error"]["code"] == "upload_too_large"
    assert _count(world) == 0
    assert not list(Path(app.state.settings.upload_dir).rglob("*.*"))


def test_type_is_checked_by_magic_bytes(world: World) -> None:
    api = world.api(Role.technician, world.tech("Dana Kim"))
    html = _put(api, b"<html><script>alert(1)</script></html>", ctype="image/png")
    assert html.status_code == 415 and html.json()["error"]["code"] == "unsupported_type"
    lie = _put(api, png(), ctype="image/jpeg")
    assert lie.status_code == 415 and lie.json()["error"]["code"] == "type_mismatch"
    empty = _put(api, b"")
    assert empty.status_code == 422
    assert _count(world) == 0


def test_bad_ref_and_kind(world: World) -> None:
    api = world.api(Role.technician, world.tech("Dana Kim"))
    assert _put(api, png(), ref="short").json()["error"]["code"] == "bad_ref"
    assert _put(api, png(), ref="../../etc/passwd-aaaaaaaaaaaa").status_code in (404, 422)
    r = api.put(f"/attachments/{REF}", content=png(), headers={"Content-Type": "image/png"},
                params={"kind": "virus"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "kind"


def test_job_link_and_visibility(world: World) -> None:
    mine, theirs = world.tech("Dana Kim"), world.tech("Lee Park")
    from tests.jobs.drive import place

    job = place(world, __import__("crewboard.jobs.kinds", fromlist=["JobStatus"])
                .JobStatus.on_site, tech_id=mine, other_tech_id=theirs).job_id
    me = world.api(Role.technician, mine)
    other = world.api(Role.technician, theirs)
    assert _put(other, png(), job_id=job).status_code == 404  # not their job
    assert _put(me, png(), job_id=job).status_code == 201
    assert other.get(f"/attachments/{REF}").status_code == 404
    assert world.api(Role.dispatcher).get(f"/attachments/{REF}/content").status_code == 200
    assert world.api(Role.viewer).put(f"/attachments/{REF}x" + "y" * 5, content=png(),
                                      headers={"Content-Type": "image/png"}).status_code == 403
    assert world.client.get(f"/api/v1/attachments/{REF}/content").status_code == 401


def test_completion_carries_the_refs(world: World) -> None:
    from crewboard.jobs.kinds import JobStatus
    from tests.jobs.drive import place

    p = place(world, JobStatus.on_site)
    api = world.api(Role.technician, p.tech_id)
    assert _put(api, png(), job_id=p.job_id).status_code == 201
    sig = "s_0123456789abcdef0123"
    assert _put(api, png(rgb=(0, 0, 0)), ref=sig, job_id=p.job_id).status_code == 201
    r = api.post(f"/jobs/{p.job_id}/complete", json={"notes": "fixed", "photos": [REF],
                                                      "signature_ref": sig, "signed_by": "Pat"})
    assert r.status_code == 200, r.text
    assert r.json()["proof_photos"] == [REF] and r.json()["signature_ref"] == sig
