"""Redaction of text, settings validation (names the variable, reads .env, fails at startup), and the file store's
side of safety: the archive file on disk holds no secret, an encrypted archive file is ciphertext that failed restores
leave alone, the audit log is sessions/audit.log and is rotated into gzip files. What redaction, encryption and the
audit log mean for a session is specified once for every store in tests/contract/test_safety_contract.py."""

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


def _archived(sm, text: str):
    """A session of one message, archived: its id and its archive file."""
    sid = sm.create_session()
    sm.add_message(sid, "user", text)
    return sid, sm.archive_session(sid)


def test_the_archive_file_holds_no_secret(manager):
    _, path = _archived(manager, "my password=hunter2, please remember")
    raw = gzip.decompress(path.read_bytes()).decode()
    assert "hunter2" not in raw and "[REDACTED]" in raw


def test_an_encrypted_archive_file_is_ciphertext_and_outlives_failed_restores(make_manager):
    key = Fernet.generate_key().decode()
    sid, path = _archived(make_manager(session_encryption_key=key), "secret sequence plans")
    assert path.name.endswith(".json.gz.enc")
    sealed = path.read_bytes()
    assert b"secret sequence" not in sealed
    assert b"secret sequence" in gzip.decompress(Fernet(key).decrypt(sealed))  # Fernet over the gzip document
    for wrong in (Fernet.generate_key().decode(), None):  # a wrong key, then none at all
        with pytest.raises(ArchiveError):
            make_manager(session_encryption_key=wrong).restore_session(sid)
        assert path.read_bytes() == sealed


def test_the_audit_log_is_audit_log_with_one_json_line_an_action(manager, tmp_path):
    """Every line is what the audit trail shows (tail skips nothing), and the text of a message is in none."""
    sid = manager.create_session(owner="alice")
    manager.add_message(sid, "user", "secret text stays out of the audit log")
    for act in (manager.get_session, manager.export_session, manager.archive_session, manager.restore_session,
                manager.delete_session):
        act(sid)
    raw = (tmp_path / "sessions" / "audit.log").read_text()
    assert [json.loads(line) for line in raw.splitlines()] == manager.audit.tail(100)
    assert len(raw.splitlines()) == 7 and "secret text" not in raw


def test_cleanup_rotates_the_audit_log_into_a_gzip_file(manager, tmp_path, monkeypatch):
    sid = manager.create_session()
    monkeypatch.setattr(type(manager.audit), "ROTATE_BYTES", 10)
    manager.cleanup()
    rotated = list((tmp_path / "sessions").glob("audit-*.log.gz"))
    assert len(rotated) == 1
    assert f'"session_id":"{sid}"' in gzip.decompress(rotated[0].read_bytes()).decode()  # kept, not dropped
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
