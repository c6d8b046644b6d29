"""The PostgreSQL schema, as numbered migrations applied once each, in order, under an advisory lock.

`python -m pulsepal.cli db upgrade` applies what is missing (every replica may run it at start: the lock makes the
second wait and then find nothing to do; DDL is transactional, so a failed migration leaves the previous version).
Opening the store only *checks* the version and refuses with a message naming that command when the database is
behind, so a new release never runs against an old schema and nothing migrates behind an operator's back.

Tables (one line each; the README's PostgreSQL section maps the file store's paths onto them):

    sessions      one row per stored session: the index entry's columns, the folded scalar state of an active
                  session (`state_doc`), its `version` (a fresh number from a sequence on every change) and `last_seq`
    events        every active session's complete, ordered log: (session_id, seq) -> one journal event (orjson)
    message_words the search index of active sessions (seq 0: the title)
    turn_queue    one row per commit, for what is derived from it off the hot path (since version 2): the words the
                  search index has still to take in, and the commit's change to the activity hours and the size and
                  message totals; the fold (index.py) moves a batch into `message_words`, `activity` and `counters`
                  in one statement, and the aggregates read `counters` + `activity` + what is still queued in one
                  statement, so they are exact at any moment (version 1 called it `search_queue`, without the sums)
    archives      archived sessions, the same gzip/Fernet bytes as the file store's .json.gz, partitioned by day
    archive_text  the (redacted) message text of archived sessions for search, partitioned by the same day
    backups       kept copies of what destructive operations removed, with their reason
    counters      running totals for O(1) stats, 16 shards so replicas do not queue on one row: kept by statement
                  triggers on INSERT and DELETE of sessions, by the archive batch (in its statement), and for a
                  commit's growth by the fold of its `turn_queue` row
    activity      messages per hour (and shard), for the activity charts (a commit's messages arrive by the fold)
    state_docs    small named documents: the cleanup record, alert start times, the cleanup interval claim
    audit, audit_rotated   who did what, when; rotated into gzip blocks by the cleanup pass
    users, preferences     password-mode users (scrypt hashes) and per-user chat preferences
    login_failures         failed sign-ins per user name and client address, one back-off for all replicas
"""

from __future__ import annotations

from typing import Any

SCHEMA_TABLE = "pulsepal_schema"
SHARDS = 16

# Advisory lock keys: one 64-bit namespace ("PULS" in the high half) so we never collide with other applications.
LOCK_BASE = 0x50554C53 << 32
MIGRATE_LOCK = LOCK_BASE + 1
CLEANUP_LOCK = LOCK_BASE + 2
PARTITION_LOCK = LOCK_BASE + 3
HEALTH_LOCK = LOCK_BASE + 4


def _counter_trigger(event: str, sums: str) -> str:
    return f"""
CREATE FUNCTION pulsepal_count_{event}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE counters c SET
    active_count = c.active_count + d.ac, archived_count = c.archived_count + d.rc,
    active_size = c.active_size + d.asz, archived_size = c.archived_size + d.rsz,
    created_sum_active = c.created_sum_active + d.cs, messages_total = c.messages_total + d.mt
  FROM (
    SELECT coalesce(sum(sign * (state = 'active')::int), 0) AS ac,
           coalesce(sum(sign * (state = 'archived')::int), 0) AS rc,
           coalesce(sum(sign * CASE WHEN state = 'active' THEN size ELSE 0 END), 0) AS asz,
           coalesce(sum(sign * CASE WHEN state = 'archived' THEN size ELSE 0 END), 0) AS rsz,
           coalesce(sum(sign * CASE WHEN state = 'active' THEN created_at::numeric ELSE 0 END), 0) AS cs,
           coalesce(sum(sign * message_count), 0) AS mt
    FROM ({sums}) AS changed
  ) d
  WHERE c.shard = pg_backend_pid() % {SHARDS}
    AND (d.ac, d.rc, d.asz, d.rsz, d.cs, d.mt) <> (0, 0, 0, 0, 0, 0);
  RETURN NULL;
END $$;
CREATE TRIGGER sessions_count_{event} AFTER {event.upper()} ON sessions
  REFERENCING {"NEW TABLE AS new_rows" if event == "insert" else ""}
              {"OLD TABLE AS old_rows" if event == "delete" else ""}
              {"OLD TABLE AS old_rows NEW TABLE AS new_rows" if event == "update" else ""}
  FOR EACH STATEMENT EXECUTE FUNCTION pulsepal_count_{event}();
"""


