"""Shared fixtures: every test gets its own storage folder, a movable clock, and no settings from the
developer's environment or .env."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pulsepal.clock import FakeClock
from pulsepal.settings import Settings

ROOT = Path(__file__).resolve().parent.parent

# Importing chainlit writes .chainlit/ and .files/ under CHAINLIT_APP_ROOT and reads its config from there: give
# the whole test session a throwaway app root that looks like the repository (links to app.py, public/, chainlit.md
# and a copy of .chainlit/config.toml), so no test writes into the checkout. Each test process gets its own: the
# pytest-xdist workers inherit the controller's environment, and one made here for another process is not reused.
_MADE = os.environ.get("PULSEPAL_TEST_APPROOT_MADE", "")  # "pid:path" of the app root a test process made
_INHERITED = bool(_MADE) and os.environ.get("CHAINLIT_APP_ROOT") == _MADE.partition(":")[2] \
    and not _MADE.startswith(f"{os.getpid()}:")
if "CHAINLIT_APP_ROOT" not in os.environ or _INHERITED:
    import shutil
    import tempfile

    _app_root = Path(tempfile.mkdtemp(prefix="pulsepal-test-approot-"))
    for _name in ("app.py", "public", "chainlit.md"):
        (_app_root / _name).symlink_to(ROOT / _name)
    (_app_root / ".chainlit").mkdir()
    shutil.copy(ROOT / ".chainlit" / "config.toml", _app_root / ".chainlit" / "config.toml")
    os.environ["CHAINLIT_APP_ROOT"] = str(_app_root)
    os.environ["PULSEPAL_TEST_APPROOT_MADE"] = f"{os.getpid()}:{_app_root}"
for _name in list(os.environ):
    if _name.startswith(("SESSION_", "MAX_SESSION", "MAX_CONVERSATION", "MAX_ACTIVE", "CONVERSATION_LOG", "LLM_")):
        del os.environ[_name]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_settings(tmp_path):
    def build(**overrides) -> Settings:
        overrides.setdefault("session_storage_path", tmp_path / "sessions")
        return Settings(_env_file=None, **overrides)

    return build


@pytest.fixture
def make_manager(make_settings, clock):
    from pulsepal.sessions import SessionManager

    def build(clock_=None, **overrides):
        return SessionManager(make_settings(**overrides), clock=clock_ or clock, actor="test")

    return build


@pytest.fixture
def manager(make_manager):
    return make_manager()
