"""Routes: login/logout, the current user, users and API tokens (admin)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy import select

from crewboard.api.deps import DB, SESSION_COOKIE, Admin, CurrentActor
from crewboard.api.errors import register_reader
from crewboard.api.pages import Limit, Offset, paginate
from crewboard.auth import actions
from crewboard.auth.models import ApiToken, User
from crewboard.auth.schemas import (
    LoginIn,
    NewTokenRead,
    TokenCreate,
    TokenRead,
    UserCreate,
    UserRead,
    UserUpdate,
)
from crewboard.errors import NotFound

router = APIRouter(tags=["auth"])
register_reader(User, UserRead.model_validate)


@router.post("/auth/login", response_model=UserRead)
def login(body: LoginIn, request: Request, response: Response, session: DB) -> User:
    settings = request.app.state.settings
    result = actions.do_login(session, email=body.email, password=body.password,
                              days=settings.session_days,
                              user_agent=request.headers.get("user-agent"))
    response.set_cookie(SESSION_COOKIE, result.token, max_age=settings.session_days * 86400,
                        httponly=True, samesite="lax", secure=settings.secure_cookies)
    return result.user


@router.post("/auth/logout", status_code=204)
def logout(request: Request, response: Response, session: DB) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        actions.do_logout(session, token)
    response.delete_cookie(SESSION_COOKIE)


@router.get("/auth/me", response_model=UserRead)
def me(actor: CurrentActor, session: DB) -> User:
    user = session.get(User, actor.user_id) if actor.user_id else None
    if user is None:
        raise NotFound("User", actor.user_id)
    return user


def _user(session: DB, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("User", user_id)
    return user


@router.get("/users")
def list_users(session: DB, actor: Admin, limit: Limit = 100, offset: Offset = 0) -> dict:
    return paginate(session, select(User).order_by(User.name), limit, offset,
                    UserRead.model_validate)


@router.post("/users", response_model=UserRead, status_code=201)
def create_user(body: UserCreate, session: DB, actor: Admin) -> User:
    return actions.do_create_user(session, actor, **body.model_dump())


@router.get("/users/{user_id}", response_model=UserRead)
def read_user(user_id: int, session: DB, actor: Admin) -> User:
    return _user(session, user_id)


@router.patch("/users/{user_id}", response_model=UserRead)
def update_user(user_id: int, body: UserUpdate, session: DB, actor: Admin) -> User:
    values = body.model_dump(exclude_unset=True)
    version = values.pop("version", None)
    return actions.do_update_user(session, actor, _user(session, user_id), version=version,
                                  values=values)


@router.delete("/users/{user_id}", status_code=204)
def deactivate_user(user_id: int, session: DB, actor: Admin) -> None:
    """Users are deactivated, not deleted: their actions stay attributed in the history."""
    actions.do_update_user(session, actor, _user(session, user_id), version=None,
                           values={"active": False})


@router.post("/users/{user_id}/revoke-sessions", status_code=204)
def revoke_sessions(user_id: int, session: DB, actor: Admin) -> None:
    actions.do_revoke_sessions(session, actor, _user(session, user_id))


@router.post("/users/{user_id}/tokens", response_model=NewTokenRead, status_code=201)
def create_token(user_id: int, body: TokenCreate, session: DB, actor: Admin) -> NewTokenRead:
    result = actions.do_create_api_token(session, actor, _user(session, user_id), body.name)
    return NewTokenRead(**TokenRead.model_validate(result.row).model_dump(), token=result.token)


@router.get("/tokens")
def list_tokens(session: DB, actor: Admin, limit: Limit = 100, offset: Offset = 0) -> dict:
    return paginate(session, select(ApiToken).order_by(ApiToken.id), limit, offset,
                    TokenRead.model_validate)


@router.delete("/tokens/{token_id}", status_code=204)
def revoke_token(token_id: int, session: DB, actor: Admin) -> None:
    actions.do_revoke_api_token(session, actor, token_id)
