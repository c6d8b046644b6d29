"""The on-disk layout, and reading and writing each kind of file in it.

    sessions/                      (SESSION_STORAGE_PATH, 0700)
    ├── active/session_<id>.json   checkpoint of a live session: {"journal_offset": N, "session": {...}}
    ├── archive/YYYY-MM-DD/session_<id>.json.gz   archived session (full event log), dated by archiving day
    ├── archive/backups/           copies of whatever a destructive operation removed
    ├── quarantine/                files that failed to load, each with a .reason.json beside it
    ├── metadata.json, metadata.log   the index (see index.py)
    ├── audit.log, cleanup.json, alerts.json
    └── .locks/                    lock files (session locks are striped over 256 files)
    conversationLogs/session_<id>.jsonl   per-session event log (CONVERSATION_LOG_PATH)

This module knows paths and formats; it makes no lifecycle decisions (those are the manager's and its services').
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

import orjson
from pydantic import ValidationError

from ....clock import iso, stamp
from ... import files
from ...codec import ARCHIVE_SUFFIXES, BlobCodec, split_archive_name
from ...documents import DOCUMENT_FORMAT
from ...errors import ArchiveError
from ...ids import is_day, is_valid_session_id
from ...model import ConversationContext

LOCK_STRIPES = 256
BACKUPS = "backups"


class CorruptFile(Exception):
    """A session file that is empty, truncated, not JSON or the wrong shape; `reason` says which."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


@dataclass
class Snapshot:
    context: ConversationContext
    journal_offset: int


