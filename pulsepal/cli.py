"""Operator command line: `python -m pulsepal.cli sessions ...`.

Everything here is presentation: each command asks the SessionManager and prints the answer, as an aligned table
for people or as JSON (`--json`) for scripts. The exit code tells scripts what happened without parsing text:

    0  done
    1  not found (no such session or archive), a declined confirmation, or a pass that finished with errors
    2  bad input: invalid id or date, unreadable import file, unknown option, an existing session without
       --force, a refused non-interactive confirmation, invalid settings
    3  the storage failed unexpectedly (one line; set PULSEPAL_DEBUG=1 for the traceback)

The maintenance commands are also the scripts in scripts/ (cleanup_sessions.py, restore_session.py,
rebuild_sessions.py), which call `run()` on the same click commands so both spellings behave identically.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import click

from . import cli_output as out
from .sessions import (
    ArchiveError,
    ImportFormatError,
    InvalidSessionId,
    SessionError,
    SessionExists,
    SessionManager,
    SessionNotFound,
    validate_session_id,
)
from .sessions.documents import document_to_markdown
from .sessions.manager import entry_row
from .settings import SettingsError, load_settings

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_INPUT, EXIT_STORAGE = 0, 1, 2, 3
SORT_KEYS = ("last_activity", "created_at", "size", "messages")
PLANNED_LABELS = {
    "archive": "archive",
    "remove_archive": "remove archive",
    "remove_backup": "remove backup",
    "purge_active": "move to backups",
    "purge_archive": "move to backups",
}
DONE_LABELS = {
    "archive": "archived",
    "kept": "kept (active again)",
    "gone": "already gone",
    "remove_archive": "removed archive",
    "remove_backup": "removed backup",
    "purge_active": "moved to backups",
    "purge_archive": "moved to backups",
}


class Failure(Exception):
    """A problem the command itself detected, with the exit code it means."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class CliState:
    storage: Optional[str] = None


# -------------------------------------------------------------------------------------------------- plumbing
def open_manager(storage: Optional[str] = None, *, speak: bool = False):
    """The engine, configured like the app (environment, .env) except for an explicit --storage.

    `speak` lets the engine print its own one-line summary of a single-session change (which includes paths
    the CLI could not know, such as the backup taken before a forced import)."""
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(CliState) if ctx else None
    storage = storage or (state.storage if state else None)
    settings = load_settings()
    echo: Callable[[str], None] = click.echo if speak else (lambda _text: None)
    return SessionManager(settings, storage_path=storage, actor="cli", echo=echo)


def checked_day(day: Optional[str]) -> Optional[str]:
    if day is None:
        return None
    try:
        return out.parse_day(day)
    except ValueError as exc:
        raise Failure(str(exc)) from None


