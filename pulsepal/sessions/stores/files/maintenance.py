"""The file store's recovery and health tools: open (and repair) the index, reconcile it, verify the store,
rebuild the index from the files, rebuild sessions from conversation logs, and the health probes.

These open every file, so they are slow by design and report progress; nothing here ever deletes data (bad files
go to quarantine/).
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

import orjson

from ....clock import file_age
from ... import files
from ...documents import archived_time
from ...errors import ArchiveError, InvalidInput
from ...ids import is_valid_session_id
from ...model import ConversationContext, EventError, replay
from ...store import STATE_NAMES, IndexEntry, Progress, entry_of
from ..rebuild import rebuild_folder
from . import journal
from .index import IndexCorrupt
from .layout import CorruptFile, Layout

if TYPE_CHECKING:
    from .store import FileStore

INDEX_RECHECKS = 5


def open_index(store: "FileStore") -> None:
    """Load the index when a store is opened; rebuild it if it is corrupt, or missing while sessions exist."""
    index, layout = store.index, store.layout
    try:
        index.load_or_raise()
    except IndexCorrupt as exc:
        layout.quarantine(index.path, str(exc), store.clock.now())
        reindex(store)
    if not index.path.exists():
        if any(layout.active_ids()) or layout.archive_days():
            reindex(store)  # sessions on disk but no index: it was lost
        else:
            index.compact()  # a new store starts with an (empty) index file


def reconcile_index(store: "FileStore") -> int:
    """Index the sessions a crash left on disk but not in the index, and drop entries whose files are gone.

    Two directory listings and set arithmetic (no file opened, no per-name work for the sessions the index already
    knows, except the archive of one it holds as active, opened for the time it was archived). Only a crash between
    a session write and its index update creates such a difference, so the manager runs it when it opens the store
    and then at most hourly."""
    index, layout = store.index, store.layout
    index.refresh()
    indexed_active = {sid for sid, entry in index.entries.items() if entry.get("state") == "active"}
    on_disk = layout.raw_active_ids()  # a log without an active file is left for rebuild_from_logs / verify
    fixed = 0
    for session_id in on_disk - indexed_active:
        if not is_valid_session_id(session_id):
            continue
        known = index.get(session_id)
        if known is not None and known.get("state") == "archived" and not layout.snapshot_path(session_id).exists():
            continue  # an orphan log of an archived session; rebuild_from_logs decides about those
        ctx = store.load(session_id)
        if ctx is not None:
            index.put(session_id, entry_of(ctx, size=layout.active_size(session_id)))
            fixed += 1
    for session_id in indexed_active - on_disk:
        if layout.journal_path(session_id).exists():
            continue  # its active file is missing but the log is there: loading it rebuilds the file
        archives = layout.find_archives(session_id)
        if archives:
            moved = IndexEntry(**{**(index.get(session_id) or {}), "state": "archived",
                                  "archive_path": str(archives[0].relative_to(layout.root)),
                                  "archived_at": _archived_at(layout, archives[0]),
                                  "size": archives[0].stat().st_size})
            index.put(session_id, moved)
        else:
            index.delete(session_id)
        fixed += 1
    return fixed


def verify(store: "FileStore", *, deep: bool = False, progress: Progress = None) -> dict:
    """Load every active session (quarantining and rebuilding what is broken); with deep, also decode every
    archive. Then check the index against the files and rebuild it if they disagree."""
    layout = store.layout
    before = {p.name for p in layout.quarantine_dir.iterdir()}
    active_ids = sorted(set(layout.active_ids()) | set(layout.logged_session_ids()))
    archived = list(layout.archived_files()) if deep else []
    total = len(active_ids) + len(archived)
    report: dict = {"active_checked": 0, "archives_checked": 0, "unrecoverable": [], "bad_archives": []}
    done = 0
    for session_id in active_ids:
        entry = store.index.get(session_id) or {}
        orphan_log = entry.get("state") == "archived" and not layout.snapshot_path(session_id).exists()
        if not orphan_log:  # an orphan log beside an archive is left for rebuild_from_logs to judge
            if store.load(session_id) is None:
                report["unrecoverable"].append({"session_id": session_id,
                                                "error": store.not_active_message(session_id)})
            report["active_checked"] += 1
        done += 1
        if progress:
            progress(done, total)
    for _session_id, _day, path in archived:
        try:
            layout.read_document(path)
        except ArchiveError as exc:
            if "SESSION_ENCRYPTION_KEY" in str(exc):
                report["bad_archives"].append({"path": str(path), "error": str(exc)})  # wrong key: not corrupt
            else:
                layout.quarantine(path, str(exc), store.clock.now())
                report["bad_archives"].append({"path": str(path), "error": str(exc), "quarantined": True})
        report["archives_checked"] += 1
        done += 1
        if progress:
            progress(done, total)
    report["quarantined"] = sorted({p.name for p in layout.quarantine_dir.iterdir()} - before)
    found = leftovers(store)
    report["temp_files"] = [p.name for p in found["temp_files"]]
    report["stale_archives"] = [sid for sid, _ in found["stale_archives"]]
    report["index_rebuilt"] = not _index_matches_files(store)
    if report["index_rebuilt"]:
        report["reindex"] = reindex(store)
    report["ok"] = not (report["unrecoverable"] or report["bad_archives"] or report["quarantined"])
    return report


def _index_matches_files(store: "FileStore") -> bool:
    layout, index = store.layout, store.index
    index.refresh()
    active = set(layout.active_ids())
    archived = {sid for sid, _, _ in layout.archived_files()}
    return active == {s for s, _ in index.items("active")} and archived == {s for s, _ in index.items("archived")}


def reindex(store: "FileStore", progress: Progress = None) -> dict:
    """Rebuild metadata.json from the session files (active checkpoints + logs, and archives)."""
    layout = store.layout
    active_ids = sorted(set(layout.active_ids()) | set(layout.logged_session_ids()))
    archived = list(layout.archived_files())
    total = len(active_ids) + len(archived)
    entries: dict[str, IndexEntry] = {}
    problems = []
    done = 0
    for session_id, _day, path in archived:
        try:
            document = layout.read_document(path)
            ctx = ConversationContext.model_validate(document["session"])
            entry = entry_of(ctx, size=path.stat().st_size, state="archived",
                             archived_at=_archived_at(layout, path, document),
                             archive_path=str(path.relative_to(layout.root)))
            previous = entries.get(session_id)
            if previous is None or previous["archived_at"] < entry["archived_at"]:
                entries[session_id] = entry
        except (ArchiveError, KeyError, ValueError) as exc:
            problems.append({"path": str(path), "error": str(exc)})
        done += 1
        if progress:
            progress(done, total)
    for session_id in active_ids:
        if not (session_id in entries and not layout.snapshot_path(session_id).exists()):  # else: orphan log
            loaded = store.load(session_id)
            if loaded is not None:
                entries[session_id] = entry_of(loaded, size=layout.active_size(session_id))
        done += 1
        if progress:
            progress(done, total)
    store.index.replace_all(entries)
    counts = {"active": sum(e["state"] == "active" for e in entries.values()),
              "archived": sum(e["state"] == "archived" for e in entries.values())}
    return {**counts, "problems": problems}


def _archived_at(layout: Layout, path: Path, document: Optional[dict] = None) -> float:
    """When an archive was archived: the time the archive itself says (documents.archived_time: its `archived_at`,
    or for an archive written before that stamp its `exported_at`), which survives a copy or a restore that does
    not keep file times. Only an archive that says neither (or cannot be read here, e.g. under another encryption
    key) is dated by its file's mtime, as every archive was before: the best that is known about it."""
    if document is None:
        try:
            document = layout.read_document(path)
        except ArchiveError:
            document = {}
    stamped = archived_time(document)
    return stamped if stamped is not None else path.stat().st_mtime


