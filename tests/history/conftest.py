"""Fixtures for issue 12's history tests (the helpers are in history_harness.py): a password-mode server per
module or per test, and the folder for screenshots."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from history_harness import REPO, serving_site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One password-mode server for a module; tests keep apart by using their own conversations."""
    yield from serving_site(tmp_path_factory.mktemp("history-site"))


@pytest.fixture
def fresh_site(tmp_path):
    yield from serving_site(tmp_path / "site")


@pytest.fixture
def artifacts() -> Path:
    folder = Path(os.environ.get("PULSEPAL_TEST_ARTIFACTS") or REPO / "test-artifacts") / "history"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
