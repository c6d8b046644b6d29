"""With SESSION_DATABASE_URL, failed sign-ins are counted in the database: a guesser who spreads attempts over the
replicas behind the load balancer (or waits for a restart) meets one back-off, not one per process."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from chat_harness import ChatServer, start_together

from pulsepal.sessions.stores.postgres.logins import LoginFailures
from pulsepal.sessions.stores.postgres.pool import open_pool
from pulsepal.web.throttle import SharedBackoff

from ..security.conftest import cli, client_from


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, pg_server):
    url = pg_server.fresh_database("logins")
    env = {"AUTH_MODE": "password", "SESSION_DATABASE_URL": url, "CHAINLIT_AUTH_SECRET": secrets.token_urlsafe(48),
           "LOGIN_FREE_FAILURES": "2", "LOGIN_BACKOFF_MAX_SECONDS": "30"}
    servers = [ChatServer(tmp_path_factory.mktemp(f"logins{n}"), env=env) for n in (1, 2)]
    done = cli(servers[0], "users", "add", "alice", "--password-stdin", stdin="alice-password-123\n")
    assert done.returncode == 0, done.stderr
    start_together(servers, timeout=120)
    yield servers, url
    for server in servers:
        server.kill()
    pg_server.drop_database(url)


def _login(base: str, password: str) -> httpx.Response:
    return httpx.post(base + "/login", data={"username": "alice", "password": password}, timeout=20)


def test_failures_on_one_replica_hold_back_the_next_attempt_on_the_other(replicas):
    (one, two), _ = replicas
    assert [_login(one.base, "wrong guess 1").status_code, _login(one.base, "wrong guess 2").status_code,
            _login(one.base, "wrong guess 3").status_code] == [401, 401, 401]  # two free, the third starts a wait
    refused = _login(two.base, "alice-password-123")  # even the right password waits: the refusal tells nothing
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert _login(one.base, "alice-password-123").status_code == 429


def test_a_burst_spread_over_both_replicas_meets_the_same_limit(replicas):
    (one, two), _ = replicas

    def guess(n: int) -> tuple[float, float, int]:
        with client_from("127.0.0.5", base_url=(one, two)[n % 2].base) as client:
            start = time.monotonic()
            code = client.post("/login", data={"username": "carol", "password": f"burst {n}"}).status_code
            return start, time.monotonic(), code

    with ThreadPoolExecutor(max_workers=24) as pool:
        results = list(pool.map(guess, range(24)))
    statuses = [code for _, _, code in results]
    assert set(statuses) <= {401, 429} and statuses.count(401) >= 3, statuses  # two free, one more, then waits
    # A guess past the third is let through only once the wait the previous failure started (1 s, 2 s, ... with two
    # free) has run out: on a loaded machine a burst can outlast the first wait, which is the limit working.
    failed = sorted((start, end) for start, end, code in results if code == 401)
    for i in range(2, len(failed) - 1):
        wait = 2.0 ** (i - 2)
        assert failed[i + 1][1] >= failed[i][0] + wait, (i, failed)


def test_two_processes_counting_one_key_lose_no_failure(replicas):
    _, url = replicas
    pools = [open_pool(url, size=2, timeout=10, name=f"counter{n}") for n in (1, 2)]
    try:
        backoffs = [SharedBackoff(LoginFailures(pool), free=5, max_delay=3600) for pool in pools]
        key = ("user", "race-" + secrets.token_hex(4))

        def fail(backoff: SharedBackoff) -> None:
            for _ in range(25):
                backoff.failed(key)

        threads = [threading.Thread(target=fail, args=(b,)) for b in backoffs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert LoginFailures(pools[0]).get(f"{key[0]}:{key[1]}")[0] == 50
        assert backoffs[1].wait(key) > 0
        backoffs[0].succeeded(key)  # a successful sign-in forgets the key on every replica
        assert backoffs[1].wait(key) == 0 and LoginFailures(pools[1]).get(f"{key[0]}:{key[1]}") is None
    finally:
        for pool in pools:
            pool.close()


def test_decayed_rows_are_pruned(replicas):
    _, url = replicas
    pool = open_pool(url, size=1, timeout=10, name="pruner")
    try:
        table = LoginFailures(pool)
        now = [1_000_000.0]
        backoff = SharedBackoff(table, free=2, max_delay=60, clock=lambda: now[0])
        for _ in range(3):
            backoff.failed(("address", "192.0.2.7"))
        assert backoff.wait(("address", "192.0.2.7")) > 0
        now[0] += 3 * 60 + 1  # quiet long enough for all three to decay
        assert backoff.wait(("address", "192.0.2.7")) == 0
        assert table.prune(60, now[0]) >= 1 and table.get("address:192.0.2.7") is None
        now[0] -= 10 * 3600  # a clock set back never makes a wait longer than the rule's own delay
        for _ in range(3):
            backoff.failed(("address", "192.0.2.8"))
        now[0] -= 3600
        assert 0 < backoff.wait(("address", "192.0.2.8")) <= 60
    finally:
        pool.close()


SKEWED = """
import sys
from pulsepal.sessions.stores.postgres.logins import LoginFailures
from pulsepal.sessions.stores.postgres.pool import open_pool
from pulsepal.web.throttle import SharedBackoff
pool = open_pool(sys.argv[1], size=1, timeout=10, name="skewed")
print(SharedBackoff(LoginFailures(pool), free=2, max_delay=300).wait(("user", sys.argv[2])))
pool.close()
"""


@pytest.mark.skipif(shutil.which("faketime") is None, reason="faketime is not installed (Debian package faketime)")
def test_a_replica_whose_clock_runs_ahead_still_sees_the_wait(replicas):
    """Each replica judging decay by its own clock: one an hour ahead sees every failure as long forgotten (one
    per LOGIN_BACKOFF_MAX_SECONDS of quiet) and lets the guesser straight in. The database's clock is shared."""
    _, url = replicas
    key = "skew-" + secrets.token_hex(4)
    pool = open_pool(url, size=1, timeout=10, name="here")
    try:
        here = SharedBackoff(LoginFailures(pool), free=2, max_delay=300)
        for _ in range(8):  # a 32 s wait: longer than a loaded machine takes to start the skewed process
            here.failed(("user", key))
        assert here.wait(("user", key)) > 0
    finally:
        pool.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKETIME")}
    env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    ahead = subprocess.run([shutil.which("faketime") or "faketime", "-f", "+1h", sys.executable, "-c", SKEWED, url,
                            key], env=env, capture_output=True, text=True, timeout=60)
    assert ahead.returncode == 0, ahead.stderr
    assert float(ahead.stdout.strip()) > 0, ahead.stdout