def rebuild_from_logs(store: "FileStore", log_dir: Optional[str] = None, progress: Progress = None) -> dict:
    """Recreate active sessions (and their index entries) from conversation logs.

    Idempotent: a session that is already active and loads, or that is archived, is skipped and reported."""
    folder = Path(log_dir) if log_dir else store.layout.log_dir
    return rebuild_folder(folder, lambda session_id, path: _rebuild_one(store, session_id, path), progress)


def _rebuild_one(store: "FileStore", session_id: str, path: Path) -> Optional[str]:
    """Rebuild one session; return None on success or the reason it was skipped."""
    layout = store.layout
    if layout.find_archives(session_id):
        return "archived (restore it with restore_session.py)"
    with store.lock(session_id):
        if layout.snapshot_path(session_id).exists():
            try:
                layout.read_snapshot(session_id)
                return "already active"
            except CorruptFile as exc:
                layout.quarantine(exc.path, exc.reason, store.clock.now())
        log = journal.read_log(path)
        try:
            ctx = replay(log.events, store.settings.max_conversation_history)
        except EventError as exc:
            return f"log unusable: {exc}"
        if ctx.session_id != session_id:
            return f"log holds session {ctx.session_id!r}"
        target = layout.journal_path(session_id)
        if path.resolve() != target.resolve() or log.bad_lines:
            journal.write_log(target, log.events)
        store.live.forget(session_id)
        live = store.live.require_locked(session_id)
        store.index.put(session_id, entry_of(live.ctx, size=layout.active_size(session_id)))
    return None


