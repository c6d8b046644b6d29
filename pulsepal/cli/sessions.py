"""`sessions list | show | delete | export | import | stats | alerts | archive`: looking at and moving sessions.

Each command asks the SessionManager and prints the answer, as an aligned table for people or as JSON (`--json`)
for scripts. The maintenance passes (restore, verify, reindex, rebuild, cleanup) are in maintenance.py.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any, Optional

import click

from ..dependencies import erase_user_everywhere
from ..sessions import SessionManager
from ..sessions.documents import document_to_markdown
from ..sessions.files import atomic_write_bytes
from ..sessions.ids import validate_new_session_id
from ..sessions.manager import entry_row
from ..web import history_bus
from . import history
from . import output as out
from .base import EXIT_NOT_FOUND, Failure, Group, confirm_or_refuse, open_manager, state

SORT_KEYS = ("last_activity", "created_at", "size", "messages")
TITLE_MIN = 20  # below this the title column gives way: optional columns are hidden first


@click.group(cls=Group)
def sessions() -> None:
    """Inspect, export, import, archive and clean up chat sessions."""


def stored_state(manager: SessionManager, session_id: str) -> Optional[str]:
    """'active', 'archived' or None, from the store itself (an index may lag another process)."""
    return manager.store.locate(session_id)


# ------------------------------------------------------------------------------------------------------ list
@sessions.command("list", json_output=True)
@click.option("--archived", is_flag=True, help="List archived sessions instead of active ones.")
@click.option("--all", "all_", is_flag=True, help="List active and archived sessions.")
@click.option("--user", "owner", metavar="NAME", help="Only sessions of this user.")
@click.option("--older-than", metavar="AGE", help="Only sessions created longer ago than AGE (90m, 12h, 3d).")
@click.option("--search", metavar="TEXT", help="Conversations whose messages or title hold the words of TEXT, active "
              "and archived unless --archived, best match first (the chat's and the admin page's search).")
@click.option("--sort", type=click.Choice(SORT_KEYS), help="Order by this  [default: last_activity; with --search: "
              "best match]")
@click.option("--asc", is_flag=True, help="Oldest / smallest first.")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many.")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip this many first.")
def list_command(archived, all_, owner, older_than, search, sort, asc, limit, offset) -> None:
    """List sessions (active ones unless --archived or --all)."""
    if archived and all_:
        raise click.UsageError("--archived and --all cannot be combined")
    hours = None
    if older_than is not None:
        try:
            hours = out.parse_duration_hours(older_than)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="'--older-than'") from None
    kind = None if all_ else ("archived" if archived else "active")
    manager = open_manager()
    if search is not None:
        kind = "archived" if archived else None  # a search covers the whole history, like the sidebar's
        created_before = None if hours is None else manager.clock.timestamp() - hours * 3600
        found = history.search_rows(manager, search, owner=owner, state=kind, created_before=created_before)
        if sort:
            found.sort(key=lambda row: _sort_value(row, sort), reverse=not asc)
        total, rows = len(found), found[offset: offset + limit if limit else None]
    else:
        total, rows = manager.list_sessions(state=kind, owner=owner, older_than_hours=hours, sort=sort or
                                            "last_activity", descending=not asc, offset=offset, limit=limit)
    if state().json:
        out.dump_json({"total": total, "offset": offset, "sessions": rows})
        return
    label = {"active": "active ", "archived": "archived "}.get(kind or "", "")
    if not rows:
        out.say(f"no {label}sessions found" + (f" matching {search!r}" if search is not None else ""), err=True)
        return
    text, hidden, width = _sessions_table(rows, show_state=kind is None, archived=kind == "archived")
    out.say(text)
    out.say(f"{len(rows)} of {total} {label}session(s)")
    if hidden:  # a hint for the person at the terminal, kept off stdout
        out.say(f"({_names(hidden)} hidden to fit {width} columns; a wider terminal or --json shows them)",
                err=True)


def _sort_value(row: dict, sort: str):
    key = "message_count" if sort == "messages" else sort
    return row.get(key) or (0 if key in ("size", "message_count") else "")


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _sessions_table(rows: list[dict], *, show_state: bool, archived: bool) -> tuple[str, list[str], Optional[int]]:
    """The table, the names of the columns left out to fit the terminal, and the width fitted to."""
    headers = ["SESSION ID"] + (["STATE"] if show_state else []) + ["OWNER", "MSGS", "ARCHIVED" if archived
                                                                   else "ACTIVE", "SIZE", "TITLE"]
    body = []
    for row in rows:
        when = row["archived_at"] if archived else row["last_activity"]
        cells = [row["session_id"]] + ([row["state"]] if show_state else [])
        title = row["title"] or ""
        if row.get("snippet") and row["snippet"].lower() != title.lower():  # a search hit: what matched, as the
            title = f"{title} — {row['snippet']}"  # sidebar shows it
        cells += [out.one_line(row["owner"] or "-", 16), str(row["message_count"]), out.ago(when),
                  out.human_bytes(row["size"]), out.one_line(title, None)]
        body.append(cells)
    column = {name: i for i, name in enumerate(headers)}
    when_column = column["ARCHIVED" if archived else "ACTIVE"]
    width = out.terminal_width()
    keep = out.fit_columns(headers, body, width=width, flex=column["TITLE"], min_flex=TITLE_MIN,
                           optional=[column["SIZE"], column["MSGS"], column["OWNER"], when_column])
    shown = [headers[i] for i in keep]
    cut = [[cells[i] for i in keep] for cells in body]
    right = [shown.index(name) for name in ("MSGS", "SIZE") if name in shown]
    text = out.table(shown, cut, flex=shown.index("TITLE"), width=width, right=right)
    return text, [h for i, h in enumerate(headers) if i not in keep], width


# ------------------------------------------------------------------------------------------------------ show
@sessions.command("show", json_output=True)
@click.argument("session_id")
@click.option("--messages", "count", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many recent messages to show.")
@click.option("--full", is_flag=True, help="Show whole messages instead of one line each.")
def show_command(session_id, count, full) -> None:
    """Show one session (active or archived): its metadata and recent messages."""
    session_id = validate_new_session_id(session_id)
    manager = open_manager()
    ctx = manager.get_session(session_id)
    if ctx is not None:
        session, kind = ctx.model_dump(mode="json"), "active"
    else:
        session, kind = manager.export_session(session_id, purpose="read")["session"], "archived"
    entry = manager.store.entry(session_id) or {}
    details = _session_details(session, kind, entry, count)
    if state().json:
        out.dump_json(details)
        return
    _print_details(details, full)


def _session_details(session: dict, kind: str, entry: Any, count: int) -> dict:
    row = entry_row(session["session_id"], entry)
    history = session.get("conversation_history", [])
    recent = history[-count:] if count else []
    return {
        "session_id": session["session_id"],
        "state": kind,
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
        "archived_at": row["archived_at"] if kind == "archived" else None,
        "archive_path": row["archive_path"] if kind == "archived" else None,
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
        ("Size", out.human_bytes(d["size"])),
    ]
    if d["activated_at"] and d["activated_at"] != d["created_at"]:
        pairs.insert(6, ("Restored", out.short_time(d["activated_at"])))
    if d["state"] == "archived":
        pairs += [("Archived", out.short_time(d["archived_at"])), ("Archive file", d["archive_path"])]
    if d["metadata"]:
        pairs.append(("Metadata", json.dumps(d["metadata"], ensure_ascii=False, sort_keys=True)))
    out.say(out.key_values(pairs))
    messages = d["recent_messages"]
    out.say(f"\nRecent messages ({len(messages)} of {d['message_count']}):" if messages else "\nNo messages.")
    width = out.terminal_width() or out.UNLIMITED_LINE
    for m in messages:
        head = f"[{out.short_time(m['timestamp'])}] {m['role']}: "
        text = m["content"].rstrip() if full else out.one_line(m["content"], width - len(head))
        out.say(head + text)


# ---------------------------------------------------------------------------------------------------- delete
@sessions.command("delete")
@click.argument("session_id", required=False)
@click.option("--user", "owner", metavar="NAME", help="Delete every conversation of this user instead.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def delete_command(session_id, owner, yes) -> None:
    """Delete a session (active and archived copies), or with --user NAME every conversation of that user.
    A backup of each is kept (for the operator only: `sessions backups`) and pruned after SESSION_ARCHIVE_DAYS."""
    if (session_id is None) == (owner is None):
        raise click.UsageError("give a SESSION_ID or --user NAME (not both)")
    if owner is not None:
        _delete_user(history.user_name(owner), yes)
        return
    session_id = validate_new_session_id(session_id)
    manager = open_manager(speak=True)
    kind = stored_state(manager, session_id)
    if kind is None:
        raise Failure(f"no session {session_id!r} (neither active nor archived)", EXIT_NOT_FOUND)
    confirm_or_refuse(f"Delete {kind} session {session_id}? (a backup is kept: `sessions backups`)",
                      yes=yes, action="delete a session")
    owner = (manager.describe(session_id) or {}).get("owner")
    manager.delete_session(session_id)
    history_bus.announce_from(manager, owner, [session_id])  # the owner's open tabs


def _delete_user(owner: str, yes: bool) -> None:
    manager = open_manager()
    count = history.conversations_of(manager, owner)
    if not count:
        raise Failure(f"user {owner!r} has no conversations", EXIT_NOT_FOUND)
    days = manager.settings.session_archive_days
    confirm_or_refuse(f"Delete all {count} conversation(s) of {owner}? (a backup of each is kept for "
                      f"{days:g} days, then pruned)", yes=yes, action="delete a user's conversations")
    result = erase_user_everywhere(manager, owner)
    history_bus.announce_from(manager, owner, None)  # the user's open tabs follow
    if state().json:
        out.dump_json({"owner": owner, "removed": result["removed"]})
        return
    out.say(f"deleted {len(result['removed'])} conversation(s) of {owner}; their backups (`sessions backups`) stay "
            f"for {days:g} days (operator only), then the cleanup prunes them")


# ---------------------------------------------------------------------------------------------- export/import
@sessions.command("export")
@click.argument("session_id", required=False)
@click.option("--user", "owner", metavar="NAME", help="Export every conversation of this user as one zip instead.")
@click.option("--output", "-o", default="-", show_default=True, metavar="FILE", help="Where to write; - for stdout.")
@click.option("--format", "fmt", type=click.Choice(["json", "markdown"]),
              help="Default: markdown for a .md file, else json.")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
def export_command(session_id, owner, output, fmt, force) -> None:
    """Export a whole session (every message) as a JSON document or a Markdown transcript; with --user NAME, every
    conversation of that user as one zip (JSON, which `sessions import` takes back, and Markdown).

    A file gets the exact text; Markdown printed to the terminal shows control characters as escapes."""
    if (session_id is None) == (owner is None):
        raise click.UsageError("give a SESSION_ID or --user NAME (not both)")
    if owner is not None:
        owner = history.user_name(owner)
        if output == "-" or fmt is not None:
            raise click.UsageError("--user writes one zip: give --output FILE.zip (and no --format)")
        zip_path = Path(output)
        _check_output(zip_path, force)
        count = history.export_user(open_manager(), owner, zip_path, force=force)
        out.say(f"exported {count} conversation(s) of {owner} to {zip_path}")
        return
    session_id = validate_new_session_id(session_id)
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
        if fmt == "markdown":
            out.say(text, nl=False)  # Markdown is read by a person: no escape sequence reaches the terminal
        else:
            click.echo(text, nl=False)  # JSON escapes control characters itself and must stay exact
        return
    try:
        atomic_write_bytes(target, text.encode("utf-8"), overwrite=force)  # private (0600), whole or not at all
    except FileExistsError:
        raise Failure(f"{target} already exists; use --force to overwrite it") from None
    count = document["session"].get("conversation_count", 0)
    out.say(f"exported session {session_id} ({count} messages, {fmt}) to {target}")


def _check_output(target: Path, force: bool) -> None:
    if target.is_dir():
        raise Failure(f"{target} is a folder; give a file name")
    if not target.parent.is_dir():
        raise Failure(f"folder {target.parent} does not exist")
    if (target.exists() or target.is_symlink()) and not force:
        raise Failure(f"{target} already exists; use --force to overwrite it")


@sessions.command("import")
@click.argument("source", metavar="FILE")
@click.option("--force", is_flag=True, help="Replace an existing session with this id (it is backed up first).")
def import_command(source, force) -> None:
    """Import an exported session (.json or .json.gz), or every conversation of an export-all zip (`sessions
    export --user`, or the chat's "export all"); - reads stdin."""
    document: bytes | Path
    if source == "-":
        document = sys.stdin.buffer.read()
        if not document.strip():
            raise Failure("nothing to import: stdin was empty")
    else:
        document = Path(source)
        with open(document, "rb") if document.is_file() else io.BytesIO() as head:
            if history.is_zip(head.read(4)):
                document = history.read_source(document)
    if isinstance(document, bytes) and history.is_zip(document):
        ids = open_manager().import_zip(document, force=force)
        out.say(f"imported {len(ids)} conversation(s)")
        return
    open_manager(speak=True).import_session(document, force=force)


# ------------------------------------------------------------------------------------------- stats / alerts
@sessions.command("stats", json_output=True)
def stats_command() -> None:
    """Counts, ages, storage use, activity and alerts."""
    manager = open_manager()
    report = {
        "sessions": manager.get_session_stats(),
        "ages": manager.get_session_age_stats(),
        "storage": manager.get_storage_usage(),
        "activity": manager.get_activity_metrics(),
    }
    if state().json:
        out.dump_json(report)
        return
    _print_stats(report)


def _print_stats(r: dict) -> None:
    s, a, u, act = r["sessions"], r["ages"], r["storage"], r["activity"]
    oldest = f"{s['oldest_session_id']} ({s['oldest_age_hours']} h)" if s["oldest_session_id"] else "-"
    limit_bytes = u["limit_mb"] * 1024 * 1024
    share = 100.0 * s["storage_bytes"] / limit_bytes if limit_bytes else 0.0
    pairs = [
        ("Active sessions", f"{s['active_count']} of {s['max_active_sessions']} ({s['active_percent']}%)"),
        ("Archived sessions", s["archived_count"]),
        ("Session storage", f"{out.human_bytes(s['storage_bytes'])}, {share:.1f}% of the {u['limit_mb']:g} MB "
                            "limit (active and archived sessions, as indexed; the storage alert counts this)"),
        ("On disk", f"{out.human_bytes(u['total_bytes'])} in all folders (sessions, logs, backups, quarantine, "
                    "index)"),
        ("Avg session age", f"{s['avg_age_hours']} hours"),
        ("Median session age", f"{a['median_age_hours']} hours"),
        ("Oldest session", oldest),
        ("Messages", f"{s['messages_total']} total, {act['messages_last_hour']} last hour, "
                     f"{act['messages_last_24h']} last 24 h"),
        ("Sessions active", f"{act['sessions_active_last_hour']} last hour, "
                            f"{act['sessions_active_last_24h']} last 24 h"),
        ("Age distribution", "  ".join(f"{k}: {v}" for k, v in a["buckets"].items())),
        ("Disk by folder", "  ".join(f"{k} {out.human_bytes(v)}" for k, v in u["by_area_bytes"].items())),
    ]
    out.say(out.key_values(pairs))
    alerts = s["alerts"]
    out.say("\nAlerts: none" if not alerts else "\nAlerts:")
    for alert in alerts:
        out.say(f"  {alert['level'].upper()}: {alert['message']}")


@sessions.command("alerts", json_output=True)
def alerts_command() -> None:
    """Alerts that hold now (active sessions, storage, failed cleanup, corrupted files)."""
    alerts = open_manager().get_alerts()
    if state().json:
        out.dump_json({"alerts": alerts})
        return
    if not alerts:
        out.say("no alerts")
        return
    rows = [[a["level"].upper(), a["code"], out.short_time(a["since"]), a["message"]] for a in alerts]
    out.say(out.table(["LEVEL", "CODE", "SINCE", "MESSAGE"], rows, flex=3, width=out.terminal_width()))


# --------------------------------------------------------------------------------------------------- archive
@sessions.command("archive")
@click.argument("session_id")
def archive_command(session_id) -> None:
    """Archive one active session now (compressed, redacted)."""
    session_id = validate_new_session_id(session_id)
    open_manager(speak=True).archive_session(session_id, reason="manual")
