"""Live sessions on PostgreSQL: load, the one-statement commit, the complete log, install.

The hot path. A process remembers the sessions it used last (context, `version`, size); a commit folds the new
events into a copy of that context in Python (`model.apply_event`) and sends ONE statement:

    UPDATE sessions SET <folded columns>, last_seq = last_seq + k, version = nextval(...)
     WHERE id = $1 AND version = $v AND state = 'active'
    + INSERT INTO events SELECT ... FROM <the updated row>     (seq = last_seq - k + 1 ... last_seq)
    + INSERT INTO turn_queue <one row: the seq range, the hour, the messages added, the growth in bytes and count>

Autocommit makes that one round trip and one commit, durable before it returns. Zero rows updated means someone
else (another thread, process or replica) wrote meanwhile: the commit then takes the row lock (`SELECT ... FOR
UPDATE`), folds onto the state it finds and writes under the lock, so it always completes and the log stays in
order without gaps: seq comes from the row itself, and (session_id, seq) is the primary key.

`version` comes from a database sequence, so it never repeats, even across a delete and re-import of the same id:
a stale cached context can never pass the version check.

What is derived from a commit (search words, messages per hour, the size and message totals) is not written by it:
its queue row carries the change, and the fold (index.py) takes queued rows in, in batches, each batch in one
statement that deletes the rows it folds. Three writes instead of five: the activity upsert and the counters update
also brought four more relations to lock and open per statement, and rows shared by every session (a counters
shard, the hour's activity row) that concurrent turns had to take in turn; the aggregates stay exact because they
read the totals and what is still queued in one snapshot.
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Optional

import orjson

from ....clock import Clock
from ...errors import SessionError, SessionExists, SessionNotFound
from ...model import ConversationContext, EventError, apply_event, replay
from ...store import LogView
from . import rows
from .pool import connection

CACHE_SIZE = 2048
LOCK_STRIPES = 64

TAIL = """
WITH s AS (SELECT version, size, state_doc, state FROM sessions WHERE id = %(id)s {lock}),
m AS (SELECT seq, body FROM events WHERE session_id = %(id)s AND kind = 'message' ORDER BY seq DESC LIMIT %(history)s),
c AS (SELECT seq, body FROM events WHERE session_id = %(id)s AND kind = 'code_example'
        ORDER BY seq DESC LIMIT %(code)s),
f AS (SELECT seq, body FROM events WHERE session_id = %(id)s AND kind = 'feedback'
        AND seq > (SELECT coalesce(min(seq), 0) FROM m))
SELECT s.version, s.size, s.state_doc, s.state, t.seq, t.body
FROM s LEFT JOIN (SELECT * FROM m UNION ALL SELECT * FROM c UNION ALL SELECT * FROM f) t ON s.state = 'active'
"""

# Parameters go in binary (`%(name)b`): the bodies and the state document are sent as they are, not hex-escaped and
# parsed back (encoding a turn's parameters took ~43 us in text, ~11 us in binary, on the development machine).
APPEND = """
WITH upd AS (
  UPDATE sessions SET owner = %(owner)b, activated_at = %(activated_at)b, last_activity = %(last_activity)b,
         message_count = %(message_count)b, title = %(title)b, language = %(language)b, size = size + %(grow)b,
         pinned = %(pinned)b, state_doc = %(state_doc)b, last_seq = last_seq + %(k)b,
         version = nextval('pulsepal_versions')
   WHERE id = %(id)b AND version = %(version)b AND state = 'active'
  RETURNING id, last_seq, version, size),
ev AS (
  INSERT INTO events (session_id, seq, kind, body, search_text)
  SELECT upd.id, upd.last_seq - %(k)b + e.n, e.kind, e.body, e.search_text
    FROM upd, unnest(%(kinds)b::text[], %(bodies)b::bytea[], %(texts)b::text[]) WITH ORDINALITY
         AS e(kind, body, search_text, n)),
queued AS (
  INSERT INTO turn_queue (session_id, first_seq, last_seq, title, hour, messages, grow, counted)
  SELECT upd.id, upd.last_seq - %(k)b + 1, upd.last_seq, %(title_changed)b, %(hour)b, %(added)b, %(grow)b,
         %(counted)b FROM upd)
SELECT version, size, set_config('synchronous_commit', %(commit_mode)b, true) FROM upd
"""

CREATE = """
WITH ins AS (
  INSERT INTO sessions (id, state, owner, created_at, activated_at, last_activity, message_count, title, language,
                        size, pinned, last_seq, version, state_doc)
  VALUES (%(id)b, 'active', %(owner)b, %(created_at)b, %(activated_at)b, %(last_activity)b, %(message_count)b,
          %(title)b, %(language)b, %(size)b, %(pinned)b, %(k)b, nextval('pulsepal_versions'), %(state_doc)b)
  ON CONFLICT (id) DO NOTHING
  RETURNING id, version, size),
