"""With the users in PostgreSQL, "is this still a current user?" is a query on every request and every chat message.
It must not run on the event loop: a slow or locked users table would then stall every other user's chat and page
on that replica. Here the users table is held locked (ACCESS EXCLUSIVE, as a long migration or a stuck transaction
would) while a signed-in request waits on it; the server still answers other requests, and the waiting one is
answered once the lock goes."""

from __future__ import annotations

import secrets
import threading

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
