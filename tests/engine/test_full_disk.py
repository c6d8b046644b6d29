"""A full disk (a real, small tmpfs filled to ENOSPC): the user gets a clear error, nothing half-written stays
behind, no false corruption alert, a storage_full alert is raised, and everything works again once space is freed."""

from __future__ import annotations

import errno
import os
import subprocess

import pytest

from pulsepal.sessions import SessionManager
from pulsepal.sessions.errors import StorageFull
from pulsepal.settings import Settings

BIG = "x" * 20_000  # several pages per message, so a full disk cannot take it in a page's slack


@pytest.fixture
def small_disk(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder) -> int:
    """Grow a filler file until the disk refuses (again: a later call tops up what was freed meanwhile); returns
    how much it wrote."""
    size = 0
    with open(folder / "filler", "ab", buffering=0) as handle:  # unbuffered: closing has nothing left to write
        for chunk in (65536, 4096, 1):
            try:
                while True:
                    size += handle.write(b"\0" * chunk) or 0
            except OSError as exc:
                assert exc.errno == errno.ENOSPC
    return size


def test_full_disk_mid_chat(small_disk, clock):
    settings = Settings(_env_file=None, session_storage_path=small_disk / "sessions")
    sm = SessionManager(settings, clock=clock, actor="test")
    sid = sm.create_session("ann")
    sm.finish_turn(sm.begin_turn(sid, "first question", owner="ann"), "first answer")
    sm.store.search_index.wait_idle()  # the indexer has written what it will: it does not free space mid-test
    log = small_disk / "conversationLogs" / f"session_{sid}.jsonl"
    before = log.read_bytes()
    start = sm.begin_turn(sid, "a long question " + BIG, owner="ann")  # answering while the disk fills up
    fresh = sm.begin_turn(None, "a new chat " + BIG, owner="ann")
    assert fill(small_disk) > 0

    with pytest.raises(StorageFull) as caught:
        sm.finish_turn(start, "a long answer " + BIG)
    assert "not saved" in str(caught.value) and str(small_disk) not in str(caught.value)
    assert log.read_bytes() == before  # not a byte of the failed turn is left
    fill(small_disk)  # top up what the failed turn's cut-back gave back
    with pytest.raises(StorageFull):
        sm.finish_turn(fresh, "answer " + BIG)
    assert not (small_disk / "conversationLogs" / f"session_{fresh.session_id}.jsonl").exists()  # no 0-byte log
    with pytest.raises(StorageFull):  # while the disk is full, a turn is refused before it is answered
        sm.begin_turn(sid, "anyone there?", owner="ann")
    alerts = {a["code"] for a in sm.get_alerts()}
    assert "storage_full" in alerts and "corrupted_files" not in alerts

    os.unlink(small_disk / "filler")
    sm.finish_turn(sm.begin_turn(sid, "after the cleanup", owner="ann"), "works again")
    reopened = SessionManager(settings, clock=clock, actor="test")
    assert [m.content for m in reopened.get_session(sid).conversation_history] == [
        "first question", "first answer", "after the cleanup", "works again"]
    assert "storage_full" not in {a["code"] for a in reopened.get_alerts()}
    assert reopened.verify()["ok"]
