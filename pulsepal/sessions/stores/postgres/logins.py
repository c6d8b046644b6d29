"""Failed sign-ins kept in PostgreSQL, so that every replica behind the load balancer applies one back-off.

With the counts in each process's memory, a guesser spreading attempts over N replicas (or waiting for a restart)
gets N times the attempts. Here each key (a user name, a client address) is one row, changed under its row lock,
so two replicas counting failures of the same key at once cannot lose one. The rule itself (free failures,
doubling, cap, decay) is the web layer's (`pulsepal.web.throttle`); this module only stores (failures, last) pairs.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .pool import connection

Pair = tuple[float, float]  # (failures, when the last one counted, in wall-clock seconds)


class LoginFailures:
    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def get(self, key: str) -> Optional[Pair]:
        with connection(self.pool) as conn:
            row = conn.execute("SELECT failures, last FROM login_failures WHERE key = %s", (key,)).fetchone()
        return (float(row[0]), float(row[1])) if row else None

    def change(self, key: str, fold: Callable[[Pair], Pair]) -> Pair:
        """Replace the key's pair by `fold(current)` ((0, 0) for a new key) in one transaction, under the row's
        lock: the row is made to exist first, so two replicas' first failures of a key cannot both start at 0."""
        with connection(self.pool) as conn, conn.transaction():
            conn.execute("INSERT INTO login_failures (key, failures, last) VALUES (%s, 0, 0) ON CONFLICT DO NOTHING",
                         (key,))
            row = conn.execute("SELECT failures, last FROM login_failures WHERE key = %s FOR UPDATE",
                               (key,)).fetchone()
            failures, last = fold((float(row[0]), float(row[1])))
            conn.execute("UPDATE login_failures SET failures = %s, last = %s WHERE key = %s", (failures, last, key))
        return failures, last

    def take(self, key: str) -> Optional[Pair]:
        """Remove the key's row; returns the pair it held."""
        with connection(self.pool) as conn:
            row = conn.execute("DELETE FROM login_failures WHERE key = %s RETURNING failures, last",
                               (key,)).fetchone()
        return (float(row[0]), float(row[1])) if row else None

    def forget(self, key: str) -> None:
        with connection(self.pool) as conn:
            conn.execute("DELETE FROM login_failures WHERE key = %s", (key,))

    def prune(self, now: float, seconds_per_failure: float) -> int:
        """Drop the rows whose failures have all decayed (one is forgotten per `seconds_per_failure` of quiet)."""
        with connection(self.pool) as conn:
            done = conn.execute("DELETE FROM login_failures WHERE last + failures * %s < %s",
                                (seconds_per_failure, now))
            return done.rowcount or 0
