"""One password-mode `chainlit run` (tests/history/history_harness.py) shared by all of tests/web (one start-up)."""

from __future__ import annotations

import pytest
from history_harness import serving_site


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    yield from serving_site(tmp_path_factory.mktemp("web-site"))
