"""PostgreSQL store benchmarks, with the file store's figures beside them. Every time is printed next to a reference
measured in the same run (absolute times on shared machines drift; ratios hold).

1. Persisting one turn (question + answer, acknowledged = committed with synchronous_commit on) against a raw
   `INSERT` + `COMMIT` of the same bytes into a one-column table. Target: <= 1.5x. (Files: against a raw fsync'd
   append of the same bytes.) Both sides pay one WAL flush, so the ratio moves with the disk's flush time (on a
   shared disk from ~1.0x when a flush takes milliseconds to ~2x when it takes 0.25 ms); `store - reference`, the
   turn's own work, is the steadier figure. A second line times the statement alone, with the Python fold done
   before the clock starts.
2. A rotation pass (`manager.cleanup()`: plan, archive the expired, retention, backups) at 1,000,000 sessions with
   1% expired and at 100,000 sessions with the same number expired. Targets: <= 5 s at 1M; 1M < 3x the 100k pass.
3. `get_session_stats()` at 1,000,000 sessions. Target: <= 20 ms.

The server is Debian's PostgreSQL started in a temporary folder (tests/postgres/pg_harness.py) with fsync on.
Sessions are seeded with COPY in the store's own row format (seeding is set-up, not the benchmark); the file store
is seeded with bench_sessions.py's writer.

Usage: python bench/bench_postgres.py [--sizes 100000,1000000] [--files-sizes 100000] [--turns 300]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from pulsepal.clock import FakeClock
from pulsepal.sessions import SessionManager, events
from pulsepal.sessions.stores.postgres import rows
from pulsepal.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def _load(path: Path, name: str) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pg_harness = _load(ROOT / "tests" / "postgres" / "pg_harness.py", "pg_harness")
QUESTION = "How do I set the flat time of mr.makeTrapezoid for a 3 ms readout? " * 3
ANSWER = "Use mr.makeTrapezoid('x', sys, 'FlatTime', 3e-3, 'FlatArea', Nx * deltak) and check the slew rate. " * 6


def _settings(tmp: Path, url: str | None, **extra) -> Settings:
    return Settings(_env_file=None, session_storage_path=tmp / "sessions", session_database_url=url,
                    max_active_sessions=10_000_000, **extra)


def _ratio_line(label: str, ours: list[float], ref: list[float], target: str) -> float:
    m_ours, m_ref = statistics.median(ours), statistics.median(ref)
    a_ours, a_ref = statistics.fmean(ours), statistics.fmean(ref)
    print(f"   {label}: store median {m_ours * 1e6:6.0f} us (mean {a_ours * 1e6:6.0f}), reference median "
          f"{m_ref * 1e6:6.0f} us (mean {a_ref * 1e6:6.0f})  ->  ratio median {m_ours / m_ref:4.2f}x, mean "
          f"{a_ours / a_ref:4.2f}x, store - reference {(m_ours - m_ref) * 1e6:4.0f} us   ({target})")
    return m_ours / m_ref


# ------------------------------------------------------------------------------------------------- 1. a turn
def turn_events(clock: FakeClock, n: int) -> list[dict]:
    question = events.message("user", f"{QUESTION} {n}", clock.now())
    answer = events.message("assistant", ANSWER, clock.now(), metadata={"reply_to": question["id"]})
    return [question, answer]


def bench_turn(server: Any, tmp: Path, turns: int) -> None:
    import psycopg

    print("1. persisting one turn (question + answer; acknowledged = durable) vs a raw write of the same bytes")
    clock = FakeClock()
    url = server.fresh_database("bench_turn")
    sm = SessionManager(_settings(tmp / "pg-turn", url), clock=clock, actor="bench")
    sid = sm.create_session()
    for n in range(20):
        sm.store.commit(sid, turn_events(clock, n), added_messages=2, view=lambda ctx: None)
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("SET synchronous_commit = on")
        raw.execute("CREATE TABLE raw_turns (id bigserial PRIMARY KEY, body bytea NOT NULL)")
        ours, ref, whole = [], [], []
        for n in range(turns):  # interleaved, so both see the same disk weather
            written = turn_events(clock, n)
            body = b"".join(rows.encode_event(e) for e in written)
            t0 = time.perf_counter()
            sm.store.commit(sid, written, added_messages=2, view=lambda ctx: None)
            ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            raw.execute("INSERT INTO raw_turns (body) VALUES (%s)", (body,))
            ref.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            sm.finish_turn(sm.begin_turn(sid, f"{QUESTION} {n}"), ANSWER)
            whole.append(time.perf_counter() - t0)
    _ratio_line("postgres", ours, ref, "target <= 1.5x")
    print(f"   (a whole finish_turn with its audit record: median {statistics.median(whole) * 1e6:.0f} us)")
    _turn_parts(sm, sid, clock, url, turns)
    sm.close()
    server.drop_database(url)

    files = SessionManager(_settings(tmp / "files-turn", None), clock=clock, actor="bench")
    sid = files.create_session()
    raw_path = tmp / "files-turn" / "raw.jsonl"
    ours, ref = [], []
    for n in range(turns):
        written = turn_events(clock, n)
        body = b"".join(rows.encode_event(e) + b"\n" for e in written)
        t0 = time.perf_counter()
        files.store.commit(sid, written, added_messages=2, view=lambda ctx: None)
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fd = os.open(raw_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        os.write(fd, body)
        os.fsync(fd)
        os.close(fd)
        ref.append(time.perf_counter() - t0)
    _ratio_line("files   ", ours, ref, "reference: fsync'd append")


def _turn_parts(sm: SessionManager, sid: str, clock: FakeClock, url: str, turns: int) -> None:
    """Where a turn's time goes: the same commit with its Python part (folding the events into the session,
    encoding the row) done before the clock starts, so only the pooled connection and the one statement are timed."""
    import psycopg

    from pulsepal.sessions.stores.postgres import live
    from pulsepal.sessions.stores.postgres.pool import connection

    store = sm.store.live  # type: ignore[attr-defined]
    statement, ref = [], []
    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("SET synchronous_commit = on")
        for n in range(turns):
            written = turn_events(clock, n)
            body = b"".join(rows.encode_event(e) for e in written)
            known = store.current(sid)
            ctx, params = store._append_params(sid, known, written, True, 2)
            t0 = time.perf_counter()
            with connection(store.pool) as conn:
                row = conn.execute(live.APPEND, params).fetchone()
            statement.append(time.perf_counter() - t0)
            store.remember(sid, live.Cached(ctx, row[0], row[1], len(params["state_doc"])))
            t0 = time.perf_counter()
            raw.execute("INSERT INTO raw_turns (body) VALUES (%s)", (body,))
            ref.append(time.perf_counter() - t0)
    _ratio_line("  the statement alone (Python fold done before timing)", statement, ref, "what SQL can reach")


# ------------------------------------------------------------------------------------------- seeding postgres
def seed_postgres(url: str, count: int, expired: int, clock: FakeClock) -> None:
    """`count` sessions in the store's row format (state_doc, orjson event bodies), `expired` of them idle for 3 h."""
    import psycopg

    now = clock.now()
    every = max(1, count // expired)
    t0 = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        with conn.cursor() as cur:
            with cur.copy("COPY sessions (id, state, owner, created_at, activated_at, last_activity, message_count, "
                          "title, language, size, pinned, last_seq, version, state_doc) FROM STDIN") as copy:
                for n in range(count):
                    sid, created, bodies, doc = _session(n, now, n % every == 0 and n // every < expired)
                    ts = created.timestamp()
                    copy.write_row((sid, "active", f"user{n % 500}", ts, ts, ts + 120, 2, f"EPI readout #{n}",
                                    "matlab", sum(map(len, bodies)) + len(doc), False, 3, n + 1, doc))
            with cur.copy("COPY events (session_id, seq, kind, body, search_text) FROM STDIN") as copy:
                for n in range(count):
                    sid, created, bodies, _ = _session(n, now, n % every == 0 and n // every < expired)
                    copy.write_row((sid, 1, "created", bodies[0], None))
                    copy.write_row((sid, 2, "message", bodies[1], f"How do I build an EPI readout? #{n}"))
                    copy.write_row((sid, 3, "message", bodies[2], ANSWER[:120]))
        conn.execute(f"SELECT setval('pulsepal_versions', {count + 1})")
        conn.execute("VACUUM ANALYZE")
    print(f"   (seeded {count:,} sessions, {expired:,} expired, in {time.perf_counter() - t0:.1f} s)")


def _session(n: int, now: datetime, old: bool) -> tuple[str, datetime, list[bytes], bytes]:
    sid = f"bench-{n:07d}"
    created = now - (timedelta(hours=3) if old else timedelta(minutes=30 + n % 60))
    iso = created.isoformat()
    later = (created + timedelta(minutes=2)).isoformat()
    logged = [
        {"type": "created", "session_id": sid, "owner": f"user{n % 500}", "created_at": iso,
         "preferred_language": "matlab", "language_explicit": False, "metadata": {}},
        {"type": "message", "id": f"{sid}-1", "role": "user", "content": f"How do I build an EPI readout? #{n}",
         "timestamp": (created + timedelta(minutes=1)).isoformat(), "metadata": {}},
        {"type": "message", "id": f"{sid}-2", "role": "assistant", "content": ANSWER[:120], "timestamp": later,
         "metadata": {}},
    ]
    doc = orjson.dumps({"session_id": sid, "owner": f"user{n % 500}", "created_at": iso, "activated_at": iso,
                        "last_activity": later, "conversation_count": 2, "preferred_language": "matlab",
                        "language_explicit": False, "sequence_knowledge": None, "use_sequence_knowledge": False,
                        "title": f"EPI readout #{n}", "pinned": False, "metadata": {}})
    return sid, created, [orjson.dumps(e) for e in logged], doc


# --------------------------------------------------------------------------------- 2 and 3. rotation and stats
def bench_rotation(label: str, manager: SessionManager, expired: int) -> float:
    t0 = time.perf_counter()
    report = manager.cleanup()
    took = time.perf_counter() - t0
    archived = report.counts().get("archive", 0)
    assert archived == expired and report.ok, (archived, expired, report.errors[:3])
    print(f"   {label}: rotation pass archived {archived:,} in {took:6.2f} s")
    return took


def bench_stats(label: str, manager: SessionManager) -> float:
    manager.get_session_stats()
    runs = []
    for _ in range(50):
        t0 = time.perf_counter()
        stats = manager.get_session_stats()
        runs.append(time.perf_counter() - t0)
    median = statistics.median(runs)
    print(f"   {label}: get_session_stats median {median * 1e3:6.2f} ms (max {max(runs) * 1e3:.2f} ms) at "
          f"{stats['active_count']:,} active + {stats['archived_count']:,} archived   (target <= 20 ms)")
    return median


def bench_scale(server: Any, tmp: Path, sizes: list[int], files_sizes: list[int], expired: int) -> None:
    print(f"\n2./3. rotation pass with {expired:,} expired, and get_session_stats(), by number of sessions")
    passes: dict[tuple[str, int], float] = {}
    for count in sizes:
        clock = FakeClock()
        url = server.fresh_database("bench_scale")
        seed_postgres(url, count, expired, clock)
        sm = SessionManager(_settings(tmp / f"pg-{count}", url), clock=clock, actor="bench")
        bench_stats(f"postgres {count:>9,}", sm)
        passes["postgres", count] = bench_rotation(f"postgres {count:>9,}", sm, expired)
        bench_stats(f"postgres {count:>9,} (after the pass)", sm)
        sm.close()
        server.drop_database(url)
    bench_sessions = _load(ROOT / "bench" / "bench_sessions.py", "bench_sessions")
    for count in files_sizes:
        clock = FakeClock()
        root = tmp / f"files-{count}"
        t0 = time.perf_counter()
        seeded = bench_sessions.seed(root, count, expired / count, clock)
        print(f"   (seeded {count:,} file sessions, {len(seeded):,} expired, in {time.perf_counter() - t0:.1f} s)")
        sm = SessionManager(_settings(root, None), clock=clock, actor="bench")
        bench_stats(f"files    {count:>9,}", sm)
        passes["files", count] = bench_rotation(f"files    {count:>9,}", sm, len(seeded))
        shutil.rmtree(root, ignore_errors=True)
    if len(sizes) >= 2:
        small, large = min(sizes), max(sizes)
        ratio = passes["postgres", large] / passes["postgres", small]
        print(f"   postgres: {large:,} pass / {small:,} pass = {ratio:.2f}x with the same number expired   "
              f"(target < 3x; at {large:,} target <= 5 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000", help="session counts for PostgreSQL")
    parser.add_argument("--files-sizes", default="100000", help="session counts for the file store ('' for none)")
    parser.add_argument("--expired", type=int, default=10_000, help="expired sessions in each rotation pass")
    parser.add_argument("--turns", type=int, default=300)
    args = parser.parse_args()
    reason = pg_harness.why_unavailable()
    if reason:
        raise SystemExit(f"cannot run: {reason}")
    tmp = Path(tempfile.mkdtemp(prefix="pulsepal-bench-pg-"))
    server = pg_harness.PgServer(fsync=True).start()
    try:
        bench_turn(server, tmp, args.turns)
        bench_scale(server, tmp, [int(s) for s in args.sizes.split(",") if s],
                    [int(s) for s in args.files_sizes.split(",") if s], args.expired)
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
