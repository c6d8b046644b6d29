"""Recovery: verify the store, rebuild the index from the files, rebuild sessions from conversation logs.

These are the operator's tools after a crash, a disk problem or a hand edit. They open every file, so they are
slow by design and report progress; nothing here ever deletes data (bad files go to quarantine/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

from . import journal
from .errors import ArchiveError, InvalidInput, SessionNotFound
from .model import ConversationContext, EventError, replay
from .store import CorruptFile

Progress = Optional[Callable[[int, int], None]]


def verify(manager, *, deep: bool = False, progress: Progress = None) -> dict:
    """Load every active session (quarantining and rebuilding what is broken); with deep, also decode every
    archive. Then check the index against the files and rebuild it if they disagree."""
    store = manager.store
    before = {p.name for p in store.quarantine_dir.iterdir()}
    active_ids = sorted(set(store.active_ids()) | set(store.logged_session_ids()))
    archived = list(store.archived_files()) if deep else []
    total = len(active_ids) + len(archived)
    report = {"active_checked": 0, "archives_checked": 0, "unrecoverable": [], "bad_archives": []}
    done = 0
    for session_id in active_ids:
        entry = manager.index.get(session_id) or {}
        orphan_log = entry.get("state") == "archived" and not store.snapshot_path(session_id).exists()
        if not orphan_log:  # an orphan log beside an archive is left for rebuild_from_logs to judge
            try:
                manager.get_session(session_id)
            except SessionNotFound as exc:
                report["unrecoverable"].append({"session_id": session_id, "error": str(exc)})
            report["active_checked"] += 1
        done += 1
        if progress:
            progress(done, total)
    for session_id, day, path in archived:
        try:
            store.read_document(path)
        except ArchiveError as exc:
            if "SESSION_ENCRYPTION_KEY" in str(exc):
                report["bad_archives"].append({"path": str(path), "error": str(exc)})  # wrong key: not corrupt
            else:
                store.quarantine(path, str(exc), manager.clock.now())
                report["bad_archives"].append({"path": str(path), "error": str(exc), "quarantined": True})
        report["archives_checked"] += 1
        done += 1
        if progress:
            progress(done, total)
    report["quarantined"] = sorted({p.name for p in store.quarantine_dir.iterdir()} - before)
    report["index_rebuilt"] = not _index_matches_files(manager)
    if report["index_rebuilt"]:
        report["reindex"] = reindex(manager)
    report["ok"] = not (report["unrecoverable"] or report["bad_archives"] or report["quarantined"])
    manager.audit.record(manager.actor, "verify", None, ok=report["ok"], deep=deep)
    return report


def _index_matches_files(manager) -> bool:
    store, index = manager.store, manager.index
    index.refresh()
    active = set(store.active_ids())
    archived = {sid for sid, _, _ in store.archived_files()}
    return active == {s for s, _ in index.items("active")} and archived == {s for s, _ in index.items("archived")}


def reindex(manager, progress: Progress = None) -> dict:
    """Rebuild metadata.json from the session files (active checkpoints + logs, and archives)."""
    store = manager.store
    active_ids = sorted(set(store.active_ids()) | set(store.logged_session_ids()))
    archived = list(store.archived_files())
    total = len(active_ids) + len(archived)
    entries: dict[str, dict] = {}
    problems = []
    done = 0
    for session_id, day, path in archived:
        try:
            document = store.read_document(path)
            ctx = ConversationContext.model_validate(document["session"])
            entry = manager._entry(ctx, size=path.stat().st_size, state="archived",
                                   archived_at=path.stat().st_mtime, archive_path=str(path.relative_to(store.root)))
            previous = entries.get(session_id)
            if previous is None or previous["archived_at"] < entry["archived_at"]:
                entries[session_id] = entry
        except (ArchiveError, KeyError, ValueError) as exc:
            problems.append({"path": str(path), "error": str(exc)})
        done += 1
        if progress:
            progress(done, total)
    for session_id in active_ids:
        if session_id in entries and not store.snapshot_path(session_id).exists():
            pass  # orphan log beside an archive: the archive wins
        else:
            ctx = manager.get_session(session_id)
            if ctx is not None:
                entries[session_id] = manager._entry(ctx, size=store.active_size(session_id))
        done += 1
        if progress:
            progress(done, total)
    manager.index.replace_all(entries)
    counts = {"active": sum(e["state"] == "active" for e in entries.values()),
              "archived": sum(e["state"] == "archived" for e in entries.values())}
    manager.audit.record(manager.actor, "reindex", None, **counts)
    return {**counts, "problems": problems}


def rebuild_from_logs(manager, log_dir: Optional[Path] = None, progress: Progress = None) -> dict:
    """Recreate active sessions (and their index entries) from conversation logs.

    Idempotent: a session that is already active and loads, or that is archived, is skipped and reported."""
    store = manager.store
    folder = Path(log_dir) if log_dir else store.log_dir
    if not folder.is_dir():
        raise InvalidInput(f"log folder {folder} does not exist")
    logs = sorted(store.logged_ids(folder))
    rebuilt, skipped = [], []
    for number, (session_id, path) in enumerate(logs, start=1):
        outcome = _rebuild_one(manager, session_id, path)
        (rebuilt if outcome is None else skipped).append(
            {"session_id": session_id} if outcome is None else {"session_id": session_id, "reason": outcome})
        if progress:
            progress(number, len(logs))
    manager.audit.record(manager.actor, "rebuild_from_logs", None, rebuilt=len(rebuilt), skipped=len(skipped))
    return {"log_dir": str(folder), "rebuilt": rebuilt, "skipped": skipped}


def _rebuild_one(manager, session_id: str, path: Path) -> Optional[str]:
    """Rebuild one session; return None on success or the reason it was skipped."""
    store = manager.store
    if store.find_archives(session_id):
        return "archived (restore it with restore_session.py)"
    with manager._lock(session_id):
        if store.snapshot_path(session_id).exists():
            try:
                store.read_snapshot(session_id)
                return "already active"
            except CorruptFile as exc:
                store.quarantine(exc.path, exc.reason, manager.clock.now())
        log = journal.read_log(path)
        try:
            ctx = replay(log.events, manager.settings.max_conversation_history)
        except EventError as exc:
            return f"log unusable: {exc}"
        if ctx.session_id != session_id:
            return f"log holds session {ctx.session_id!r}"
        target = store.journal_path(session_id)
        if path.resolve() != target.resolve():
            journal.write_log(target, log.events)
        elif log.bad_lines:
            journal.write_log(target, log.events)
        manager._forget(session_id)
        live = manager._read_from_disk(session_id)
        manager._remember(session_id, live)
        manager.index.put(session_id, manager._entry(live.ctx, size=store.active_size(session_id)))
    return None

