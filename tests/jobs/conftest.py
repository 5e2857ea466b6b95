"""Fixtures for job tests."""

from __future__ import annotations

import pytest

from tests.api.hashing import cheap_password_hashing  # noqa: F401
from tests.conftest import TestDB, World


@pytest.fixture
def bare(db: TestDB) -> World:
    """A World without an HTTP app, for tests that call the actions directly."""
    return World(db)
