"""The file store's notice log (stores/files/notices.py): private, read from where each reader started, followed
across a new log, never lingering, and a line still being written waits for its end."""

from __future__ import annotations

import os
import queue
import stat
import threading
import time

import pytest

from pulsepal.sessions.stores.files.notices import KEEP_SECONDS, NoticeLog, Tail


@pytest.fixture
def log_and_reader(tmp_path):
    notices = NoticeLog(tmp_path, tmp_path / "notices.lock")
    received: "queue.Queue[dict]" = queue.Queue()
    readers: list[Tail] = []

    def reader(resync=None) -> "queue.Queue[dict]":
        tail = Tail(notices.path, received.put, resync, poll=0.02)
        tail.start()
        assert tail.ready.wait(10)
        readers.append(tail)
        return received

    yield notices, reader
    for tail in readers:
        tail.stop()


def _age(path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_reader_gets_what_is_announced_after_it_started_and_the_log_is_private(log_and_reader):
    notices, reader = log_and_reader
    notices.append([{"n": 0}])  # before the reader: for tabs it did not serve
    received = reader()
    notices.append([{"n": 1}, {"n": 2}])
    notices.append([{"n": 3}])
    assert [received.get(timeout=10)["n"] for _ in range(3)] == [1, 2, 3]
    assert stat.S_IMODE(notices.path.stat().st_mode) == 0o600


def test_a_log_created_after_the_reader_started_is_read_from_its_start(log_and_reader):
    notices, reader = log_and_reader
    received = reader()
    assert not notices.path.exists()
    notices.append([{"n": 1}])
    assert received.get(timeout=10) == {"n": 1}


def test_an_old_log_is_replaced_and_the_reader_follows_without_losing_a_notice(log_and_reader):
    notices, reader = log_and_reader
    notices.append([{"n": 0}])
    resyncs: list[bool] = []
    received = reader(lambda: resyncs.append(True))
    notices.append([{"n": 1}])
    first = notices.path.stat().st_ino
    _age(notices.path, KEEP_SECONDS + 5)
    notices.append([{"n": 2}])  # starts a new log: the owners and ids in the old one do not linger
    assert notices.path.stat().st_ino != first
    assert notices.path.read_bytes().splitlines() == [b'{"generation":2}', b'{"n":2}']  # the next generation
    notices.append([{"n": 3}])
    assert [received.get(timeout=10)["n"] for _ in range(3)] == [1, 2, 3]
    assert resyncs == []  # one replacement loses nothing: no reason to have the tabs look again


def test_a_reader_that_stalls_while_the_log_is_replaced_twice_resyncs(tmp_path):
    """The middle log was created and unlinked while the reader was stuck (here: in its receiver, as a long pause
    or a suspended VM would hold it), so its notices are gone; the generations tell the reader, which resyncs."""
    notices = NoticeLog(tmp_path, tmp_path / "notices.lock")
    notices.append([{"n": 0}])
    received: "queue.Queue[int]" = queue.Queue()
    stuck, go_on, resynced = threading.Event(), threading.Event(), threading.Event()

    def deliver(message: dict) -> None:
        received.put(message["n"])
        if message["n"] == 1:
            stuck.set()
            go_on.wait(60)

    tail = Tail(notices.path, deliver, resynced.set, poll=0.02)
    tail.start()
    try:
        assert tail.ready.wait(10)
        notices.append([{"n": 1}])
        assert stuck.wait(10)
        for n in (2, 3):  # two new logs while the reader is stuck in the first
            _age(notices.path, KEEP_SECONDS + 5)
            notices.append([{"n": n}])
        go_on.set()
        assert [received.get(timeout=10) for _ in range(2)] == [1, 3]  # the second log was never seen
        assert resynced.wait(10)
    finally:
        go_on.set()
        tail.stop()


def test_an_idle_log_is_removed_by_the_cleanup_and_a_recent_one_kept(log_and_reader):
    notices, _ = log_and_reader
    notices.append([{"n": 1}])
    assert not notices.drop_if_idle() and notices.path.exists()
    _age(notices.path, KEEP_SECONDS + 5)
    assert notices.drop_if_idle() and not notices.path.exists()
    assert not notices.drop_if_idle()


def test_a_line_being_written_waits_and_garbage_is_skipped(log_and_reader):
    notices, reader = log_and_reader
    notices.append([{"n": 0}])
    received = reader()
    with open(notices.path, "ab") as handle:  # what a writer in another process might leave mid-write
        handle.write(b'not json\n[1, 2]\n{"n": ')
        handle.flush()
        time.sleep(0.2)  # several polls see the half line
        assert received.empty()
        handle.write(b'1}\n')
    assert received.get(timeout=10) == {"n": 1}
    notices.append([{"n": 2}])
    assert received.get(timeout=10) == {"n": 2}


def test_an_oversized_notice_is_refused_before_anything_is_written(log_and_reader):
    notices, _ = log_and_reader
    with pytest.raises(ValueError, match="limit"):
        notices.append([{"n": 1}, {"ids": "x" * 8000}])
    assert not notices.path.exists()
