"""`python -m pulsepal.cli db ...`: the PostgreSQL store's schema, its status, and moving an installation.

    db upgrade                       apply the missing schema migrations (once, from any replica; under a lock)
    db status [--json]               schema version, what this release needs, sessions stored (exit 1 when behind)
    db copy --from files --to postgres   copy every session, archive, backup, user and preference; verify
    db copy --from postgres --to files   ... and back

A click group of its own (registered in cli/__init__.py) that reports through click's own exceptions, which the
CLI's `run()` turns into its exit codes (2 bad input or settings, 1 a copy that did not verify, 3 the database
failed).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

import click

from ..settings import Settings, load_settings
from . import output as out

KINDS = ("files", "postgres")


class DbFailure(click.ClickException):
    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = code  # type: ignore[misc]  # click reads it per instance


def _settings(url: Optional[str], storage: Optional[str]) -> Settings:
    update: dict[str, Any] = {}
    if url:
        update["session_database_url"] = url
    if storage:
        update["session_storage_path"] = Path(storage)  # the log folder follows it unless set (Settings does that)
    return load_settings(**update)  # the environment and .env, with these on top


def _url(settings: Settings) -> str:
    if not settings.session_database_url:
        raise DbFailure("no database: set SESSION_DATABASE_URL (or pass --url postgresql://...)")
    return settings.session_database_url


def _connect(settings: Settings):
    from ..sessions.stores.postgres.pool import connection, open_pool

    pool = open_pool(_url(settings), size=2, timeout=settings.session_database_timeout_seconds, name="pulsepal-cli")
    return pool, connection


url_option = click.option("--url", metavar="URL", help="PostgreSQL URL (overrides SESSION_DATABASE_URL).")


@click.group("db")
def db() -> None:
    """The PostgreSQL session store: schema migrations, status, moving an installation."""


@db.command("upgrade")
@url_option
def upgrade_command(url: Optional[str]) -> None:
    """Apply the missing schema migrations (safe to run from every replica: they wait on one lock)."""
    from ..sessions.stores.postgres import schema

    pool, connection = _connect(_settings(url, None))
    try:
        with connection(pool) as conn:
            try:
                applied = schema.upgrade(conn)
            except schema.SchemaError as exc:
                raise DbFailure(str(exc)) from None
    finally:
        pool.close()
    if applied:
        click.echo(f"schema upgraded to version {applied[-1]} (applied {', '.join(map(str, applied))})")
    else:
        click.echo(f"schema already at version {schema.SCHEMA_VERSION}; nothing to do")


@db.command("status")
@url_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of text.")
def status_command(url: Optional[str], as_json: bool) -> None:
    """The schema version against this release's, and what the database holds."""
    from ..sessions.stores.postgres import schema
    from ..sessions.stores.postgres.pool import redact_url

    settings = _settings(url, None)
    pool, connection = _connect(settings)
    try:
        with connection(pool) as conn:
            version = schema.current_version(conn)
            counts = {"active": 0, "archived": 0, "backups": 0, "users": 0}
            if version >= 1:
                active, archived = conn.execute("SELECT coalesce(sum(active_count), 0), "
                                                "coalesce(sum(archived_count), 0) FROM counters").fetchone()
                counts.update(active=int(active), archived=int(archived),
                              backups=conn.execute("SELECT count(*) FROM backups").fetchone()[0],
                              users=conn.execute("SELECT count(*) FROM users").fetchone()[0])
    finally:
        pool.close()
    problem = schema.problem(version)
    report = {"database": redact_url(_url(settings)), "schema_version": version,
              "required_version": schema.SCHEMA_VERSION, "ok": problem is None, "problem": problem, **counts}
    if as_json:
        click.echo(json.dumps(report))
    else:
        shown = {k.replace("_", " "): v for k, v in report.items() if v is not None}
        width = max(map(len, shown))
        for key, value in shown.items():
            click.echo(f"{key + ':':<{width + 2}}{value}")
    if problem:
        raise click.exceptions.Exit(1)