def confirm_or_refuse(question: str, *, yes: bool, action: str) -> None:
    """Destructive commands ask on a terminal; without one, only --yes may stand in for the answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise Failure(f"refusing to {action} without confirmation (stdin is not a terminal); pass --yes")
    if not click.confirm(question, default=False, err=True):
        raise Failure("aborted; nothing was changed", EXIT_NOT_FOUND)


def stored_state(manager, session_id: str) -> Optional[str]:
    """'active', 'archived' or None, from the files themselves (the index may lag another process)."""
    return manager.store.locate(session_id)


def progress(label: str, enabled: bool = True):
    return out.progress_for(label) if enabled else None


def run(command: click.Command, args: Optional[list[str]] = None, prog_name: Optional[str] = None) -> int:
    """Invoke a click command and turn every outcome into a message on stderr and an exit code."""
    try:
        result = command.main(args=args, prog_name=prog_name, standalone_mode=False)
        return result if isinstance(result, int) else EXIT_OK
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a group run without a command: its help is the message
            click.echo(exc.format_message(), err=True)
            return EXIT_BAD_INPUT
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
            click.echo(f"Try '{exc.ctx.command_path} --help' for help.", err=True)
        return _fail(exc.format_message(), EXIT_BAD_INPUT)
    except click.ClickException as exc:
        return _fail(exc.format_message(), exc.exit_code)
    except click.Abort:  # Ctrl-C, or end of input at a prompt
        return _fail("interrupted", EXIT_NOT_FOUND)
    except Failure as exc:
        return _fail(str(exc), exc.code)
    except SessionNotFound as exc:
        return _fail(str(exc), EXIT_NOT_FOUND)
    except (InvalidSessionId, ImportFormatError, SessionExists, SettingsError, ValueError) as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except BrokenPipeError:
        _silence_stdout()  # `... | head`: the reader left, which is not an error
        return EXIT_OK
    except (ArchiveError, SessionError, OSError) as exc:
        return _fail(f"storage failure: {_one_line(exc)}", EXIT_STORAGE, exc)
    except Exception as exc:  # noqa: BLE001 - the promise is one line, not a traceback
        return _fail(f"unexpected {type(exc).__name__}: {_one_line(exc)}", EXIT_STORAGE, exc)


def _fail(message: str, code: int, exc: Optional[BaseException] = None) -> int:
    if exc is not None and os.environ.get("PULSEPAL_DEBUG") == "1":
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    elif exc is not None:
        message += " (set PULSEPAL_DEBUG=1 for details)"
    click.echo(f"error: {message}", err=True)
    return code


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


storage_option = click.option(
    "--storage",
    type=click.Path(file_okay=False),
    default=None,
    help="Session storage folder (overrides SESSION_STORAGE_PATH).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts instead of text.")


# ------------------------------------------------------------------------------------------------- commands
@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@storage_option
@click.pass_context
def cli(ctx: click.Context, storage: Optional[str]) -> None:
    """PulsePal operator commands."""
    ctx.obj = CliState(storage=storage)


@cli.group()
def sessions() -> None:
    """Inspect, export, import, archive and clean up chat sessions."""


@sessions.command("list")
@click.option("--archived", is_flag=True, help="List archived sessions instead of active ones.")
@click.option("--all", "all_", is_flag=True, help="List active and archived sessions.")
@click.option("--user", "owner", metavar="NAME", help="Only sessions of this user.")
@click.option("--older-than", metavar="AGE", help="Only sessions created longer ago than AGE (90m, 12h, 3d).")
@click.option("--search", metavar="TEXT", help="Only sessions whose id or title contains TEXT.")
@click.option("--sort", type=click.Choice(SORT_KEYS), default="last_activity", show_default=True)
@click.option("--asc", is_flag=True, help="Oldest / smallest first.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many first.")
@json_option
def list_command(archived, all_, owner, older_than, search, sort, asc, limit, offset, as_json) -> None:
    """List sessions (active ones unless --archived or --all)."""
    if archived and all_:
        raise click.UsageError("--archived and --all cannot be combined")
    hours = None
    if older_than is not None:
        try:
            hours = out.parse_duration_hours(older_than)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--older-than'") from None
    state = None if all_ else ("archived" if archived else "active")
    manager = open_manager()
    total, rows = manager.list_sessions(state=state, owner=owner, older_than_hours=hours, search=search,
                                        sort=sort, descending=not asc, offset=offset, limit=limit)
    if as_json:
        out.dump_json({"total": total, "offset": offset, "sessions": rows})
        return
    if rows:
        click.echo(_sessions_table(rows, show_state=state is None, archived=state == "archived"))
    kind = {"active": "active ", "archived": "archived "}.get(state or "", "")
    click.echo(f"{len(rows)} of {total} {kind}session(s)" if rows else f"no {kind}sessions found", err=not rows)


def _sessions_table(rows: list[dict], *, show_state: bool, archived: bool) -> str:
    headers = ["SESSION ID"] + (["STATE"] if show_state else []) + ["OWNER", "MSGS", "ARCHIVED" if archived else "ACTIVE",
                                                                   "SIZE", "TITLE"]
    body = []
    for row in rows:
        when = row["archived_at"] if archived else row["last_activity"]
        cells = [row["session_id"]] + ([row["state"]] if show_state else [])
        cells += [out.one_line(row["owner"] or "-", 16), row["message_count"], out.ago(when),
                  out.human_size(row["size"]), row["title"] or ""]
        body.append(cells)
    numeric = {len(headers) - 4, len(headers) - 2}
    return out.table(headers, body, flex=len(headers) - 1, right=numeric)


@sessions.command("show")
@click.argument("session_id")
@click.option("--messages", "count", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many recent messages to show.")
@click.option("--full", is_flag=True, help="Show whole messages instead of one line each.")
@json_option
def show_command(session_id, count, full, as_json) -> None:
    """Show one session (active or archived): its metadata and recent messages."""
    session_id = validate_session_id(session_id)
    manager = open_manager()
    ctx = manager.get_session(session_id)
    if ctx is not None:
        session, state = ctx.model_dump(mode="json"), "active"
    else:
        session, state = manager.export_session(session_id, purpose="read")["session"], "archived"
    entry = manager.store.entry(session_id) or {}
    details = _session_details(session, state, entry, count)
    if as_json:
        out.dump_json(details)
        return
    _print_details(details, full)


def _session_details(session: dict, state: str, entry: dict, count: int) -> dict:
    row = entry_row(session["session_id"], entry)
    history = session.get("conversation_history", [])
    recent = history[-count:] if count else []
    return {
        "session_id": session["session_id"],
        "state": state,
        "owner": session.get("owner"),
        "title": session.get("title"),
        "preferred_language": session.get("preferred_language"),
        "language_explicit": session.get("language_explicit", False),
        "created_at": session.get("created_at"),
        "activated_at": session.get("activated_at"),
        "last_activity": session.get("last_activity"),
        "message_count": session.get("conversation_count", 0),
        "code_example_count": len(session.get("code_examples", [])),
        "metadata": session.get("metadata", {}),
        "size": row["size"],
        "archived_at": row["archived_at"] if state == "archived" else None,
        "archive_path": row["archive_path"] if state == "archived" else None,
        "recent_messages": [
            {k: m.get(k) for k in ("id", "role", "timestamp", "content", "metadata")} for m in recent
        ],
    }


def _print_details(d: dict, full: bool) -> None:
    language = d["preferred_language"] + (" (chosen)" if d["language_explicit"] else " (detected)")
    pairs = [
        ("Session", d["session_id"]), ("State", d["state"]), ("Owner", d["owner"]), ("Title", d["title"]),
        ("Language", language), ("Created", out.short_time(d["created_at"])),
        ("Last activity", f"{out.short_time(d['last_activity'])} ({out.ago(d['last_activity'])})"),
        ("Messages", d["message_count"]), ("Code examples", d["code_example_count"]),
        ("Size", out.human_size(d["size"])),
    ]
    if d["activated_at"] and d["activated_at"] != d["created_at"]:
        pairs.insert(6, ("Restored", out.short_time(d["activated_at"])))
    if d["state"] == "archived":
        pairs += [("Archived", out.short_time(d["archived_at"])), ("Archive file", d["archive_path"])]
    if d["metadata"]:
        pairs.append(("Metadata", json.dumps(d["metadata"], ensure_ascii=False, sort_keys=True)))
    click.echo(out.key_values(pairs))
    messages = d["recent_messages"]
    click.echo(f"\nRecent messages ({len(messages)} of {d['message_count']}):" if messages else "\nNo messages.")
    width = out.terminal_width()
    for m in messages:
        head = f"[{out.short_time(m['timestamp'])}] {m['role']}: "
        text = m["content"].rstrip() if full else out.one_line(m["content"], width - len(head))
        click.echo(head + text)


@sessions.command("delete")
@click.argument("session_id")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def delete_command(session_id, yes) -> None:
    """Delete a session (active and archived copies). A backup is kept in archive/backups/."""
    session_id = validate_session_id(session_id)
    manager = open_manager(speak=True)
    state = stored_state(manager, session_id)
    if state is None:
        raise Failure(f"no session {session_id!r} (neither active nor archived)", EXIT_NOT_FOUND)
    confirm_or_refuse(f"Delete {state} session {session_id}? (a backup is kept in archive/backups/)",
                      yes=yes, action="delete a session")
    manager.delete_session(session_id)


@sessions.command("export")
@click.argument("session_id")
@click.option("--output", "-o", default="-", show_default=True, metavar="FILE", help="Where to write; - for stdout.")
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]),
              help="Default: markdown for a .md file, else json.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def export_command(session_id, output, fmt, force) -> None:
    """Export a whole session (every message) as a JSON document or a Markdown transcript."""
    session_id = validate_session_id(session_id)
    fmt = fmt or ("markdown" if output.lower().endswith((".md", ".markdown")) else "json")
    target = None if output == "-" else Path(output)
    if target is not None:
        _check_output(target, force)
    document = open_manager().export_session(session_id)
    if fmt == "markdown":
        text = document_to_markdown(document)
    else:
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if target is None:
        click.echo(text, nl=False)
        return
    _write_new_file(target, text.encode("utf-8"), force)
    count = document["session"].get("conversation_count", 0)
    click.echo(f"exported session {session_id} ({count} messages, {fmt}) to {target}")


def _check_output(target: Path, force: bool) -> None:
    if target.is_dir():
        raise Failure(f"{target} is a folder; give a file name")
    if not target.parent.is_dir():
        raise Failure(f"folder {target.parent} does not exist")
    if (target.exists() or target.is_symlink()) and not force:
        raise Failure(f"{target} already exists; use --force to overwrite it")


def _write_new_file(target: Path, data: bytes, force: bool) -> None:
    """Write whole-or-nothing (temp file + link/rename), private to the user like the session store.

    Without force the final step is a hard link, which fails if the name appeared meanwhile, so an existing file
    is never replaced even by a race."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            os.replace(tmp, target)
        else:
            try:
                os.link(tmp, target)
            except FileExistsError:
                raise Failure(f"{target} already exists; use --force to overwrite it") from None
            except OSError:  # a file system without hard links: exclusive create still never replaces
                try:
                    with open(target, "xb") as handle:
                        handle.write(data)
                except FileExistsError:
                    raise Failure(f"{target} already exists; use --force to overwrite it") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@sessions.command("import")
