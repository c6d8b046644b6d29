"""Short announcements between the processes that share one database, over PostgreSQL's LISTEN/NOTIFY.

Chainlit keeps its socket sessions in memory, so a replica can only reach the browser tabs it serves itself. When a
user deletes conversations on one replica, the tabs that user has open on another replica would keep listing them
until their next page load. A NOTIFY sent after the deletion committed reaches every process LISTENing on the same
database at once (PostgreSQL delivers it on commit, in order, to every listening connection), with no table to
poll and nothing to clean up; a process that is not listening at that moment simply misses it, which is what an
announcement of "look again" can afford: the tab still fetches the true list on its next load.

The payload is ours and small (PostgreSQL caps it at 8000 bytes), so long lists are sent in several notices.
Whatever arrives is checked before use: anyone who may connect to the database may NOTIFY on the channel.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Optional

import orjson

from ...notices import hand_over
from .pool import redact_url

try:
    import psycopg
    from psycopg import sql
except ImportError as exc:  # pragma: no cover - only without the pinned requirements
    raise ImportError(f"SESSION_DATABASE_URL is set but the PostgreSQL driver is missing ({exc})") from None

log = logging.getLogger("pulsepal.sessions")

MAX_PAYLOAD = 7000  # bytes; PostgreSQL refuses a NOTIFY payload of 8000 or more
RETRY_SECONDS = (0.5, 1, 2, 5, 10)  # reconnecting after the database went away, then every 10 s


def payloads(messages: list[dict[str, Any]]) -> list[str]:
    """The messages as NOTIFY payloads; ValueError (before anything is sent) for one PostgreSQL would refuse."""
    out = [orjson.dumps(m).decode() for m in messages]
    for p in out:
        if len(p.encode()) > MAX_PAYLOAD:
            raise ValueError(f"a notice is {len(p.encode())} bytes; the limit is {MAX_PAYLOAD}")
    return out


def send(conn: Any, channel: str, messages: list[dict[str, Any]]) -> None:
    """Send each message as one notice on `channel`, all in one transaction on `conn`, so listeners get all of
    them or, if this fails, none. Raises the driver's error: the caller decides whether that matters."""
    texts = payloads(messages)
    with conn.transaction():
        for p in texts:
            conn.execute("SELECT pg_notify(%s, %s)", (channel, p))


def publish(url: str, channel: str, messages: list[dict[str, Any]], *, timeout: float = 5.0) -> None:
    """`send` on a connection of its own (for a process without the store's pool)."""
    payloads(messages)
    with psycopg.connect(url, connect_timeout=max(1, int(timeout)), application_name="pulsepal-notices") as conn:
        send(conn, channel, messages)


class Listener:
    """One thread that LISTENs on `channel` with its own connection and hands each notice's JSON object to
    `deliver` (called in that thread). A lost connection is reopened with a back-off; notices sent while it was
    down are missed (see the module's docstring), so after a reconnect `resync` is called: whoever listens asks its
    tabs to look again. `ready` is set once the LISTEN is in place."""

    def __init__(self, url: str, channel: str, deliver: Callable[[dict[str, Any]], None],
                 resync: Optional[Callable[[], None]] = None) -> None:
        self._url, self._channel, self._deliver, self._resync = url, channel, deliver, resync
        self._stopping = threading.Event()
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"pulsepal-listen-{channel}", daemon=True)

    def start(self) -> "Listener":
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        failures, listened = 0, False
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True, connect_timeout=5,
                                     application_name="pulsepal-listener") as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self._channel)))
                    failures = 0
                    self.ready.set()
                    if listened:
                        self._call_resync()
                    listened = True
                    while not self._stopping.is_set():
                        for notice in conn.notifies(timeout=0.5):
                            hand_over(notice.payload, self._deliver)
            except psycopg.Error as exc:
                self.ready.clear()
                wait = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("listening for notices at %s failed (%s); trying again in %g s",
                            redact_url(self._url), " ".join(str(exc).split()), wait)
                self._stopping.wait(wait)

    def _call_resync(self) -> None:
        try:
            if self._resync is not None:
                self._resync()
        except Exception:  # noqa: BLE001 - as for a failing receiver
            log.exception("asking the tabs to look again failed")
