"""Failed sign-ins kept in PostgreSQL, so that every replica behind the load balancer applies one back-off.

With the counts in each process's memory, a guesser spreading attempts over N replicas (or waiting for a restart)
gets N times the attempts. Here each key (a user name, a client address) is one row, changed under its row lock,
so two replicas counting failures of the same key at once cannot lose one. The rule itself (free failures,
doubling, cap, decay) is the web layer's (`pulsepal.web.throttle`); this module only stores (failures, last) pairs.

Time is the database server's clock, read in the same statement as the row: replicas' own clocks drift apart, and
one running an hour ahead would otherwise see every key's failures as long decayed and let a guesser through.
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from .pool import connection

Pair = tuple[float, float]  # (failures, when the last one counted, in the database's epoch seconds)
NOW = "extract(epoch FROM clock_timestamp())::double precision"


class LoginFailures:
    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def read(self, key: str) -> tuple[Optional[Pair], float]:
        """The key's pair (None: no failures) and the database's time."""
        with connection(self.pool) as conn:
            row = conn.execute(f"SELECT failures, last, {NOW} FROM (SELECT 1) one "
                               "LEFT JOIN login_failures ON key = %s", (key,)).fetchone()
        return (None if row[0] is None else (float(row[0]), float(row[1]))), float(row[2])

    def get(self, key: str) -> Optional[Pair]:
        return self.read(key)[0]

    def change(self, key: str, fold: Callable[[Pair, float], Pair]) -> Pair:
        """Replace the key's pair by `fold(current, database time)` ((0, 0) for a new key) in one transaction,
        under the row's lock: the row is made to exist first, so two replicas' first failures of a key cannot both
        start at 0. The time is read after the lock is granted, so a replica that queued there sees the time the
        failure before it was counted at or later."""
        with connection(self.pool) as conn, conn.transaction():
            conn.execute("INSERT INTO login_failures (key, failures, last) VALUES (%s, 0, 0) ON CONFLICT DO NOTHING",
                         (key,))
            row = conn.execute(f"SELECT failures, last, {NOW} FROM login_failures WHERE key = %s FOR UPDATE",
                               (key,)).fetchone()
            failures, last = fold((float(row[0]), float(row[1])), float(row[2]))
            conn.execute("UPDATE login_failures SET failures = %s, last = %s WHERE key = %s", (failures, last, key))
        return failures, last

    def take(self, key: str) -> tuple[Optional[Pair], float]:
        """Remove the key's row; returns the pair it held and the database's time."""
        with connection(self.pool) as conn:
            row = conn.execute(f"DELETE FROM login_failures WHERE key = %s RETURNING failures, last, {NOW}",
                               (key,)).fetchone()
            if row is None:
                return None, float(conn.execute(f"SELECT {NOW}").fetchone()[0])
        return (float(row[0]), float(row[1])), float(row[2])

    def forget(self, key: str) -> None:
        with connection(self.pool) as conn:
            conn.execute("DELETE FROM login_failures WHERE key = %s", (key,))

    def prune(self, seconds_per_failure: float, now: Optional[float] = None) -> int:
        """Drop the rows whose failures have all decayed (one is forgotten per `seconds_per_failure` of quiet), at
        `now` or else at the database's time."""
        with connection(self.pool) as conn:
            done = conn.execute(f"DELETE FROM login_failures WHERE last + failures * %s < coalesce(%s, {NOW})",
                                (seconds_per_failure, now))
            return done.rowcount or 0
