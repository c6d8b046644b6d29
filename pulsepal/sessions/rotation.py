"""One cleanup pass, shared by the background scheduler, `scripts/cleanup_sessions.py` and the admin page.

The pass is planned from the store's index (no session is opened to find candidates) and then carried out, each
action re-checked by the store against the session as it is at that moment. The store's cleanup lock makes sure two
passes (two processes, two replicas, or the app and the CLI) never run at once; the scheduler takes it without
waiting and records that it stood aside.

Levels, from mild to drastic:
- default: archive expired sessions, remove archives older than the retention, prune old backups;
- archive_all (`--force`): also archive every active session, expired or not;
- purge (`--force --all`): move every session, active or archived, into the backups (nothing is deleted outright;
  backups are pruned after SESSION_BACKUP_DAYS like any other).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Mapping, Optional

from . import cleanup_state, notices, policy
from .archiving import Archiver
from .core import Core
from .errors import LockBusy, SessionError, SessionNotFound
from .guard import CleanupGuard, stamp_skew
from .store import Archived, Outcome, Progress

ARCHIVE_BATCH = 500
REMOVALS = ("remove_archive", "purge_archive", "purge_active")  # what takes a conversation off its owner's list


@dataclass
class CleanupReport:
    started_at: str
    dry_run: bool
    planned: list[dict]
    done: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    held: list[dict] = field(default_factory=list)  # steps the guard did not take, each with why (guard.py)
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


class Cleanup:
    """`reconcile` catches the index up with the files when that is due (the manager decides how often);
    `note_alerts` is called after every real pass, so alert start times are recorded even if nobody looks."""

    def __init__(self, core: Core, archiver: Archiver, reconcile: Callable[[], Any],
                 note_alerts: Callable[[], Any]) -> None:
        self.core = core
        self.store = core.store
        self.archiver = archiver
        self.reconcile = reconcile
        self.note_alerts = note_alerts
        self.guard = CleanupGuard(core)
        self._owners: dict[str, Optional[str]] = {}  # of the sessions the last plan removes (for the notices)

    def plan(self, *, days: Optional[float] = None, archive_all: bool = False, purge: bool = False) -> list[dict]:
        """The actions a pass would take, from the index alone (plus the list of backups).

        Planned on the raw wall clock, the one the guard judges: when it is distrusted, what it would do is shown
        as held (and raises the alert); when it is trusted it agrees with the engine's stamps."""
        settings = self.core.settings
        if days is not None and days <= 0:
            raise ValueError("days must be a positive number")
        days = days if days is not None else settings.session_archive_days
        now = self.core.clock.wall_clock.timestamp()
        activated_before, idle_before = policy.expiry_cutoffs(now, settings)
        actions: list[dict] = []
        self._owners = {}
        if archive_all or purge:
            candidates = self.store.entries()
        else:  # the store answers with an index query (set-based SQL on PostgreSQL)
            candidates = self.store.cleanup_candidates(activated_before=activated_before, idle_before=idle_before,
                                                       archived_before=now - days * policy.DAY)
        for session_id, entry in list(candidates):
            state = entry.get("state")
            if entry.get("pinned") and not purge:
                continue  # pinned: never archived for inactivity or duration, never pruned by retention
            if purge or state == "archived":
                self._owners[session_id] = entry.get("owner")
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
                    action = {"action": "remove_archive", "session_id": session_id, "path": entry.get("archive_path"),
                              "reason": f"archived more than {days:g} days ago"}
                    skew = stamp_skew(entry)
                    actions.append(dict(action, skew=skew) if skew else action)
        for backup in self.store.backups():
            keep_days = policy.backup_days(backup.reason, settings)
            if policy.archive_is_old(backup.created_at, now, keep_days):
                actions.append({"action": "remove_backup", "path": backup.name,
                                "reason": f"backup older than {keep_days:g} days"})
        return actions

    def run(
        self,
        *,
        days: Optional[float] = None,
        dry_run: bool = False,
        archive_all: bool = False,
        purge: bool = False,
        wait: bool = True,
        progress: Progress = None,
        confirm_held: bool = False,
        scheduled: bool = False,
    ) -> CleanupReport:
        """Plan and (unless dry_run) carry out one pass; the outcome of real passes is recorded for the admin page.

        Steps the guard holds (a distrusted clock, too many archives at once; see guard.py) are reported in
        `held` and raise the cleanup_held alert; `confirm_held` (an operator's confirmation) carries them out."""
        core = self.core
        started = core.now()
        t0 = time.perf_counter()
        try:
            with self.store.cleanup_lock(blocking=wait, scheduled=scheduled):
                if not dry_run:  # a dry run changes nothing at all, not even the index
                    self.reconcile()
                    if confirm_held:  # the operator vouches for the wall clock: stamp with it too
                        self.guard.take_reference()
                plan = self.plan(days=days, archive_all=archive_all, purge=purge)
                plan, held, distrust = self.guard.screen(plan, confirmed=confirm_held)
                report = CleanupReport(started.isoformat(), dry_run, plan, held=held)
                if not dry_run:
                    self._execute(report, progress)
                    self._announce(report)
                    for kind, names in self.store.after_pass().items():
                        report.done += [{"action": f"swept_{kind}", "path": name,
                                         "reason": "left behind by an interrupted process"} for name in names]
                    self.guard.after_pass(distrust=distrust, confirmed=confirm_held)
        except LockBusy:
            if not dry_run:
                cleanup_state.record_skip(self.store, core.clock, "another cleanup pass held the lock")
            return CleanupReport(started.isoformat(), dry_run, [], skipped=True)
        except Exception as exc:  # record the failure for the alert and the admin page, then let the caller see it
            if not dry_run:
                failed = CleanupReport(started.isoformat(), dry_run, [],
                                       errors=[{"action": "pass", "error": repr(exc)}])
                failed.duration_seconds = round(time.perf_counter() - t0, 4)
                cleanup_state.record_outcome(self.store, core.clock, failed)
            raise
        report.duration_seconds = round(time.perf_counter() - t0, 4)
        if not dry_run:
            cleanup_state.record_outcome(self.store, core.clock, report)
            core.record("cleanup", None, counts=report.counts(), errors=len(report.errors), held=len(report.held))
            self.note_alerts()
        return report

    def _execute(self, report: CleanupReport, progress: Progress) -> None:
        total = len(report.planned)
        done = 0

        def advance(count: int = 1) -> None:
            nonlocal done
            done += count
            if progress:
                progress(done, total)

        archives = [a for a in report.planned if a["action"] == "archive"]
        for start in range(0, len(archives), ARCHIVE_BATCH):  # one durability barrier per batch, not per session
            batch = archives[start: start + ARCHIVE_BATCH]
            for forced in (False, True):
                group = [a for a in batch if (a["reason"] == "forced") == forced]
                if group:
                    _record(report, group, self.archiver.archive_sessions(
                        [a["session_id"] for a in group], reason="forced" if forced else "expired",
                        only_if_expired=not forced))
            advance(len(batch))
        for kind, to_backups in (("remove_archive", False), ("purge_archive", True)):
            group = [a for a in report.planned if a["action"] == kind]
            if group:
                outcomes = self.store.remove_archives([a["session_id"] for a in group], to_backups=to_backups)
                for action in group:
                    self.core.record(kind, action["session_id"], reason=action["reason"])
                _record(report, group, {sid: (exc if exc is not None else True) for sid, exc in outcomes.items()})
                advance(len(group))
        for action in report.planned:
            kind = action["action"]
            if kind not in ("purge_active", "remove_backup"):
                continue
            try:
                if kind == "purge_active":
                    self.archiver.delete_session(action["session_id"])
                else:
                    self.store.remove_backups([action["path"]])
                report.done.append(action)
            except SessionNotFound as exc:
                report.done.append(dict(action, action="gone", reason=str(exc)))
            except (SessionError, OSError, ValueError) as exc:
                report.errors.append(dict(action, error=f"{type(exc).__name__}: {exc}"))
            advance()

    def _announce(self, report: CleanupReport) -> None:
        """Tell every app process on the store which conversations this pass took off their owners' lists, so
        their open tabs follow at once (sessions/notices.py). A notice that cannot go costs a stale list until the
        next page load: it never fails the pass."""
        removed: dict[str, list[str]] = {}
        for action in report.done:
            owner = self._owners.get(action.get("session_id") or "")
            if action["action"] in REMOVALS and owner:
                removed.setdefault(owner, []).append(action["session_id"])
        messages = [m for owner, ids in removed.items() for m in notices.deletions(owner, ids, origin=None)]
        if messages:
            try:
                self.store.announce(messages)
            except Exception as exc:  # noqa: BLE001 - see the docstring
                notices.log.warning("could not announce the cleanup's removals: %s", " ".join(str(exc).split()))

    def archive_expired(self) -> list[str]:
        """Only the archiving step of a pass (the spec's `archive_expired_sessions()`); a distrusted clock holds it."""
        with self.store.cleanup_lock():
            self.reconcile()
            plan, _, _ = self.guard.screen(self.plan(), confirmed=False)
            ids = [a["session_id"] for a in plan if a["action"] == "archive"]
            outcomes = self.archiver.archive_sessions(ids, reason="expired", only_if_expired=True)
            return [sid for sid in ids if isinstance(outcomes.get(sid), Archived)]


def _record(report: CleanupReport, actions: list[dict], outcomes: Mapping[str, Outcome | bool]) -> None:
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
