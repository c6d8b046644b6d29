"""Password-mode users and per-user chat preferences in PostgreSQL, for replicas that must agree on them.

The operations mirror the file-based ones in `web/users.py` (add/replace, remove, get, list, verify; preferences
get/set), and the password hashing is that module's (salted scrypt, constant-time comparison, the same work for
unknown names), imported rather than copied, so a hash moves between a users file and this table unchanged.
"""

from __future__ import annotations

from typing import Any, List, Optional

import orjson

from ....clock import SYSTEM_CLOCK, Clock
from ....passwords import (
    MAX_PASSWORD_LENGTH,
    UserError,
    UserRecord,
    check_password,
    credential_of,
    dummy_hash,
    hash_password,
    validate_user_name,
)
from .pool import connection


class DatabaseUsers:
    def __init__(self, pool: Any, clock: Clock = SYSTEM_CLOCK) -> None:
        self.pool = pool
        self.clock = clock

    def add(self, name: str, password: str, admin: bool = False, *, replace: bool = False) -> UserRecord:
        """Add a user (or, with replace, change an existing user's password and admin flag)."""
        name = validate_user_name(name)
        return self.add_hash(name, hash_password(password), admin, replace=replace)

    def add_hash(self, name: str, encoded: str, admin: bool = False, *, replace: bool = False) -> UserRecord:
        """Install an already hashed password (moving a users file into the database)."""
        name = validate_user_name(name)
        query = ("INSERT INTO users (name, hash, admin, updated_at) VALUES (%s, %s, %s, %s) ON CONFLICT (name) "
                 + ("DO UPDATE SET hash = excluded.hash, admin = excluded.admin, updated_at = excluded.updated_at"
                    if replace else "DO NOTHING") + " RETURNING name")
        with connection(self.pool) as conn:
            done = conn.execute(query, (name, encoded, bool(admin), self.clock.now().isoformat())).fetchone()
        if done is None:
            raise UserError(f"user {name!r} already exists")
        return UserRecord(name, bool(admin), credential_of(encoded))

    def remove(self, name: str) -> None:
        name = validate_user_name(name)
        with connection(self.pool) as conn:
            if conn.execute("DELETE FROM users WHERE name = %s RETURNING name", (name,)).fetchone() is None:
                raise UserError(f"no user {name!r}")

    def list(self) -> list[UserRecord]:
        with connection(self.pool) as conn:
            found = conn.execute("SELECT name, admin FROM users ORDER BY name").fetchall()
        return [UserRecord(name, bool(admin)) for name, admin in found]

    def add_hashes(self, entries: List[tuple[str, str, bool]]) -> None:
        for name, encoded, admin in entries:
            self.add_hash(name, encoded, admin, replace=True)

    def hashes(self) -> List[tuple[str, str, bool]]:  # (`list` is a method here)
        """(name, hash, admin) of every user, for moving them to a users file."""
        with connection(self.pool) as conn:
            return [(n, h, bool(a)) for n, h, a in conn.execute("SELECT name, hash, admin FROM users ORDER BY name")]

    def get(self, name: str) -> Optional[UserRecord]:
        try:
            name = validate_user_name(name)
        except UserError:
            return None
        with connection(self.pool) as conn:
            row = conn.execute("SELECT admin, hash FROM users WHERE name = %s", (name,)).fetchone()
        return UserRecord(name, bool(row[0]), credential_of(row[1])) if row else None

    def verify(self, name: str, password: str) -> Optional[UserRecord]:
        """The user if the password is right, else None; the same work is done whether or not the user exists."""
        if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
            return None
        row = None
        try:
            name = validate_user_name(name)
            with connection(self.pool) as conn:
                row = conn.execute("SELECT hash, admin FROM users WHERE name = %s", (name,)).fetchone()
        except UserError:
            row = None
        ok = check_password(password, row[0] if row else dummy_hash())
        return UserRecord(name, bool(row[1]), credential_of(row[0])) if ok and row else None


class DatabasePreferences:
    """Per-user chat preferences (the chosen language...): one row per (user, key), read and written directly, so
    every replica sees a change at once."""

    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def get(self, user: str, key: str, default: Any = None) -> Any:
        with connection(self.pool) as conn:
            row = conn.execute("SELECT value FROM preferences WHERE user_name = %s AND key = %s",
                               (user, key)).fetchone()
        return orjson.loads(bytes(row[0])) if row else default

    def set(self, user: str, key: str, value: Any) -> None:
        with connection(self.pool) as conn:
            conn.execute("INSERT INTO preferences (user_name, key, value) VALUES (%s, %s, %s) ON CONFLICT "
                         "(user_name, key) DO UPDATE SET value = excluded.value", (user, key, orjson.dumps(value)))

    def forget(self, user: str) -> bool:
        """Remove everything kept for `user` (their "delete all my data"); returns whether there was anything."""
        with connection(self.pool) as conn:
            return bool(conn.execute("DELETE FROM preferences WHERE user_name = %s RETURNING key", (user,)).fetchall())

    def set_many(self, values: dict[str, dict[str, Any]]) -> None:
        for user, kept in values.items():
            for key, value in kept.items():
                self.set(user, key, value)

    def all(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        with connection(self.pool) as conn:
            for user, key, value in conn.execute("SELECT user_name, key, value FROM preferences"):
                out.setdefault(user, {})[key] = orjson.loads(bytes(value))
        return out
