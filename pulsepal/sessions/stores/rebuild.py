"""Rebuilding sessions from a folder of conversation logs (`session_<id>.jsonl`), the part both stores share: which
files are logs, the walk with progress, and the report. What "rebuild one session" means is each store's own."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator, Optional

from ..errors import InvalidInput
from ..ids import is_valid_session_id
from ..store import Progress

RebuildOne = Callable[[str, Path], Optional[str]]  # (session id, log) -> None when rebuilt, else why it was skipped


def log_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """(session id, path) of every conversation log in a folder whose name holds a valid session id."""
    for path in folder.glob("session_*.jsonl"):
        session_id = path.name[len("session_"):-len(".jsonl")]
        if is_valid_session_id(session_id):
            yield session_id, path


def rebuild_folder(folder: Path, rebuild_one: RebuildOne, progress: Progress = None) -> dict:
    """Rebuild every log of `folder` in id order; {"log_dir", "rebuilt": [{session_id}], "skipped": [{..., reason}]}."""
    if not folder.is_dir():
        raise InvalidInput(f"log folder {folder} does not exist")
    logs = sorted(log_files(folder))
    rebuilt, skipped = [], []
    for number, (session_id, path) in enumerate(logs, start=1):
        reason = rebuild_one(session_id, path)
        if reason is None:
            rebuilt.append({"session_id": session_id})
        else:
            skipped.append({"session_id": session_id, "reason": reason})
        if progress:
            progress(number, len(logs))
    return {"log_dir": str(folder), "rebuilt": rebuilt, "skipped": skipped}
