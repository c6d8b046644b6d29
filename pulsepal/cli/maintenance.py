"""`sessions restore | verify | reindex | rebuild | cleanup`, and the spec's scripts built from the same commands.

scripts/cleanup_sessions.py, restore_session.py and rebuild_sessions.py call `run()` on the standalone commands
defined here, so the script and the `sessions ...` spelling of each behave identically.
"""

from __future__ import annotations

from typing import Optional

import click

from ..sessions import SessionNotFound
from ..sessions.ids import validate_new_session_id
from . import output as out
from .base import EXIT_NOT_FOUND, EXIT_OK, Command, Failure, confirm_or_refuse, open_manager, progress, state
from .sessions import sessions, stored_state

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
    "swept_temp_files": "removed leftover",
    "swept_stale_archives": "removed stale copy",
}


def checked_day(day: Optional[str]) -> Optional[str]:
    if day is None:
        return None
    try:
        return out.parse_day(day)
    except ValueError as exc:
        raise Failure(str(exc)) from None


# --------------------------------------------------------------------------------------------------- restore
def restore(session_id: str, date: Optional[str], force: bool) -> None:
    session_id = validate_new_session_id(session_id)
    date = checked_day(date)
    manager = open_manager(speak=True)
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


@click.command("restore_session.py", cls=Command)
@click.option("--session-id", required=True, help="The session to restore.")
@date_option
@force_restore_option
def restore_script(session_id, date, force) -> None:
    """Bring an archived session back to active (the archive is found without --date too)."""
    restore(session_id, date, force)


# --------------------------------------------------------------------------------------------------- backups
@sessions.command("backups", json_output=True)
def backups_command() -> None:
    """List what delete, import --force and cleanup --force --all kept, newest first; `sessions import NAME`
    brings one back. The same on both stores (with SESSION_DATABASE_URL the backups are rows, not files)."""
    rows = open_manager().list_backups()
    if state().json:
        out.dump_json({"backups": rows})
        return
    if not rows:
        out.say("no backups", err=True)
        return
    body = [[out.short_time(r["created_at"]), r["reason"], r["session_id"] or "-", r["name"]] for r in rows]
    out.say(out.table(["KEPT", "REASON", "SESSION ID", "NAME"], body, flex=3, width=out.terminal_width()))
    out.say(f"{len(rows)} backup(s); `sessions import NAME` restores one")


# ------------------------------------------------------------------------------------------ verify / reindex
@sessions.command("verify", json_output=True)
@click.option("--deep", is_flag=True, help="Also decode every archive.")
def verify_command(deep) -> int:
    """Load every session, quarantine what is broken and repair the index. Exit 1 if problems were found."""
    as_json = state().json
    report = open_manager().verify(deep=deep, progress=progress("verifying", not as_json))
    if as_json:
        out.dump_json(report)
    else:
        out.say(f"checked {report['active_checked']} active session(s)"
                + (f" and {report['archives_checked']} archive(s)" if deep else ""))
        for item in report["unrecoverable"]:
            out.say(f"  unrecoverable: {item['session_id']}: {item['error']}")
        for item in report["bad_archives"]:
            out.say(f"  bad archive: {item['path']}: {item['error']}")
        for name in report["quarantined"]:
            out.say(f"  quarantined: {name}")
        if report["index_rebuilt"]:
            out.say("  the index disagreed with the files and was rebuilt")
        for item in report["future_stamps"]:  # a warning: written while the clock was ahead (guard.future_stamps)
            out.say(f"  future time: {item['session_id']} ({item['state']}): {item['stamp']} is {item['ahead']} "
                    "ahead of now; it will not expire (or be pruned) until then")
        out.say("OK" if report["ok"] else "problems found (see above)")
    return EXIT_OK if report["ok"] else EXIT_NOT_FOUND


@sessions.command("reindex", json_output=True)
def reindex_command() -> int:
    """Rebuild the session index (metadata.json) from the session files."""
    as_json = state().json
    report = open_manager().reindex(progress=progress("reindexing", not as_json))
    if as_json:
        out.dump_json(report)
    else:
        out.say(f"index rebuilt: {report['active']} active, {report['archived']} archived session(s)")
        for problem in report["problems"]:
            out.say(f"  unreadable: {problem['path']}: {problem['error']}")
    return EXIT_NOT_FOUND if report["problems"] else EXIT_OK