# --- health probes -------------------------------------------------------------------------------------------------
def probe(store: "FileStore") -> dict[str, dict]:
    checks = {"storage_writable": _storage_writable(store), "locks_usable": _locks_usable(store)}
    try:
        checks["index_consistent"] = _index_consistent(store)
    except OSError:
        checks["index_consistent"] = {"ok": False, "detail": "the index could not be read"}
    return checks


def _storage_writable(store: "FileStore") -> dict:
    path = store.root / f".healthz-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        files.atomic_write_bytes(path, b"ok")  # write, fsync, rename, fsync the folder
        ok = files.read_bytes(path) == b"ok"
        files.remove_durable(path)
    except OSError as exc:
        return {"ok": False, "detail": f"the session storage is not writable ({exc.strerror or type(exc).__name__})"}
    return {"ok": ok} if ok else {"ok": False, "detail": "a probe file did not read back"}


def _locks_usable(store: "FileStore") -> dict:
    """Take (and drop) a lock the way every session write does: the lock folder may have been removed."""
    try:
        with files.locked(store.layout.named_lock("healthz"), blocking=False):
            pass
    except files.LockBusy:
        return {"ok": True}  # another probe holds it: locks work
    except OSError as exc:
        return {"ok": False, "detail": f"session locks cannot be taken ({exc.strerror or type(exc).__name__})"}
    return {"ok": True}


def _index_consistent(store: "FileStore") -> dict:
    """A create writes its file just before its index entry, so one disagreement may be a request in flight:
    look again a few times before calling it inconsistent."""
    index = store.index
    for attempt in range(INDEX_RECHECKS):
        index.refresh()
        if index.counts["active"] == sum(1 for _ in store.layout.active_ids()):
            return {"ok": True}
        time.sleep(0.05 * (attempt + 1))
    return {"ok": False, "detail": "the index and active/ disagree; run a reindex"}


# --- leftovers of killed writers -----------------------------------------------------------------------------------
LEFTOVER_AGE_SECONDS = 3600.0  # no write of ours takes this long: anything older was left by a killed process


