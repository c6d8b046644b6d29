"""The file store's side of the session lifecycle: where a session lives on disk (active/, conversationLogs/,
archive/<day>/, archive/backups/), in which format and with which modes, and that a spec recipe working on those files
(gunzip into active/) is adopted. The lifecycle rules themselves are specified once for every store in
tests/contract/test_live_sessions_contract.py and tests/contract/test_archive_and_transfer_contract.py; the spec's
public import paths, which need no store, are checked here."""

from __future__ import annotations

import gzip
import json
import os

import pytest

from pulsepal.sessions import SessionManager


def _files(root) -> list[tuple[str, bytes]]:
    """Every file below `root` with its bytes (the lock files aside: taking a lock is not a change)."""
    return sorted((str(p.relative_to(root)), p.read_bytes()) for p in root.rglob("*")
                  if p.is_file() and ".locks" not in p.parts)


def test_spec_public_import_paths_work():
    from pulsepal.dependencies import ConversationContext
    from pulsepal.dependencies import SessionManager as Exported
    from pulsepal.settings import Settings

    assert Exported is SessionManager
    assert "conversation_history" in ConversationContext.model_fields
    assert Settings(_env_file=None, max_session_duration_hours=48).max_session_duration_hours == 48


def test_manager_without_arguments_uses_env_storage(tmp_path, monkeypatch):
    from pulsepal.settings import get_settings

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SESSION_STORAGE_PATH", str(tmp_path / "store"))
    get_settings.cache_clear()
    try:
        sm = SessionManager()
        sid = sm.create_session()
    finally:
        get_settings.cache_clear()
    assert (tmp_path / "store" / "active" / f"session_{sid}.json").is_file()
    assert (tmp_path / "conversationLogs" / f"session_{sid}.jsonl").is_file()


def test_create_writes_spec_layout(manager, tmp_path):
    sid = manager.create_session(owner="alice")
    root = tmp_path / "sessions"
    snapshot = json.loads((root / "active" / f"session_{sid}.json").read_text())
    assert snapshot["session"]["session_id"] == sid
    assert snapshot["session"]["owner"] == "alice"
    logged = [json.loads(line) for line in (root / "metadata.log").read_text().splitlines()]
    assert any(sid in json.dumps(op) for op in logged)  # the index learnt it through its log, fsynced with the turn
    assert manager.get_active_session_count() == 1


def test_an_archive_is_one_gzip_file_under_its_day_and_goes_when_restored(manager, clock, tmp_path):
    sid = manager.create_session()
    manager.add_message(sid, "user", "hello")
    active = tmp_path / "sessions" / "active" / f"session_{sid}.json"
    log = tmp_path / "conversationLogs" / f"session_{sid}.jsonl"
    path = manager.archive_session(sid)
    assert path == tmp_path / "sessions" / "archive" / "2026-01-15" / f"session_{sid}.json.gz"
    assert json.loads(gzip.decompress(path.read_bytes()))["events"][1]["content"] == "hello"
    assert not active.exists() and not log.exists()
    clock.advance(days=1)
    manager.restore_session(sid, date="2026-01-15")
    assert not path.exists() and not path.parent.exists()  # the day folder it emptied goes too
    assert active.is_file() and log.is_file()


def test_uncompressed_archives(make_manager, tmp_path):
    sm = make_manager(session_compression=False)
    sid = sm.create_session()
    path = sm.archive_session(sid)
    assert path.name == f"session_{sid}.json"
    assert json.loads(path.read_text())["session_id"] == sid


def test_a_dry_run_leaves_every_file_byte_for_byte(manager, clock, tmp_path):
    """Not one byte changes: the index, the audit log and the state documents included."""
    for _ in range(3):
        manager.create_session()
    manager.archive_session(manager.create_session())
    clock.advance(days=9)
    before = _files(tmp_path)
    assert manager.cleanup(dry_run=True).counts() == {"archive": 3, "remove_archive": 1}
    assert _files(tmp_path) == before


def test_a_deleted_session_leaves_a_gzip_file_in_backups_that_imports(manager, tmp_path):
    sid = manager.create_session()
    manager.add_message(sid, "user", "keep me somewhere")
    backup = manager.delete_session(sid)
    assert backup.parent == tmp_path / "sessions" / "archive" / "backups"
    assert json.loads(gzip.decompress(backup.read_bytes()))["events"][1]["content"] == "keep me somewhere"
    assert not (tmp_path / "sessions" / "active" / f"session_{sid}.json").exists()
    assert not (tmp_path / "conversationLogs" / f"session_{sid}.jsonl").exists()
    manager.import_session(backup)  # the backup file itself is a valid export
    assert manager.get_session(sid).conversation_history[0].content == "keep me somewhere"


def test_a_refused_write_leaves_no_file_behind(manager, tmp_path):
    sid = manager.create_session()
    log = tmp_path / "conversationLogs" / f"session_{sid}.jsonl"
    written = log.read_bytes()
    with pytest.raises(ValueError, match="JSON"):
        manager.create_session(metadata={"big": 2**70})
    with pytest.raises(ValueError, match="JSON"):
        manager.add_message(sid, "user", "hi", metadata={"big": 2**70})
    assert list((tmp_path / "conversationLogs").iterdir()) == [log] and log.read_bytes() == written
    assert [p.name for p in (tmp_path / "sessions" / "active").iterdir()] == [f"session_{sid}.json"]


def test_manual_gunzip_into_active_is_adopted(manager, tmp_path):
    """The spec's recovery recipe: `gunzip < session.json.gz > sessions/active/session.json`."""
    sid = manager.create_session()
    manager.add_message(sid, "user", "recover me")
    archive = manager.archive_session(sid)
    target = tmp_path / "sessions" / "active" / f"session_{sid}.json"
    target.write_bytes(gzip.decompress(archive.read_bytes()))
    ctx = manager.get_session(sid)
    assert ctx.conversation_history[0].content == "recover me"
    manager.add_message(sid, "user", "and continue")
    assert manager.get_session(sid).conversation_count == 2


def test_files_are_private(manager, tmp_path):
    sid = manager.create_session()
    manager.add_message(sid, "user", "hi")
    manager.archive_session(manager.create_session())
    stored = [*(tmp_path / "sessions").rglob("*"), *(tmp_path / "conversationLogs").rglob("*")]
    for path in [tmp_path / "sessions", *stored]:
        mode = os.stat(path).st_mode & 0o777
        assert mode == (0o700 if path.is_dir() else 0o600), path
