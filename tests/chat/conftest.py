"""Fixtures for the chat app: a throw-away Chainlit app root, app.py loaded once, a fresh store per test.

Importing chainlit writes .chainlit/ and .files/ under CHAINLIT_APP_ROOT and reads the config from there, so the
app root is pointed at a temporary copy before chainlit is imported (unless another test package imported it
first, in which case whatever root it chose is kept).
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path

import pytest
from chat_harness import make_app_root

_APP_ROOT = Path(os.environ["CHAINLIT_APP_ROOT"])  # tests/conftest.py made a throwaway one for the session
make_app_root(_APP_ROOT)  # (idempotent) in case an operator pointed it at an empty folder

_BASE_STORE = Path(tempfile.mkdtemp(prefix="pulsepal-chat-store-"))
WEB_ENV = ("AUTH_MODE", "USERS_FILE", "PROXY_USER_HEADER", "ADMIN_USERS", "LOCAL_USER_NAME", "ALLOW_REMOTE_LOCAL",
           "DEFAULT_CHAT_LANGUAGE", "PULSEPAL_BENCH_NO_PERSIST", "CHAINLIT_AUTH_SECRET")


def _reset_caches() -> None:
    from pulsepal.dependencies import get_session_manager
    from pulsepal.settings import get_settings
    from pulsepal.web import chat

    get_settings.cache_clear()
    get_session_manager.cache_clear()
    chat._open_sessions.clear()


@pytest.fixture
def web_env(tmp_path, monkeypatch):
    """A fresh store and default web settings (local mode) for one test; returns the storage folder."""
    for name in WEB_ENV:
        monkeypatch.delenv(name, raising=False)
    storage = tmp_path / "sessions"
    monkeypatch.setenv("SESSION_STORAGE_PATH", str(storage))
    monkeypatch.chdir(tmp_path)  # no stray .env from the repository
    _reset_caches()
    yield storage
    _reset_caches()


@pytest.fixture(scope="session")
def app_module():
    """app.py loaded the way `chainlit run` loads it (hooks registered on chainlit's config)."""
    from chainlit.config import config, load_module

    previous = os.environ.get("SESSION_STORAGE_PATH")
    os.environ["SESSION_STORAGE_PATH"] = str(_BASE_STORE / "sessions")
    try:
        _reset_caches()
        load_module(str(_APP_ROOT / "app.py"))
    finally:
        if previous is None:
            os.environ.pop("SESSION_STORAGE_PATH", None)
        else:
            os.environ["SESSION_STORAGE_PATH"] = previous
        _reset_caches()
    return config.code


class Recorder:
    """Stands in for the socket: every event the app emits is kept, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    async def emit(self, event, data):
        self.events.append((event, data))

    async def emit_call(self, event, data, timeout=None):
        self.events.append((event, data))
        return None

    def names(self) -> list[str]:
        return [event for event, _ in self.events]

    def of(self, name: str) -> list:
        return [data for event, data in self.events if event == name]

    def assistant_texts(self) -> list[str]:
        return [d["output"] for d in self.of("new_message")
                if isinstance(d, dict) and d.get("type") == "assistant_message"]


@pytest.fixture
def ws_chat(app_module, web_env):
    """Open a chat context for a user: returns (session, recorder). Call again for another tab/user."""
    from chainlit.context import init_ws_context
    from chainlit.session import WebsocketSession
    from chainlit.user import PersistedUser

    def open_chat(user: str = "local", thread_id=None):
        recorder = Recorder()
        session = WebsocketSession(
            id=str(uuid.uuid4()),
            socket_id=str(uuid.uuid4()),
            emit=recorder.emit,
            emit_call=recorder.emit_call,
            user_env={},
            client_type="webapp",
            user=PersistedUser(id=user, identifier=user, createdAt="2026-01-01T00:00:00Z"),
            thread_id=thread_id,
            environ={},
        )
        init_ws_context(session)
        return session, recorder

    return open_chat


@pytest.fixture
def app_manager(web_env):
    from pulsepal.dependencies import get_session_manager

    return get_session_manager()


@pytest.fixture
def user_message():
    """Build the cl.Message Chainlit hands to on_message for a typed text."""
    from chainlit.message import Message

    def build(text: str, command=None):
        return Message.from_dict({"id": str(uuid.uuid4()), "name": "User", "type": "user_message", "output": text,
                                  "createdAt": "2026-01-01T00:00:00Z", "command": command})

    return build
