"""Users file, password hashing, auth modes, the start-up refusal, the generated secret, request_user."""

from __future__ import annotations

import os
import stat

import pytest
from starlette.requests import Request

from pulsepal.settings import get_settings
from pulsepal.web import auth, localtoken, users
from pulsepal.web.preferences import Preferences


def _request(headers: dict | None = None, cookies: dict | None = None, client: str = "127.0.0.1") -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if cookies:
        raw.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw, "query_string": b"",
                    "client": (client, 50000)})


# ------------------------------------------------------------------------------------------------ users file
def test_users_file_add_verify_remove(tmp_path):
    path = tmp_path / "users.json"
    users.add_user(path, "alice", "correct horse", admin=True)
    users.add_user(path, "bob", "battery staple")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert users.verify_user(path, "alice", "correct horse") == users.UserRecord("alice", True)
    assert users.verify_user(path, "alice", "wrong password") is None
    assert users.verify_user(path, "carol", "correct horse") is None
    assert users.verify_user(path, "../alice", "correct horse") is None
    raw = path.read_text()
    assert "correct horse" not in raw and "scrypt$" in raw
    with pytest.raises(users.UserError, match="already exists"):
        users.add_user(path, "alice", "another password")
    users.add_user(path, "alice", "new password!", replace=True)
    assert users.verify_user(path, "alice", "new password!") is not None
    assert users.verify_user(path, "alice", "correct horse") is None
    users.remove_user(path, "bob")
    assert [u.name for u in users.list_users(path)] == ["alice"]
    with pytest.raises(users.UserError):
        users.remove_user(path, "bob")


def test_hashes_are_salted_and_input_is_checked(tmp_path):
    assert users.hash_password("same password") != users.hash_password("same password")
    with pytest.raises(users.UserError, match="at least"):
        users.add_user(tmp_path / "u.json", "alice", "short")
    for bad in ("", "a b", "../x", "x" * 65, "-leading"):
        with pytest.raises(users.UserError):
            users.add_user(tmp_path / "u.json", bad, "long enough password")
    assert users.check_password("anything", "not-a-hash") is False


def test_corrupt_users_file_is_reported(tmp_path):
    path = tmp_path / "users.json"
    path.write_text("{not json")
    with pytest.raises(users.UserError, match="not valid JSON"):
        users.list_users(path)
    assert users.verify_user(path, "alice", "whatever pw") is None


def test_users_file_is_parsed_again_only_after_it_changed(tmp_path, monkeypatch):
    path = tmp_path / "users.json"
    users.add_user(path, "alice", "alice password")
    parses = []
    real_load = users._load
    monkeypatch.setattr(users, "_load", lambda p: parses.append(p) or real_load(p))
    for _ in range(50):  # what every authenticated request asks
        assert users.get_user(path, "alice") == users.UserRecord("alice", False)
    assert len(parses) <= 1
    users.add_user(path, "bob", "bob password")  # a change (here, or by the CLI in another process) is seen at once
    assert users.get_user(path, "bob") == users.UserRecord("bob", False)
    users.remove_user(path, "alice")
    assert users.get_user(path, "alice") is None
    assert users.verify_user(path, "alice", "alice password") is None


def test_preferences_survive_a_new_instance(tmp_path):
    prefs = Preferences(tmp_path / "prefs.json")
    prefs.set("alice", "language", "python")
    assert Preferences(tmp_path / "prefs.json").get("alice", "language") == "python"
    assert prefs.get("bob", "language") is None


# ------------------------------------------------------------------------------------------------------ auth
def _refusal(host: str) -> str | None:
    """What the start-up check says about listening on `host` in the current settings (None: it may)."""
    get_settings.cache_clear()
    try:
        auth.check_bind(host)
    except auth.StartupRefused as exc:
        return str(exc)
    return None


@pytest.mark.parametrize("host,ok", [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False),
                                     ("192.168.1.5", False), ("::", False), ("example.org", False)])
def test_local_mode_refuses_non_loopback(web_env, host, ok):
    refusal = _refusal(host)
    if ok:
        assert refusal is None
    else:
        assert refusal is not None and "AUTH_MODE=password" in refusal and repr(host) in refusal


def test_remote_local_allowed_explicitly_and_other_modes_bind_anywhere(web_env, monkeypatch):
    assert _refusal("0.0.0.0") is not None  # the default: refused, so what follows is each setting's doing
    monkeypatch.setenv("ALLOW_REMOTE_LOCAL", "true")
    assert _refusal("0.0.0.0") is None
    monkeypatch.delenv("ALLOW_REMOTE_LOCAL")
    monkeypatch.setenv("AUTH_MODE", "password")
    assert _refusal("0.0.0.0") is None


def test_proxy_mode_needs_trusted_proxies(web_env, monkeypatch):
    monkeypatch.setenv("AUTH_MODE", "proxy")
    refusal = _refusal("0.0.0.0")
    assert refusal is not None and "TRUSTED_PROXY_IPS" in refusal
    monkeypatch.setenv("TRUSTED_PROXY_IPS", "10.0.0.5, 192.168.0.0/24")
    assert _refusal("0.0.0.0") is None
    monkeypatch.setenv("TRUSTED_PROXY_IPS", "*")
    with pytest.raises(Exception, match="TRUSTED_PROXY_IPS"):
        from pulsepal.settings import load_settings

        load_settings()