@db.command("copy")
@click.option("--from", "source_kind", type=click.Choice(KINDS), required=True, help="Store to copy from.")
@click.option("--to", "target_kind", type=click.Choice(KINDS), required=True, help="Store to copy into.")
@url_option
@click.option("--storage", type=click.Path(file_okay=False), help="File store folder (overrides "
              "SESSION_STORAGE_PATH).")
@click.option("--json", "as_json", is_flag=True, help="Print the verification report as JSON.")
def copy_command(source_kind: str, target_kind: str, url: Optional[str], storage: Optional[str],
                 as_json: bool) -> None:
    """Copy an installation between the file store and PostgreSQL (idempotent: run it again after an
    interruption), then verify counts and per-session message checksums."""
    if source_kind == target_kind:
        raise DbFailure("--from and --to must differ (files -> postgres, or postgres -> files)")
    from ..clock import SYSTEM_CLOCK
    from ..sessions.stores.postgres.moving import PinnedClock, copy_store

    settings = _settings(url, storage)
    _url(settings)
    pinned = PinnedClock()
    source = _open(source_kind, settings, SYSTEM_CLOCK)
    try:
        target = _open(target_kind, settings, pinned)
        try:
            report = copy_store(source, target, pinned, settings.max_conversation_history,
                                out.progress_for(f"copy {source_kind} -> {target_kind}"))
            accounts = _copy_accounts(source_kind, settings)
        finally:
            target.close()
    finally:
        source.close()
    data = {**report.to_dict(), **accounts}
    if as_json:
        click.echo(json.dumps(data))
    else:
        click.echo(f"copied {report.copied} session(s), {report.unchanged} already there, {report.backups} "
                   f"backup(s), {accounts['users']} user(s), {accounts['preferences']} preference(s)")
        click.echo(f"verified: source {report.source_counts}, target {report.target_counts}, "
                   f"{len(report.mismatches)} checksum mismatch(es), {len(report.problems)} problem(s)")
        for problem in report.problems[:20]:
            click.echo(f"  problem: {problem}", err=True)
        for session_id in report.mismatches[:20]:
            click.echo(f"  mismatch: {session_id}", err=True)
    if not report.ok:
        raise DbFailure("the copy did not verify; nothing was removed from the source", 1)


def _open(kind: str, settings: Settings, clock):
    from ..sessions.codec import BlobCodec

    codec = BlobCodec(settings.session_compression, settings.session_encryption_key)
    if kind == "files":
        from ..sessions.stores.files import FileStore

        return FileStore(settings, clock, codec, actor="cli")
    from ..sessions.stores.postgres import PostgresStore
    from ..sessions.stores.postgres.schema import SchemaError

    try:
        return PostgresStore(settings, clock, codec, actor="cli")
    except SchemaError as exc:
        raise DbFailure(str(exc)) from None


def _copy_accounts(source_kind: str, settings: Settings) -> dict[str, int]:
    """Users (password hashes as they are) and preferences, between the files beside the store and the tables:
    merged into the target (same name: the source wins), each side written through its own locked operations."""
    from ..sessions.stores.postgres.accounts import DatabasePreferences, DatabaseUsers
    from ..sessions.stores.postgres.pool import open_pool
    from ..web.preferences import Preferences
    from ..web.users import FileUsers

    pool = open_pool(_url(settings), size=2, timeout=settings.session_database_timeout_seconds, name="pulsepal-cli")
    try:
        on_files = (FileUsers(settings.users_path), Preferences(settings.session_storage_path / "preferences.json"))
        in_database = (DatabaseUsers(pool), DatabasePreferences(pool))
        (users, preferences), (to_users, to_preferences) = \
            (on_files, in_database) if source_kind == "files" else (in_database, on_files)
        hashes = users.hashes() if source_kind != "files" or settings.users_path.exists() else []
        if hashes:
            to_users.add_hashes(hashes)
        values = preferences.all()
        if values:
            to_preferences.set_many(values)
        return {"users": len(hashes), "preferences": sum(len(v) for v in values.values())}
    finally:
        pool.close()
