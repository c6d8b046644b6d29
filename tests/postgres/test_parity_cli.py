"""The spec's and README's commands on BOTH stores: the same command, the same exit code, the same report.

The contract tests hold the engine to one behaviour on files and on PostgreSQL; the command line above it was
tested mostly on files, and a sweep of every command on both stores found where it differed: the backup a delete
reports could not be imported back on the database store (its backups are rows, the name is no file), there was no
way to list the backups there (`ls sessions/archive/backups/` has nothing to list), `rebuild_sessions.py` failed
there for want of a log folder that store never writes, and `verify --json` lacked two of the file store's keys.
Each command runs against a seeded store of each kind (a fresh database per test); the script as a real process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pulsepal.cli import main as cli_main
from pulsepal.clock import FakeClock
from pulsepal.sessions import SessionManager
from pulsepal.sessions.errors import InvalidInput
from pulsepal.settings import Settings

from ..conftest import ROOT


class Store:
    """A seeded store of one kind, and the environment that points the commands at it."""

    def __init__(self, kind: str, root: Path, url: str | None, capture) -> None:
        self.kind, self.root, self.url, self.capture = kind, root, url, capture
        self.storage = root / "sessions"

    def manager(self) -> SessionManager:
        extra = {"session_database_url": self.url} if self.url else {}
        settings = Settings(_env_file=None, session_storage_path=self.storage, **extra)
        return SessionManager(settings, clock=FakeClock(datetime.now(timezone.utc)), actor="test")

    def seed(self, owner: str = "alice") -> str:
        manager = self.manager()
        try:
            session_id = manager.create_session(owner)
            manager.add_message(session_id, "user", "How do I spoil with mr.makeTrapezoid?")
            manager.add_message(session_id, "assistant", "Add a crusher after the readout.")
            return session_id
        finally:
            manager.close()

    def environment(self) -> dict:
        env = {"SESSION_STORAGE_PATH": str(self.storage), "COLUMNS": "200"}
        return {**env, "SESSION_DATABASE_URL": self.url} if self.url else env

    def script(self, name: str, *args: str) -> Result:
        """A script of scripts/ as cron runs it: a real process."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_", "CHAINLIT_", "MAX_"))}
        env.update(PYTHONPATH=str(ROOT), **self.environment())
        done = subprocess.run([sys.executable, str(ROOT / "scripts" / name), *args], capture_output=True, text=True,
                              env=env, cwd=self.root, timeout=120)
        return Result(done.returncode, done.stdout, done.stderr)

    def cli(self, *args: str) -> Result:
        """`python -m pulsepal.cli ...`: the same entry point, in this process (a process start costs 1-2 s on a
        busy machine, and these tests run many commands); settings come from the environment as in a shell."""
        with pytest.MonkeyPatch.context() as patch:
            for name, value in self.environment().items():
                patch.setenv(name, value)
            patch.chdir(self.root)
            code = cli_main(list(args))
        captured = self.capture.readouterr()
        return Result(code, captured.out, captured.err)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(params=["files", "postgres"])
def store(request, tmp_path, capsys) -> Store:
    if request.param == "files":
        return Store("files", tmp_path, None, capsys)
    return Store("postgres", tmp_path, request.getfixturevalue("pg_url"), capsys)


def test_a_deleted_session_comes_back_from_the_backup_the_delete_named(store):
    session_id = store.seed()
    deleted = store.cli("sessions", "delete", session_id, "--yes")
    assert deleted.returncode == 0, deleted
    reported = deleted.stdout.split("(backup: ", 1)[1].rsplit(")", 1)[0]  # a path on files, a row's name on PG

    back = store.cli("sessions", "import", reported)  # was exit 2 on PostgreSQL: "postgres:backups/...: no such file"
    assert back.returncode == 0 and f"imported session {session_id}" in back.stdout, back
    shown = store.cli("sessions", "show", session_id, "--json")
    assert shown.returncode == 0 and json.loads(shown.stdout)["message_count"] == 2, shown

    listed = store.cli("sessions", "backups", "--json")  # `ls sessions/archive/backups/`, on either store
    assert listed.returncode == 0, listed
    (backup,) = json.loads(listed.stdout)["backups"]
    assert backup["session_id"] == session_id and backup["reason"] == "delete"
    assert reported.endswith(backup["name"])

    again = store.cli("sessions", "delete", session_id, "--yes")
    assert again.returncode == 0, again
    by_name = [b["name"] for b in json.loads(store.cli("sessions", "backups", "--json").stdout)["backups"]]
    assert store.cli("sessions", "import", by_name[0]).returncode == 0  # the bare name works on both stores
    missing = store.cli("sessions", "import", "20990101T000000000000Z_delete_session_x.json.gz")
    assert missing.returncode == 2 and "no such file" in missing.stderr, missing


def test_rebuild_from_the_configured_logs_and_verify_report_alike(store):
    session_id = store.seed()
    for rebuilt in (store.script("rebuild_sessions.py"),  # was exit 2 on PostgreSQL: no conversationLogs/
                    store.cli("sessions", "rebuild", "--from-logs", "conversationLogs/")):
        assert rebuilt.returncode == 0 and rebuilt.stdout.startswith("rebuilt 0 session(s)"), rebuilt
    named = store.cli("sessions", "rebuild", "--from-logs", "no-such-folder")  # a folder the user named
    assert named.returncode == 2 and "no-such-folder does not exist" in named.stderr, named

    verified = store.cli("sessions", "verify", "--json")
    assert verified.returncode == 0, verified
    assert set(json.loads(verified.stdout)) >= {"active_checked", "archives_checked", "unrecoverable", "bad_archives",
                                                "quarantined", "stale_archives", "temp_files", "index_rebuilt", "ok"}
    assert store.cli("sessions", "show", session_id).returncode == 0


def test_a_negative_page_is_the_same_clear_error_on_both_stores(store):
    store.seed()
    manager = store.manager()
    try:
        for call in (lambda: manager.list_sessions(limit=-1), lambda: manager.list_sessions(offset=-1),
                     lambda: manager.search_sessions("spoil", limit=-1),
                     lambda: manager.search_sessions("spoil", offset=-3)):
            with pytest.raises(InvalidInput, match="must be a whole number of at least 0"):
                call()  # was: nothing on files, "cannot store this value in PostgreSQL" on the database
        assert manager.list_sessions(limit=0)[0] == 1 and manager.search_sessions("spoil")["total"] == 1
    finally:
        manager.close()


def test_storage_option_acts_on_the_folder_or_is_refused(store):
    """`--storage PATH` names a file store. With SESSION_DATABASE_URL set it was silently ignored: `sessions delete
    --user NAME --storage /old/folder` removed the database's conversations of NAME."""
    store.seed(owner="alice")
    other = str(store.root / "other")
    for args in (("sessions", "list", "--all", "--storage", other), ("--storage", other, "sessions", "delete",
                                                                     "--user", "alice", "--yes"),
                 ("users", "list", "--storage", other)):
        result = store.cli(*args)
        if store.kind == "files":  # an empty store there: nothing listed, nobody's to delete
            assert result.returncode in (0, 1) and "SESSION_DATABASE_URL" not in result.stderr, (args, result)
        else:
            assert result.returncode == 2 and "SESSION_DATABASE_URL is set" in result.stderr, (args, result)
    assert store.cli("sessions", "list", "--user", "alice", "--json").stdout.count('"owner": "alice"') == 1
