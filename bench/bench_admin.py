"""Admin page and API at 100,000 sessions. Every figure is printed next to a reference measured in the same run
(a trivial JSON endpoint on the same server), because absolute times on shared machines drift while ratios hold.

The store is seeded in the real on-disk layout (active/ checkpoints, conversationLogs/ logs, gzip'd archives in
archive/<day>/, metadata.json index with hourly activity) by writing files directly; creating 100,000 sessions
through the API would take minutes of fsyncs and is not what is measured. The server runs in a subprocess
(uvicorn, one worker) with the real admin router; requests are made one at a time over keep-alive.

Measured: GET /admin/api/stats, three sessions-list pages (first page by activity; archived sorted by size at a
deep offset; a search), /metrics, /healthz, the /admin page (its slow reports are cached for 10 s, so the
uncached engine reports are timed separately), and a dry-run preview. Target: tens of milliseconds.

Usage: python bench/bench_admin.py [--sessions 100000] [--archived-share 0.4] [--repeat 30]
"""

from __future__ import annotations

import argparse
import gzip
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import orjson

from pulsepal.clock import FakeClock
from pulsepal.sessions import SessionManager
from pulsepal.sessions.model import replay
from pulsepal.sessions.store import entry_of
from pulsepal.sessions.stores.files import journal
from pulsepal.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

TITLES = ["EPI readout", "Spin echo TE", "Gradient spoiling", "makeTrapezoid flat time", "Diffusion b-value",
          "Radial trajectory", "TSE echo train", "FLASH flip angle"]


def settings_for(root: Path, count: int) -> Settings:
    return Settings(_env_file=None, session_storage_path=root / "sessions", max_active_sessions=max(count, 1000),
                    session_storage_limit_mb=4096)