_COLUMNS = "state, size, created_at, message_count"

V1 = f"""
CREATE SEQUENCE pulsepal_versions;

-- Words for search: punctuation splits words, so `mr.makeTrapezoid` is found by `makeTrapezoid` and `mr`.
CREATE FUNCTION pulsepal_words(body text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN to_tsvector('simple', regexp_replace(coalesce(body, ''), '[^[:alnum:]]+', ' ', 'g'));

CREATE TABLE sessions (
  id             text PRIMARY KEY,
  state          text NOT NULL CHECK (state IN ('active', 'archived')),
  owner          text,
  created_at     double precision NOT NULL,
  activated_at   double precision NOT NULL,
  last_activity  double precision NOT NULL,
  message_count  integer NOT NULL DEFAULT 0,
  title          text,
  language       text NOT NULL,
  size           bigint NOT NULL DEFAULT 0,
  pinned         boolean NOT NULL DEFAULT false,
  archived_at    double precision,
  archive_day    date,
  last_seq       integer NOT NULL DEFAULT 0,
  version        bigint NOT NULL,
  state_doc      bytea
);
CREATE INDEX sessions_active_activated ON sessions (activated_at) WHERE state = 'active';
CREATE INDEX sessions_archived_at ON sessions (archived_at) WHERE state = 'archived';
CREATE INDEX sessions_owner ON sessions (owner, last_activity);
CREATE INDEX sessions_by_last_activity ON sessions (state, last_activity, id);
CREATE INDEX sessions_by_created ON sessions (state, created_at, id);
CREATE INDEX sessions_by_size ON sessions (state, size, id);
CREATE INDEX sessions_by_messages ON sessions (state, message_count, id);

CREATE TABLE events (
  session_id   text NOT NULL,
  seq          integer NOT NULL,
  kind         text NOT NULL,
  body         bytea NOT NULL,
  search_text  text,
  PRIMARY KEY (session_id, seq)
);
-- The tail a load reads: messages and feedback by walking the primary key backwards; code examples (rare) by this.
CREATE INDEX events_code ON events (session_id, seq) WHERE kind = 'code_example';

-- Search words of active sessions (seq 0: the title), filled from search_queue off the hot path: tokenising a
-- message costs more than committing it, and the search index may lag by a moment (it catches up before a search).
CREATE TABLE message_words (
  session_id  text NOT NULL,
  seq         integer NOT NULL,
  words       tsvector NOT NULL,
  PRIMARY KEY (session_id, seq)
);
CREATE INDEX message_words_gin ON message_words USING gin (words);
CREATE TABLE search_queue (
  session_id  text NOT NULL,
  first_seq   integer NOT NULL,
  last_seq    integer NOT NULL,
  title       boolean NOT NULL
);

CREATE TABLE archives (
  session_id   text NOT NULL,
  day          date NOT NULL,
  archived_at  double precision NOT NULL,
  suffix       text NOT NULL,
  size         integer NOT NULL,
  data         bytea NOT NULL,
  PRIMARY KEY (session_id, day)
) PARTITION BY LIST (day);

CREATE TABLE archive_text (
  session_id   text NOT NULL,
  day          date NOT NULL,
  message_id   text,
  content      text NOT NULL
) PARTITION BY LIST (day);

CREATE TABLE backups (
  name        text PRIMARY KEY,
  created_at  double precision NOT NULL,
  reason      text NOT NULL,
  session_id  text,
  suffix      text NOT NULL,
  data        bytea NOT NULL
);
CREATE INDEX backups_created ON backups (created_at, name);

CREATE TABLE counters (
  shard               smallint PRIMARY KEY,
  active_count        bigint NOT NULL DEFAULT 0,
  archived_count      bigint NOT NULL DEFAULT 0,
  active_size         bigint NOT NULL DEFAULT 0,
  archived_size       bigint NOT NULL DEFAULT 0,
  created_sum_active  numeric NOT NULL DEFAULT 0,
  messages_total      bigint NOT NULL DEFAULT 0
);
INSERT INTO counters (shard) SELECT generate_series(0, {SHARDS - 1});

CREATE TABLE activity (
  hour   integer NOT NULL,
  shard  smallint NOT NULL,
  n      bigint NOT NULL,
  PRIMARY KEY (hour, shard)
);

CREATE TABLE state_docs (
  name  text PRIMARY KEY,
  doc   bytea NOT NULL
);

CREATE TABLE audit (
  id          bigserial PRIMARY KEY,
  ts          text NOT NULL,
  actor       text NOT NULL,
  action      text NOT NULL,
  session_id  text,
  detail      bytea
);
CREATE TABLE audit_rotated (
  id          bigserial PRIMARY KEY,
  rotated_at  text NOT NULL,
  first_id    bigint NOT NULL,
  last_id     bigint NOT NULL,
  data        bytea NOT NULL
);

CREATE TABLE users (
  name        text PRIMARY KEY,
  hash        text NOT NULL,
  admin       boolean NOT NULL DEFAULT false,
  updated_at  text NOT NULL
);
CREATE TABLE preferences (
  user_name  text NOT NULL,
  key        text NOT NULL,
  value      bytea NOT NULL,
  PRIMARY KEY (user_name, key)
);
""" + "".join(
    _counter_trigger(event, sums)
    for event, sums in (
        ("insert", f"SELECT 1 AS sign, {_COLUMNS} FROM new_rows"),
        ("delete", f"SELECT -1 AS sign, {_COLUMNS} FROM old_rows"),
    )
)

