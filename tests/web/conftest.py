"""One password-mode `chainlit run` (tests/history/history_harness.py) shared by all of tests/web (one start-up)."""

from __future__ import annotations

import pytest
from history_harness import start_site


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    site = start_site(tmp_path_factory.mktemp("web-site"))
    yield site
    site.settle()
    site.server.kill()
