"""The file store under damage: corruption never crashes anything and never loses what can be recovered."""

from __future__ import annotations

import json
import os

import pytest

from pulsepal.sessions import ArchiveError, InvalidSessionId, SessionNotFound, files
from pulsepal.sessions.stores.files.layout import LOCK_STRIPES


def _active(tmp_path, sid):
    return tmp_path / "sessions" / "active" / f"session_{sid}.json"


def _log(tmp_path, sid):
    return tmp_path / "conversationLogs" / f"session_{sid}.jsonl"


def _session_with_messages(manager, n=3):
    sid = manager.create_session()
    for i in range(n):
        manager.add_message(sid, "user", f"m{i}")
    manager.checkpoint(sid)
    return sid


@pytest.mark.parametrize(
    "damage, reason",
    [
        (b"", "empty"),
        (b'{"journal_offset": 10, "session": {"session_id": "x', "not valid JSON"),
        (b"\x00\x01\x02garbage", "not valid JSON"),
        (b'{"journal_offset": 0, "session": {"hello": 1}}', "wrong shape"),
        (b"[1, 2, 3]", "wrong shape"),
    ],
)
def test_corrupt_active_file_is_quarantined_and_rebuilt_from_log(make_manager, tmp_path, damage, reason):
    sid = _session_with_messages(make_manager())
    _active(tmp_path, sid).write_bytes(damage)
    manager = make_manager()  # a fresh process: nothing cached
    ctx = manager.get_session(sid)
    assert [m.content for m in ctx.conversation_history] == ["m0", "m1", "m2"]
    notes = manager.store.quarantined()
    assert len(notes) == 1 and reason in notes[0]["reason"]
    quarantined = [p for p in manager.store.layout.quarantine_dir.iterdir() if not p.name.endswith(".reason.json")]
    assert quarantined[0].read_bytes() == damage
    assert json.loads(_active(tmp_path, sid).read_text())["session"]["conversation_count"] == 3
    alerts = {a["code"]: a for a in manager.get_alerts()}
    assert alerts["corrupted_files"]["level"] == "warning"


def test_torn_last_line_is_ignored_and_cut_before_next_append(manager, make_manager, tmp_path):
    sid = _session_with_messages(manager, 2)
    with open(_log(tmp_path, sid), "ab") as handle:
        handle.write(b'{"type": "message", "role": "user", "cont')  # a crash mid-write: never acknowledged
    fresh = make_manager()
    assert fresh.get_session(sid).conversation_count == 2
    fresh.add_message(sid, "user", "after the crash")
    lines = _log(tmp_path, sid).read_bytes().splitlines()
    assert all(json.loads(line) for line in lines)
    assert make_manager().get_session(sid).conversation_count == 3


def test_garbage_line_in_the_middle_of_a_log_is_skipped_and_kept_in_quarantine(make_manager, tmp_path):
    manager = make_manager()
    sid = manager.create_session()
    manager.add_message(sid, "user", "first")
    with open(_log(tmp_path, sid), "ab") as handle:
        handle.write(b"this is not json\n")
    manager.add_message(sid, "user", "second")
    _active(tmp_path, sid).unlink()  # force a full replay
    fresh = make_manager()
    assert [m.content for m in fresh.get_session(sid).conversation_history] == ["first", "second"]
    assert any("unreadable log lines" in n["reason"] for n in fresh.store.quarantined())


def test_missing_log_is_recreated_from_the_active_file(manager, make_manager, tmp_path):
    sid = _session_with_messages(manager, 2)
    _log(tmp_path, sid).unlink()
    fresh = make_manager()
    assert fresh.get_session(sid).conversation_count == 2
    fresh.add_message(sid, "user", "m2")
    assert make_manager().get_session(sid).conversation_count == 3


def test_lost_both_files_means_not_found(manager, tmp_path):
    sid = manager.create_session()
    _active(tmp_path, sid).unlink()
    _log(tmp_path, sid).unlink()
    assert manager.get_session(sid) is None
    with pytest.raises(SessionNotFound):
        manager.add_message(sid, "user", "hello?")


def test_missing_or_corrupt_index_is_rebuilt(make_manager, tmp_path, clock):
    manager = make_manager()
    kept = [manager.create_session() for _ in range(3)]
    manager.archive_session(kept[0])
    manager.store.index.compact()
    index = tmp_path / "sessions" / "metadata.json"
    index.write_text("{ broken")
    rebuilt = make_manager()
    stats = rebuilt.get_session_stats()
    assert (stats["active_count"], stats["archived_count"]) == (2, 1)
    assert any("metadata.json" in n["file"] for n in rebuilt.store.quarantined())
    index.unlink()
    (tmp_path / "sessions" / "metadata.log").unlink()
    assert make_manager().get_session_stats()["active_count"] == 2


def test_index_lag_after_crash_is_reconciled(make_manager, clock, tmp_path):
    manager = make_manager()
    sid = manager.create_session()
    (tmp_path / "sessions" / "metadata.log").write_bytes(b"")  # the crash lost the index's last lines
    assert make_manager().get_active_session_count() == 1  # a process opening the store catches up at once
    long_lived = manager
    other = long_lived.create_session()
    (tmp_path / "sessions" / "metadata.log").write_bytes(b"")
    long_lived.store.index.compact()  # a long-lived process's own view is now missing both sessions too
    assert long_lived.get_active_session_count() == 0
    long_lived.cleanup()
    assert long_lived.get_active_session_count() == 0  # reconciling is at most hourly...
    clock.advance(minutes=61)
    long_lived.cleanup()
    assert {row["session_id"] for row in long_lived.list_sessions()[1]} == {sid, other}


