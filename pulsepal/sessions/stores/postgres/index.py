"""The index questions on PostgreSQL: entries, sorted pages, the cleanup pass's candidates, aggregates, search.

Every question is one indexed query: a page of the admin table is an index range scan (state, sort column, id), the
cleanup candidates come from partial indexes on the expiry columns, and the aggregates read 16 counter rows (kept by
the triggers on `sessions` and the fold), the oldest active session (an index's first entry) and the last days'
activity rows, plus the sums of what commits queued since the last fold (a few seconds' worth: the store's folder
thread keeps it short), so `get_session_stats()` costs the same at a million sessions as at ten.
"""

from __future__ import annotations

import re
from typing import Any, Iterator, Optional

import orjson

from ...store import ANY, Aggregates, IndexEntry, SearchHit, State, sort_key
from .pool import connection
from .rows import ROW_COLUMNS, entry_from_row
from .schema import SHARDS

ACTIVITY_KEEP_HOURS = 24 * 8
PAGE = 5000
SORT_COLUMNS = {"last_activity": "last_activity", "created_at": "created_at", "age": "created_at", "size": "size",
                "messages": "message_count"}

# Plain words -> a prefix query in which every word must match: the words are tokenised the way the index is
# (to_tsvector('simple')), each quoted as a literal, so no query syntax in the text can do anything.
PREFIX_QUERY = ("(SELECT to_tsquery('simple', coalesce(string_agg(quote_literal(w) || ':*', ' & '), '')) "
                "FROM unnest(tsvector_to_array(pulsepal_words(%(text)s))) AS w)")

_S_COLUMNS = ", ".join("s." + column.strip() for column in ROW_COLUMNS.split(","))
SEARCH = f"""
WITH q AS (SELECT {PREFIX_QUERY} AS query),
hits AS (
  SELECT w.session_id AS id, ts_rank(w.words, q.query) * CASE WHEN w.seq = 0 THEN 1.5 ELSE 1 END AS score,
         CASE WHEN w.seq = 0 THEN s.title ELSE e.search_text END AS text, e.body AS body, NULL AS message_id
    FROM q JOIN message_words w ON w.words @@ q.query
    JOIN sessions s ON s.id = w.session_id AND s.state = 'active' AND {{owner}}
    LEFT JOIN events e ON w.seq > 0 AND e.session_id = w.session_id AND e.seq = w.seq
   WHERE w.seq = 0 OR e.seq IS NOT NULL
  UNION ALL
  SELECT t.session_id, ts_rank(pulsepal_words(t.content), q.query) * CASE WHEN t.message_id IS NULL THEN 1.5 ELSE 1 END,
         t.content, NULL, t.message_id
    FROM q JOIN archive_text t ON pulsepal_words(t.content) @@ q.query
    JOIN sessions s ON s.id = t.session_id AND s.state = 'archived' AND {{owner}}
),
best AS (SELECT DISTINCT ON (id) id, score, text, body, message_id FROM hits ORDER BY id, score DESC, text),
page AS (SELECT id, score, text, body, message_id, count(*) OVER () AS total FROM best
          ORDER BY score DESC, id LIMIT %(limit)s OFFSET %(offset)s)
SELECT p.id, p.score, p.text, p.body, p.message_id, p.total, {_S_COLUMNS}
  FROM page p JOIN sessions s ON s.id = p.id
 ORDER BY p.score DESC, p.id
"""  # the page's session rows come with it: History.search shows them without a query per hit

# The fold: take in a batch of what commits queued (skipping rows another replica is folding), all in one statement,
# so a batch is folded entirely or not at all: its rows leave the queue in the same transaction as their words enter
# the search index and their sums enter `activity` and `counters`. A fold killed half-way rolls back and its rows
# are still queued; two folds never take the same row (the row lock, then the delete), so nothing counts twice.
FOLD = f"""
WITH todo AS (
  DELETE FROM turn_queue WHERE ctid IN (SELECT ctid FROM turn_queue LIMIT %(batch)s FOR UPDATE SKIP LOCKED)
  RETURNING session_id, first_seq, last_seq, title, hour, messages, grow, counted),
words AS (
  INSERT INTO message_words (session_id, seq, words)
  SELECT e.session_id, e.seq, pulsepal_words(e.search_text)
    FROM todo t JOIN events e ON e.session_id = t.session_id AND e.seq BETWEEN t.first_seq AND t.last_seq
   WHERE e.search_text IS NOT NULL
  ON CONFLICT (session_id, seq) DO NOTHING),
titles AS (
  INSERT INTO message_words (session_id, seq, words)
  SELECT s.id, 0, pulsepal_words(s.title) FROM sessions s
   WHERE s.id IN (SELECT session_id FROM todo WHERE title) AND s.state = 'active'
  ON CONFLICT (session_id, seq) DO UPDATE SET words = excluded.words),
hours AS (
  INSERT INTO activity (hour, shard, n)
  SELECT hour, pg_backend_pid() %% {SHARDS}, sum(messages) FROM todo WHERE messages <> 0 GROUP BY hour
  ON CONFLICT (hour, shard) DO UPDATE SET n = activity.n + excluded.n),
totals AS (
  UPDATE counters c SET active_size = c.active_size + d.grow, messages_total = c.messages_total + d.counted
    FROM (SELECT coalesce(sum(grow), 0) AS grow, coalesce(sum(counted), 0) AS counted FROM todo) d
   WHERE c.shard = pg_backend_pid() %% {SHARDS} AND (d.grow, d.counted) <> (0, 0))
SELECT count(*) FROM todo
"""
FOLD_BATCH = 5000