ev AS (
  INSERT INTO events (session_id, seq, kind, body, search_text)
  SELECT ins.id, e.n, e.kind, e.body, e.search_text
    FROM ins, unnest(%(kinds)b::text[], %(bodies)b::bytea[], %(texts)b::text[]) WITH ORDINALITY
         AS e(kind, body, search_text, n)),
queued AS (  -- the new row's size and messages are counted by the INSERT trigger; its activity comes by the fold
  INSERT INTO turn_queue (session_id, first_seq, last_seq, title, hour, messages)
  SELECT ins.id, 1, %(k)b, %(title_changed)b, %(hour)b, %(added)b FROM ins)
SELECT version, size, set_config('synchronous_commit', %(commit_mode)b, true) FROM ins
"""

FULL_LOGS = """
SELECT s.id, s.version, e.body FROM sessions s LEFT JOIN events e ON e.session_id = s.id
 WHERE s.id = ANY(%s) AND s.state = 'active' ORDER BY s.id, e.seq
"""

FULL_LOG = """
SELECT s.version, e.body FROM sessions s LEFT JOIN events e ON e.session_id = s.id
 WHERE s.id = %s AND s.state = 'active' ORDER BY e.seq
"""


@dataclass
class Cached:
    ctx: ConversationContext
    version: int
    size: int
    doc_size: int  # bytes of its state_doc, part of `size`


class LiveSessions:
    def __init__(self, pool: Any, clock: Clock, max_history: int) -> None:
        self.pool = pool
        self.clock = clock
        self.max_history = max_history
        self._cache: OrderedDict[str, Cached] = OrderedDict()
        self._guard = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(LOCK_STRIPES)]

    # --- the cache ---------------------------------------------------------------------------------------------
    def lock(self, session_id: str) -> threading.Lock:
        """Threads of one process take turns per session (other processes are ordered by the version check)."""
        return self._stripes[zlib.crc32(session_id.encode()) % LOCK_STRIPES]

    def cached(self, session_id: str) -> Optional[Cached]:
        with self._guard:
            return self._cache.get(session_id)

    def remember(self, session_id: str, entry: Cached) -> None:
        with self._guard:
            self._cache[session_id] = entry
            self._cache.move_to_end(session_id)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)

    def forget(self, session_id: str) -> None:
        with self._guard:
            self._cache.pop(session_id, None)

    # --- reading -----------------------------------------------------------------------------------------------
    def read(self, conn: Any, session_id: str, *, for_update: bool = False) -> tuple[Optional[str], Optional[Cached]]:
        """(state or None, the active session as stored now or None)."""
        limits = rows.tail_limits(self.max_history)
        found = conn.execute(TAIL.format(lock="FOR UPDATE" if for_update else ""),
                             {"id": session_id, **limits}).fetchall()
        if not found:
            return None, None
        version, size, doc, state = found[0][:4]
        if state != "active":
            return state, None
        tail = [(seq, bytes(body)) for *_, seq, body in found if seq is not None]
        ctx = rows.context_from_tail(bytes(doc), tail, self.max_history)
        return state, Cached(ctx, version, size, len(doc))

    def current(self, session_id: str) -> Optional[Cached]:
        """The active session as stored now (the cached copy when no one changed it since)."""
        known = self.cached(session_id)
        with connection(self.pool) as conn:
            if known is not None:
                row = conn.execute("SELECT version FROM sessions WHERE id = %s AND state = 'active'",
                                   (session_id,)).fetchone()
                if row is None:
                    self.forget(session_id)
                    return None
                if row[0] == known.version:
                    return known
            _, fresh = self.read(conn, session_id)
        if fresh is None:
            self.forget(session_id)
            return None
        self.remember(session_id, fresh)
        return fresh

    def load(self, session_id: str) -> Optional[ConversationContext]:
        with self.lock(session_id):
            found = self.current(session_id)
            return found.ctx.model_copy(deep=True) if found is not None else None

    def read_log(self, session_id: str) -> Optional[LogView]:
        """One statement, so the row and its log are read at one instant."""
        with connection(self.pool) as conn:
            found = conn.execute(FULL_LOG, (session_id,)).fetchall()
        if not found:
            return None
        events = [orjson.loads(body) for _, body in found if body is not None]
        return LogView(replay(events, self.max_history), events, found[0][0])

    def read_logs(self, session_ids: list[str]) -> dict[str, Any]:
        """Many complete logs in one statement (an archive batch): per id a LogView, None, or the error."""
        found: dict[str, Any] = {sid: None for sid in session_ids}
        try:
            with connection(self.pool) as conn:
                fetched = conn.execute(FULL_LOGS, (list(session_ids),)).fetchall()
        except (SessionError, OSError) as exc:
            return {sid: exc for sid in session_ids}
        logs: dict[str, tuple[int, list[dict]]] = {}
        for session_id, version, body in fetched:
            entry = logs.setdefault(session_id, (version, []))
            if body is not None:
                entry[1].append(orjson.loads(body))
        for session_id, (version, events) in logs.items():
            try:
                found[session_id] = LogView(replay(events, self.max_history), events, version)
            except EventError as exc:
                found[session_id] = SessionError(f"session {session_id!r} cannot be read: {exc}")
        return found

    # --- writing -----------------------------------------------------------------------------------------------
    def commit(self, session_id: str, events: list[dict], *, create: bool, exclusive: bool, sync: bool,
               added: int, view: Optional[Callable[[ConversationContext], Any]],
               not_found: Callable[[str], str]) -> Any:
        with self.lock(session_id):
            if create:
                done = self._create(session_id, events, sync, added)  # INSERT ... ON CONFLICT DO NOTHING
                if done is not None:
                    return view(done.ctx) if view else done.ctx.snapshot()
                known = self.current(session_id)  # it exists: active (append the rest) or archived
                if known is None:
                    raise SessionExists(f"session {session_id!r} exists in the archive; restore it instead")
                if exclusive:
                    raise SessionExists(f"session {session_id!r} already exists")
                events = events[1:]  # someone else created it first: append the rest
            else:
                known = self.cached(session_id) or self.current(session_id)
                if known is None:
                    raise SessionNotFound(not_found(session_id))
            done = self._append(session_id, known, events, sync, added, not_found)
            return view(done.ctx) if view else done.ctx.snapshot()

    def _fold(self, known: Cached, events: list[dict]) -> ConversationContext:
        ctx = known.ctx.model_copy(deep=True) if any(e.get("type") == "feedback" for e in events) else \
            known.ctx.snapshot()
        for event in events:  # refuses a bad event before anything is sent
            apply_event(ctx, event, self.max_history)
        return ctx

    def _params(self, ctx: ConversationContext, events: list[dict], sync: bool, added: int,
                before: Optional[ConversationContext] = None) -> dict[str, Any]:
        kinds, bodies, texts = rows.event_rows(events)
        doc = rows.state_doc(ctx)
        title_changed = ctx.title != (before.title if before is not None else None)
        return {**rows.row_values(ctx), "state_doc": doc, "kinds": kinds, "bodies": bodies, "texts": texts,
                "k": len(events), "added": added, "hour": int(ctx.last_activity.timestamp() // 3600),
                "commit_mode": "on" if sync else "off", "events_size": sum(map(len, bodies)),
                "title_changed": title_changed}

    def _create(self, session_id: str, events: list[dict], sync: bool, added: int) -> Optional[Cached]:
        ctx = replay(events, self.max_history)  # checks every event before anything is written
        params = self._params(ctx, events, sync, added)
        params.update(id=session_id, size=params["events_size"] + len(params["state_doc"]))
        with connection(self.pool) as conn:
            row = conn.execute(CREATE, params).fetchone()
        if row is None:
            return None
        done = Cached(ctx, row[0], row[1], len(params["state_doc"]))
        self.remember(session_id, done)
        return done

    def _append_params(self, session_id: str, base: Cached, events: list[dict], sync: bool,
                       added: int) -> tuple[ConversationContext, dict[str, Any]]:
        """The session after `events` folded onto `base`, and the APPEND statement's parameters for that."""
        ctx = self._fold(base, events)
        params = self._params(ctx, events, sync, added, base.ctx)
        params.update(id=session_id, version=base.version,
                      grow=params["events_size"] + len(params["state_doc"]) - base.doc_size,
                      counted=ctx.conversation_count - base.ctx.conversation_count)
        return ctx, params

    def _append(self, session_id: str, known: Cached, events: list[dict], sync: bool, added: int,
                not_found: Callable[[str], str]) -> Cached:
        ctx, params = self._append_params(session_id, known, events, sync, added)
        try:
            with connection(self.pool) as conn:
                row = conn.execute(APPEND, params).fetchone()
                if row is None:  # someone else wrote: fold onto what is stored, under the row lock
                    with conn.transaction():
                        state, locked = self.read(conn, session_id, for_update=True)
                        if locked is None:
                            raise SessionNotFound(not_found(session_id))
                        ctx, params = self._append_params(session_id, locked, events, sync, added)
                        row = conn.execute(APPEND, params).fetchone()
        except BaseException:
            self.forget(session_id)
            raise
        done = Cached(ctx, row[0], row[1], len(params["state_doc"]))
        self.remember(session_id, done)
        return done

    def sync(self, session_id: str) -> bool:
        """Make everything committed with synchronous_commit off durable: a transaction that gets an id writes a
        commit record, and a synchronous commit waits until the WAL is flushed up to it, which covers every record
        written before it. Returns whether the session exists (active or archived), in the same statement."""
        with connection(self.pool) as conn:
            row = conn.execute("SELECT pg_current_xact_id(), EXISTS (SELECT 1 FROM sessions WHERE id = %s)",
                               (session_id,)).fetchone()
        return bool(row and row[1])
