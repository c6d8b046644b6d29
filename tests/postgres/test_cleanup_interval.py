"""One scheduled cleanup per interval across replicas: the advisory lock excludes concurrent passes, the interval
claim excludes a second replica's pass later in the same interval (the two-replica e2e test shows it with real
schedulers; this one walks the rule with a movable clock)."""

from __future__ import annotations

from pulsepal.sessions import cleanup_state


def test_a_second_replica_stands_aside_for_the_rest_of_the_interval(pg_manager, clock):
    one, two = pg_manager(), pg_manager()  # two replicas: two stores, one database
    clock.set(clock.now().replace(minute=5))
    assert not one.cleanup(wait=False, scheduled=True).skipped
    clock.advance(minutes=20)
    skipped = two.cleanup(wait=False, scheduled=True)
    assert skipped.skipped
    assert not one.cleanup(wait=False, scheduled=True).skipped  # the replica that claimed it may run again
    assert not two.cleanup().skipped  # a waiting pass (the CLI, scripts/cleanup_sessions.py) is never held back
    assert not two.cleanup(wait=False).skipped  # nor is an admin's "run now" on any replica
    clock.advance(minutes=40)  # the next interval: whoever fires first runs
    assert not two.cleanup(wait=False, scheduled=True).skipped
    assert one.cleanup(wait=False, scheduled=True).skipped
    record = cleanup_state.load_cleanup_state(one.store)
    assert (record["runs"], record["skipped"]) == (5, 2)


def test_a_failed_pass_gives_the_interval_back(pg_manager, clock, monkeypatch):
    from pulsepal.sessions import rotation

    one, two = pg_manager(), pg_manager()

    def explode(*args, **kwargs):
        raise OSError("disk on fire")

    monkeypatch.setattr(rotation.Cleanup, "plan", explode)
    try:
        one.cleanup(wait=False, scheduled=True)
    except OSError:
        pass
    monkeypatch.undo()
    assert not two.cleanup(wait=False, scheduled=True).skipped  # the failed pass did not keep the interval
