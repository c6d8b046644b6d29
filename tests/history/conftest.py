"""Fixtures for issue 12's history tests (the helpers are in history_harness.py): password-mode servers shared by
a module or by the folder, and the folder for screenshots.

A server takes seconds to start (Chainlit's import alone is 2-4 s here), so tests share one wherever what they
check does not depend on being alone on it: each keeps to its own conversations, and a test that looks at a
user's whole history signs in as users no other test of that server uses."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from history_harness import OWN_USERS, REPO, serving_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One password-mode server for a module; tests keep apart by using their own conversations."""
    yield from serving_site(tmp_path_factory.mktemp("history-site"))


@pytest.fixture(scope="package")
def own_users_site(tmp_path_factory):
    """One password-mode server for the tests of this folder that each sign in as users of their own (OWN_USERS,
    one set per test): delete-all and a whole sidebar see only what that test made. Apart from `site` because its
    tests search the whole store (the CLI's and the admin's search), where another test's answers could match."""
    yield from serving_site(tmp_path_factory.mktemp("history-own-users"), OWN_USERS)


@pytest.fixture
def artifacts() -> Path:
    folder = Path(os.environ.get("PULSEPAL_TEST_ARTIFACTS") or REPO / "test-artifacts") / "history"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