# --------------------------------------------------------------------------------------------------- rebuild
def rebuild(from_logs: Optional[str]) -> int:
    as_json = state().json
    manager = open_manager()  # the engine checks the folder: which one must exist depends on the store
    report = manager.rebuild_from_logs(from_logs, progress=progress("rebuilding", not as_json))
    if as_json:
        out.dump_json(report)
        return EXIT_OK
    out.say(f"rebuilt {len(report['rebuilt'])} session(s), skipped {len(report['skipped'])} from {report['log_dir']}")
    for item in report["rebuilt"]:
        out.say(f"  rebuilt  {item['session_id']}")
    for item in report["skipped"]:
        out.say(f"  skipped  {item['session_id']}: {item['reason']}")
    return EXIT_OK


from_logs_option = click.option("--from-logs", metavar="FOLDER",
                                help="Conversation-log folder (default: CONVERSATION_LOG_PATH).")


@sessions.command("rebuild", json_output=True)
@from_logs_option
def rebuild_command(from_logs) -> int:
    """Recreate active sessions and their index entries from conversation logs (safe to repeat)."""
    return rebuild(from_logs)


@click.command("rebuild_sessions.py", cls=Command, json_output=True)
@from_logs_option
def rebuild_script(from_logs) -> int:
    """Recreate active sessions and their index entries from conversation logs (safe to repeat)."""
    return rebuild(from_logs)


# --------------------------------------------------------------------------------------------------- cleanup
@click.command("cleanup", cls=Command, json_output=True)
@click.option("--days", type=click.FloatRange(min=0, min_open=True), metavar="N",
              help="Keep archives this many days (default: SESSION_ARCHIVE_DAYS).")
@click.option("--dry-run", is_flag=True, help="Show what would happen; change nothing.")
@click.option("--force", is_flag=True, help="Archive every active session, expired or not, and carry out steps "
              "the last passes held (a clock jump, too many archives at once).")
@click.option("--confirm", is_flag=True, help="Only carry out the steps the last passes held (see the "
              "cleanup_held alert); archive nothing early.")
@click.option("--all", "all_", is_flag=True, help="With --force: move EVERY session to the backups.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before --force --all.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing unless something failed.")
def cleanup_command(days, dry_run, force, confirm, all_, yes, quiet) -> int:
    """Archive expired sessions and remove old archives and backups. Exit 1 if the pass had errors."""
    if all_ and not force:
        raise click.UsageError("--all needs --force (it moves every session, active and archived, to the backups)")
    as_json = state().json
    purge = force and all_
    manager = open_manager()
    if purge and not dry_run:
        active = manager.list_sessions(state="active", limit=1)[0]
        archived = manager.list_sessions(state="archived", limit=1)[0]
        confirm_or_refuse(
            f"Move ALL {active} active and {archived} archived session(s) into the backups?",
            yes=yes, action="move every session to the backups")
    report = manager.cleanup(days=days, dry_run=dry_run, archive_all=force, purge=purge,
                             confirm_held=force or confirm, progress=progress("cleanup", not (as_json or quiet)))
    if as_json:
        out.dump_json(report.to_dict())
    elif not quiet:
        _print_cleanup(report)
    for error in report.errors if (quiet and not as_json) else ():
        out.say(f"error: {_action_target(error)}: {error['error']}", err=True)
    return EXIT_NOT_FOUND if report.errors else EXIT_OK


sessions.add_command(cleanup_command)


def _action_target(action: dict) -> str:
    return action.get("session_id") or action.get("path") or action.get("action", "?")


def _print_cleanup(report) -> None:
    if report.skipped:
        out.say("another cleanup pass is running; this one was skipped")
        return
    actions = report.planned if report.dry_run else report.done
    labels = PLANNED_LABELS if report.dry_run else DONE_LABELS
    if report.dry_run:
        out.say("DRY RUN: nothing was changed." + (" These actions would be taken:" if actions else ""))
    rows = [[labels.get(a["action"], a["action"]), _action_target(a), a.get("reason", "")] for a in actions]
    if rows:
        out.say(out.table(["ACTION", "SESSION / FILE", "REASON"], rows, flex=2, width=out.terminal_width()))
    counts: dict[str, int] = {}
    for action in actions:
        label = labels.get(action["action"], action["action"])
        counts[label] = counts.get(label, 0) + 1
    summary = ", ".join(f"{label}: {n}" for label, n in sorted(counts.items())) or "nothing to do"
    out.say(f"{'would do' if report.dry_run else 'done'}: {summary}; errors: {len(report.errors)}")
    for error in report.errors:
        out.say(f"error: {_action_target(error)}: {error['error']}", err=True)
    if report.held:
        out.say(f"held {len(report.held)} step(s): {report.held[0]['held']}", err=True)
        out.say("check the clock, then run again with --confirm (or --force) to carry them out", err=True)