class Layout:
    """Paths of the file store, and reading and writing each kind of file in it."""

    def __init__(self, root: Path, log_dir: Path, codec: BlobCodec) -> None:
        self.root = Path(root).absolute()
        self.log_dir = Path(log_dir).absolute()
        self._paths: dict[str, tuple[Path, Path, Path]] = {}
        self.codec = codec
        self.active_dir = self.root / "active"
        self.archive_dir = self.root / "archive"
        self.backups_dir = self.archive_dir / BACKUPS
        self.quarantine_dir = self.root / "quarantine"
        self.locks_dir = self.root / ".locks"
        self.audit_path = self.root / "audit.log"
        self.cleanup_state_path = self.root / "cleanup.json"
        self.alerts_path = self.root / "alerts.json"
        for folder in (self.root, self.active_dir, self.archive_dir, self.backups_dir, self.quarantine_dir,
                       self.locks_dir, self.log_dir):
            files.ensure_dir(folder)

    # --- paths -----------------------------------------------------------------------------------------------
    def _session_paths(self, session_id: str) -> tuple[Path, Path, Path]:
        """(checkpoint, log, lock) paths; memoised because every message needs them."""
        paths = self._paths.get(session_id)
        if paths is None:
            if len(self._paths) > 20000:
                self._paths.clear()
            stripe = zlib.crc32(session_id.encode()) % LOCK_STRIPES
            paths = self._paths[session_id] = (
                self.active_dir / f"session_{session_id}.json",
                self.log_dir / f"session_{session_id}.jsonl",
                self.locks_dir / f"session-{stripe:03d}.lock",
            )
        return paths

    def snapshot_path(self, session_id: str) -> Path:
        return self._session_paths(session_id)[0]

    def journal_path(self, session_id: str) -> Path:
        return self._session_paths(session_id)[1]

    def lock_path(self, session_id: str) -> Path:
        return self._session_paths(session_id)[2]

    def named_lock(self, name: str) -> Path:
        return self.locks_dir / f"{name}.lock"

    def archive_path(self, session_id: str, day: str) -> Path:
        return self.archive_dir / day / f"session_{session_id}{self.codec.suffix}"

    # --- active snapshots ------------------------------------------------------------------------------------
    def write_snapshot(self, ctx: ConversationContext, journal_offset: int, *, durable: bool = True) -> int:
        data = orjson.dumps({"journal_offset": journal_offset, "session": ctx.model_dump(mode="json")},
                            option=orjson.OPT_INDENT_2)
        files.atomic_write_bytes(self.snapshot_path(ctx.session_id), data, durable=durable)
        return len(data)

    def read_snapshot(self, session_id: str) -> Snapshot | dict:
        """The checkpoint, or a whole session document if an operator unpacked an archive into active/ by hand."""
        path = self.snapshot_path(session_id)
        data = files.read_bytes(path)
        if not data.strip():
            raise CorruptFile(path, "empty file")
        try:
            document = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise CorruptFile(path, f"not valid JSON (truncated?): {exc}") from None
        if not isinstance(document, dict):
            raise CorruptFile(path, "wrong shape: not a JSON object")
        if document.get("format") == DOCUMENT_FORMAT:
            return document
        if "session" not in document and "session_id" in document:  # a bare context, e.g. written by hand
            document = {"journal_offset": None, "session": document}
        try:
            ctx = ConversationContext.model_validate(document["session"])
            offset = document.get("journal_offset")
            if offset is not None and (not isinstance(offset, int) or offset < 0):
                raise ValueError(f"bad journal_offset {offset!r}")
        except (KeyError, ValidationError, ValueError) as exc:
            raise CorruptFile(path, f"wrong shape: {str(exc).splitlines()[0]}") from None
        if ctx.session_id != session_id:
            raise CorruptFile(path, f"holds session {ctx.session_id!r}, not {session_id!r}")
        return Snapshot(ctx, offset if offset is not None else -1)

    def active_ids(self) -> Iterator[str]:
        return _ids_in(self.active_dir, ".json")

    def logged_session_ids(self) -> Iterator[str]:
        return _ids_in(self.log_dir, ".jsonl")

    def raw_active_ids(self) -> set[str]:
        """Ids named by active files, not yet validated (for cheap set arithmetic against the index)."""
        return _raw_ids(self.active_dir, ".json")

    def active_size(self, session_id: str) -> int:
        total = 0
        for path in (self.snapshot_path(session_id), self.journal_path(session_id)):
            try:
                total += os.stat(path).st_size
            except FileNotFoundError:
                pass
        return total

    # --- archives --------------------------------------------------------------------------------------------
    def write_document(self, path: Path, document: dict, *, durable: bool = True) -> int:
        """Write an archive or backup, then read it back and check it before anyone deletes the source."""
        files.ensure_dir(path.parent)
        data = self.codec.encode(document)
        files.atomic_write_bytes(path, data, durable=durable)
        check = self.read_document(path)
        if check.get("session_id") != document.get("session_id") or len(check.get("events", ())) != len(
            document.get("events", ())
        ):
            raise ArchiveError(f"{path.name} did not read back identical; the source was kept")
        return len(data)

    def read_document(self, path: Path) -> dict:
        try:
            data = files.read_bytes(path)
        except FileNotFoundError:
            raise ArchiveError(f"{path.name} does not exist") from None
        return self.codec.decode(data, path.name)

    def archive_days(self) -> list[str]:
        days = []
        with os.scandir(self.archive_dir) as entries:
            for entry in entries:
                if entry.is_dir() and entry.name != BACKUPS and is_day(entry.name):
                    days.append(entry.name)
        return sorted(days)

    def archived_files(self) -> Iterator[tuple[str, str, Path]]:
        """(session id, day, path) for every archive on disk."""
        for day in self.archive_days():
            with os.scandir(self.archive_dir / day) as entries:
                for entry in entries:
                    session_id = split_archive_name(entry.name)
                    if session_id and is_valid_session_id(session_id):
                        yield session_id, day, Path(entry.path)

    def find_archives(self, session_id: str, day: Optional[str] = None) -> list[Path]:
        """Archives of one session, newest day first (normally there is exactly one)."""
        days = [day] if day else list(reversed(self.archive_days()))
        found = []
        for d in days:
            folder = self.archive_dir / d
            for suffix in ARCHIVE_SUFFIXES:
                path = folder / f"session_{session_id}{suffix}"
                if path.exists():
                    found.append(path)
        return found

    def remove_archives(self, paths: list[Path], *, durable: bool = True) -> None:
        """Delete archive files (durably unless told otherwise) and drop day folders they leave empty."""
        files.remove_durable(*paths, durable=durable)
        self.prune_empty_days(paths)

    def prune_empty_days(self, paths: list[Path]) -> None:
        for folder in {p.parent for p in paths}:
            if folder.parent == self.archive_dir and folder.name != BACKUPS:
                try:
                    folder.rmdir()
                except OSError:
                    pass

    def find_archives_many(self, session_ids: list[str]) -> dict[str, list[Path]]:
        """find_archives for a batch: one listing per day folder instead of a stat per id, day and suffix."""
        wanted = {f"session_{sid}{suffix}": sid for sid in session_ids for suffix in ARCHIVE_SUFFIXES}
        found: dict[str, list[Path]] = {sid: [] for sid in session_ids}
        for day in reversed(self.archive_days()):
            folder = self.archive_dir / day
            for name in os.listdir(folder):
                session_id = wanted.get(name)
                if session_id is not None:
                    found[session_id].append(folder / name)
        return found

    def backup_path(self, session_id: str, reason: str, when: datetime) -> Path:
        return self.backups_dir / f"{stamp(when)}_{reason}_session_{session_id}{self.codec.suffix}"

    def backups(self) -> list[Path]:
        return sorted(p for p in self.backups_dir.iterdir() if p.is_file())

    # --- quarantine ------------------------------------------------------------------------------------------
    def quarantine(self, path: Path, reason: str, when: datetime, *, copy: bool = False) -> Path:
        """Set a bad file aside (never delete it) with a note saying why and when. copy=True keeps the original in
        place (a damaged log whose readable part is rewritten next) and quarantines a copy of it."""
        target = self.quarantine_dir / f"{stamp(when)}_{path.name}"
        if copy:
            files.atomic_write_bytes(target, files.read_bytes(path))
        else:
            os.replace(path, target)
        note = {"file": str(path), "reason": reason, "quarantined_at": iso(when)}
        files.atomic_write_bytes(target.with_name(target.name + ".reason.json"), orjson.dumps(note))
        files.fsync_dir(path.parent)
        return target

    def quarantined(self) -> list[dict]:
        notes = []
        for path in sorted(self.quarantine_dir.glob("*.reason.json")):
            try:
                notes.append(orjson.loads(path.read_bytes()))
            except (OSError, orjson.JSONDecodeError):
                notes.append({"file": path.name, "reason": "unreadable note", "quarantined_at": None})
        return notes

    def folder_sizes(self) -> dict[str, int]:
        """Bytes per area, from directory entries (stat only; no file is opened)."""
        areas = {
            "active": self.active_dir,
            "archive": self.archive_dir,
            "logs": self.log_dir,
            "quarantine": self.quarantine_dir,
        }
        sizes = {name: _tree_size(folder) for name, folder in areas.items()}
        sizes["backups"] = _tree_size(self.backups_dir)
        sizes["archive"] -= sizes["backups"]
        sizes["index"] = sum(_size(self.root / n) for n in ("metadata.json", "metadata.log", "audit.log"))
        return sizes