def test_verify_reports_and_repairs(make_manager, tmp_path):
    manager = make_manager()
    good = _session_with_messages(manager, 1)
    bad = _session_with_messages(manager, 1)
    archived = manager.create_session()
    archive = manager.archive_session(archived)
    _active(tmp_path, bad).write_bytes(b"{")
    archive.write_bytes(b"not gzip at all")
    report = make_manager().verify(deep=True)
    assert report["active_checked"] == 2
    assert len(report["quarantined"]) == 4  # the bad active file and the bad archive, each with its note
    assert report["bad_archives"][0]["quarantined"]
    assert not report["ok"]
    assert make_manager().get_session(bad).conversation_count == 1
    assert make_manager().get_session(good).conversation_count == 1


def test_archive_that_does_not_read_back_keeps_the_source(manager, monkeypatch, tmp_path):
    sid = _session_with_messages(manager, 1)

    def broken(self, path):
        raise ArchiveError(f"{path} is damaged: simulated")

    monkeypatch.setattr(type(manager.store.layout), "read_document", broken)
    with pytest.raises(ArchiveError):
        manager.archive_session(sid)
    monkeypatch.undo()
    assert manager.get_session(sid).conversation_count == 1
    assert _log(tmp_path, sid).exists()


def test_atomic_write_leaves_no_temp_files_and_replaces_whole(tmp_path):
    target = tmp_path / "f.json"
    files.atomic_write_bytes(target, b"old")
    files.atomic_write_bytes(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["f.json"]
    assert os.stat(target).st_mode & 0o777 == 0o600


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/b", "x\x00y", "", " ", "é", "a" * 10_000, ".hidden", None,
                                 42])
def test_invalid_ids_touch_nothing(manager, tmp_path, bad):
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    for call in (
        lambda: manager.get_session(bad),
        lambda: manager.add_message(bad, "user", "x"),
        lambda: manager.archive_session(bad),
        lambda: manager.restore_session(bad),
        lambda: manager.delete_session(bad),
        lambda: manager.export_session(bad),
        *([lambda: manager.create_session(session_id=bad)] if bad is not None else []),
    ):
        with pytest.raises(InvalidSessionId):
            call()
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_lock_stripes_are_bounded(manager, tmp_path):
    for _ in range(LOCK_STRIPES + 60):  # more sessions than stripes: one lock file each would exceed the bound
        manager.create_session()
    locks = list((tmp_path / "sessions" / ".locks").iterdir())
    assert len(locks) <= LOCK_STRIPES + 4


def test_lock_descriptors_stay_bounded_across_many_stores(tmp_path):
    from pulsepal.clock import FakeClock
    from pulsepal.sessions import SessionManager
    from pulsepal.settings import Settings

    before = len(os.listdir("/proc/self/fd"))
    for n in range(40):
        sm = SessionManager(Settings(_env_file=None, session_storage_path=tmp_path / f"s{n}" / "sessions"),
                            clock=FakeClock())
        for _ in range(12):
            sm.create_session()
    assert len(os.listdir("/proc/self/fd")) - before <= files.MAX_IDLE_LOCK_FDS + 8


def test_leftovers_of_killed_passes_are_reported_then_swept(manager, clock, tmp_path):
    import gzip
    import json
    import time

    root = tmp_path / "sessions"
    live = _session_with_messages(manager, 2)
    copy = manager.archive_session(_session_with_messages(manager, 1))
    day = copy.parent
    stale = day / f"session_{live}.json.gz"  # a pass killed between writing the archive and removing the files
    document = json.loads(gzip.decompress(copy.read_bytes()))
    document["session_id"] = live
    document["events"] = manager.export_session(live)["events"][:2]  # an older, shorter copy of the live log
    document["session"]["session_id"] = live
    stale.write_bytes(gzip.compress(json.dumps(document).encode()))
    temp = day / ".session_x.json.gz.abcdef.tmp"
    temp.write_bytes(b"half")
    fresh_temp = root / "active" / ".session_y.json.0123.tmp"  # a write in progress right now: never touched
    fresh_temp.write_bytes(b"in flight")
    old = time.time() - 7200
    for path in (stale, temp):
        os.utime(path, (old, old))
    clock.advance(hours=2)  # the stale copy is dated by the time it carries (its file's mtime only if it has none)
    report = manager.verify()
    assert report["temp_files"] == [temp.name] and report["stale_archives"] == [live]
    done = manager.cleanup().done
    assert {a["action"] for a in done} >= {"swept_temp_files", "swept_stale_archives"}
    assert not temp.exists() and not stale.exists() and fresh_temp.exists()
    assert manager.get_session(live).conversation_count == 2  # the live session is whole
    assert manager.verify()["stale_archives"] == []


def test_retention_removes_a_damaged_archives_entry(make_manager, clock, tmp_path):
    # A damaged archive is set aside in quarantine/ and its entry kept (marked damaged) so its owner is told why;
    # when its retention is up the entry goes like any other archive's, instead of failing every later pass.
    import gzip

    from pulsepal.sessions.errors import ArchiveError

    manager = make_manager()
    sid = manager.create_session(owner="ann")
    manager.add_message(sid, "user", "hello")
    manager.archive_session(sid)
    archive = next((tmp_path / "sessions" / "archive").glob(f"*/session_{sid}.json.gz"))
    archive.write_bytes(gzip.compress(b"not a session")[:20])
    with pytest.raises(ArchiveError):
        manager.restore_session(sid)
    assert manager.get_session_stats()["archived_count"] == 1  # set aside, still listed
    clock.advance(days=manager.settings.session_archive_days + 1)
    report = manager.cleanup()
    assert report.errors == [] and report.counts().get("remove_archive", 0) + report.counts().get("prune", 0) >= 1
    assert manager.get_session_stats()["archived_count"] == 0
    assert manager.cleanup().counts() == {}  # nothing left to plan for it
