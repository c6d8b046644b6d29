"""Maintenance on PostgreSQL: the cleanup lock, state documents, health probes, usage, verify, reindex, rebuild.

The cleanup lock is a transaction-level advisory lock (`pg_try_advisory_xact_lock`) taken on one pooled connection
that stays in its transaction for the whole pass: it is released by COMMIT, ROLLBACK or the connection dying (a
SIGKILLed replica's lock goes with its connection), never left behind, and a pool cannot hand it to another thread.

A pass that does not wait (the scheduler's) also claims the current interval of SESSION_CLEANUP_INTERVAL_MINUTES
(`cleanup_interval` in `state_docs`, in the same transaction): every replica keeps its APScheduler job, the replicas
fire at different moments of each interval, and only the first of them in an interval runs; the other replicas
stand aside as if the lock were held. The replica that claimed the interval may run again in it (its admin page's
"run now"). A pass that fails rolls its claim back, so another replica may still run one.
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional

import orjson

from ...errors import InvalidInput, LockBusy
from ...model import EventError, replay
from ...store import STATE_NAMES, Progress
from ..rebuild import rebuild_folder
from .pool import connection
from .schema import CLEANUP_LOCK, HEALTH_LOCK

if TYPE_CHECKING:
    from .store import PostgresStore

INTERVAL_DOC = "cleanup_interval"


# --- the cleanup lock ------------------------------------------------------------------------------------------
@contextmanager
def cleanup_lock(store: "PostgresStore", blocking: bool, scheduled: bool = False) -> Iterator[None]:
    """The advisory lock for the whole pass; a scheduled pass (a replica's timer) also claims the cleanup interval,
    so that every replica's timer firing in one interval leads to one pass, not one per replica. A pass someone asked
    for (the admin page's "run now", the CLI) only needs the lock."""
    with connection(store.pool) as conn:
        with conn.transaction():
            if blocking:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (CLEANUP_LOCK,))
            elif not conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (CLEANUP_LOCK,)).fetchone()[0]:
                raise LockBusy("another cleanup pass holds the lock")
            if scheduled:
                _claim_interval(store, conn)
            yield


def _claim_interval(store: "PostgresStore", conn: Any) -> None:
    seconds = store.settings.session_cleanup_interval_minutes * 60
    slot = math.floor(store.clock.timestamp() / seconds)
    row = conn.execute("SELECT doc FROM state_docs WHERE name = %s FOR UPDATE", (INTERVAL_DOC,)).fetchone()
    claimed = orjson.loads(bytes(row[0])) if row else {}
    if claimed.get("slot") == slot and claimed.get("seconds") == seconds and claimed.get("by") != store.identity:
        raise LockBusy("another replica already ran a cleanup pass in this interval")
    doc = orjson.dumps({"slot": slot, "seconds": seconds, "at": store.clock.now().isoformat(),
                        "by": store.identity})
    conn.execute("INSERT INTO state_docs (name, doc) VALUES (%s, %s) ON CONFLICT (name) DO UPDATE SET doc = "
                 "excluded.doc", (INTERVAL_DOC, doc))


# --- state documents -------------------------------------------------------------------------------------------
def _state_name(name: str) -> str:
    if name not in STATE_NAMES:
        raise InvalidInput(f"unknown state document {name!r}")
    return name


def read_state(store: "PostgresStore", name: str) -> dict:
    with connection(store.pool) as conn:
        row = conn.execute("SELECT doc FROM state_docs WHERE name = %s", (_state_name(name),)).fetchone()
    if row is None:
        return {}
    state = orjson.loads(bytes(row[0]))
    return state if isinstance(state, dict) else {}


def update_state(store: "PostgresStore", name: str, change: Callable[[dict], dict]) -> dict:
    """Read-modify-write under the row lock: replicas changing one document take turns."""
    name = _state_name(name)
    with connection(store.pool) as conn, conn.transaction():
        conn.execute("INSERT INTO state_docs (name, doc) VALUES (%s, '{}') ON CONFLICT (name) DO NOTHING", (name,))
        row = conn.execute("SELECT doc FROM state_docs WHERE name = %s FOR UPDATE", (name,)).fetchone()
        before = orjson.loads(bytes(row[0]))
        before = before if isinstance(before, dict) else {}
        after = change(dict(before))
        if after != before:
            conn.execute("UPDATE state_docs SET doc = %s WHERE name = %s", (orjson.dumps(after), name))
        return after


