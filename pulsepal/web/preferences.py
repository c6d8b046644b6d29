"""Each user's chat preferences (today: the answer language they last chose).

They are per user, not per conversation, and must outlive any single session, so they live in a small JSON file
of their own beside the store. Every new chat reads them, so reads are served from memory and the file is parsed
again only when its stat signature changes (another process, or a restart, wrote it); writes are a
read-modify-write under the file's cross-process lock.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Optional

import orjson

from ..sessions import files


class Preferences:
    """Per-user chat preferences, cached in memory and written on change."""

    def __init__(self, path) -> None:
        self.path = Path(path)
        self._guard = threading.Lock()
        self._data: dict = {}
        self._signature: Optional[tuple] = None

    def _loaded(self) -> dict:
        """The current file contents; re-read only when another process (or a restart) changed the file."""
        try:
            st = os.stat(self.path)
            signature: Optional[tuple] = (st.st_mtime_ns, st.st_size, st.st_ino)
        except FileNotFoundError:
            signature = None
        if signature != self._signature:
            try:
                data = orjson.loads(files.read_bytes(self.path))
                self._data = data if isinstance(data, dict) else {}
            except (FileNotFoundError, orjson.JSONDecodeError):
                self._data = {}
            self._signature = signature
        return self._data

    def get(self, user: str, key: str, default=None):
        with self._guard:
            entry = self._loaded().get(user)
            return entry.get(key, default) if isinstance(entry, dict) else default

    def set(self, user: str, key: str, value) -> None:
        files.ensure_dir(self.path.parent)
        with self._guard, files.locked(self.path.with_name(self.path.name + ".lock")):
            self._signature = ("reload",)  # read-modify-write from the file itself, under the cross-process lock
            data = self._loaded()
            entry = data.setdefault(user, {})
            if entry.get(key) == value:
                return
            entry[key] = value
            files.atomic_write_bytes(self.path, orjson.dumps(data, option=orjson.OPT_SORT_KEYS))
            self._signature = ("reload",)

    def forget(self, user: str) -> bool:
        """Remove everything kept for `user` (their "delete all my data"); returns whether there was anything."""
        if not self.path.exists():
            return False
        with self._guard, files.locked(self.path.with_name(self.path.name + ".lock")):
            self._signature = ("reload",)
            data = self._loaded()
            if user not in data:
                return False
            del data[user]
            files.atomic_write_bytes(self.path, orjson.dumps(data, option=orjson.OPT_SORT_KEYS))
            self._signature = ("reload",)
            return True

    def all(self) -> dict[str, dict]:
        """Every user's preferences (a copy), for moving them to the database."""
        with self._guard:
            return {user: dict(kept) for user, kept in self._loaded().items() if isinstance(kept, dict)}

    def set_many(self, values: dict[str, dict]) -> None:
        """Merge whole users' preferences in, in one locked write (moving the database's into this file)."""
        files.ensure_dir(self.path.parent)
        with self._guard, files.locked(self.path.with_name(self.path.name + ".lock")):
            self._signature = ("reload",)
            data = self._loaded()
            for user, kept in values.items():
                data.setdefault(user, {}).update(kept)
            files.atomic_write_bytes(self.path, orjson.dumps(data, option=orjson.OPT_SORT_KEYS))
            self._signature = ("reload",)
