"""One cleanup pass, shared by the background scheduler, `scripts/cleanup_sessions.py` and the admin page.

The pass is planned from the index (no session file is opened to find candidates) and then carried out one
action at a time, each re-checking the real files under the session lock. A cross-process lock makes sure two
passes (two app processes, or the app and the CLI) never run at once; the scheduler uses it without waiting.

Levels, from mild to drastic:
- default: archive expired sessions, remove archives older than the retention, prune old backups;
- archive_all (`--force`): also archive every active session, expired or not;
- purge (`--force --all`): move every session, active or archived, into archive/backups/ (nothing is deleted
  outright; backups are pruned after SESSION_BACKUP_DAYS like any other).
"""

from __future__ import annotations

import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Optional

import orjson

from . import files, policy
from .errors import ArchiveError, SessionError, SessionNotFound
from .ids import is_valid_session_id

HISTORY_KEPT = 20


@dataclass
class CleanupReport:
    started_at: str
    dry_run: bool
    planned: list[dict]
    done: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    skipped: bool = False  # another pass held the lock
    duration_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors and not self.skipped

    def counts(self) -> dict[str, int]:
        source = self.planned if self.dry_run else self.done
        out: dict[str, int] = {}
        for action in source:
            out[action["action"]] = out.get(action["action"], 0) + 1
        return out

    def to_dict(self) -> dict:
        data = asdict(self)
        data["ok"] = self.ok
        data["counts"] = self.counts()
        return data


def reconcile_index(manager) -> int:
    """Index the sessions a crash left on disk but not in the index, and drop entries whose files are gone.

    Two directory listings and set arithmetic (no file opened, no per-name work for the sessions the index
    already knows). Only a crash between a session write and its index update creates such a difference, so it
    runs when a manager opens the store and then at most hourly (SessionManager.reconcile_if_due)."""
    index, store = manager.index, manager.store
    index.refresh()
    indexed_active = {sid for sid, entry in index.entries.items() if entry.get("state") == "active"}
    on_disk = store.raw_active_ids()  # a log without an active file is left for rebuild_from_logs / verify
    fixed = 0
    for session_id in on_disk - indexed_active:
        if not is_valid_session_id(session_id):
            continue
        entry = index.get(session_id)
        if entry is not None and entry.get("state") == "archived" and not store.snapshot_path(session_id).exists():
            continue  # an orphan log of an archived session; rebuild_from_logs decides about those
        ctx = manager.get_session(session_id)
        if ctx is not None:
            index.put(session_id, manager._entry(ctx, size=store.active_size(session_id)))
            fixed += 1
    for session_id in indexed_active - on_disk:
        if store.journal_path(session_id).exists():
            continue  # its active file is missing but the log is there: loading it rebuilds the file
        archives = store.find_archives(session_id)
        if archives:
            entry = dict(index.get(session_id) or {})
            entry.update(state="archived", archive_path=str(archives[0].relative_to(store.root)),
                         archived_at=archives[0].stat().st_mtime, size=archives[0].stat().st_size)
            index.put(session_id, entry)
        else:
            index.delete(session_id)
        fixed += 1
    return fixed


def plan_cleanup(
    manager, *, days: Optional[float] = None, archive_all: bool = False, purge: bool = False, dry_run: bool = False
) -> list[dict]:
    """The actions a pass would take, from the index alone (plus the backups folder listing).

    A dry run changes nothing at all, so it does not reconcile the index with the files first."""
    settings = manager.settings
    if days is not None and days <= 0:
        raise ValueError("days must be a positive number")
    days = days if days is not None else settings.session_archive_days
    now = manager.clock.timestamp()
    index = manager.index
    if not dry_run:
        manager.reconcile_if_due()
    index.refresh()
    activated_before, idle_before = policy.expiry_cutoffs(now, settings)
    actions: list[dict] = []
    for session_id, entry in list(index.entries.items()):
        state = entry.get("state")
        if state == "active":
            if purge:
                actions.append({"action": "purge_active", "session_id": session_id, "reason": "forced (--all)"})
            elif archive_all or entry["activated_at"] < activated_before or entry["last_activity"] < idle_before:
                reason = policy.expiry_reason(entry["activated_at"], entry["last_activity"], now, settings)
                actions.append({"action": "archive", "session_id": session_id, "reason": reason or "forced"})
        elif state == "archived":
            if purge:
                actions.append({"action": "purge_archive", "session_id": session_id,
                                "path": entry.get("archive_path"), "reason": "forced (--all)"})
            elif policy.archive_is_old(float(entry.get("archived_at") or 0), now, days):
                actions.append({"action": "remove_archive", "session_id": session_id,
                                "path": entry.get("archive_path"), "reason": f"archived more than {days:g} days ago"})
    for path in manager.store.backups():
        if policy.archive_is_old(path.stat().st_mtime, now, settings.session_backup_days):
            actions.append({"action": "remove_backup", "path": str(path.relative_to(manager.store.root)),
                            "reason": f"backup older than {settings.session_backup_days:g} days"})
    return actions


