"""The store's view of the engine clock stamps with the same trusted time and never reads the reference itself: a
store calls its clock while it holds a database connection, where a state read would ask the pool for a second
one (a pool of N busy connections would then wait on itself)."""

from __future__ import annotations

from pulsepal.clock import FakeClock
from pulsepal.sessions.engine_time import EngineClock


def test_the_store_view_stamps_like_the_engine_and_never_reads_state():
    wall = FakeClock()
    reference = {"wall": wall.timestamp(), "since_boot": wall.since_boot(), "boot_id": wall.boot_id()}
    reads = []

    def read_state() -> dict:
        reads.append(wall.since_boot())
        return {"reference": reference}

    engine = EngineClock(wall)
    engine.attach(read_state)
    store = engine.for_store()
    assert len(reads) == 1
    wall.advance(minutes=10)
    wall.jump(days=-10)  # the date is set back: both stamp the true time, 10 minutes after the reference
    assert store.now() == engine.now()
    assert store.now().timestamp() == reference["wall"] + 600
    assert len(reads) == 2  # the engine's clock read it again (due after 60 s); the store's view never did
    wall.advance(minutes=5)
    for _ in range(3):
        store.now()
    assert len(reads) == 2
    engine.now()
    assert len(reads) == 3
