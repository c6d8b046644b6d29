"""The operator's per-user history operations behind `sessions list --search`, `sessions export --user`,
`sessions delete --user` and `sessions import <zip>`.

`list --search` asks the engine's whole-history search (`search_sessions`), the one the chat's sidebar and the
admin page ask, so the three agree: every message of every conversation, active and archived, ranked. The search
index follows writes in the background; a command that has just opened the store waits for it to catch up with
the conversation logs first, so what it prints is what is stored.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Optional

from ..sessions import SessionManager
from ..sessions.files import atomic_write_bytes
from .base import EXIT_NOT_FOUND, Failure

ZIP_MAGIC = b"PK\x03\x04"
SEARCH_ALL = 10_000  # hits to rank before the command's own filters, sort and page


def settle_search(manager: SessionManager) -> None:
    index = getattr(manager.store, "search_index", None)  # the file store's; a database store searches in place
    if index is not None:
        index.wait_idle(600)


def search_rows(manager: SessionManager, text: str, *, owner: Optional[str], state: Optional[str],
                created_before: Optional[float]) -> list[dict]:
    """Every conversation matching `text`, best first, as listing rows with the match's snippet."""
    if len(text) > 500:
        raise Failure("--search takes at most 500 characters")
    settle_search(manager)
    found = manager.search_sessions(text, owner=owner, limit=SEARCH_ALL)
    rows = []
    for hit in found["hits"]:
        row = manager.describe(hit["session_id"])
        if row is None or (state is not None and row["state"] != state):
            continue
        if created_before is not None and (manager.store.entry(hit["session_id"]) or {}).get(
                "created_at", 0) >= created_before:
            continue
        rows.append({**row, "snippet": hit.get("snippet") or ""})
    return rows


def user_name(owner: str) -> str:
    name = (owner or "").strip()
    if not name or len(name) > 200:
        raise Failure("--user takes a user name (1 to 200 characters)")
    return name


def conversations_of(manager: SessionManager, owner: str) -> int:
    total, _ = manager.list_sessions(state=None, owner=owner, limit=1)
    return total


def export_user(manager: SessionManager, owner: str, target: Path, *, force: bool) -> int:
    """Write the user's export-all zip to `target` (0600, whole or not at all); returns the conversation count."""
    if not conversations_of(manager, owner):
        raise Failure(f"user {owner!r} has no conversations", EXIT_NOT_FOUND)
    data = manager.export_user(owner)
    try:
        atomic_write_bytes(target, data, overwrite=force)
    except FileExistsError:
        raise Failure(f"{target} already exists; use --force to overwrite it") from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(1 for n in archive.namelist() if n.startswith("conversations/") and n.endswith(".json"))


def is_zip(data: bytes) -> bool:
    return data[:4] == ZIP_MAGIC


def read_source(path: Path) -> bytes:
    if path.is_dir():
        raise Failure(f"{path} is a folder; give an export file")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise Failure(f"{path}: no such file") from None