def leftovers(store: "FileStore", min_age: float = LEFTOVER_AGE_SECONDS) -> dict[str, list]:
    """What killed writers left: temp files of interrupted atomic writes, and archive copies of sessions that are
    still active (a pass killed between writing an archive and removing the active files). Only things older than
    `min_age` count, so a write in progress is never taken for a leftover."""
    layout = store.layout
    temps: list[Path] = []
    folders = [layout.root, layout.active_dir, layout.backups_dir, layout.log_dir, layout.quarantine_dir]
    folders += [layout.archive_dir / day for day in layout.archive_days()]
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith(".") and entry.name.endswith(".tmp") and entry.is_file() and \
                            file_age(entry.stat().st_mtime) > min_age:
                        temps.append(Path(entry.path))
        except FileNotFoundError:
            continue
    # Asked from the archives' side (a stat or two per archive), not by listing active/ and the logs again: the
    # archive holds what retention keeps, the active folders hold up to MAX_ACTIVE_SESSIONS and are listed above.
    # Only the archive of a session that is still active (rare) is opened, for its age.
    stale = [(sid, path) for sid, _day, path in layout.archived_files()
             if _still_active(layout, sid) and _archive_age(store, path) > min_age]
    return {"temp_files": temps, "stale_archives": stale}


def _archive_age(store: "FileStore", path: Path) -> float:
    """How long ago an archive copy was written, by the time it carries (as reindex dates it, `_archived_at`),
    against the store's clock that stamped it; by its file's mtime, on the kernel's clock, only when it carries none.

    A data folder copied without file times gives every file a fresh mtime, and one copied by a tool that sets old
    times makes a fresh file look old: by mtime, the leftover of a pass killed weeks ago would wait another hour and
    the archive a pass is writing right now could pass for a leftover. The archive's own time says neither. (Even an
    archive taken for a leftover while its pass is still at work loses nothing: the pass finds its archive gone and
    leaves the session active, archive.archive.)"""
    try:
        stamped = archived_time(store.layout.read_document(path))
    except ArchiveError:
        stamped = None  # unreadable here (another key): verify --deep reports it; the sweep would not open it either
    if stamped is None:
        return file_age(path.stat().st_mtime)
    return store.clock.now().timestamp() - stamped


def _still_active(layout: Layout, session_id: str) -> bool:
    return layout.snapshot_path(session_id).exists() or layout.journal_path(session_id).exists()


def sweep(store: "FileStore") -> dict[str, list[str]]:
    """Remove the leftovers (a cleanup pass does this while it holds the cleanup lock). A stale archive copy is only
    removed when the active log still holds every event the archive does: the active session is then the whole
    truth and the copy is redundant."""
    found = leftovers(store)
    removed_temps = [str(p.relative_to(store.root)) if p.is_relative_to(store.root) else p.name
                     for p in found["temp_files"]]
    files.remove_durable(*found["temp_files"])
    removed_archives = []
    for session_id, path in found["stale_archives"]:
        with store.lock(session_id):
            view = store.live.get_locked(session_id)
            if view is None or not path.exists():
                continue
            try:
                archived = store.layout.read_document(path).get("events") or []
            except ArchiveError:
                continue  # verify --deep quarantines damaged archives; this is not the place
            logged = journal.read_log(store.layout.journal_path(session_id)).events
            if len(logged) >= len(archived) and logged[:1] == archived[:1]:
                store.layout.remove_archives([path])
                removed_archives.append(session_id)
    return {"temp_files": removed_temps, "stale_archives": removed_archives}


# --- state documents (cleanup.json, alerts.json, clock.json, shares.json, feedback.json) ------------------------
def _state_path(store: "FileStore", name: str) -> Path:
    if name not in STATE_NAMES:
        raise InvalidInput(f"unknown state document {name!r}")
    return store.root / f"{name}.json"


def read_state(store: "FileStore", name: str) -> dict:
    try:
        state = orjson.loads(files.read_bytes(_state_path(store, name)))
    except (FileNotFoundError, orjson.JSONDecodeError):
        return {}
    return state if isinstance(state, dict) else {}


def update_state(store: "FileStore", name: str, change: Callable[[dict], dict]) -> dict:
    """Read-modify-write under the document's own lock, so processes changing it take turns."""
    with files.locked(store.layout.named_lock(f"{name}-state")):
        before = read_state(store, name)
        after = change(dict(before))
        if after != before:
            files.atomic_write_bytes(_state_path(store, name), orjson.dumps(after, option=orjson.OPT_INDENT_2))
        return after
