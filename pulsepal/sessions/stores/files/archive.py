"""The file store's archive and backups: moving sessions between active/, archive/<day>/ and archive/backups/
without ever having neither, and reading them back (see store.FileStore, which calls these)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional

from ....clock import stamp
from ... import files
from ...documents import stamp_archived
from ...errors import ArchiveDamaged, ArchiveError, InvalidInput, SessionNotFound
from ...model import ConversationContext
from ...store import Archived, ArchiveItem, Backup, IndexEntry, Location, Outcome, SessionChanged, State, entry_of
from .layout import BACKUPS, split_backup_name

if TYPE_CHECKING:
    from .store import FileStore

DAMAGED = ("the archive of conversation {} is damaged and was set aside for an operator to look at; it cannot be "
           "opened")


def archive(store: "FileStore", items: list[ArchiveItem], day: str) -> dict[str, Outcome]:
    """Stage every archive (written, read back), one durability barrier for the batch, then per session under
    its lock: remove the active files only if the log is exactly as it was read and the staged archive is still
    there; otherwise discard the staged archive (SessionChanged: the caller reads the session again and retries).
    The staged archive of a session that is still active looks like what a killed pass leaves behind, so another
    process's cleanup sweep may remove it (maintenance.sweep, under the same lock) before this pass gets the lock:
    removing the active files then would leave the session nowhere.

    The archive time is read once, before staging, and written into each archive (documents.stamp_archived) as
    well as its index entry, so a rebuilt index finds the same time in the file (maintenance.reindex)."""
    results: dict[str, Outcome] = {}
    staged: list[tuple[ArchiveItem, Path, int]] = []
    now = store.clock.now()
    for item in items:
        path = store.layout.archive_path(item.session_id, day)
        try:
            document = stamp_archived(item.document, now)
            staged.append((item, path, store.layout.write_document(path, document, durable=False)))
        except (ArchiveError, OSError) as exc:
            results[item.session_id] = exc
    files.sync_paths([path for _, path, _ in staged])
    touched: list[Path] = []
    emptied: list[Path] = []  # older archives removed; their day folders go once the removals are durable
    existing = store.layout.find_archives_many([item.session_id for item, _, _ in staged])
    for item, path, size in staged:
        session_id = item.session_id
        jpath, spath = store.layout.journal_path(session_id), store.layout.snapshot_path(session_id)
        with store.lock(session_id):
            try:
                st = os.stat(jpath)
                unchanged = (st.st_ino, st.st_size) == tuple(item.version)
            except FileNotFoundError:
                unchanged = False
            if not unchanged or not path.exists():  # gone: a cleanup's sweep took it for a killed pass's leftover
                store.layout.remove_archives([path], durable=False)
                results[session_id] = SessionChanged(session_id)
                continue
            store.search_index.index_now(session_id)  # the log goes next; the index must have read it
            older = [p for p in existing[session_id] if p != path]
            touched += files.remove_durable(spath, jpath, *older, durable=False)
            emptied += older
            store.live.forget(session_id)
            ctx = ConversationContext.model_validate(item.document["session"])
            store.index.put(session_id, entry_of(ctx, size=size, state="archived", archived_at=now.timestamp(),
                                                archive_path=str(path.relative_to(store.root))))
        results[session_id] = Archived(session_id, path, size)
    files.sync_dirs(touched)
    store.layout.prune_empty_days(emptied)  # after the sync: a day folder removed first could not be synced
    store.views.invalidate()
    return results


def read_archive(store: "FileStore", session_id: str, day: Optional[str] = None) -> Optional[tuple[dict, Location]]:
    """A damaged archive is set aside (quarantine/, with the reason) instead of failing every later attempt; its
    entry stays, marked damaged, so whoever opens the conversation is told why (a wrong encryption key is not
    damage and is only reported)."""
    paths = store.layout.find_archives(session_id, day)
    if not paths:
        entry = store.index.get(session_id)
        if entry is not None and entry.get("damaged") and day is None:
            raise ArchiveDamaged(DAMAGED.format(session_id))
        return None
    try:
        return store.layout.read_document(paths[0]), paths[0]
    except ArchiveError as exc:
        if "SESSION_ENCRYPTION_KEY" in str(exc):
            raise
        with store.lock(session_id):
            if paths[0].exists():
                store.layout.quarantine(paths[0], str(exc), store.clock.now())
                store.layout.prune_empty_days(paths[:1])
            entry = store.index.get(session_id)
            if entry is not None and not store.layout.find_archives(session_id):
                store.index.put(session_id, IndexEntry(**{**entry, "damaged": True}))
        store.views.invalidate()
        store.audit.record(store.live.actor, "quarantine", session_id, reason=str(exc))
        raise ArchiveDamaged(DAMAGED.format(session_id)) from None


def locate(store: "FileStore", session_id: str) -> Optional[State]:
    layout = store.layout
    if layout.journal_path(session_id).exists() or layout.snapshot_path(session_id).exists():
        return "active"
    if layout.find_archives(session_id):
        return "archived"
    entry = store.index.get(session_id)  # a damaged archive set aside: still there, but it cannot be opened
    return "archived" if entry is not None and entry.get("damaged") else None


def remove_archives(store: "FileStore", session_ids: Iterable[str], *,
                    to_backups: bool = False) -> dict[str, Optional[Exception]]:
    results: dict[str, Optional[Exception]] = {}
    for session_id in session_ids:
        try:
            with store.lock(session_id):
                paths = store.layout.find_archives(session_id)
                if not paths:
                    entry = store.index.get(session_id)
                    if entry is not None and entry.get("damaged") and store.locate(session_id) != "active":
                        store.index.delete(session_id)  # the damaged archive is in quarantine/: its entry goes
                        results[session_id] = None
                        continue
                    raise SessionNotFound(f"archive of {session_id!r} is already gone")
                if to_backups:  # the archive file itself becomes the backup: a rename, no rewrite
                    when = stamp(store.clock.now())
                    for path in paths:
                        os.replace(path, store.layout.backups_dir / f"{when}_purge_{path.name}")
                    files.sync_dirs([store.layout.backups_dir, *(p.parent for p in paths)])
                    store.layout.prune_empty_days(paths)
                else:
                    store.layout.remove_archives(paths)
                store.index.delete(session_id)
            results[session_id] = None
        except (SessionNotFound, OSError) as exc:
            results[session_id] = exc
    store.views.invalidate()
    store.search_index.forget([sid for sid, exc in results.items() if exc is None])
    return results


def remove(store: "FileStore", session_id: str, backup: Optional[dict], reason: str, version: Any = None) -> Location:
    layout = store.layout
    with store.lock(session_id):
        live = store.live.get_locked(session_id)
        current = None if live is None else (live.inode, live.offset)
        if current != (tuple(version) if version is not None else None):
            raise SessionChanged(session_id)
        path = layout.backup_path(session_id, reason, store.clock.now())
        if backup is not None:
            layout.write_document(path, backup)
        else:  # nothing left to keep: the damaged archive is in quarantine/
            path = layout.quarantine_dir
        files.remove_durable(layout.snapshot_path(session_id), layout.journal_path(session_id))
        layout.remove_archives(layout.find_archives(session_id))
        store.live.forget(session_id)
        store.index.delete(session_id)
    store.views.invalidate()
    store.search_index.forget([session_id])
    return path


def write_backup(store: "FileStore", document: dict, reason: str) -> Location:
    path = store.layout.backup_path(document["session_id"], reason, store.clock.now())
    store.layout.write_document(path, document)
    return path


def backups(store: "FileStore") -> list[Backup]:
    found = []
    for path in store.layout.backups():  # a backup is as old as the earlier of its name's time and its file's
        named, reason, session_id = split_backup_name(path.name)
        modified = path.stat().st_mtime
        found.append(Backup(path.name, min(named, modified) if named is not None else modified, reason,
                            session_id))
    return sorted(found, key=lambda b: (b.created_at, b.name))


def _backup(store: "FileStore", name: str) -> Path:
    if not name or "/" in name or name.startswith(".") or name == BACKUPS:
        raise InvalidInput(f"not a backup name: {name!r}")
    return store.layout.backups_dir / name


def read_backup(store: "FileStore", name: str) -> dict:
    return store.layout.read_document(_backup(store, name))


def remove_backups(store: "FileStore", names: Iterable[str]) -> None:
    files.remove_durable(*(_backup(store, name) for name in names))