def run_cleanup(
    manager,
    *,
    days: Optional[float] = None,
    dry_run: bool = False,
    archive_all: bool = False,
    purge: bool = False,
    wait: bool = True,
    progress: Optional[Callable[[int, int], None]] = None,
) -> CleanupReport:
    """Plan and (unless dry_run) carry out one pass; the outcome of real passes is recorded for the admin page."""
    started = manager.clock.now()
    t0 = time.perf_counter()
    try:
        with files.locked(manager.store.named_lock("cleanup"), blocking=wait):
            plan = plan_cleanup(manager, days=days, archive_all=archive_all, purge=purge, dry_run=dry_run)
            report = CleanupReport(started.isoformat(), dry_run, plan)
            if not dry_run:
                _execute(manager, report, progress)
                manager.index.compact()
                manager.audit.rotate_if_large()
    except files.LockBusy:
        return CleanupReport(started.isoformat(), dry_run, [], skipped=True)
    except Exception as exc:  # record the failure for the alert and the admin page, then let the caller see it
        if not dry_run:
            failed = CleanupReport(started.isoformat(), dry_run, [], errors=[{"action": "pass", "error": repr(exc)}])
            failed.duration_seconds = round(time.perf_counter() - t0, 4)
            record_outcome(manager, failed)
        raise
    report.duration_seconds = round(time.perf_counter() - t0, 4)
    if not dry_run:
        record_outcome(manager, report)
        manager.audit.record(manager.actor, "cleanup", None, counts=report.counts(), errors=len(report.errors))
        from .stats import current_alerts

        current_alerts(manager)  # every pass notes when each alert began, even if nobody is looking at stats
    return report


ARCHIVE_BATCH = 500


def _execute(manager, report: CleanupReport, progress) -> None:
    store, index = manager.store, manager.index
    total = len(report.planned)
    done = 0

    def advance(count: int = 1) -> None:
        nonlocal done
        done += count
        if progress:
            progress(done, total)

    archives = [a for a in report.planned if a["action"] == "archive"]
    for start in range(0, len(archives), ARCHIVE_BATCH):  # one durability barrier per batch, not per session
        batch = archives[start : start + ARCHIVE_BATCH]
        for forced in (False, True):
            group = [a for a in batch if (a["reason"] == "forced") == forced]
            if group:
                _record(report, group, manager.archive_sessions(
                    [a["session_id"] for a in group], reason="forced" if forced else "expired",
                    only_if_expired=not forced))
        advance(len(batch))
    for action in report.planned:
        kind = action["action"]
        if kind == "archive":
            continue
        try:
            if kind == "purge_active":
                manager.delete_session(action["session_id"])
            elif kind in ("remove_archive", "purge_archive"):
                _remove_archive(manager, action["session_id"], backup=kind == "purge_archive", reason=action["reason"])
            elif kind == "remove_backup":
                files.remove_durable(store.root / action["path"])
            report.done.append(action)
        except SessionNotFound as exc:
            report.done.append(dict(action, action="gone", reason=str(exc)))
        except (SessionError, ArchiveError, OSError, ValueError) as exc:
            report.errors.append(dict(action, error=f"{type(exc).__name__}: {exc}"))
        advance()
    index.refresh()


def _record(report: CleanupReport, actions: list[dict], outcomes: dict) -> None:
    for action in actions:
        outcome = outcomes.get(action["session_id"])
        if isinstance(outcome, SessionNotFound):
            report.done.append(dict(action, action="gone", reason=str(outcome)))
        elif isinstance(outcome, Exception):
            report.errors.append(dict(action, error=f"{type(outcome).__name__}: {outcome}"))
        elif outcome is None:
            report.done.append(dict(action, action="kept", reason="active again since the plan was made"))
        else:
            report.done.append(action)


def _remove_archive(manager, session_id: str, *, backup: bool, reason: str) -> None:
    store = manager.store
    with manager._lock(session_id):
        paths = store.find_archives(session_id)
        if not paths:
            raise SessionNotFound(f"archive of {session_id!r} is already gone")
        stamp = manager.clock.now()
        if backup:  # the archive file itself becomes the backup: a rename, no rewrite
            for path in paths:
                target = store.backups_dir / f"{stamp.strftime('%Y%m%dT%H%M%S%fZ')}_purge_{path.name}"
                os.replace(path, target)
                files.fsync_dir(target.parent)
                files.fsync_dir(path.parent)
            store.prune_empty_days(paths)
        else:
            store.remove_archives(paths)
        manager.index.delete(session_id)
    manager.audit.record(manager.actor, "purge_archive" if backup else "remove_archive", session_id, reason=reason)


def archive_expired(manager) -> list[str]:
    """Only the archiving step of a pass (the spec's `archive_expired_sessions()`)."""
    with files.locked(manager.store.named_lock("cleanup")):
        ids = [a["session_id"] for a in plan_cleanup(manager) if a["action"] == "archive"]
        outcomes = manager.archive_sessions(ids, reason="expired", only_if_expired=True)
        return [sid for sid in ids if isinstance(outcomes.get(sid), Path)]


def record_outcome(manager, report: CleanupReport) -> None:
    """Keep the last passes in cleanup.json for the admin page, /metrics and the failed-cleanup alert."""
    path = manager.store.cleanup_state_path
    with files.locked(manager.store.named_lock("cleanup-state")):
        state = load_cleanup_state(manager)
        summary = {
            "started_at": report.started_at,
            "finished_at": manager.clock.now().isoformat(),
            "duration_seconds": report.duration_seconds,
            "ok": report.ok,
            "counts": report.counts(),
            "errors": report.errors[:20],
        }
        state["runs"] = int(state.get("runs", 0)) + 1
        state["failures"] = int(state.get("failures", 0)) + (0 if report.ok else 1)
        state["total_duration_seconds"] = float(state.get("total_duration_seconds", 0.0)) + report.duration_seconds
        state["last_run"] = summary
        state[("last_success" if report.ok else "last_failure")] = summary
        state["history"] = ([summary] + list(state.get("history", [])))[:HISTORY_KEPT]
        files.atomic_write_bytes(path, orjson.dumps(state, option=orjson.OPT_INDENT_2))


def load_cleanup_state(manager) -> dict:
    try:
        state = orjson.loads(files.read_bytes(manager.store.cleanup_state_path))
        return state if isinstance(state, dict) else {}
    except (FileNotFoundError, orjson.JSONDecodeError):
        return {}