# --- health, usage ---------------------------------------------------------------------------------------------
def probe(store: "PostgresStore") -> dict[str, dict]:
    checks: dict[str, dict] = {}
    try:
        with connection(store.pool) as conn:
            conn.execute("INSERT INTO state_docs (name, doc) VALUES ('healthz', %s) ON CONFLICT (name) DO UPDATE "
                         "SET doc = excluded.doc", (orjson.dumps({"at": store.clock.now().isoformat()}),))
            ok = conn.execute("SELECT doc FROM state_docs WHERE name = 'healthz'").fetchone() is not None
        checks["storage_writable"] = {"ok": ok} if ok else {"ok": False, "detail": "a probe row did not read back"}
    except Exception as exc:  # noqa: BLE001 - a probe reports, it never raises
        checks["storage_writable"] = {"ok": False, "detail": f"the database is not writable ({_one_line(exc)})"}
    try:
        checks["index_consistent"] = _counters_consistent(store)
    except Exception as exc:  # noqa: BLE001
        checks["index_consistent"] = {"ok": False, "detail": f"the index could not be read ({_one_line(exc)})"}
    try:
        with connection(store.pool) as conn, conn.transaction():
            conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (HEALTH_LOCK,))
        checks["locks_usable"] = {"ok": True}
    except Exception as exc:  # noqa: BLE001
        checks["locks_usable"] = {"ok": False, "detail": f"advisory locks cannot be taken ({_one_line(exc)})"}
    return checks


COUNT_EVERY_SECONDS = 60.0


def _counters_consistent(store: "PostgresStore") -> dict:
    """The counters against a real count (one statement, one snapshot: they agree unless something is broken).
    Counting a million rows costs tens of milliseconds, so a process counts at most once a minute and probes in
    between reuse the answer; a failed check is always redone."""
    import time

    cached = store._consistency
    if cached is not None and cached[1]["ok"] and time.monotonic() - cached[0] < COUNT_EVERY_SECONDS:
        return cached[1]
    with connection(store.pool) as conn:
        counted, indexed = conn.execute("SELECT (SELECT count(*) FROM sessions WHERE state = 'active'), "
                                        "(SELECT sum(active_count) FROM counters)").fetchone()
    result = {"ok": True} if counted == indexed else {
        "ok": False, "detail": f"the counters say {indexed} active sessions, the table holds {counted}; run a reindex"}
    store._consistency = (time.monotonic(), result)
    return result


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


AREAS = {
    "active": ["sessions"],
    "logs": ["events"],
    "archive": ["archives", "archive_text"],
    "backups": ["backups"],
    "index": ["counters", "activity", "turn_queue", "state_docs", "audit", "audit_rotated"],
}


def usage(store: "PostgresStore") -> dict[str, int]:
    """Bytes by area: tables with their indexes and TOAST, partitions included (the file store's folder sizes)."""
    sizes = {"quarantine": 0}
    with connection(store.pool) as conn:
        for area, tables in AREAS.items():
            total = 0
            for table in tables:
                total += conn.execute("SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM "
                                      "pg_partition_tree(%(t)s::regclass)), pg_total_relation_size(%(t)s::regclass))",
                                      {"t": table}).fetchone()[0]
            sizes[area] = int(total)
    return sizes


# --- verify, reindex, rebuild ----------------------------------------------------------------------------------
def recount(store: "PostgresStore") -> bool:
    """Recompute the sharded counters from the sessions table; True when they had drifted. What is still queued
    for the fold stays queued: the counters are set to the truth minus its sums, so the fold completes them."""
    with connection(store.pool) as conn, conn.transaction():
        # no change may slip between the count and the reset: commits and archive batches (sessions) and folds
        # (turn_queue) wait until this transaction ends
        conn.execute("LOCK TABLE sessions, turn_queue IN SHARE MODE")
        before = conn.execute("SELECT sum(active_count), sum(archived_count), sum(active_size), sum(archived_size), "
                              "sum(created_sum_active), sum(messages_total) FROM counters").fetchone()
        truth = conn.execute(
            "SELECT count(*) FILTER (WHERE state = 'active'), count(*) FILTER (WHERE state = 'archived'), "
            "coalesce(sum(size) FILTER (WHERE state = 'active'), 0) - (SELECT coalesce(sum(grow), 0) FROM turn_queue), "
            "coalesce(sum(size) FILTER (WHERE state = 'archived'), 0), "
            "coalesce(sum(created_at::numeric) FILTER (WHERE state = 'active'), 0), "
            "coalesce(sum(message_count), 0) - (SELECT coalesce(sum(counted), 0) FROM turn_queue) "
            "FROM sessions").fetchone()
        drifted = tuple(before) != tuple(truth)
        if drifted:
            conn.execute("UPDATE counters SET active_count = 0, archived_count = 0, active_size = 0, "
                         "archived_size = 0, created_sum_active = 0, messages_total = 0")
            conn.execute("UPDATE counters SET active_count = %s, archived_count = %s, active_size = %s, "
                         "archived_size = %s, created_sum_active = %s, messages_total = %s WHERE shard = 0", truth)
    return drifted