# Version 2: a commit writes its session row, its events and ONE queue row; the activity hour and the size and message
# totals it used to update in the same statement are carried by that row and folded in later (index.py). Rows
# queued by version 1 carry zeros: their sums are already in `counters` and `activity`.
V2 = """
ALTER TABLE search_queue RENAME TO turn_queue;
ALTER TABLE turn_queue
  ADD COLUMN hour     integer NOT NULL DEFAULT 0,
  ADD COLUMN messages integer NOT NULL DEFAULT 0,
  ADD COLUMN grow     bigint  NOT NULL DEFAULT 0,
  ADD COLUMN counted  integer NOT NULL DEFAULT 0;
"""

# Version 3: failed sign-ins per key (a user name, a client address), shared by the replicas (logins.py).
V_LOGINS = """
CREATE TABLE login_failures (
  key       text PRIMARY KEY,
  failures  double precision NOT NULL,
  last      double precision NOT NULL
);
"""

# (version, name, SQL). Append only: a released migration is never edited, a change is a new entry.
MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "sessions, events, archives by day, backups, sharded counters, state, audit, users", V1),
    (2, "turn_queue: a commit's activity and totals are folded in from its queue row, off the hot path", V2),
    (3, "failed sign-ins shared by the replicas", V_LOGINS),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


class SchemaError(RuntimeError):
    """The database's schema is not the one this release needs; the message says what to run."""


def current_version(conn: Any) -> int:
    """The schema version applied to the database (0 for an empty database)."""
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (SCHEMA_TABLE,)).fetchone()[0]
    if not exists:
        return 0
    row = conn.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA_TABLE}").fetchone()
    return int(row[0])


def problem(version: int) -> str | None:
    """What is wrong with a database at `version`, or None when it is the version this release needs."""
    if version < SCHEMA_VERSION:
        return (f"the PostgreSQL schema is at version {version}, this PulsePal needs {SCHEMA_VERSION}: run "
                "`python -m pulsepal.cli db upgrade` (once, from any replica) and start again")
    if version > SCHEMA_VERSION:
        return (f"the PostgreSQL schema is at version {version}, newer than this PulsePal knows ({SCHEMA_VERSION}): "
                "run the PulsePal release that upgraded it")
    return None


def check(conn: Any) -> None:
    message = problem(current_version(conn))
    if message:
        raise SchemaError(message)


def upgrade(conn: Any) -> list[int]:
    """Apply every missing migration in one transaction under the migration lock; returns the versions applied.
    `conn` is a psycopg connection in autocommit mode."""
    with conn.transaction():
        conn.execute("SET LOCAL lock_timeout = 0")  # a migration waits for the app's transactions, however long
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA_TABLE} (version integer PRIMARY KEY, name text NOT NULL, "
                     "applied_at timestamptz NOT NULL DEFAULT now())")
        version = current_version(conn)
        if version > SCHEMA_VERSION:
            raise SchemaError(problem(version) or "")
        applied = []
        for number, name, sql in MIGRATIONS:
            if number <= version:
                continue
            conn.execute(sql)
            conn.execute(f"INSERT INTO {SCHEMA_TABLE} (version, name) VALUES (%s, %s)", (number, name))
            applied.append(number)
        return applied
