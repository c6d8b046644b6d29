"""The users file for password mode: accounts, their salted password hashes and admin flags.

Passwords are kept as salted scrypt hashes (passwords.py) in a 0600 JSON file that is replaced atomically, so a
crash mid-write never leaves it half written and a concurrent reader sees the old or the new version. With
SESSION_DATABASE_URL the accounts live in PostgreSQL instead (stores/postgres/accounts.py, the same operations);
`dependencies.accounts_for()` picks.

Every authenticated request asks "is this user still in the file?" (a removed user must lose access at once), so
reads go through a cache keyed by the file's stat signature: one `stat` per request, a parse only after the file
changed (by this process, the CLI, or an operator's editor). Writes always re-read the file under its lock.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import List, Optional

import orjson

from ..clock import SYSTEM_CLOCK
from ..passwords import (  # noqa: F401 - UserError, UserRecord, ... are this module's public names too
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    UserError,
    UserRecord,
    check_password,
    credential_of,
    dummy_hash,
    hash_password,
    validate_user_name,
)
from ..sessions import files

FORMAT = "pulsepal-users"


def _record(name: str, entry: dict) -> UserRecord:
    return UserRecord(name, bool(entry.get("admin")), credential_of(entry.get("hash")))


# ------------------------------------------------------------------------------------------------ the file
def _lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def _load(path: Path) -> dict:
    try:
        data = orjson.loads(files.read_bytes(path))
    except FileNotFoundError:
        return {"format": FORMAT, "version": 1, "users": {}}
    except orjson.JSONDecodeError as exc:
        raise UserError(f"the users file {path} is not valid JSON ({exc}); fix or remove it") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("users"), dict):
        raise UserError(f"{path} is not a PulsePal users file")
    return data


_cache_guard = threading.Lock()
_cache: dict[Path, tuple[tuple, dict]] = {}


def _signature(path: Path) -> Optional[tuple]:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def _load_cached(path: Path) -> dict:
    """The file's contents for reading (callers must not modify them), parsed again only after it changed.

    The signature is taken before the read, so a change that lands in between is seen as a change next time."""
    signature = _signature(path)
    if signature is not None:
        with _cache_guard:
            hit = _cache.get(path)
        if hit is not None and hit[0] == signature:
            return hit[1]
    data = _load(path)
    if signature is not None:
        with _cache_guard:
            _cache[path] = (signature, data)
    return data


def _save(path: Path, data: dict) -> None:
    files.ensure_dir(path.parent)
    files.atomic_write_bytes(path, orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))


def add_user(path, name: str, password: str, admin: bool = False, *, replace: bool = False) -> UserRecord:
    """Add a user (or, with replace, change an existing user's password and admin flag)."""
    path = Path(path)
    name = validate_user_name(name)
    encoded = hash_password(password)
    files.ensure_dir(path.parent)
    with files.locked(_lock_path(path)):
        data = _load(path)
        if name in data["users"] and not replace:
            raise UserError(f"user {name!r} already exists")
        data["users"][name] = {"hash": encoded, "admin": bool(admin), "updated_at": SYSTEM_CLOCK.now().isoformat()}
        _save(path, data)
    return UserRecord(name, bool(admin), credential_of(encoded))


def add_hashes(path, entries: list[tuple[str, str, bool]]) -> None:
    """Install already hashed passwords (name, hash, admin), replacing users of the same name, in one locked write:
    moving the database's users into this file (`db copy`) without losing a concurrent `users add`."""
    path = Path(path)
    now = SYSTEM_CLOCK.now().isoformat()
    files.ensure_dir(path.parent)
    with files.locked(_lock_path(path)):
        data = _load(path)
        for name, encoded, admin in entries:
            data["users"][validate_user_name(name)] = {"hash": encoded, "admin": bool(admin), "updated_at": now}
        _save(path, data)


def remove_user(path, name: str) -> None:
    path = Path(path)
    name = validate_user_name(name)
    with files.locked(_lock_path(path)):
        data = _load(path)
        if name not in data["users"]:
            raise UserError(f"no user {name!r}")
        del data["users"][name]
        _save(path, data)


def list_users(path) -> list[UserRecord]:
    data = _load_cached(Path(path))
    return [_record(name, entry) for name, entry in sorted(data["users"].items()) if isinstance(entry, dict)]


def get_user(path, name: str) -> Optional[UserRecord]:
    """The user's record, or None for an unknown or invalid name (cheap: see the module docstring)."""
    try:
        name = validate_user_name(name)
    except UserError:
        return None
    entry = _load_cached(Path(path))["users"].get(name)
    return _record(name, entry) if isinstance(entry, dict) else None


def verify_user(path, name: str, password: str) -> Optional[UserRecord]:
    """The user if the password is right, else None; the same work is done whether or not the user exists."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        return None
    try:
        name = validate_user_name(name)
        entry = _load_cached(Path(path))["users"].get(name)
    except UserError:
        entry = None
    encoded = entry.get("hash") if isinstance(entry, dict) else None
    ok = check_password(password, encoded if isinstance(encoded, str) else dummy_hash())
    if ok and isinstance(entry, dict) and encoded:
        return _record(name, entry)
    return None


class FileUsers:
    """The users file as an accounts store, with the same operations as stores.postgres.accounts.DatabaseUsers."""

    def __init__(self, path) -> None:
        self.path = Path(path)

    def add(self, name: str, password: str, admin: bool = False, *, replace: bool = False) -> UserRecord:
        return add_user(self.path, name, password, admin, replace=replace)

    def remove(self, name: str) -> None:
        remove_user(self.path, name)

    def list(self) -> list[UserRecord]:
        return list_users(self.path)

    def get(self, name: str) -> Optional[UserRecord]:
        return get_user(self.path, name)

    def verify(self, name: str, password: str) -> Optional[UserRecord]:
        return verify_user(self.path, name, password)

    def hashes(self) -> List[tuple[str, str, bool]]:  # (`list` is a method here)
        """(name, hash, admin) of every user, for moving them to the database."""
        users = _load(self.path)["users"]
        return [(name, entry["hash"], bool(entry.get("admin"))) for name, entry in sorted(users.items())]

    def add_hashes(self, entries: List[tuple[str, str, bool]]) -> None:
        add_hashes(self.path, entries)
