"""Fixtures for customers tests."""

from tests.api.hashing import cheap_password_hashing  # noqa: F401
