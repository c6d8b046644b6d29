"""Archives, backups and removal on PostgreSQL: whole sessions moved in set-based statements.

An archive is the same bytes the file store writes to `archive/<day>/session_<id>.json.gz[.enc]` (the BlobCodec:
JSON, gzip, optional Fernet), kept in `archives`, a table partitioned by archive day. A batch moves in one
transaction: the rows whose `version` still matches are switched to 'archived', their log rows deleted and their
archive inserted, all or nothing, so a crash leaves each session active or archived, never neither. Its rows still
in `turn_queue` stay there: the batch moves the row's whole size and count, which includes their sums, so the fold
must still add them; with the events gone it indexes nothing for them. Retention
removes a day whose archives all expire by dropping its partition (no row-by-row delete, no table bloat).
The archive time is a column written in that same transaction (nothing here derives it later, so a reindex leaves
it alone), and each archive carries it too (documents.stamp_archived), so the bytes stay the file store's: an
archive moved to a file store keeps its time through that store's index rebuilds.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from ....clock import Clock, stamp
from ...codec import BlobCodec
from ...documents import stamp_archived
from ...errors import ArchiveError, InvalidInput, SessionExists, SessionNotFound
from ...ids import check_day
from ...model import ConversationContext, replay
from ...store import Archived, ArchiveItem, Backup, Location, Outcome, SessionChanged
from . import rows
from .live import LiveSessions
from .pool import connection
from .schema import PARTITION_LOCK, SHARDS

BACKUP_NAME = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,200}")

MOVE = f"""
WITH input AS (
  SELECT * FROM unnest(%(ids)s::text[], %(versions)s::bigint[], %(datas)s::bytea[], %(titles)s::text[],
                       %(owners)s::text[], %(counts)s::int[])
         AS i(id, version, data, title, owner, message_count)),
before AS (
  SELECT s.id, s.size, s.created_at, s.message_count FROM sessions s JOIN input i ON s.id = i.id
   WHERE s.version = i.version AND s.state = 'active'),  -- the snapshot: what `moved` changes, if it does
moved AS (
  UPDATE sessions s SET state = 'archived', archived_at = %(now)s, archive_day = %(day)s, size = length(i.data),
         title = i.title, owner = i.owner, message_count = i.message_count, state_doc = NULL,
         version = nextval('pulsepal_versions')
    FROM input i WHERE s.id = i.id AND s.version = i.version AND s.state = 'active'
  RETURNING s.id, s.size, s.message_count),
totals AS (  -- the UPDATE has no counting trigger (it would tax every commit): the batch's change, set-based
  UPDATE counters c SET active_count = c.active_count - d.n, archived_count = c.archived_count + d.n,
         active_size = c.active_size - d.old_size, archived_size = c.archived_size + d.new_size,
         created_sum_active = c.created_sum_active - d.created, messages_total = c.messages_total + d.counted
    FROM (SELECT count(*) AS n, coalesce(sum(b.size), 0) AS old_size, coalesce(sum(m.size), 0) AS new_size,
                 coalesce(sum(b.created_at::numeric), 0) AS created,
                 coalesce(sum(m.message_count - b.message_count), 0) AS counted
            FROM moved m JOIN before b ON b.id = m.id) d
   WHERE c.shard = pg_backend_pid() %% {SHARDS} AND d.n > 0),
logs AS (DELETE FROM events e USING moved m WHERE e.session_id = m.id),
words_gone AS (DELETE FROM message_words w USING moved m WHERE w.session_id = m.id),
older AS (DELETE FROM archives a USING moved m WHERE a.session_id = m.id AND a.day <> %(day)s),
older_text AS (DELETE FROM archive_text t USING moved m WHERE t.session_id = m.id AND t.day <> %(day)s),
kept AS (
  INSERT INTO archives (session_id, day, archived_at, suffix, size, data)
  SELECT i.id, %(day)s, %(now)s, %(suffix)s, length(i.data), i.data FROM input i JOIN moved m ON m.id = i.id
  ON CONFLICT (session_id, day) DO UPDATE
     SET archived_at = excluded.archived_at, suffix = excluded.suffix, size = excluded.size, data = excluded.data),
