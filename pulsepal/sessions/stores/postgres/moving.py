"""Moving an installation between stores (files -> PostgreSQL, and back), through the storage protocol only.

Every session keeps what identifies it: its complete log (active sessions are installed from it), its archive
document, day and archive time (archived sessions stay archived, and their retention keeps counting from when they
were archived: from the time the archive itself carries, see `_archive_time`), the backups with their reasons and
times. The copy is idempotent: a session that is already in the target with the same messages is left alone, so an
interrupted copy is simply run again. At the end both stores are compared: the number of active and archived
sessions, and per session a checksum over its message ids, roles and texts; any difference is reported, and the
command exits non-zero.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Optional

from ....clock import Clock
from ...documents import archived_time, stamped_archive_time, validate_document
from ...store import ArchiveItem, IndexEntry, SessionStore

Progress = Optional[Callable[[int, int], None]]


class PinnedClock(Clock):
    """The target store's clock while copying: set to each archive's own time, so the copy keeps it."""

    def __init__(self) -> None:
        self.at: Optional[datetime] = None

    def now(self) -> datetime:
        return self.at or datetime.now(timezone.utc)


def message_checksum(events: list[dict]) -> str:
    digest = hashlib.sha256()
    for event in events:
        if event.get("type") == "message":
            for part in (event.get("id"), event.get("role"), event.get("content")):
                digest.update(str(part).encode("utf-8", "surrogatepass"))
                digest.update(b"\x1f")
    return digest.hexdigest()


def _events_of(store: SessionStore, session_id: str) -> tuple[Optional[str], list[dict]]:
    view = store.read_log(session_id)
    if view is not None:
        return "active", view.events
    found = store.read_archive(session_id)
    if found is not None:
        return "archived", found[0].get("events", [])
    return None, []


@dataclass
class CopyReport:
    copied: int = 0
    unchanged: int = 0
    backups: int = 0
    problems: list[dict] = field(default_factory=list)
    source_counts: dict[str, int] = field(default_factory=dict)
    target_counts: dict[str, int] = field(default_factory=dict)
    mismatches: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and not self.mismatches and self.source_counts == self.target_counts

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "copied": self.copied, "unchanged": self.unchanged, "backups": self.backups,
                "problems": self.problems, "source_counts": self.source_counts,
                "target_counts": self.target_counts, "mismatches": self.mismatches[:50]}


def copy_store(source: SessionStore, target: SessionStore, pinned: PinnedClock, max_history: int,
               progress: Progress = None) -> CopyReport:
    """Copy every session and backup of `source` into `target` (whose clock is `pinned`), then verify."""
    report = CopyReport()
    listing = list(source.entries())
    backups = source.backups()
    total = len(listing) + len(backups)
    for number, (session_id, entry) in enumerate(listing, start=1):
        try:
            _copy_one(source, target, pinned, session_id, entry, max_history, report)
        except Exception as exc:  # noqa: BLE001 - reported per session, the copy goes on
            report.problems.append({"session_id": session_id, "error": f"{type(exc).__name__}: {exc}"})
        if progress:
            progress(number, total)
    known = {(b.reason, b.session_id, round(b.created_at, 3)) for b in target.backups()}
    for number, backup in enumerate(backups, start=len(listing) + 1):
        if (backup.reason, backup.session_id, round(backup.created_at, 3)) not in known:
            try:
                pinned.at = datetime.fromtimestamp(backup.created_at, timezone.utc)
                target.write_backup(source.read_backup(backup.name), backup.reason)
                report.backups += 1
            except Exception as exc:  # noqa: BLE001
                report.problems.append({"backup": backup.name, "error": f"{type(exc).__name__}: {exc}"})
            finally:
                pinned.at = None
        if progress:
            progress(number, total)
    _verify(source, target, listing, report)
    return report


def _copy_one(source: SessionStore, target: SessionStore, pinned: PinnedClock, session_id: str, entry: IndexEntry,
              max_history: int, report: CopyReport) -> None:
    state, events = _events_of(source, session_id)
    if state is None:
        return  # removed while we were copying
    there, theirs = _events_of(target, session_id)
    if there == state and message_checksum(theirs) == message_checksum(events) and len(theirs) == len(events):
        report.unchanged += 1
        return
    if state == "active":
        target.install(session_id, events, replace=True)
    else:
        document = source.read_archive(session_id)
        assert document is not None
        events = validate_document(document[0], max_history, expected_id=session_id)
        target.install(session_id, events, replace=True)
        view = target.read_log(session_id)
        assert view is not None
        when = _archive_time(document[0], entry)
        pinned.at = when
        try:  # the archived document itself, byte for byte the same content (already redacted once)
            outcome = target.archive([ArchiveItem(session_id, document[0], view.version)], when.strftime("%Y-%m-%d"))
        finally:
            pinned.at = None
        if isinstance(outcome.get(session_id), Exception):
            raise outcome[session_id]  # type: ignore[misc]
    report.copied += 1


def _archive_time(document: dict, entry: IndexEntry) -> datetime:
    """The time the copy's archive is given: the one the archive carries (its `archived_at`, taken as it is, so the
    target's archive holds the same stamp), since the archive is what a rebuilt index, a later copy and an operator
    reading the file all go by; a source index can disagree with it (a file store's index rebuilt by an older
    release from file times after a copy that dropped them). Then the source's index, for an archive written before
    archives were stamped (it recorded that archive's time when it was archived); then the `exported_at` such an
    archive carries (documents.archived_time); "now" only when nothing says anything."""
    stamped = stamped_archive_time(document)
    if stamped is not None:
        return stamped
    indexed = float(entry.get("archived_at") or 0) or archived_time(document)
    return datetime.fromtimestamp(indexed, timezone.utc) if indexed else datetime.now(timezone.utc)


def _verify(source: SessionStore, target: SessionStore, listing: list, report: CopyReport) -> None:
    for store, counts in ((source, report.source_counts), (target, report.target_counts)):
        aggregates = store.aggregates()
        counts.update(aggregates.counts)
    for session_id, _entry in listing:
        state, events = _events_of(source, session_id)
        there, theirs = _events_of(target, session_id)
        if state is not None and (state != there or message_checksum(events) != message_checksum(theirs)):
            report.mismatches.append(session_id)
