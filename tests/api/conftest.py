"""Fixtures for api tests."""

from tests.api.hashing import cheap_password_hashing  # noqa: F401