words AS (
  INSERT INTO archive_text (session_id, day, message_id, content)
  SELECT t.id, %(day)s, t.message_id, t.content
    FROM unnest(%(text_ids)s::text[], %(text_message_ids)s::text[], %(text_contents)s::text[])
         AS t(id, message_id, content) JOIN moved m ON m.id = t.id)
SELECT id FROM moved
"""


def partition_name(table: str, day: str) -> str:
    return f"{table}_{check_day(day).replace('-', '')}"


class Archives:
    def __init__(self, pool: Any, clock: Clock, codec: BlobCodec, live: LiveSessions, max_history: int) -> None:
        self.pool = pool
        self.clock = clock
        self.codec = codec
        self.live = live
        self.max_history = max_history
        self._days: set[str] = set()
        # Message text of archives goes into the search table only while archives are not encrypted: an encrypted
        # archive's words must not sit beside it in the clear (its title stays searchable).
        self.index_text = codec._fernet is None

    # --- partitions ------------------------------------------------------------------------------------------
    def ensure_day(self, day: str) -> None:
        """Create the day's partitions (once per process per day; concurrent creators wait on a lock)."""
        if day in self._days:
            return
        with connection(self.pool) as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (PARTITION_LOCK,))
            for table in ("archives", "archive_text"):
                name = partition_name(table, day)
                conn.execute(f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF {table} FOR VALUES IN ('{day}')")
            conn.execute(f"CREATE INDEX IF NOT EXISTS {partition_name('archive_text', day)}_words ON "
                         f"{partition_name('archive_text', day)} USING gin (pulsepal_words(content))")
            conn.execute(f"CREATE INDEX IF NOT EXISTS {partition_name('archive_text', day)}_session ON "
                         f"{partition_name('archive_text', day)} (session_id)")
        self._days.add(day)

    def days(self, conn: Any) -> list[str]:
        found = conn.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'archives'::regclass").fetchall()
        return sorted(f"{n[9:13]}-{n[13:15]}-{n[15:17]}" for (n,) in found)

    # --- archiving -------------------------------------------------------------------------------------------
    def archive(self, items: list[ArchiveItem], day: str) -> dict[str, Outcome]:
        results: dict[str, Outcome] = {}
        if not items:
            return results
        check_day(day)
        self.ensure_day(day)
        params: dict[str, list] = {k: [] for k in ("ids", "versions", "datas", "titles", "owners", "counts",
                                                   "text_ids", "text_message_ids", "text_contents")}
        sizes: dict[str, int] = {}
        when = self.clock.now()  # the archive time: in the rows' archived_at and in each archive itself, as on files
        for item in items:
            try:
                data = self.codec.encode(stamp_archived(item.document, when))
                session = ConversationContext.model_validate(item.document["session"])
            except (ArchiveError, ValueError, TypeError, KeyError) as exc:
                results[item.session_id] = exc if isinstance(exc, Exception) else ArchiveError(str(exc))
                continue
            params["ids"].append(item.session_id)
            params["versions"].append(item.version)
            params["datas"].append(data)
            params["titles"].append(rows.clean_text(session.title))
            params["owners"].append(session.owner)
            params["counts"].append(session.conversation_count)
            sizes[item.session_id] = len(data)
            if session.title:  # the title stays searchable, encrypted or not (it is in the sessions row anyway)
                params["text_ids"].append(item.session_id)
                params["text_message_ids"].append(None)
                params["text_contents"].append(rows.clean_text(session.title))
            if self.index_text:
                for event in item.document.get("events", ()):
                    if event.get("type") == "message" and event.get("content"):
                        params["text_ids"].append(item.session_id)
                        params["text_message_ids"].append(event.get("id"))
                        params["text_contents"].append(rows.clean_text(event["content"]))
        if params["ids"]:
            now = when.timestamp()
            with connection(self.pool) as conn:
                moved = {sid for (sid,) in conn.execute(MOVE, {**params, "now": now, "day": day,
                                                               "suffix": self.codec.suffix}).fetchall()}
            for session_id in params["ids"]:
                self.live.forget(session_id)
                if session_id in moved:
                    results[session_id] = Archived(session_id, rows.archive_location(day, session_id),
                                                   sizes[session_id])
                else:
                    results[session_id] = SessionChanged(session_id)
        return results

    def read_archive(self, session_id: str, day: Optional[str] = None) -> Optional[tuple[dict, Location]]:
        query = "SELECT data, suffix, day FROM archives WHERE session_id = %s"
        args: list[Any] = [session_id]
        if day is not None:
            query += " AND day = %s"
            args.append(check_day(day))
        with connection(self.pool) as conn:
            row = conn.execute(query + " ORDER BY day DESC LIMIT 1", args).fetchone()
        if row is None:
            return None
        data, suffix, found_day = row
        document = self.codec.decode(bytes(data), f"session_{session_id}{suffix}")
        return document, rows.archive_location(found_day, session_id)

    # --- removal ---------------------------------------------------------------------------------------------
    def remove_archives(self, session_ids: Iterable[str], *, to_backups: bool) -> dict[str, Optional[Exception]]:
        wanted = list(dict.fromkeys(session_ids))
        results: dict[str, Optional[Exception]] = {}
        if not wanted:
            return results
        when = stamp(self.clock.now())
        now = self.clock.timestamp()
        with connection(self.pool) as conn, conn.transaction():
            found = conn.execute("SELECT id, archive_day FROM sessions WHERE id = ANY(%s) AND state = 'archived' "
                                 "FOR UPDATE", (wanted,)).fetchall()
            by_day: dict[str, list[str]] = {}
            for session_id, archive_day in found:
                by_day.setdefault(str(archive_day), []).append(session_id)
            ids = [sid for sid, _ in found]
            if to_backups:  # the archive bytes themselves become the backup: no decode, no re-encode
                conn.execute(
                    "INSERT INTO backups (name, created_at, reason, session_id, suffix, data) "
                    "SELECT %s || '_purge_session_' || session_id || suffix, %s, 'purge', session_id, suffix, data "
                    "FROM archives WHERE session_id = ANY(%s) ON CONFLICT (name) DO NOTHING", (when, now, ids))
            for archive_day, day_ids in by_day.items():
                total = conn.execute("SELECT count(*) FROM archives WHERE day = %s", (archive_day,)).fetchone()[0]
                if total == len(day_ids) and archive_day in self.days(conn):
                    for table in ("archive_text", "archives"):  # every archive of the day goes: drop the day
                        conn.execute(f"DROP TABLE {partition_name(table, archive_day)}")
                    self._days.discard(archive_day)
            conn.execute("DELETE FROM archives WHERE session_id = ANY(%s)", (ids,))
            conn.execute("DELETE FROM archive_text WHERE session_id = ANY(%s)", (ids,))
            conn.execute("DELETE FROM sessions WHERE id = ANY(%s) AND state = 'archived'", (ids,))
        gone = {sid for sid, _ in found}
        for session_id in wanted:
            results[session_id] = None if session_id in gone else SessionNotFound(
                f"archive of {session_id!r} is already gone")
        return results

    def remove(self, session_id: str, backup: Optional[dict], reason: str, version: Any) -> Location:
        data = self.codec.encode(backup) if backup is not None else None
        with self.live.lock(session_id):
            try:
                with connection(self.pool) as conn, conn.transaction():
                    row = conn.execute("SELECT state, version FROM sessions WHERE id = %s FOR UPDATE",
                                       (session_id,)).fetchone()
                    current = row[1] if row is not None and row[0] == "active" else None
                    if current != version:
                        raise SessionChanged(session_id)
                    name = self._insert_backup(conn, data, reason, session_id) if data is not None else "(none)"
                    self._delete_everything(conn, session_id)
            finally:
                self.live.forget(session_id)
        return f"postgres:backups/{name}"

    def _delete_everything(self, conn: Any, session_id: str) -> None:
        """Everything stored of the session, except its rows in `turn_queue`: their sums (growth, messages) are part
        of the totals until folded (the DELETE trigger subtracted the row with them), and with its events gone the
        fold adds no words for them."""
        conn.execute("DELETE FROM events WHERE session_id = %s", (session_id,))
        conn.execute("DELETE FROM message_words WHERE session_id = %s", (session_id,))
        conn.execute("DELETE FROM archives WHERE session_id = %s", (session_id,))
        conn.execute("DELETE FROM archive_text WHERE session_id = %s", (session_id,))
        conn.execute("DELETE FROM sessions WHERE id = %s", (session_id,))

    def install(self, session_id: str, events: list[dict], *, replace: bool) -> ConversationContext:
        ctx = replay(events, self.max_history)
        kinds, bodies, texts = rows.event_rows(events)
        doc = rows.state_doc(ctx)
        values = {**rows.row_values(ctx), "id": session_id, "state_doc": doc, "k": len(events),
                  "size": sum(map(len, bodies)) + len(doc), "kinds": kinds, "bodies": bodies, "texts": texts}
        with self.live.lock(session_id):
            try:
                with connection(self.pool) as conn, conn.transaction():
                    row = conn.execute("SELECT state FROM sessions WHERE id = %s FOR UPDATE",
                                       (session_id,)).fetchone()
                    if row is not None and row[0] == "active" and not replace:
                        raise SessionExists(f"session {session_id!r} is already active")
                    self._delete_everything(conn, session_id)
                    conn.execute(
                        "INSERT INTO sessions (id, state, owner, created_at, activated_at, last_activity, "
                        "message_count, title, language, size, pinned, last_seq, version, state_doc) VALUES "
                        "(%(id)s, 'active', %(owner)s, %(created_at)s, %(activated_at)s, %(last_activity)s, "
                        "%(message_count)s, %(title)s, %(language)s, %(size)s, %(pinned)s, %(k)s, "
                        "nextval('pulsepal_versions'), %(state_doc)s)", values)
                    conn.execute(
                        "INSERT INTO events (session_id, seq, kind, body, search_text) SELECT %(id)s, e.n, e.kind, "
                        "e.body, e.search_text FROM unnest(%(kinds)s::text[], %(bodies)s::bytea[], "
                        "%(texts)s::text[]) WITH ORDINALITY AS e(kind, body, search_text, n)", values)
                    conn.execute("INSERT INTO turn_queue (session_id, first_seq, last_seq, title) "
                                 "VALUES (%(id)s, 1, %(k)s, true)", values)
            finally:
                self.live.forget(session_id)
        return ctx.model_copy(deep=True)

    # --- backups ---------------------------------------------------------------------------------------------
    def _insert_backup(self, conn: Any, data: bytes, reason: str, session_id: Optional[str]) -> str:
        base = f"{stamp(self.clock.now())}"
        for attempt in range(1, 1000):
            prefix = base if attempt == 1 else f"{base}-{attempt}"
            name = f"{prefix}_{reason}_session_{session_id}{self.codec.suffix}"
            inserted = conn.execute(
                "INSERT INTO backups (name, created_at, reason, session_id, suffix, data) VALUES (%s, %s, %s, %s, %s, "
                "%s) ON CONFLICT (name) DO NOTHING RETURNING name",
                (name, self.clock.timestamp(), reason, session_id, self.codec.suffix, data)).fetchone()
            if inserted:
                return name
        raise ArchiveError("could not name a backup (too many in the same microsecond)")

    def write_backup(self, document: dict, reason: str) -> Location:
        data = self.codec.encode(document)
        with connection(self.pool) as conn:
            name = self._insert_backup(conn, data, reason, document.get("session_id"))
        return f"postgres:backups/{name}"

    def backups(self) -> list[Backup]:
        with connection(self.pool) as conn:
            found = conn.execute("SELECT name, created_at, reason, session_id FROM backups "
                                 "ORDER BY created_at, name").fetchall()
        return [Backup(name, created_at, reason, session_id) for name, created_at, reason, session_id in found]

    @staticmethod
    def backup_name(name: str) -> str:
        if not isinstance(name, str) or not BACKUP_NAME.fullmatch(name.removeprefix("postgres:backups/")):
            raise InvalidInput(f"not a backup name: {name!r}")
        return name.removeprefix("postgres:backups/")

    def read_backup(self, name: str) -> dict:
        name = self.backup_name(name)
        with connection(self.pool) as conn:
            row = conn.execute("SELECT data, suffix FROM backups WHERE name = %s", (name,)).fetchone()
        if row is None:
            raise ArchiveError(f"backup {name} does not exist")
        return self.codec.decode(bytes(row[0]), f"backup{row[1]}")

    def remove_backups(self, names: Iterable[str]) -> None:
        checked = [self.backup_name(name) for name in names]
        if checked:
            with connection(self.pool) as conn:
                conn.execute("DELETE FROM backups WHERE name = ANY(%s)", (checked,))
