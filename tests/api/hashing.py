"""Cheap argon2 parameters for tests: a real hash, in milliseconds instead of a second.

Each test package of the foundation imports ``cheap_password_hashing`` in its
conftest; the hash format records its parameters, so verification is unchanged.
"""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("crewboard.auth.secrets._hasher", CHEAP)