@click.argument("source", metavar="FILE")
@click.option("--force", is_flag=True, help="Replace an existing session with this id (it is backed up first).")
def import_command(source, force) -> None:
    """Import an exported session (.json or .json.gz; - reads stdin)."""
    if source == "-":
        data = sys.stdin.buffer.read()
        if not data.strip():
            raise Failure("nothing to import: stdin was empty")
        document = data
    else:
        document = Path(source)
    open_manager(speak=True).import_session(document, force=force)


@sessions.command("stats")
@json_option
def stats_command(as_json) -> None:
    """Counts, ages, storage use, activity and alerts."""
    manager = open_manager()
    report = {
        "sessions": manager.get_session_stats(),
        "ages": manager.get_session_age_stats(),
        "storage": manager.get_storage_usage(),
        "activity": manager.get_activity_metrics(),
    }
    if as_json:
        out.dump_json(report)
        return
    _print_stats(report)


def _print_stats(r: dict) -> None:
    s, a, u, act = r["sessions"], r["ages"], r["storage"], r["activity"]
    oldest = f"{s['oldest_session_id']} ({s['oldest_age_hours']} h)" if s["oldest_session_id"] else "-"
    pairs = [
        ("Active sessions", f"{s['active_count']} of {s['max_active_sessions']} ({s['active_percent']}%)"),
        ("Archived sessions", s["archived_count"]),
        ("Storage used", f"{s['storage_mb']} MB indexed, {u['total_mb']} MB on disk "
                         f"({u['percent_of_limit']}% of {u['limit_mb']:g} MB)"),
        ("Avg session age", f"{s['avg_age_hours']} hours"),
        ("Median session age", f"{a['median_age_hours']} hours"),
        ("Oldest session", oldest),
        ("Messages", f"{s['messages_total']} total, {act['messages_last_hour']} last hour, "
                     f"{act['messages_last_24h']} last 24 h"),
        ("Sessions active", f"{act['sessions_active_last_hour']} last hour, {act['sessions_active_last_24h']} last 24 h"),
        ("Age distribution", "  ".join(f"{k}: {v}" for k, v in a["buckets"].items())),
        ("Storage by area", "  ".join(f"{k} {out.human_size(v)}" for k, v in u["by_area_bytes"].items())),
    ]
    click.echo(out.key_values(pairs))
    alerts = s["alerts"]
    click.echo("\nAlerts: none" if not alerts else "\nAlerts:")
    for alert in alerts:
        click.echo(f"  {alert['level'].upper()}: {alert['message']}")


