"""Today's board is read at start-up, so the first real load finds it ready."""

from __future__ import annotations

from crewboard.planning.board import board_json
from crewboard.planning.warmup import WARMUP_ACTOR, BoardWarmup, warm_board
from tests.conftest import World


def test_the_warm_up_reads_todays_board_that_a_dispatcher_then_gets(world: World) -> None:
    world.tech("Dana Kim")
    world.job(windows=[("09:00", "11:00")])
    for _attempt in range(2):  # the cached payload is per minute: retry across a boundary
        day, warmed = warm_board(world.db.factory)
        with world.db.session() as s:
            served = board_json(s, WARMUP_ACTOR, day)
        if served is warmed:
            break
    assert served is warmed  # the very payload the warm-up made, not a rebuild
    assert b'"technicians"' in warmed and b"Dana Kim" in warmed


def test_the_warm_up_service_runs_in_the_background_and_never_raises() -> None:
    class Broken:
        def __call__(self) -> None:
            raise RuntimeError("database gone")

    service = BoardWarmup(Broken())  # type: ignore[arg-type]
    service.start()
    service.stop()
    assert service.thread is not None and not service.thread.is_alive()
