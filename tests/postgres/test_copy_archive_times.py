"""`db copy` gives each archive the time the archive itself carries, not the one the source's index holds.

A file store's index is derived data: one rebuilt by an older release after a copy that dropped file times dates
every archive "now". The archive's own `archived_at` still says when it was archived, and it is what the target's
listing, retention and (back on files) a rebuilt index must go by. The copy is the real command, as a subprocess."""

from __future__ import annotations

import gzip
import json
import time
from datetime import datetime, timedelta, timezone

from pulsepal.clock import FakeClock
from pulsepal.sessions import SessionManager
from pulsepal.sessions.store import IndexEntry

from .test_schema_and_cli import _cli


def test_copy_takes_the_archive_time_from_the_archive_not_the_source_index(tmp_path, pg_url, make_settings):
    files_settings = make_settings(session_storage_path=tmp_path / "files" / "sessions")
    ten_days_ago = FakeClock(datetime.now(timezone.utc) - timedelta(days=10))
    source = SessionManager(files_settings, clock=ten_days_ago, actor="test")
    sid = source.create_session(owner="ann")
    source.add_message(sid, "user", "archived ten days ago")
    source.archive_session(sid)
    stamped = source.describe(sid)["archived_at"]
    path = next((files_settings.session_storage_path / "archive").glob(f"*/session_{sid}.json.gz"))
    assert json.loads(gzip.decompress(path.read_bytes()))["archived_at"] == stamped
    entry = source.store.index.get(sid)
    source.store.index.put(sid, IndexEntry(**{**entry, "archived_at": time.time()}))  # "now", as that index says
    source.close()

    env = {"SESSION_DATABASE_URL": pg_url, "SESSION_STORAGE_PATH": str(files_settings.session_storage_path)}
    done = _cli("db", "copy", "--from", "files", "--to", "postgres", "--json", env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["ok"], done.stderr
    db = SessionManager(make_settings(session_database_url=pg_url, session_archive_days=7), actor="test")
    try:
        assert db.describe(sid)["archived_at"] == stamped
        assert db.store.read_archive(sid)[0]["archived_at"] == stamped
        assert [a["session_id"] for a in db.cleanup(dry_run=True).planned if a["action"] == "remove_archive"] == [sid]
    finally:
        db.close()

    back = tmp_path / "back" / "sessions"
    done = _cli("db", "copy", "--from", "postgres", "--to", "files", "--storage", str(back), "--json", env=env)
    assert done.returncode == 0 and json.loads(done.stdout)["ok"], done.stderr
    returned = SessionManager(make_settings(session_storage_path=back), actor="test")
    try:
        assert returned.describe(sid)["archived_at"] == stamped
    finally:
        returned.close()