def test_secret_generated_once_kept_private_and_env_wins(web_env, monkeypatch):
    monkeypatch.delenv("CHAINLIT_AUTH_SECRET", raising=False)
    path = auth.ensure_auth_secret()
    first = os.environ["CHAINLIT_AUTH_SECRET"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and len(first) >= 32
    monkeypatch.delenv("CHAINLIT_AUTH_SECRET")
    auth.ensure_auth_secret()
    assert os.environ["CHAINLIT_AUTH_SECRET"] == first  # same secret after a restart: logins survive
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "operator-chosen-secret-operator-chosen")
    auth.ensure_auth_secret()
    assert os.environ["CHAINLIT_AUTH_SECRET"] == "operator-chosen-secret-operator-chosen"


def _token_for(identifier: str) -> str:
    from chainlit.auth import create_jwt
    from chainlit.user import User

    return create_jwt(User(identifier=identifier))


async def test_request_user_local_mode(web_env, monkeypatch):
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "s" * 40)
    assert await auth.request_user(_request()) is None  # on the loopback, but that proves nothing
    user = await auth.request_user(_request(cookies={"access_token": _token_for("local")}))
    assert user == auth.AppUser("local", True)
    bearer = await auth.request_user(_request(headers={"Authorization": f"Bearer {_token_for('local')}"}))
    assert bearer == auth.AppUser("local", True)
    assert await auth.request_user(_request(cookies={"access_token": _token_for("someone")})) is None
    assert await auth.request_user(_request(cookies={"access_token": "forged.token.value"})) is None
    token = localtoken.ensure_token(get_settings())
    assert await auth.request_user(_request(headers={"Authorization": f"Token {token}"})) == auth.AppUser("local", True)
    assert await auth.request_user(_request(headers={"Authorization": f"Token {token}x"})) is None
    # Chainlit's header hook grants the local user only with the token or the cookie it produced
    assert await auth.header_login({}) is None
    assert await auth.header_login({"Authorization": "Token wrong"}) is None
    assert (await auth.header_login({"Authorization": f"Token {token}"})).identifier == "local"
    assert (await auth.header_login({"cookie": f"access_token={_token_for('local')}"})).identifier == "local"


async def test_request_user_password_mode(web_env, monkeypatch):
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "s" * 40)
    monkeypatch.setenv("AUTH_MODE", "password")
    monkeypatch.setenv("ADMIN_USERS", "carol")
    get_settings.cache_clear()
    path = get_settings().users_path
    users.add_user(path, "alice", "alice password", admin=True)
    users.add_user(path, "bob", "bob password")
    users.add_user(path, "carol", "carol password")
    from chainlit.auth import create_jwt

    async def signed_in(name: str) -> Request:  # the cookie Chainlit issues after the password hook said yes
        return _request(cookies={"access_token": create_jwt(await auth.password_login(name, f"{name} password"))})

    assert await auth.request_user(await signed_in("alice")) == auth.AppUser("alice", True)
    bob = await signed_in("bob")
    assert await auth.request_user(bob) == auth.AppUser("bob", False)
    assert await auth.request_user(await signed_in("carol")) == auth.AppUser("carol", True)
    # a cookie signed with the secret but not issued by a sign-in (no password tag) is refused
    assert await auth.request_user(_request(cookies={"access_token": _token_for("alice")})) is None
    users.remove_user(path, "bob")  # removed: the still-valid cookie no longer works
    assert await auth.request_user(bob) is None
    carol = await signed_in("carol")
    users.add_user(path, "carol", "carol password", replace=True)  # a new password (the same words, salted anew)
    assert await auth.request_user(carol) is None  # signs out what was signed in with the old one
    assert await auth.request_user(await signed_in("carol")) == auth.AppUser("carol", True)
    assert (await auth.password_login("alice", "alice password")).identifier == "alice"
    assert await auth.password_login("alice", "wrong password") is None
    assert await auth.header_login({"X-Forwarded-User": "alice"}) is None  # no header trust in password mode


async def test_request_user_proxy_mode(web_env, monkeypatch):
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "s" * 40)
    monkeypatch.setenv("AUTH_MODE", "proxy")
    monkeypatch.setenv("PROXY_USER_HEADER", "X-Remote-User")
    monkeypatch.setenv("ADMIN_USERS", "root-admin, ops")
    monkeypatch.setenv("TRUSTED_PROXY_IPS", "10.0.0.5")
    get_settings.cache_clear()
    proxy = "10.0.0.5"
    assert await auth.request_user(_request(client=proxy)) is None
    assert await auth.request_user(_request(headers={"X-Remote-User": "dana"}, client=proxy)) == \
        auth.AppUser("dana", False)
    assert await auth.request_user(_request(headers={"X-Remote-User": "ops"}, client=proxy)) == \
        auth.AppUser("ops", True)
    assert await auth.request_user(_request(headers={"X-Remote-User": "bad name/.."}, client=proxy)) is None
    # the header from anyone else is not believed, and a cookie never stands in for the header
    assert await auth.request_user(_request(headers={"X-Remote-User": "ops"}, client="10.0.0.6")) is None
    assert await auth.request_user(_request(cookies={"access_token": _token_for("ops")}, client=proxy)) is None
    stale = _request(headers={"X-Remote-User": "dana"}, cookies={"access_token": _token_for("ops")}, client=proxy)
    assert await auth.request_user(stale) == auth.AppUser("dana", False)
    assert (await auth.header_login({"X-Remote-User": "dana"})).identifier == "dana"
    assert await auth.header_login({}) is None
    # a chat socket keeps its handshake: someone else signed in at the proxy is not the socket's user
    assert auth.still_allowed("dana", {"asgi.scope": stale.scope})
    assert not auth.still_allowed("ops", {"asgi.scope": stale.scope})
    other = _request(headers={"X-Remote-User": "eve"}, client=proxy)
    assert not auth.still_allowed("dana", {"asgi.scope": other.scope})