@sessions.command("alerts")
@json_option
def alerts_command(as_json) -> None:
    """Alerts that hold now (active sessions, storage, failed cleanup, corrupted files)."""
    alerts = open_manager().get_alerts()
    if as_json:
        out.dump_json({"alerts": alerts})
        return
    if not alerts:
        click.echo("no alerts")
        return
    rows = [[a["level"].upper(), a["code"], out.short_time(a["since"]), a["message"]] for a in alerts]
    click.echo(out.table(["LEVEL", "CODE", "SINCE", "MESSAGE"], rows, flex=3))


@sessions.command("archive")
@click.argument("session_id")
def archive_command(session_id) -> None:
    """Archive one active session now (compressed, redacted)."""
    session_id = validate_session_id(session_id)
    open_manager(speak=True).archive_session(session_id, reason="manual")


def restore(session_id: str, date: Optional[str], force: bool, storage: Optional[str] = None) -> None:
    session_id = validate_session_id(session_id)
    date = checked_day(date)
    manager = open_manager(storage, speak=True)
    try:
        manager.restore_session(session_id, date, force=force)
    except SessionNotFound:
        if stored_state(manager, session_id) == "active":  # say why there is nothing to restore
            raise Failure(f"session {session_id!r} is already active; there is no archive to restore") from None
        raise


