"""Sign-in back-off (issue 9, item 5) on the real `/login` route of a real server: per user and per client
address, 429 + Retry-After while waiting (the password is not even checked), and the way back in for the real
user. The back-off's arithmetic (doubling, cap, decay, bounded memory) is in test_rules.py, on a movable clock."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from .conftest import OTHER_HOST, ChatServer, add_users, client_from


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ChatServer(tmp_path_factory.mktemp("throttle"), env={
        "AUTH_MODE": "password", "LOGIN_FREE_FAILURES": "1", "LOGIN_BACKOFF_MAX_SECONDS": "30"})
    add_users(srv, {name: f"{name}-password-123" for name in ("alice", "bob")})
    yield srv.start()
    srv.kill()


def _login(client: httpx.Client, name: str, password: str, *, multipart: bool = False) -> httpx.Response:
    if multipart:  # what Chainlit's login page sends (FormData)
        return client.post("/login", files={"username": (None, name), "password": (None, password)})
    return client.post("/login", data={"username": name, "password": password})


def test_login_backs_off_per_user_and_per_address_and_lets_the_user_back_in(server):
    with client_from("127.0.0.1", base_url=server.base) as here, client_from(OTHER_HOST, base_url=server.base) as there:
        assert _login(here, "alice", "wrong-password", multipart=True).status_code == 401  # free
        assert _login(here, "alice", "wrong-password", multipart=True).status_code == 401  # now 1 s to wait
        refused = _login(here, "alice", "wrong-password", multipart=True)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
        time.sleep(int(refused.headers["Retry-After"]))
        assert _login(here, "alice", "wrong-password", multipart=True).status_code == 401  # now 2 s
        time.sleep(2)
        assert _login(here, "alice", "wrong-password", multipart=True).status_code == 401  # 4 s: alice and this address

        right = _login(here, "alice", "alice-password-123")
        assert right.status_code == 429 and "access_token" not in right.cookies  # not even checked while waiting
        assert _login(there, "alice", "alice-password-123").status_code == 429  # per user, from anywhere
        assert _login(here, "bob", "bob-password-123").status_code == 429  # per address, for any user
        assert _login(there, "bob", "bob-password-123").status_code == 200  # others are not affected

        time.sleep(int(right.headers["Retry-After"]))
        back_in = _login(here, "alice", "alice-password-123")
        assert back_in.status_code == 200 and back_in.cookies.get("access_token")
        assert _login(here, "alice", "alice-password-123").status_code == 200  # success forgot the failures


def test_guesses_sent_all_at_once_meet_the_same_limit(server):
    """Each attempt is checked and charged in one step: a burst cannot pass the check before any failure counts."""
    def guess(n: int) -> tuple[float, float, int]:
        with client_from("127.0.0.3", base_url=server.base) as client:
            start = time.monotonic()
            code = _login(client, "alice", f"burst guess {n}").status_code
            return start, time.monotonic(), code

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(guess, range(20)))
    statuses = [code for _, _, code in results]
    assert set(statuses) <= {401, 429} and statuses.count(401) >= 2, statuses  # one free, one more, then waits
    # A guess past the second is let through only once the wait the previous failure started (1 s, 2 s, ... with
    # LOGIN_FREE_FAILURES=1) has run out: on a loaded machine a burst can outlast the first wait, which is the limit
    # working (this asserted "at most two 401s" and failed when the 20 requests took longer than 1 s).
    # The k-th failure was charged after the k-th earliest start and before the k-th earliest end (requests in
    # flight together may be charged in any order), so each wait shows as: end[i + 1] >= start[i] + wait.
    starts = sorted(start for start, _, code in results if code == 401)
    ends = sorted(end for _, end, code in results if code == 401)
    for i in range(1, len(starts) - 1):
        wait = 2.0 ** (i - 1)
        assert ends[i + 1] >= starts[i] + wait, (i, starts, ends)


def test_signing_in_to_ones_own_account_does_not_clear_the_address(server):
    """A success forgives only the address's failures against that same name: someone with an account of their
    own cannot clear their address between guesses at other people's passwords."""
    checked = 0
    with client_from("127.0.0.4", base_url=server.base) as client:
        for n in range(6):
            checked += _login(client, f"victim{n}", "a common password").status_code == 401
            _login(client, "bob", "bob-password-123")  # their own account, signed in between guesses
    assert checked <= 3, checked