def verify(store: "PostgresStore", *, deep: bool, progress: Progress) -> dict:
    """Replay every active session's log against its row; with deep, decode every archive too."""
    active = [sid for sid, _ in store.entries("active")]
    archived = list(store.entries("archived")) if deep else []
    total = len(active) + len(archived)
    report: dict = {"active_checked": 0, "archives_checked": 0, "unrecoverable": [], "bad_archives": [],
                    "quarantined": [], "stale_archives": [], "temp_files": []}  # the file store's keys: a
    # transaction leaves neither half-moved archives nor temp files, so those two stay empty here
    done = 0
    for session_id in active:
        try:
            view = store.read_log(session_id)
            loaded = store.live.current(session_id)
            if view is not None and loaded is not None and view.ctx.conversation_count != \
                    loaded.ctx.conversation_count:
                report["unrecoverable"].append({"session_id": session_id,
                                                "error": "the row's counts disagree with its log"})
        except (EventError, ValueError) as exc:
            report["unrecoverable"].append({"session_id": session_id, "error": str(exc)})
        report["active_checked"] += 1
        done += 1
        if progress:
            progress(done, total)
    for session_id, entry in archived:
        try:
            store.read_archive(session_id)
        except Exception as exc:  # noqa: BLE001 - reported per archive
            report["bad_archives"].append({"path": entry.get("archive_path"), "error": str(exc)})
        report["archives_checked"] += 1
        done += 1
        if progress:
            progress(done, total)
    report["index_rebuilt"] = recount(store)
    report["ok"] = not (report["unrecoverable"] or report["bad_archives"])
    return report


def reindex(store: "PostgresStore", progress: Progress) -> dict:
    """Derived data is kept in the same transactions as the data or queued with it, so a reindex folds what is
    queued and recounts the totals."""
    store.index.catch_up()
    recount(store)
    aggregates = store.aggregates()
    if progress:
        progress(1, 1)
    return {"active": aggregates.counts["active"], "archived": aggregates.counts["archived"], "problems": []}


def rebuild_from_logs(store: "PostgresStore", log_dir: Optional[str], progress: Progress) -> dict:
    """Install sessions from conversation logs (session_<id>.jsonl, one JSON event per line) in a folder.
    Idempotent: a session already stored (active or archived) is skipped and reported."""
    folder = Path(log_dir) if log_dir else store.settings.log_path
    if not folder.is_dir() and folder.resolve() == store.settings.log_path.resolve():
        # This store writes no log files (its events are rows), so the configured log folder need not exist: with
        # nothing in it there is nothing to rebuild, as on the file store; a folder the caller named must exist.
        return {"log_dir": str(folder), "rebuilt": [], "skipped": []}
    return rebuild_folder(folder, lambda session_id, path: _rebuild_one(store, session_id, path), progress)


def _rebuild_one(store: "PostgresStore", session_id: str, path: Path) -> Optional[str]:
    state = store.locate(session_id)
    if state == "archived":
        return "archived (restore it with restore_session.py)"
    if state == "active":
        return "already active"
    events = []
    for line in path.read_bytes().splitlines():
        try:
            event = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # a torn or damaged line: the rest of the log still counts
        if isinstance(event, dict):
            events.append(event)
    try:
        ctx = replay(events, store.settings.max_conversation_history)
    except EventError as exc:
        return f"log unusable: {exc}"
    if ctx.session_id != session_id:
        return f"log holds session {ctx.session_id!r}"
    store.install(session_id, events)
    return None


def prune_activity(store: "PostgresStore", keep_hours: int) -> None:
    with connection(store.pool) as conn:
        conn.execute("DELETE FROM activity WHERE hour < (SELECT max(hour) FROM activity) - %s", (keep_hours,))