def seed(root: Path, count: int, archived_share: float) -> None:
    """Write `count` sessions straight to disk in the engine's formats, then install a matching index."""
    clock = FakeClock()
    settings = settings_for(root, count)
    sm = SessionManager(settings, clock=clock, actor="bench")
    store = sm.store.layout
    now = clock.now()
    day = now.strftime("%Y-%m-%d")
    (store.archive_dir / day).mkdir(parents=True, exist_ok=True)
    archive_every = int(round(1 / archived_share)) if archived_share else 0
    entries: dict[str, dict] = {}
    activity: dict[int, int] = {}
    for n in range(count):
        sid = f"bench-{n:07d}"
        created = now - timedelta(minutes=(n * 7919) % (9 * 24 * 60))  # spread over 9 days
        messages = 2 + n % 9
        events = [{"type": "created", "session_id": sid, "owner": f"user{n % 500}", "created_at": created.isoformat(),
                   "preferred_language": "matlab", "language_explicit": False, "metadata": {}},
                  {"type": "update", "timestamp": created.isoformat(),
                   "fields": {"title": f"{TITLES[n % len(TITLES)]} #{n}"}}]
        for i in range(messages):
            when = created + timedelta(minutes=i)
            events.append({"type": "message", "id": f"{sid}-{i}", "role": "user" if i % 2 == 0 else "assistant",
                           "content": f"How do I use mr.makeTrapezoid for readout {n}? " * 3,
                           "timestamp": when.isoformat(), "metadata": {}})
            hour = int(when.timestamp() // 3600)
            activity[hour] = activity.get(hour, 0) + 1
        ctx = replay(events, settings.max_conversation_history)
        if archive_every and n % archive_every == 0:
            document = {"format": "pulsepal-session", "version": 1, "session_id": sid,
                        "exported_at": now.isoformat(), "redacted": True,
                        "session": ctx.model_dump(mode="json"), "events": events}
            data = gzip.compress(orjson.dumps(document), compresslevel=1)
            path = store.archive_path(sid, day)
            path.write_bytes(data)
            entries[sid] = entry_of(ctx, size=len(data), state="archived", archived_at=now.timestamp(),
                                     archive_path=str(path.relative_to(store.root)))
        else:
            log = b"".join(journal.encode_event(e) for e in events)
            store.journal_path(sid).write_bytes(log)
            snapshot = orjson.dumps({"journal_offset": len(log), "session": ctx.model_dump(mode="json")},
                                    option=orjson.OPT_INDENT_2)
            store.snapshot_path(sid).write_bytes(snapshot)
            entries[sid] = entry_of(ctx, size=len(log) + len(snapshot))
    sm.store.index.activity = activity
    sm.store.index.replace_all(entries, keep_activity=True)


# ------------------------------------------------------------------------------------------ the served app
def serve(root: Path, count: int, port: int) -> None:
    import uvicorn
    from fastapi import FastAPI

    from pulsepal.web.admin import build_admin_router

    class Admin:
        identifier = "bench"
        is_admin = True

    async def user_of(request):
        return Admin()

    manager = SessionManager(settings_for(root, count), clock=FakeClock(), actor="bench")
    app = FastAPI()

    @app.get("/ping")
    async def ping():
        return {"ok": True}

    app.include_router(build_admin_router(user_of, lambda: manager,
                                          lambda: {"running": True, "next_run": None}))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(client, method: str, path: str, repeat: int, **kw) -> list[float]:
    client.request(method, path, **kw).raise_for_status()  # warm-up (and a check that it works)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        response = client.request(method, path, **kw)
        times.append(time.perf_counter() - t0)
        response.raise_for_status()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--archived-share", type=float, default=0.4)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--serve", nargs=2, metavar=("ROOT", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(Path(args.serve[0]), args.sessions, int(args.serve[1]))
        return

    import httpx

    workdir = Path(tempfile.mkdtemp(prefix="pulsepal-bench-admin-"))
    server = None
    try:
        t0 = time.perf_counter()
        seed(workdir, args.sessions, args.archived_share)
        print(f"seeded {args.sessions:,} sessions ({args.archived_share:.0%} archived) in real store layout "
              f"in {time.perf_counter() - t0:.1f} s at {workdir}")

        # the uncached reports behind the page's charts, timed in-process on a fresh manager
        sm = SessionManager(settings_for(workdir, args.sessions), clock=FakeClock(), actor="bench")
        for name in ("get_session_stats", "get_session_age_stats", "get_activity_metrics", "get_storage_usage"):
            runs = []
            for _ in range(5):
                t1 = time.perf_counter()
                getattr(sm, name)()
                runs.append(time.perf_counter() - t1)
            print(f"   engine {name:<24} median {statistics.median(runs) * 1e3:8.2f} ms (uncached)")
        from pulsepal.web.admin_listing import SessionListing

        page = dict(state=None, sort="last_activity", descending=True, search=None, offset=0, limit=50)
        t1 = time.perf_counter()
        sm.list_sessions(**page)
        t_engine = time.perf_counter() - t1
        listing = SessionListing()
        t1 = time.perf_counter()
        listing.page(sm, **page)
        t_build = time.perf_counter() - t1
        t1 = time.perf_counter()
        listing.page(sm, **page)
        t_warm = time.perf_counter() - t1
        print(f"   first page: engine list_sessions {t_engine * 1e3:.1f} ms; admin listing view build "
              f"{t_build * 1e3:.1f} ms (at most once per 2 s while the store changes), then {t_warm * 1e3:.2f} ms")

        port = free_port()
        server = subprocess.Popen([sys.executable, __file__, "--sessions", str(args.sessions),
                                   "--serve", str(workdir), str(port)], cwd=str(ROOT))
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        with httpx.Client(base_url=base, timeout=60) as client:
            while True:
                try:
                    client.get("/ping")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise SystemExit("the bench server did not start") from None
                    time.sleep(0.2)
            token = client.get("/admin/api/csrf").json()["token"]
            cases = [
                ("reference: GET /ping", "GET", "/ping", {}),
                ("GET /admin/api/stats", "GET", "/admin/api/stats", {}),
                ("sessions: first page by activity", "GET", "/admin/api/sessions?sort=last_activity&limit=50", {}),
                ("sessions: archived by size, offset 20000", "GET",
                 "/admin/api/sessions?state=archived&sort=size&order=asc&offset=20000&limit=50", {}),
                ("sessions: active by age, offset 50000", "GET",
                 "/admin/api/sessions?state=active&sort=age&offset=50000&limit=50", {}),
                ("sessions: search 'bench-00123'", "GET", "/admin/api/sessions?search=bench-00123", {}),
                ("GET /metrics", "GET", "/metrics", {}),
                ("GET /healthz", "GET", "/healthz", {}),
                ("GET /admin (page, reports cached 10 s)", "GET", "/admin", {}),
                ("POST /admin/api/cleanup/preview (dry run)", "POST", "/admin/api/cleanup/preview",
                 {"headers": {"X-PulsePal-CSRF": token}, "json": {}}),
            ]
            t_first = time.perf_counter()
            client.get("/admin").raise_for_status()
            print(f"   first /admin after start-up (uncached reports): {(time.perf_counter() - t_first) * 1e3:.1f} ms")
            print(f"\n{'endpoint':<46} {'median':>9} {'p95':>9} {'ratio':>8}")
            reference = None
            for label, method, path, kw in cases:
                repeat = max(5, args.repeat // 5) if "preview" in label else args.repeat
                times = timed(client, method, path, repeat, **kw)
                median = statistics.median(times)
                p95 = sorted(times)[max(0, int(len(times) * 0.95) - 1)]
                if reference is None:
                    reference = median
                print(f"{label:<46} {median * 1e3:7.2f}ms {p95 * 1e3:7.2f}ms {median / reference:7.1f}x")
    finally:
        if server is not None:
            server.terminate()
            server.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    main()