TOTALS = """
SELECT c.active, c.archived, c.active_size + q.grow, c.archived_size, c.created_sum, c.messages + q.counted
  FROM (SELECT sum(active_count) AS active, sum(archived_count) AS archived, sum(active_size) AS active_size,
               sum(archived_size) AS archived_size, sum(created_sum_active)::float8 AS created_sum,
               sum(messages_total) AS messages FROM counters) c,
       (SELECT coalesce(sum(grow), 0) AS grow, coalesce(sum(counted), 0) AS counted FROM turn_queue) q
"""

HOURS = """
WITH queued AS (SELECT hour, sum(messages) AS n FROM turn_queue WHERE messages <> 0 GROUP BY hour),
last AS (SELECT greatest((SELECT max(hour) FROM activity), (SELECT max(hour) FROM queued)) AS hour)
SELECT hour, sum(n) FROM (
  SELECT hour, n FROM activity WHERE hour >= (SELECT hour FROM last) - %(keep)s
  UNION ALL SELECT hour, n FROM queued WHERE hour >= (SELECT hour FROM last) - %(keep)s) a
GROUP BY hour
"""


def _owner_clause(owner: Any, params: dict, column: str = "owner") -> str:
    if owner is ANY:
        return "true"
    if owner is None:
        return f"{column} IS NULL"
    params["owner"] = owner
    return f"{column} = %(owner)s"


