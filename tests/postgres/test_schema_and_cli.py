"""Schema migrations, the start-up checks, users and preferences, and the `db` commands, on a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading

import psycopg
import pytest

from pulsepal.sessions import SessionManager
from pulsepal.sessions.stores.postgres import schema
from pulsepal.sessions.stores.postgres.accounts import DatabasePreferences, DatabaseUsers
from pulsepal.sessions.stores.postgres.pool import open_pool
from pulsepal.sessions.stores.postgres.startup import startup_problems
from pulsepal.web.users import UserError

from ..conftest import ROOT

SECRET = {"CHAINLIT_AUTH_SECRET": "s" * 40}


def _cli(*args, env=None, cwd=None):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_", "CHAINLIT_", "MAX_"))}
    return subprocess.run([sys.executable, "-m", "pulsepal.cli", *args], capture_output=True, text=True,
                          env={**clean, "PYTHONPATH": str(ROOT), **(env or {})}, cwd=cwd, timeout=120)


def test_upgrade_applies_every_migration_once_under_a_lock(pg_server):
    url = pg_server.fresh_database("schema", migrated=False)
    try:
        results: list = []

        def run() -> None:
            with psycopg.connect(url, autocommit=True) as conn:
                results.append(schema.upgrade(conn))

        threads = [threading.Thread(target=run) for _ in range(3)]  # three replicas upgrading at once
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(results, key=len) == [[], [], [m[0] for m in schema.MIGRATIONS]]
        with psycopg.connect(url, autocommit=True) as conn:
            assert schema.current_version(conn) == schema.SCHEMA_VERSION
            assert conn.execute("SELECT count(*) FROM counters").fetchone()[0] == schema.SHARDS
    finally:
        pg_server.drop_database(url)


def test_opening_a_store_on_an_old_schema_refuses_with_the_command(pg_server, make_settings, tmp_path):
    url = pg_server.fresh_database("schema", migrated=False)
    try:
        settings = make_settings(session_database_url=url)
        with pytest.raises(schema.SchemaError, match="db upgrade"):
            SessionManager(settings)
        assert any("db upgrade" in p for p in startup_problems(settings, SECRET))
        out = _cli("db", "status", env={"SESSION_DATABASE_URL": url})
        assert out.returncode == 1 and "db upgrade" in out.stdout
        out = _cli("sessions", "stats", env={"SESSION_DATABASE_URL": url}, cwd=tmp_path)
        assert out.returncode != 0 and "db upgrade" in out.stderr
        assert _cli("db", "upgrade", env={"SESSION_DATABASE_URL": url}).stdout.startswith("schema upgraded")
        assert "nothing to do" in _cli("db", "upgrade", env={"SESSION_DATABASE_URL": url}).stdout
        status = json.loads(_cli("db", "status", "--json", "--url", url).stdout)
        assert status["ok"] and status["schema_version"] == schema.SCHEMA_VERSION and status["active"] == 0
        assert "postgres@" in status["database"]
        assert startup_problems(settings, SECRET) == []
        SessionManager(settings).close()
    finally:
        pg_server.drop_database(url)


def test_a_newer_schema_is_refused_too(pg_url, pg_settings):
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("INSERT INTO pulsepal_schema (version, name) VALUES (%s, 'from the future')",
                     (schema.SCHEMA_VERSION + 1,))
    with pytest.raises(schema.SchemaError, match="newer"):
        SessionManager(pg_settings())


def test_startup_problems(pg_settings, make_settings):
    assert startup_problems(make_settings(), {}) == []  # the file store asks nothing
    problems = startup_problems(pg_settings(), {})
    assert len(problems) == 1 and "CHAINLIT_AUTH_SECRET" in problems[0]
    assert startup_problems(pg_settings(), SECRET) == []
    down = make_settings(session_database_url="postgresql://pulsepal:hunter22@127.0.0.1:1/none",
                         session_database_timeout_seconds=1)
    problems = startup_problems(down, SECRET)
    assert len(problems) == 1 and "cannot connect" in problems[0] and "hunter22" not in problems[0]


def test_bad_database_url_is_a_settings_error(make_settings):
    from pulsepal.settings import SettingsError, load_settings

    with pytest.raises(SettingsError, match="SESSION_DATABASE_URL"):
        load_settings(_env_file=None, session_database_url="mysql://x")


def test_unreachable_database_is_a_clear_cli_error(tmp_path):
    out = _cli("sessions", "stats", env={"SESSION_DATABASE_URL": "postgresql://x:secretpw@127.0.0.1:1/none",
                                         "SESSION_DATABASE_TIMEOUT_SECONDS": "1"}, cwd=tmp_path)
    assert out.returncode == 3 and "cannot connect to PostgreSQL" in out.stderr
    assert "secretpw" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_users_and_preferences(pg_url):
    pool = open_pool(pg_url, size=2, timeout=5)
    try:
        users = DatabaseUsers(pool)
        users.add("ann", "correct horse", admin=True)
        with pytest.raises(UserError, match="already exists"):
            users.add("ann", "another password")
        with pytest.raises(UserError):
            users.add("../bad", "long enough pw")
        with pytest.raises(UserError, match="at least"):
            users.add("bob", "short")
        assert users.verify("ann", "correct horse").admin
        assert users.verify("ann", "wrong password") is None and users.verify("nobody", "x" * 10) is None
        users.add("ann", "new password!", replace=True)
        assert users.verify("ann", "correct horse") is None and not users.verify("ann", "new password!").admin
        assert [u.name for u in users.list()] == ["ann"] and users.get("ann").name == "ann"
        assert users.get("../x") is None
        users.remove("ann")
        with pytest.raises(UserError, match="no user"):
            users.remove("ann")
        preferences, elsewhere = DatabasePreferences(pool), DatabasePreferences(pool)
        assert preferences.get("ann", "language", "matlab") == "matlab"
        preferences.set("ann", "language", "python")
        assert elsewhere.get("ann", "language") == "python"  # another replica sees it at once
        preferences.set("ann", "language", "octave")
        assert elsewhere.all() == {"ann": {"language": "octave"}}
    finally:
        pool.close()


def test_copy_files_to_postgres_and_back_is_idempotent_and_verified(tmp_path, pg_url, make_settings, clock):
    from pulsepal.web.users import add_user

    files_settings = make_settings(session_storage_path=tmp_path / "files" / "sessions")
    source = SessionManager(files_settings, clock=clock, actor="test")
    active = source.create_session(owner="ann")
    source.add_message(active, "user", "spin echo please")
    source.add_message(active, "assistant", "here it is")
    archived = source.create_session(owner="bob")
    source.add_message(archived, "user", "my password=hunter2 for the scanner")
    source.archive_session(archived)
    source.delete_session(source.create_session())
    add_user(files_settings.users_path, "ann", "correct horse")
    (files_settings.session_storage_path / "preferences.json").write_text('{"ann": {"language": "python"}}')
    env = {"SESSION_DATABASE_URL": pg_url, "SESSION_STORAGE_PATH": str(files_settings.session_storage_path)}
    first = _cli("db", "copy", "--from", "files", "--to", "postgres", "--json", env=env)
    assert first.returncode == 0, first.stderr
    report = json.loads(first.stdout)
    assert report["ok"] and report["copied"] == 2 and report["backups"] == 1 and report["users"] == 1
    assert report["source_counts"] == report["target_counts"] == {"active": 1, "archived": 1}
    again = json.loads(_cli("db", "copy", "--from", "files", "--to", "postgres", "--json", env=env).stdout)
    assert again["ok"] and again["copied"] == 0 and again["unchanged"] == 2 and again["backups"] == 0

    db = SessionManager(make_settings(session_database_url=pg_url), clock=clock, actor="test")
    try:
        assert db.export_session(active)["events"] == source.export_session(active)["events"]
        assert db.describe(archived)["archived_at"] == source.describe(archived)["archived_at"]
        assert "hunter2" not in str(db.store.read_archive(archived)[0])
        assert [b.reason for b in db.store.backups()] == ["delete"]
        pool = open_pool(pg_url, size=2, timeout=5)
        try:
            assert DatabaseUsers(pool).verify("ann", "correct horse") is not None
            assert DatabasePreferences(pool).get("ann", "language") == "python"
        finally:
            pool.close()
        db.add_message(active, "user", "written on postgres")
    finally:
        db.close()
    back = tmp_path / "back" / "sessions"
    out = _cli("db", "copy", "--from", "postgres", "--to", "files", "--storage", str(back), "--json", env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["ok"]
    returned = SessionManager(make_settings(session_storage_path=back), clock=clock, actor="test")
    assert returned.get_session(active).conversation_history[-1].content == "written on postgres"
    assert returned.store.locate(archived) == "archived"
    assert (back / "users.json").stat().st_mode & 0o777 == 0o600
    from pulsepal.web.preferences import Preferences
    from pulsepal.web.users import verify_user

    assert verify_user(back / "users.json", "ann", "correct horse") is not None  # the hash came back as it was
    assert Preferences(back / "preferences.json").get("ann", "language") == "python"
    # The archive that came back was written now, so only the time it carries dates it once its index is rebuilt.
    returned.close()
    (back / "metadata.json").unlink()
    (back / "metadata.log").unlink(missing_ok=True)
    assert _cli("sessions", "reindex", env={"SESSION_STORAGE_PATH": str(back)}).returncode == 0
    rebuilt = SessionManager(make_settings(session_storage_path=back), clock=clock, actor="test")
    try:
        assert rebuilt.describe(archived)["archived_at"] == source.describe(archived)["archived_at"]
    finally:
        rebuilt.close()


def test_copy_refuses_nonsense(tmp_path, pg_url):
    out = _cli("db", "copy", "--from", "files", "--to", "files", env={"SESSION_DATABASE_URL": pg_url})
    assert out.returncode == 2 and "must differ" in out.stderr
    out = _cli("db", "copy", "--from", "files", "--to", "mysql")
    assert out.returncode == 2