def split_backup_name(name: str) -> tuple[Optional[float], str, Optional[str]]:
    """(created, reason, session id) of a backup file name `<stamp>_<reason>_session_<id><suffix>`; the time comes
    from the name (written with the engine's clock), None when the name does not carry one."""
    parts = name.split("_", 2)
    if len(parts) < 3:
        return None, "unknown", None
    try:
        created: Optional[float] = datetime.strptime(parts[0], "%Y%m%dT%H%M%S%fZ").replace(
            tzinfo=timezone.utc).timestamp()
    except ValueError:
        created = None
    session_id = split_archive_name(parts[2])
    return created, parts[1], session_id if session_id and is_valid_session_id(session_id) else None


def _raw_ids(folder: Path, suffix: str) -> set[str]:
    cut = -len(suffix)
    return {name[8:cut] for name in os.listdir(folder) if name.startswith("session_") and name.endswith(suffix)}


def _ids_in(folder: Path, suffix: str) -> Iterator[str]:
    """Valid session ids named by `session_<id><suffix>` files in a folder (names only: no stat, no open)."""
    return (sid for sid in _raw_ids(folder, suffix) if is_valid_session_id(sid))


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0


def _tree_size(folder: Path) -> int:
    total = 0
    stack = [str(folder)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    elif entry.is_file(follow_symlinks=False):
                        total += entry.stat(follow_symlinks=False).st_size
        except FileNotFoundError:
            continue
    return total
