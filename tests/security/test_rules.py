"""The rules behind the front door, one by one (hosts.py, localtoken.py, throttle.py): what counts as our host,
our origin, a trusted proxy, a client address, a safe redirect, and how the sign-in back-off grows and fades. The
server tests show them at work; these pin the edge cases."""

from __future__ import annotations

import os
import stat

import pytest

from pulsepal.settings import Settings
from pulsepal.web import hosts, localtoken
from pulsepal.web.throttle import Backoff


def _settings(tmp_path=None, **values) -> Settings:
    values.setdefault("session_storage_path", str(tmp_path) if tmp_path else "/nonexistent-pulsepal-store")
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize("host,allowed", [
    ("127.0.0.1:8000", True), ("localhost:8000", True), ("LOCALHOST", True), ("[::1]:8000", True),
    ("127.5.6.7", True), ("evil.example", False), ("evil.example:8000", False), ("127.0.0.1.evil.example", False),
    ("localhost.evil.example", False), ("", False), (None, False), ("127.0.0.1:99999", False),
    ("127.0.0.1@evil.example", False), ("[::1", False), ("0.0.0.0:8000", False),
])
def test_default_hosts_are_loopback_only(host, allowed):
    assert hosts.host_allowed(host, _settings()) is allowed


def test_configured_and_bound_hosts():
    settings = _settings(allowed_hosts="chat.example.org, Other.Example")
    assert hosts.host_allowed("chat.example.org", settings) and hosts.host_allowed("other.example:443", settings)
    assert not hosts.host_allowed("evil.example", settings)
    assert hosts.host_allowed("10.1.2.3:8000", _settings(), bind_host="10.1.2.3")
    assert not hosts.host_allowed("10.1.2.4:8000", _settings(), bind_host="10.1.2.3")
    assert not hosts.host_allowed("evil.example", _settings(), bind_host="0.0.0.0")
    assert hosts.host_allowed("anything.example", _settings(allowed_hosts="*"))


@pytest.mark.parametrize("origin,host,ok", [
    ("http://127.0.0.1:8000", "127.0.0.1:8000", True),
    ("http://localhost:8000", "localhost:8000", True),
    ("http://localhost:3000", "localhost:8000", False),  # another app on this machine
    ("http://127.0.0.1:8000", "localhost:8000", False),
    ("http://evil.example", "127.0.0.1:8000", False),
    ("null", "127.0.0.1:8000", False),
    ("http://127.0.0.1:8000/path", "127.0.0.1:8000", False),
    ("javascript://127.0.0.1:8000", "127.0.0.1:8000", False),
    ("https://chat.example.org", "chat.example.org", True),
    ("https://chat.example.org:443", "chat.example.org", True),
    ("http://chat.example.org", "chat.example.org:443", False),
])
def test_origins_must_be_our_own(origin, host, ok):
    assert hosts.origin_allowed(origin, host, _settings()) is ok


def test_configured_names_are_our_origins_but_loopback_needs_the_port():
    settings = _settings(allowed_hosts="chat.example.org,localhost")
    assert hosts.origin_allowed("https://chat.example.org", "127.0.0.1:8000", settings)  # behind a proxy
    assert not hosts.origin_allowed("http://localhost:3000", "127.0.0.1:8000", settings)
    assert hosts.origin_allowed("https://chat.example.org", "127.0.0.1:8000", _settings(),
                                forwarded_host="chat.example.org")


def test_trusted_proxies_and_the_client_address():
    settings = _settings(trusted_proxy_ips="10.0.0.5, 192.168.0.0/24")
    assert hosts.peer_trusted("10.0.0.5", settings) and hosts.peer_trusted("192.168.0.77", settings)
    assert not hosts.peer_trusted("10.0.0.6", settings) and not hosts.peer_trusted(None, settings)
    assert not hosts.peer_trusted("not-an-ip", settings)
    assert hosts.client_address("10.0.0.6", "1.2.3.4", settings) == "10.0.0.6"  # untrusted peer: ignored
    assert hosts.client_address("10.0.0.5", "1.2.3.4", settings) == "1.2.3.4"
    assert hosts.client_address("10.0.0.5", "6.6.6.6, 1.2.3.4, 192.168.0.9", settings) == "1.2.3.4"
    assert hosts.client_address("10.0.0.5", None, settings) == "10.0.0.5"
    assert not hosts.peer_trusted("127.0.0.1", _settings())  # nobody by default


def test_token_file_is_private_stable_and_compared_safely(tmp_path):
    settings = _settings(tmp_path)
    localtoken._tokens.clear()
    token = localtoken.ensure_token(settings)
    path = localtoken.token_path(settings)
    assert len(token) >= 32 and path.read_text() == token and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    localtoken._tokens.clear()  # a restart keeps it
    assert localtoken.ensure_token(settings) == token
    assert localtoken.token_matches(token, settings) and not localtoken.token_matches(token[:-1], settings)
    assert not localtoken.token_matches("", settings) and not localtoken.token_matches(None, settings)
    assert not localtoken.token_matches("é" * 300, settings)
    path.unlink()  # deleting the file rotates it at the next start
    localtoken._tokens.clear()
    assert localtoken.ensure_token(settings) != token
    assert localtoken.start_url(settings, "127.0.0.1", 8000) == f"http://127.0.0.1:8000/?token={path.read_text()}"
    assert localtoken.start_url(settings, "::1", 8000).startswith("http://[::1]:8000/?token=")
    assert localtoken.token_from_authorization("Token abc") == "abc"
    assert localtoken.token_from_authorization("Bearer abc") is None


@pytest.mark.parametrize("path,query,target", [
    ("/", "token=t", "/"), ("/thread/x", "token=t&a=1", "/thread/x?a=1"), ("//evil.example", "token=t", "/"),
    ("/\\evil.example", "token=t", "/"), ("evil", "token=t", "/"),
])
def test_exchange_redirects_stay_on_this_server(path, query, target):
    assert localtoken.redirect_target(path, query) == target


# ------------------------------------------------------------------------------------------- back-off
class Ticker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_backoff_doubles_caps_and_forgets_on_success():
    tick = Ticker()
    backoff = Backoff(free=2, max_delay=8, monotonic=tick)
    waits = []
    for _ in range(7):  # seven failures in a row, as fast as they are allowed
        assert backoff.wait("k") == 0
        backoff.failed("k")
        waits.append(backoff.wait("k"))
        tick.now += waits[-1]
    assert waits == [0, 0, 1, 2, 4, 8, 8]  # free, free, then doubling, capped
    backoff.succeeded("k")
    assert backoff.wait("k") == 0
    backoff.failed("k")
    assert backoff.wait("k") == 0  # a success forgot everything: free again


def test_backoff_decays_over_a_quiet_spell():
    tick = Ticker()
    backoff = Backoff(free=0, max_delay=8, monotonic=tick)
    for _ in range(4):
        backoff.failed("k")
    assert backoff.wait("k") == 8
    tick.now += 16  # two cap intervals of quiet forget two failures: the next one counts as the third
    assert backoff.wait("k") == 0
    backoff.failed("k")
    assert backoff.wait("k") == 4
    tick.now += 8 * 10
    backoff.failed("k")
    assert backoff.wait("k") == 1  # long quiet: back to the first step


def test_backoff_keeps_a_bounded_number_of_keys():
    backoff = Backoff(free=0, max_delay=60, monotonic=Ticker(), max_keys=100)
    for i in range(1000):
        backoff.failed(("address", f"10.0.{i // 256}.{i % 256}"))
    assert len(backoff) == 100
