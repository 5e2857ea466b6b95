"""Domain errors: a stable code, a human sentence and an HTTP status.

Every error a user can cause is one of these, so the API never answers 500
for bad input and the CLI can print the same sentence.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base error: ``code`` is stable for programs, ``message`` is for people."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None,
                 data: dict[str, Any] | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.data = data or {}
        if status is not None:
            self.status = status

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            body["field"] = self.field
        if self.data:
            body.update(self.data)
        return {"error": body}


class NotFound(DomainError):
    """Missing or not visible to the actor (the two are indistinguishable on purpose)."""

    status = 404

    def __init__(self, what: str, ident: object) -> None:
        super().__init__("not_found", f"{what} {ident} was not found.")


class Forbidden(DomainError):
    status = 403

    def __init__(self, message: str = "Your role does not allow this action.") -> None:
        super().__init__("forbidden", message)


class Unauthorized(DomainError):
    status = 401

    def __init__(self, message: str = "Log in or send a valid API token.") -> None:
        super().__init__("unauthorized", message)


class Conflict(DomainError):
    """A stale edit or a state that changed under the caller."""

    status = 409


class InvalidTransition(DomainError):
    status = 409


class ValidationFailed(DomainError):
    status = 422
