"""``crewboard serve`` keeps what startup built out of later garbage collections."""

from __future__ import annotations

import gc

from crewboard.cli.serve import freeze_startup_objects


def test_startup_objects_are_frozen() -> None:
    try:
        freeze_startup_objects()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()  # the rest of the suite collects as usual
