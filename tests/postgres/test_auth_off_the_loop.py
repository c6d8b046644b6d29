"""With the users in PostgreSQL, "is this still a current user?" is a query on every request and every chat message.
It must not run on the event loop: a slow or locked users table would then stall every other user's chat and page
on that replica. Here the users table is held locked (ACCESS EXCLUSIVE, as a long migration or a stuck transaction
would) while a signed-in request waits on it; the server still answers other requests, and the waiting one is
answered once the lock goes."""

from __future__ import annotations

import secrets
import threading
import time

import httpx
import psycopg
import pytest
from chat_harness import ChatServer, login_password

from ..security.conftest import cli


@pytest.fixture(scope="module")
def site(tmp_path_factory, pg_server):
    url = pg_server.fresh_database("authloop")
    server = ChatServer(tmp_path_factory.mktemp("authloop"), env={
        "AUTH_MODE": "password", "SESSION_DATABASE_URL": url, "CHAINLIT_AUTH_SECRET": secrets.token_urlsafe(48)})
    done = cli(server, "users", "add", "alice", "--password-stdin", stdin="alice-password-123\n")
    assert done.returncode == 0, done.stderr
    server.start(timeout=120)
    yield server, url
    server.kill()
    pg_server.drop_database(url)


def test_a_locked_users_table_holds_up_only_the_requests_that_need_it(site):
    server, url = site
    token = login_password(server.base, "alice", "alice-password-123")
    assert token
    cookies = {"access_token": token}
    assert httpx.get(server.base + "/user", cookies=cookies, timeout=10).status_code == 200

    waiting: dict = {}

    def signed_in_request() -> None:
        waiting["response"] = httpx.get(server.base + "/user", cookies=cookies, timeout=60)

    with psycopg.connect(url) as locker:
        locker.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")  # held until the transaction ends
        blocked = threading.Thread(target=signed_in_request)
        blocked.start()
        blocked.join(1.0)
        assert blocked.is_alive(), "the request did not wait for the users table"
        # the loop is free: a request that needs no user is answered while the other one waits on the lock
        assert httpx.get(server.base + "/health", timeout=15).status_code == 200
        assert httpx.get(server.base + "/user", timeout=15).status_code == 401  # no cookie: no query needed
        assert blocked.is_alive()
        locker.rollback()
    blocked.join(30)
    assert not blocked.is_alive() and waiting["response"].status_code == 200
    assert waiting["response"].json()["identifier"] == "alice"


@pytest.fixture(scope="module")
def short_site(tmp_path_factory, pg_server):
    url = pg_server.fresh_database("authdown")
    server = ChatServer(tmp_path_factory.mktemp("authdown"), env={
        "AUTH_MODE": "password", "SESSION_DATABASE_URL": url, "CHAINLIT_AUTH_SECRET": secrets.token_urlsafe(48),
        "SESSION_DATABASE_TIMEOUT_SECONDS": "2"})
    done = cli(server, "users", "add", "alice", "--password-stdin", stdin="alice-password-123\n")
    assert done.returncode == 0, done.stderr
    server.start(timeout=120)
    yield server, url
    server.kill()
    pg_server.admin(f"ALTER DATABASE {url.rsplit('/', 1)[1]} ALLOW_CONNECTIONS true")
    pg_server.drop_database(url)


def test_a_lock_held_past_the_timeout_is_a_503_not_a_hang(short_site):
    server, url = short_site
    cookies = {"access_token": login_password(server.base, "alice", "alice-password-123")}
    with psycopg.connect(url) as locker:
        locker.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        answer = httpx.get(server.base + "/user", cookies=cookies, timeout=30)  # SESSION_DATABASE_TIMEOUT 2 s
        locker.rollback()
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
    assert "try again" in answer.json()["detail"] and "postgres" not in answer.text.lower()
    assert httpx.get(server.base + "/user", cookies=cookies, timeout=30).status_code == 200


def test_with_the_database_unreachable_every_way_in_answers_503_and_recovers(short_site, pg_server):
    server, url = short_site
    cookies = {"access_token": login_password(server.base, "alice", "alice-password-123")}
    name = url.rsplit("/", 1)[1]
    pg_server.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false")
    pg_server.admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
    try:
        answers = {
            "login": httpx.post(server.base + "/login", data={"username": "alice", "password": "alice-password-123"},
                                timeout=60),
            "user": httpx.get(server.base + "/user", cookies=cookies, timeout=60),
            "threads": httpx.post(server.base + "/project/threads", json={"pagination": {"first": 5}, "filter": {}},
                                  cookies=cookies, timeout=60),
            "pins": httpx.get(server.base + "/pulsepal/pins", cookies=cookies, timeout=60),
        }
    finally:
        pg_server.admin(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true")
    assert {k: r.status_code for k, r in answers.items()} == {k: 503 for k in answers}
    assert "Traceback" not in server.log()
    deadline = time.monotonic() + 60
    while httpx.get(server.base + "/user", cookies=cookies, timeout=30).status_code != 200:  # the pool reconnects
        assert time.monotonic() < deadline
        time.sleep(0.5)
