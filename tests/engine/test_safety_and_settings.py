"""Redaction, archive encryption, the audit log, and settings validation."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from pulsepal.sessions import ArchiveError
from pulsepal.sessions.redaction import redact_text
from pulsepal.settings import SettingsError, load_settings

from ..conftest import ROOT


@pytest.mark.parametrize(
    "secret, kept",
    [
        ("my key is sk-proj-abcdefghijklmnopqrstuvwxyz123456", "my key is"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "Authorization: Bearer"),
        ("password=hunter2 and more", "and more"),
        ('api_key: "AbC123xyz"', "api_key: "),
        ("AIzaSyA1234567890abcdefghijklmnopqrstuv", ""),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "token"),
    ],
)
def test_redaction(secret, kept):
    out = redact_text(secret)
    assert "[REDACTED]" in out and kept in out
    for fragment in ("abcdefghijklmnop", "hunter2", "AbC123xyz", "eyJhbGci", "AIzaSy"):
        assert fragment not in out


def test_redaction_leaves_pulseq_code_alone():
    code = "gx = mr.makeTrapezoid('x', sys, 'FlatTime', 3.2e-3, 'Area', 1/fov);"
    assert redact_text(code) == code


def test_archive_is_redacted_but_live_session_keeps_text(manager):
    sid = manager.create_session()
    manager.add_message(sid, "user", "my password=hunter2, please remember")
    assert "hunter2" in manager.get_session(sid).conversation_history[0].content
    path = manager.archive_session(sid)
    raw = gzip.decompress(path.read_bytes()).decode()
    assert "hunter2" not in raw and "[REDACTED]" in raw


def test_encrypted_archives_and_wrong_key(make_manager, tmp_path):
    key = Fernet.generate_key().decode()
    sm = make_manager(session_encryption_key=key)
    sid = sm.create_session()
    sm.add_message(sid, "user", "secret sequence plans")
    path = sm.archive_session(sid)
    assert path.name.endswith(".json.gz.enc")
    assert b"secret sequence" not in path.read_bytes()
    with pytest.raises(ArchiveError, match="not the key"):
        make_manager(session_encryption_key=Fernet.generate_key().decode()).restore_session(sid)
    with pytest.raises(ArchiveError, match="SESSION_ENCRYPTION_KEY is not set"):
        make_manager().restore_session(sid)
    assert path.exists()  # failed restores leave the archive alone
    assert make_manager(session_encryption_key=key).restore_session(sid).conversation_count == 1


def test_audit_log_records_who_did_what(manager, tmp_path):
    sid = manager.create_session(owner="alice")
    manager.add_message(sid, "user", "secret text stays out of the audit log")
    manager.get_session(sid)
    manager.export_session(sid)
    manager.archive_session(sid)
    manager.restore_session(sid)
    manager.delete_session(sid)
    entries = [json.loads(line) for line in (tmp_path / "sessions" / "audit.log").read_text().splitlines()]
    actions = [e["action"] for e in entries if e["session_id"] == sid]
    assert actions == ["create", "write", "read", "export", "archive", "restore", "delete"]
    assert all(e["actor"] == "test" and e["ts"].startswith("2026-01-15") for e in entries)
    assert "secret text" not in (tmp_path / "sessions" / "audit.log").read_text()


def test_audit_log_is_rotated_by_cleanup(manager, tmp_path, monkeypatch):
    sid = manager.create_session()
    monkeypatch.setattr(type(manager.audit), "ROTATE_BYTES", 10)
    manager.cleanup()
    rotated = list((tmp_path / "sessions").glob("audit-*.log.gz"))
    assert len(rotated) == 1
    assert f'"session_id":"{sid}"' in gzip.decompress(rotated[0].read_bytes()).decode()
    manager.get_session(sid)
    assert "read" in (tmp_path / "sessions" / "audit.log").read_text()


@pytest.mark.parametrize(
    "overrides, variable",
    [
        ({"max_session_duration_hours": -1}, "MAX_SESSION_DURATION_HOURS"),
        ({"max_conversation_history": 0}, "MAX_CONVERSATION_HISTORY"),
        ({"session_inactive_timeout_hours": 0}, "SESSION_INACTIVE_TIMEOUT_HOURS"),
        ({"max_active_sessions": -5}, "MAX_ACTIVE_SESSIONS"),
        ({"session_compression": "perhaps"}, "SESSION_COMPRESSION"),
        ({"session_encryption_key": "short"}, "SESSION_ENCRYPTION_KEY"),
        ({"session_storage_path": ""}, "SESSION_STORAGE_PATH"),
    ],
)
def test_nonsense_settings_name_the_variable(overrides, variable):
    with pytest.raises(SettingsError, match=variable):
        load_settings(_env_file=None, **overrides)


def test_env_and_dotenv_are_read(tmp_path):
    (tmp_path / ".env").write_text("MAX_CONVERSATION_HISTORY=7\nSESSION_COMPRESSION=false\n")
    script = ("from pulsepal.settings import Settings; s = Settings(); "
              "print(s.max_conversation_history, s.session_compression, s.max_active_sessions)")
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(ROOT), "MAX_ACTIVE_SESSIONS": "50", "PATH": "/usr/bin:/bin"}, check=True,
    )
    assert out.stdout.split() == ["7", "False", "50"]


def test_bad_env_fails_at_startup_with_a_clear_message(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", "from pulsepal.dependencies import SessionManager; SessionManager()"],
        cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(ROOT), "MAX_SESSION_DURATION_HOURS": "-3", "PATH": "/usr/bin:/bin"},
    )
    assert out.returncode != 0
    assert "MAX_SESSION_DURATION_HOURS" in out.stderr and "greater than 0" in out.stderr
    assert not (tmp_path / "sessions").exists()
