"""Login and logout with the session cookie, /auth/me, API tokens, deactivation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from crewboard.api.deps import SESSION_COOKIE
from crewboard.auth.actor import Role
from crewboard.auth.models import ApiToken, WebSession
from crewboard.db import utcnow
from crewboard.events.models import Event
from tests.conftest import World

API = "/api/v1"
PASSWORD = "correct horse battery"


def _login(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    return client.post(f"{API}/auth/login", json={"email": email, "password": password},
                       headers={"user-agent": "PhoneApp/1.0"})


def _user(world: World, role: Role = Role.dispatcher, email: str = "dana@acme.io",
          **kw: Any) -> tuple[int, str]:
    return world.user(role, email=email, password=PASSWORD, **kw)


def test_login_sets_cookie_and_me_reads_it(world: World, client: TestClient) -> None:
    uid, _token = _user(world)
    reply = _login(client, "Dana@Acme.io ")  # e-mail is trimmed and case-insensitive
    assert reply.status_code == 200, reply.text
    assert reply.json()["id"] == uid and reply.json()["role"] == "dispatcher"
    assert "password" not in reply.text and "hash" not in reply.text
    cookie = reply.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie and "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    me = client.get(f"{API}/auth/me")
    assert me.status_code == 200 and me.json()["email"] == "dana@acme.io"
    assert client.get(f"{API}/jobs").status_code == 200
    with world.db.session() as s:
        row = s.scalar(select(WebSession).where(WebSession.user_id == uid))
        assert row is not None and row.user_agent == "PhoneApp/1.0"
        assert s.scalar(select(Event).where(Event.action == "user.logged_in",
                                            Event.entity_id == uid)) is not None


def test_logout_ends_the_session(world: World, client: TestClient) -> None:
    _user(world)
    assert _login(client, "dana@acme.io").status_code == 200
    cookie = client.cookies.get(SESSION_COOKIE)
    assert cookie
    out = client.post(f"{API}/auth/logout")
    assert out.status_code == 204
    assert client.get(f"{API}/auth/me").status_code == 401
    # the old cookie value is dead on the server too, not just deleted in the browser
    client.cookies.set(SESSION_COOKIE, cookie)
    assert client.get(f"{API}/auth/me").status_code == 401
    assert client.post(f"{API}/auth/logout").status_code == 204  # idempotent
    client.cookies.clear()
    assert client.post(f"{API}/auth/logout").status_code == 204  # no cookie at all


def test_wrong_password_or_unknown_user(world: World, client: TestClient) -> None:
    _user(world)
    for email, password in (("dana@acme.io", "wrong password"), ("nobody@acme.io", PASSWORD),
                            ("dana@acme.io", "")):
        reply = _login(client, email, password)
        assert reply.status_code == 401
        assert reply.json()["error"] == {"code": "unauthorized",
                                         "message": "Wrong e-mail or password."}
    assert SESSION_COOKIE not in client.cookies


def test_user_without_password_cannot_log_in(world: World, client: TestClient) -> None:
    admin = world.api(Role.admin)
    made = admin.post("/users", json={"email": "api@acme.io", "name": "Bot", "role": "viewer"})
    assert made.status_code == 201
    assert _login(client, "api@acme.io", "").status_code == 401
    assert _login(client, "api@acme.io", "anything at all").status_code == 401


def test_garbage_or_expired_cookie_is_anonymous(world: World, client: TestClient) -> None:
    uid, _ = _user(world)
    client.cookies.set(SESSION_COOKIE, "cbs_garbage")
    assert client.get(f"{API}/auth/me").status_code == 401
    client.cookies.clear()
    assert _login(client, "dana@acme.io").status_code == 200
    with world.db.scope() as s:
        s.execute(update(WebSession).where(WebSession.user_id == uid)
                  .values(expires_at=utcnow() - timedelta(seconds=1)))
    assert client.get(f"{API}/auth/me").status_code == 401


def test_deactivated_user_cannot_log_in_and_loses_tokens(world: World,
                                                         client: TestClient) -> None:
    uid, token = _user(world, Role.technician, technician_id=world.tech("Dana"))
    admin = world.api(Role.admin)
    assert _login(client, "dana@acme.io").status_code == 200
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get(f"{API}/auth/me", headers=bearer).status_code == 200
    assert admin.delete(f"/users/{uid}").status_code == 204
    assert client.get(f"{API}/auth/me").status_code == 401  # the cookie session died
    assert client.get(f"{API}/auth/me", headers=bearer).status_code == 401
    client.cookies.clear()
    assert _login(client, "dana@acme.io").status_code == 401
    read = admin.get(f"/users/{uid}").json()
    assert read["active"] is False
    # reactivating does not resurrect the old token
    assert admin.patch(f"/users/{uid}", json={"active": True}).status_code == 200
    assert client.get(f"{API}/auth/me", headers=bearer).status_code == 401
    assert _login(client, "dana@acme.io").status_code == 200


def test_revoke_sessions_logs_a_lost_phone_out(world: World, client: TestClient) -> None:
    uid, token = _user(world, Role.technician, technician_id=world.tech("Dana"))
    admin = world.api(Role.admin)
    assert _login(client, "dana@acme.io").status_code == 200
    phone_cookie = client.cookies.get(SESSION_COOKIE)
    client.cookies.clear()
    assert admin.post(f"/users/{uid}/revoke-sessions").status_code == 204
    client.cookies.set(SESSION_COOKIE, phone_cookie or "")
    assert client.get(f"{API}/auth/me").status_code == 401
    client.cookies.clear()
    assert client.get(f"{API}/auth/me",
                      headers={"Authorization": f"Bearer {token}"}).status_code == 401
    # the user can still sign in again on a new device
    assert _login(client, "dana@acme.io").status_code == 200
    with world.db.session() as s:
        assert s.scalar(select(Event).where(Event.action == "user.sessions_revoked")) is not None


def test_api_token_create_use_revoke(world: World, client: TestClient) -> None:
    admin = world.api(Role.admin)
    uid, _ = _user(world, Role.viewer, email="integrator@acme.io")
    made = admin.post(f"/users/{uid}/tokens", json={"name": "billing sync"})
    assert made.status_code == 201, made.text
    body = made.json()
    token = body["token"]
    assert token.startswith("cbt_") and body["prefix"] == token[:10]
    assert body["name"] == "billing sync" and body["revoked"] is False
    headers = {"Authorization": f"Bearer {token}"}
    me = client.get(f"{API}/auth/me", headers=headers)
    assert me.status_code == 200 and me.json()["id"] == uid
    listed = admin.get("/tokens").json()
    row = next(t for t in listed["items"] if t["id"] == body["id"])
    assert "token" not in row and row["last_used_at"] is not None
    with world.db.session() as s:
        stored = s.get(ApiToken, body["id"])
        assert stored is not None and token not in (stored.token_hash, stored.prefix)
    assert admin.delete(f"/tokens/{body['id']}").status_code == 204
    gone = client.get(f"{API}/auth/me", headers=headers)
    assert gone.status_code == 401
    assert gone.json()["error"]["message"] == "The API token is unknown or revoked."
    assert admin.delete("/tokens/999999").status_code == 404
    assert admin.post(f"/users/{uid}/tokens", json={"name": ""}).status_code == 422


def test_bearer_header_variants(world: World, client: TestClient) -> None:
    _uid, token = _user(world, Role.viewer)
    assert client.get(f"{API}/auth/me",
                      headers={"Authorization": f"bearer   {token}  "}).status_code == 200
    assert client.get(f"{API}/auth/me", headers={"Authorization": "Bearer "}).status_code == 401
    assert client.get(f"{API}/auth/me",
                      headers={"Authorization": f"Basic {token}"}).status_code == 401


def test_user_admin_routes(world: World, client: TestClient) -> None:
    admin = world.api(Role.admin)
    tech = world.tech("Dana")
    made = admin.post("/users", json={"email": "New@Acme.io", "name": "New Tech",
                                      "role": "technician", "technician_id": tech,
                                      "password": PASSWORD})
    assert made.status_code == 201, made.text
    assert made.json()["email"] == "new@acme.io"
    dup = admin.post("/users", json={"email": "new@acme.io", "name": "x", "role": "viewer"})
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "duplicate_email"
    assert dup.json()["error"]["field"] == "email"
    other = admin.post("/users", json={"email": "x@acme.io", "name": "x",
                                       "role": "technician", "technician_id": tech})
    assert other.status_code == 409  # one login per technician
    listed = admin.get("/users?limit=1")
    assert listed.status_code == 200 and listed.json()["limit"] == 1
    assert listed.json()["total"] >= 2
    uid = made.json()["id"]
    promote = admin.patch(f"/users/{uid}", json={"role": "dispatcher",
                                                 "technician_id": None})
    assert promote.status_code == 200 and promote.json()["role"] == "dispatcher"
    demote = admin.patch(f"/users/{uid}", json={"role": "technician"})
    assert demote.status_code == 422
    assert demote.json()["error"]["code"] == "technician_required"
    weak = admin.patch(f"/users/{uid}", json={"password": "short"})
    assert weak.status_code == 422 and weak.json()["error"]["field"] == "password"
    assert admin.patch(f"/users/{uid}", json={"password": "a brand new one"}).status_code == 200
    assert _login(client, "new@acme.io", "a brand new one").status_code == 200
    with world.db.session() as s:
        updates = list(s.scalars(select(Event).where(Event.action == "user.updated",
                                                     Event.entity_id == uid)))
        assert updates[-1].data["changed"] == {"password": ["***", "***"]}
        assert all(PASSWORD not in str(e.data) for e in s.scalars(select(Event)))
    assert admin.get("/users/999999").status_code == 404


def test_a_technician_account_without_its_technician_sees_nothing(world: World) -> None:
    from crewboard.auth.models import User
    from crewboard.events.stream import visible

    tech = world.tech("Dana")
    world.job()  # unassigned: "technician_id IS NULL" must not become a match
    uid, token = world.user(Role.technician, technician_id=tech)
    world.run(lambda s: s.execute(update(User).where(User.id == uid).values(technician_id=None)))
    assert world.client is not None
    res = world.client.get("/api/v1/jobs", headers={"Authorization": f"Bearer {token}"})
    assert res.status_code == 403
    assert res.json()["error"]["code"] == "forbidden"
    assert "not linked to a technician" in res.json()["error"]["message"]
    from crewboard.auth.actor import Actor

    unlinked = Actor(uid, Role.technician, "Dana", None)
    assert not visible(unlinked, {"type": "job.created", "technician_id": None})