class Index:
    def __init__(self, pool: Any) -> None:
        self.pool = pool

    def entry(self, session_id: str) -> Optional[IndexEntry]:
        with connection(self.pool) as conn:
            row = conn.execute(f"SELECT {ROW_COLUMNS} FROM sessions WHERE id = %s", (session_id,)).fetchone()
        return entry_from_row(row)[1] if row else None

    def entries(self, state: Optional[State] = None, owner: Any = ANY) -> Iterator[tuple[str, IndexEntry]]:
        """Keyset pages of the table, so a walk over a million sessions never holds a connection or all rows."""
        params: dict[str, Any] = {"after": "", "page": PAGE}
        where = [_owner_clause(owner, params), "id > %(after)s"]
        if state is not None:
            params["state"] = state
            where.append("state = %(state)s")
        query = f"SELECT {ROW_COLUMNS} FROM sessions WHERE {' AND '.join(where)} ORDER BY id LIMIT %(page)s"
        while True:
            with connection(self.pool) as conn:
                found = conn.execute(query, params).fetchall()
            for row in found:
                yield entry_from_row(row)
            if len(found) < PAGE:
                return
            params["after"] = found[-1][0]

    def list_entries(self, *, state: Optional[State], owner: Any, created_before: Optional[float],
                     search: Optional[str], sort: str, descending: bool, offset: int,
                     limit: Optional[int]) -> tuple[int, list[tuple[str, IndexEntry]]]:
        sort_key(sort)  # refuse an unknown order before anything else
        params: dict[str, Any] = {"offset": offset, "limit": limit}
        where = [_owner_clause(owner, params)]
        if state is not None:
            params["state"] = state
            where.append("state = %(state)s")
        if created_before is not None:
            params["created_before"] = created_before
            where.append("created_at <= %(created_before)s")
        if search:
            params["needle"] = "%" + search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            where.append("(lower(id) LIKE %(needle)s OR lower(coalesce(title, '')) LIKE %(needle)s)")
        column = SORT_COLUMNS[sort]
        direction = "DESC" if descending != (sort == "age") else "ASC"
        clause = " AND ".join(where)
        with connection(self.pool) as conn:
            if clause == "true" or clause == "true AND state = %(state)s":
                total = self._count(conn, state)
            else:
                total = conn.execute(f"SELECT count(*) FROM sessions WHERE {clause}", params).fetchone()[0]
            page = conn.execute(f"SELECT {ROW_COLUMNS} FROM sessions WHERE {clause} "
                                f"ORDER BY {column} {direction}, id {direction} LIMIT %(limit)s OFFSET %(offset)s",
                                params).fetchall()
        return total, [entry_from_row(row) for row in page]

    @staticmethod
    def _count(conn: Any, state: Optional[State]) -> int:
        active, archived = conn.execute("SELECT sum(active_count), sum(archived_count) FROM counters").fetchone()
        return int({"active": active, "archived": archived}.get(state, active + archived))  # type: ignore[arg-type]

    def due(self, *, activated_before: float, idle_before: float,
            archived_before: float) -> Iterator[tuple[str, IndexEntry]]:
        with connection(self.pool) as conn:
            found = conn.execute(
                f"SELECT {ROW_COLUMNS} FROM sessions WHERE state = 'active' AND NOT pinned "
                "AND (activated_at < %(a)s OR last_activity < %(i)s) "
                f"UNION ALL SELECT {ROW_COLUMNS} FROM sessions WHERE state = 'archived' AND NOT pinned "
                "AND archived_at < %(r)s",
                {"a": activated_before, "i": idle_before, "r": archived_before}).fetchall()
        return iter([entry_from_row(row) for row in found])

    def least_recently_active(self, count: int) -> list[str]:
        with connection(self.pool) as conn:
            found = conn.execute("SELECT id FROM sessions WHERE state = 'active' AND NOT pinned "
                                 "ORDER BY last_activity, id LIMIT %s", (count,)).fetchall()
        return [sid for (sid,) in found]

    def aggregates(self) -> Aggregates:
        """Exact at any moment without a fold: each statement reads the folded values and what is still queued in one
        snapshot, so a fold committing meanwhile moves a row's sums from one side to the other, never both."""
        with connection(self.pool) as conn, conn.pipeline():
            totals = conn.execute(TOTALS)
            oldest = conn.execute(f"SELECT {ROW_COLUMNS} FROM sessions WHERE state = 'active' "
                                  "ORDER BY created_at, id LIMIT 1")
            hours = conn.execute(HOURS, {"keep": ACTIVITY_KEEP_HOURS})
            active, archived, active_size, archived_size, created_sum, messages = totals.fetchone()
            first = oldest.fetchone()
            activity = {int(hour): int(n) for hour, n in hours.fetchall()}
        return Aggregates({"active": int(active), "archived": int(archived)},
                          {"active": int(active_size), "archived": int(archived_size)}, float(created_sum),
                          int(messages), entry_from_row(first) if first else None, activity)

    def search(self, text: str, *, owner: Any, limit: int, offset: int) -> tuple[int, list[SearchHit]]:
        if not isinstance(text, str) or not text.strip():
            return 0, []
        params: dict[str, Any] = {"text": text.replace("\x00", " "), "limit": limit, "offset": offset}
        query = SEARCH.format(owner=_owner_clause(owner, params, "s.owner"))
        self.catch_up()  # a search sees every message committed before it
        with connection(self.pool) as conn:
            found = conn.execute(query, params).fetchall()
        total = int(found[0][5]) if found else 0
        words = [w.lower() for w in WORD.findall(text)]
        return total, [SearchHit(row[0], float(row[1]), snippet(row[2] or "", words),
                                 row[4] if row[3] is None else orjson.loads(bytes(row[3])).get("id"),
                                 entry=entry_from_row(row[6:])[1])
                       for row in found]

    def catch_up(self) -> int:
        """Fold everything queued so far, a batch per statement; returns how many commits were taken in."""
        done = 0
        with connection(self.pool) as conn:
            while True:
                taken = conn.execute(FOLD, {"batch": FOLD_BATCH}).fetchone()[0]
                done += taken
                if taken < FOLD_BATCH:
                    return done


WORD = re.compile(r"[^\W_]+")
SNIPPET_CHARS = 160


def snippet(text: str, words: list[str]) -> str:
    """Plain text around the first place a word of the query begins (the whole text when it is short)."""
    flat = " ".join(text.split())
    if len(flat) <= SNIPPET_CHARS:
        return flat
    lowered = flat.lower()
    starts = [m.start() for w in words for m in [re.search(r"(?<![^\W_])" + re.escape(w), lowered)] if m]
    at = min(starts) if starts else 0
    begin = max(0, at - SNIPPET_CHARS // 3)
    piece = flat[begin:begin + SNIPPET_CHARS]
    return ("…" if begin else "") + piece + ("…" if begin + SNIPPET_CHARS < len(flat) else "")