date_option = click.option("--date", metavar="YYYY-MM-DD", help="Archive day to restore from (default: newest).")
force_restore_option = click.option("--force", is_flag=True,
                                    help="Replace an active session with the same id (it is backed up first).")


@sessions.command("restore")
@click.argument("session_id")
@date_option
@force_restore_option
def restore_command(session_id, date, force) -> None:
    """Bring an archived session back to active."""
    restore(session_id, date, force)


@click.command("restore_session.py", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--session-id", required=True, help="The session to restore.")
@date_option
@force_restore_option
@storage_option
def restore_script(session_id, date, force, storage) -> None:
    """Bring an archived session back to active (the archive is found without --date too)."""
    restore(session_id, date, force, storage)


@sessions.command("verify")
@click.option("--deep", is_flag=True, help="Also decode every archive.")
@json_option
def verify_command(deep, as_json) -> int:
    """Load every session, quarantine what is broken and repair the index. Exit 1 if problems were found."""
    report = open_manager().verify(deep=deep, progress=progress("verifying", not as_json))
    if as_json:
        out.dump_json(report)
    else:
        click.echo(f"checked {report['active_checked']} active session(s)"
                   + (f" and {report['archives_checked']} archive(s)" if deep else ""))
        for item in report["unrecoverable"]:
            click.echo(f"  unrecoverable: {item['session_id']}: {item['error']}")
        for item in report["bad_archives"]:
            click.echo(f"  bad archive: {item['path']}: {item['error']}")
        for name in report["quarantined"]:
            click.echo(f"  quarantined: {name}")
        if report["index_rebuilt"]:
            click.echo("  the index disagreed with the files and was rebuilt")
        click.echo("OK" if report["ok"] else "problems found (see above)")
    return EXIT_OK if report["ok"] else EXIT_NOT_FOUND


@sessions.command("reindex")
@json_option
def reindex_command(as_json) -> int:
    """Rebuild the session index (metadata.json) from the session files."""
    report = open_manager().reindex(progress=progress("reindexing", not as_json))
    if as_json:
        out.dump_json(report)
    else:
        click.echo(f"index rebuilt: {report['active']} active, {report['archived']} archived session(s)")
        for problem in report["problems"]:
            click.echo(f"  unreadable: {problem['path']}: {problem['error']}")
    return EXIT_NOT_FOUND if report["problems"] else EXIT_OK


def rebuild(from_logs: Optional[str], as_json: bool, storage: Optional[str] = None) -> int:
    manager = open_manager(storage)
    folder = Path(from_logs) if from_logs else manager.settings.log_path
    if not folder.is_dir():
        raise Failure(f"log folder {folder} does not exist")
    report = manager.rebuild_from_logs(folder, progress=progress("rebuilding", not as_json))
    if as_json:
        out.dump_json(report)
        return EXIT_OK
    click.echo(f"rebuilt {len(report['rebuilt'])} session(s), skipped {len(report['skipped'])} from {report['log_dir']}")
    for item in report["rebuilt"]:
        click.echo(f"  rebuilt  {item['session_id']}")
    for item in report["skipped"]:
        click.echo(f"  skipped  {item['session_id']}: {item['reason']}")
    return EXIT_OK


from_logs_option = click.option("--from-logs", metavar="FOLDER",
                                help="Conversation-log folder (default: CONVERSATION_LOG_PATH).")


@sessions.command("rebuild")
@from_logs_option
@json_option
def rebuild_command(from_logs, as_json) -> int:
    """Recreate active sessions and their index entries from conversation logs (safe to repeat)."""
    return rebuild(from_logs, as_json)


@click.command("rebuild_sessions.py", context_settings={"help_option_names": ["-h", "--help"]})
@from_logs_option
@json_option
@storage_option
def rebuild_script(from_logs, as_json, storage) -> int:
    """Recreate active sessions and their index entries from conversation logs (safe to repeat)."""
    return rebuild(from_logs, as_json, storage)


# -------------------------------------------------------------------------------------------------- cleanup
@click.command("cleanup", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--days", type=click.FloatRange(min=0, min_open=True), metavar="N",
              help="Keep archives this many days (default: SESSION_ARCHIVE_DAYS).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; change nothing.")
@click.option("--force", is_flag=True, help="Archive every active session, expired or not.")
@click.option("--all", "all_", is_flag=True, help="With --force: move EVERY session to archive/backups/.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before --force --all.")
@json_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing unless something failed.")
@storage_option
def cleanup_command(days, dry_run, force, all_, yes, as_json, quiet, storage) -> int:
    """Archive expired sessions and remove old archives and backups. Exit 1 if the pass had errors."""
    if all_ and not force:
        raise click.UsageError("--all needs --force (it moves every session, active and archived, to the backups)")
    purge = force and all_
    manager = open_manager(storage)
    if purge and not dry_run:
        active = manager.list_sessions(state="active", limit=1)[0]
        archived = manager.list_sessions(state="archived", limit=1)[0]
        confirm_or_refuse(
            f"Move ALL {active} active and {archived} archived session(s) into the backups?",
            yes=yes, action="move every session to the backups")
    report = manager.cleanup(days=days, dry_run=dry_run, archive_all=force, purge=purge,
                             progress=progress("cleanup", not (as_json or quiet)))
    if as_json:
        out.dump_json(report.to_dict())
    elif not quiet:
        _print_cleanup(report)
    for error in report.errors if (quiet and not as_json) else ():
        click.echo(f"error: {_action_target(error)}: {error['error']}", err=True)
    return EXIT_NOT_FOUND if report.errors else EXIT_OK


sessions.add_command(cleanup_command)


def _action_target(action: dict) -> str:
    return action.get("session_id") or action.get("path") or action.get("action", "?")


def _print_cleanup(report) -> None:
    if report.skipped:
        click.echo("another cleanup pass is running; this one was skipped")
        return
    actions = report.planned if report.dry_run else report.done
    labels = PLANNED_LABELS if report.dry_run else DONE_LABELS
    if report.dry_run:
        click.echo("DRY RUN: nothing was changed." + (" These actions would be taken:" if actions else ""))
    rows = [[labels.get(a["action"], a["action"]), _action_target(a), a.get("reason", "")] for a in actions]
    if rows:
        click.echo(out.table(["ACTION", "SESSION / FILE", "REASON"], rows, flex=2))
    counts: dict[str, int] = {}
    for action in actions:
        label = labels.get(action["action"], action["action"])
        counts[label] = counts.get(label, 0) + 1
    summary = ", ".join(f"{label}: {n}" for label, n in sorted(counts.items())) or "nothing to do"
    click.echo(f"{'would do' if report.dry_run else 'done'}: {summary}; errors: {len(report.errors)}")
    for error in report.errors:
        click.echo(f"error: {_action_target(error)}: {error['error']}", err=True)


# ---------------------------------------------------------------------------------------------------- users
@cli.group()
def users() -> None:
    """Accounts for AUTH_MODE=password (salted scrypt hashes in the users file, 0600)."""


def _users_file() -> Path:
    ctx = click.get_current_context(silent=True)
    state = ctx.find_object(CliState) if ctx else None
    settings = load_settings()
    if settings.users_file is not None:
        return settings.users_file
    return Path(state.storage) / "users.json" if state and state.storage else settings.users_path


def _read_password(from_stdin: bool) -> str:
    """From a hidden prompt (asked twice) or, for scripts, one line of stdin; never from argv, where other
    users of the machine could read it in the process list."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise Failure("no password on stdin")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise Failure("stdin is not a terminal: pass --password-stdin and send the password on stdin")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


@users.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="May use /admin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin instead of prompting.")
@click.option("--replace", is_flag=True, help="Change an existing user's password and admin flag.")
def users_add(name: str, admin: bool, password_stdin: bool, replace: bool) -> None:
    """Add a user who can sign in to the chat."""
    from .web.users import UserError, add_user, validate_user_name

    try:
        validate_user_name(name)
        record = add_user(_users_file(), name, _read_password(password_stdin), admin, replace=replace)
    except UserError as exc:
        raise Failure(str(exc)) from None
    click.echo(f"{'updated' if replace else 'added'} user {record.name}{' (admin)' if record.admin else ''}")


@users.command("remove")
@click.argument("name")
def users_remove(name: str) -> None:
    """Remove a user (their conversations stay in the store)."""
    from .web.users import UserError, remove_user

    try:
        remove_user(_users_file(), name)
    except UserError as exc:
        raise Failure(str(exc), EXIT_NOT_FOUND if str(exc).startswith("no user") else EXIT_BAD_INPUT) from None
    click.echo(f"removed user {name}")


@users.command("list")
@json_option
def users_list(as_json: bool) -> None:
    """The users in the users file."""
    from .web.users import list_users

    records = list_users(_users_file())
    if as_json:
        click.echo(json.dumps([{"name": r.name, "admin": r.admin} for r in records]))
    else:
        click.echo(out.table(["USER", "ADMIN"], [[r.name, "yes" if r.admin else ""] for r in records]))


cli.add_command(__import__("pulsepal.cli_db", fromlist=["db"]).db)  # `db ...`: the PostgreSQL store (cli_db.py)


def main(args: Optional[list[str]] = None) -> int:
    return run(cli, args, prog_name="python -m pulsepal.cli")


if __name__ == "__main__":
    sys.exit(main())
