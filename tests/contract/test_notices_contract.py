"""Notices between the processes on one store (sessions/notices.py), on every store: what one store object
announces, another one opened on the same store (another process, as far as the store can tell) receives, in order;
a cleanup pass announces the conversations it took off their owners' lists; bad notices never reach a receiver."""

from __future__ import annotations

import queue
from typing import Any

import pytest

from pulsepal.sessions import notices


@pytest.fixture
def listening(make_manager):
    """A second manager on the same store with a listener running; yields (its queue, the listener)."""
    received: "queue.Queue[dict]" = queue.Queue()
    listener = make_manager().store.listen(received.put)
    assert listener.ready.wait(20)
    yield received
    listener.stop()


def _drain(received: "queue.Queue[dict]", count: int, timeout: float = 15) -> list[dict]:
    return [received.get(timeout=timeout) for _ in range(count)]


def test_what_one_process_announces_another_receives_in_order(manager, listening):
    manager.store.announce([{"n": 1}, {"n": 2}])
    manager.store.announce([{"n": 3}])
    assert [m["n"] for m in _drain(listening, 3)] == [1, 2, 3]


def test_a_notice_over_the_limit_is_refused_before_anything_is_sent(manager, listening):
    with pytest.raises(ValueError, match="limit"):
        manager.store.announce([{"n": 0}, {"ids": "x" * 8000}])
    manager.store.announce([{"n": 1}])
    assert _drain(listening, 1) == [{"n": 1}]  # the refused batch sent nothing, not even its first notice


def test_a_cleanup_pass_announces_what_it_removed_to_every_process(manager, listening, clock):
    kept = manager.create_session(owner="ann")
    old = manager.create_session(owner="ann")
    manager.archive_session(old)
    nobodys = manager.create_session()
    manager.archive_session(nobodys)
    clock.advance(days=manager.settings.session_archive_days + 1)
    manager.add_message(kept, "user", "still here")  # active and recent: not removed
    report = manager.cleanup()
    assert {a["session_id"] for a in report.done if a["action"] == "remove_archive"} == {old, nobodys}
    [message] = _drain(listening, 1)
    assert notices.read(message) == ("ann", [old])  # a notice every process acts on, the pass's own included
    assert message["origin"] is None
    assert listening.empty()  # a session with no owner is on nobody's list

    bob = [manager.create_session(owner="bob") for _ in range(2)]
    manager.cleanup(purge=True)
    told: dict[str, Any] = {}
    while not listening.empty() or not told.get("bob"):
        owner, ids = notices.read(listening.get(timeout=15))
        told.setdefault(owner, set()).update(ids)
    assert told == {"ann": {kept}, "bob": set(bob)}


def test_this_process_ignores_its_own_notices_and_malformed_ones():
    own = notices.deletions("alice", None)[0]
    assert notices.read(own) is None
    other = {**own, "origin": "another-process"}
    assert notices.read(other) == ("alice", None)
    assert notices.read({**other, "deleted": ["a1b2", "c3d4"]}) == ("alice", ["a1b2", "c3d4"])
    for bad in ({**other, "deleted": ["../etc/passwd"]}, {**other, "deleted": "a1b2"}, {**other, "owner": ""},
                {**other, "owner": 7}, {**other, "deleted": [None]}, {**other, "owner": "x" * 300},
                {**other, "deleted": ["a1b2"] * 101}, ["alice"], "alice"):
        assert notices.read(bad) is None
    chunks = notices.deletions("alice", [f"id{n}" for n in range(250)])
    assert [len(c["deleted"]) for c in chunks] == [100, 100, 50]
