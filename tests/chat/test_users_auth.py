"""Users file, password hashing, auth modes, the start-up refusal, the generated secret, request_user."""

from __future__ import annotations

import os
import stat

import pytest
from starlette.requests import Request

from pulsepal.settings import get_settings
from pulsepal.web import auth, users
from pulsepal.web.preferences import Preferences


def _request(headers: dict | None = None, cookies: dict | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    if cookies:
        raw.append((b"cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()).encode()))
    return Request({"type": "http", "method": "GET", "path": "/", "headers": raw, "query_string": b""})


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


def test_preferences_survive_a_new_instance(tmp_path):
    prefs = Preferences(tmp_path / "prefs.json")
    prefs.set("alice", "language", "python")
    assert Preferences(tmp_path / "prefs.json").get("alice", "language") == "python"
    assert prefs.get("bob", "language") is None


# ------------------------------------------------------------------------------------------------------ auth
@pytest.mark.parametrize("host,ok", [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False),
                                     ("192.168.1.5", False), ("::", False), ("example.org", False)])
def test_local_mode_refuses_non_loopback(web_env, host, ok):
    if ok:
        auth.check_bind(host)
    else:
        with pytest.raises(auth.StartupRefused, match="AUTH_MODE=password"):
            auth.check_bind(host)


def test_remote_local_allowed_explicitly_and_other_modes_bind_anywhere(web_env, monkeypatch):
    monkeypatch.setenv("ALLOW_REMOTE_LOCAL", "true")
    get_settings.cache_clear()
    auth.check_bind("0.0.0.0")
    monkeypatch.delenv("ALLOW_REMOTE_LOCAL")
    monkeypatch.setenv("AUTH_MODE", "password")
    get_settings.cache_clear()
    auth.check_bind("0.0.0.0")


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
    assert await auth.request_user(_request()) is None
    user = await auth.request_user(_request(cookies={"access_token": _token_for("local")}))
    assert user == auth.AppUser("local", True)
    bearer = await auth.request_user(_request(headers={"Authorization": f"Bearer {_token_for('local')}"}))
    assert bearer == auth.AppUser("local", True)
    assert await auth.request_user(_request(cookies={"access_token": _token_for("someone")})) is None
    assert await auth.request_user(_request(cookies={"access_token": "forged.token.value"})) is None


async def test_request_user_password_mode(web_env, monkeypatch):
    monkeypatch.setenv("CHAINLIT_AUTH_SECRET", "s" * 40)
    monkeypatch.setenv("AUTH_MODE", "password")
    monkeypatch.setenv("ADMIN_USERS", "carol")
    get_settings.cache_clear()
    path = get_settings().users_path
    users.add_user(path, "alice", "alice password", admin=True)
    users.add_user(path, "bob", "bob password")
    users.add_user(path, "carol", "carol password")
    assert await auth.request_user(_request(cookies={"access_token": _token_for("alice")})) == auth.AppUser("alice", True)
    assert await auth.request_user(_request(cookies={"access_token": _token_for("bob")})) == auth.AppUser("bob", False)
    assert await auth.request_user(_request(cookies={"access_token": _token_for("carol")})) == auth.AppUser("carol", True)
    users.remove_user(path, "bob")  # removed: the still-valid cookie no longer works
    assert await auth.request_user(_request(cookies={"access_token": _token_for("bob")})) is None
    assert (await auth.password_login("alice", "alice password")).identifier == "alice"
    assert await auth.password_login("alice", "wrong password") is None
    assert await auth.header_login({"X-Forwarded-User": "alice"}) is None  # no header trust in password mode


async def test_request_user_proxy_mode(web_env, monkeypatch):
    monkeypatch.setenv("AUTH_MODE", "proxy")
    monkeypatch.setenv("PROXY_USER_HEADER", "X-Remote-User")
    monkeypatch.setenv("ADMIN_USERS", "root-admin, ops")
    get_settings.cache_clear()
    assert await auth.request_user(_request()) is None
    assert await auth.request_user(_request(headers={"X-Remote-User": "dana"})) == auth.AppUser("dana", False)
    assert await auth.request_user(_request(headers={"X-Remote-User": "ops"})) == auth.AppUser("ops", True)
    assert await auth.request_user(_request(headers={"X-Remote-User": "bad name/.."})) is None
    assert (await auth.header_login({"X-Remote-User": "dana"})).identifier == "dana"
    assert await auth.header_login({}) is None
    assert auth.still_allowed("dana", {"HTTP_X_REMOTE_USER": "dana"})
    assert not auth.still_allowed("dana", {"HTTP_X_REMOTE_USER": "eve"})  # someone else signed in at the proxy
