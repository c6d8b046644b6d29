"""The engine contract runs against every store: each test here gets `backend` = files, then postgres.

tests/contract/ is where the engine's behaviour is specified, once, for every store; tests/engine/ holds only the file
store's own mechanics (paths, file formats and modes, fsync, checkpoints, locks) and tests/postgres/ PostgreSQL's own.

For PostgreSQL every test gets a fresh database copied from a migrated template on the suite's one server
(tests/postgres/pg_harness.py), so tests never see each other's sessions. The fixtures keep the names of the root
conftest (make_settings, make_manager, manager), so a test reads the same whichever store it runs on; each call of
`other_settings` builds another, separate store of the same kind (for export -> import between installations).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Optional

import pytest

from pulsepal.settings import Settings

from ..postgres.pg_harness import server, why_unavailable


@dataclass
class Backend:
    kind: str
    urls: list[str] = field(default_factory=list)

    @property
    def url(self) -> Optional[str]:
        return self.urls[0] if self.urls else None

    def another_database(self) -> Optional[str]:
        if self.kind != "postgres":
            return None
        url = server().fresh_database("contract")
        self.urls.append(url)
        return url


@pytest.fixture(params=["files", "postgres"])
def backend(request):
    if request.param == "files":
        yield Backend("files")
        return
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    found = Backend("postgres", [server().fresh_database("contract")])
    yield found
    for url in found.urls:
        server().drop_database(url)


@pytest.fixture
def make_settings(tmp_path, backend):
    def build(**overrides) -> Settings:
        overrides.setdefault("session_storage_path", tmp_path / "sessions")
        if backend.url:
            overrides.setdefault("session_database_url", backend.url)
        return Settings(_env_file=None, **overrides)

    return build


@pytest.fixture
def other_settings(tmp_path, backend):
    """Settings of another installation of the same kind: each call a new one (its own folder or its own database)."""
    made = itertools.count(1)

    def build(**overrides) -> Settings:
        overrides.setdefault("session_storage_path", tmp_path / f"other-{next(made)}" / "sessions")
        url = backend.another_database()
        if url:
            overrides.setdefault("session_database_url", url)
        return Settings(_env_file=None, **overrides)

    return build


@pytest.fixture
def opened():
    """Managers opened by a test, closed before its database is dropped."""
    managers: list = []
    yield managers
    for manager in managers:
        manager.close()


@pytest.fixture
def make_manager(make_settings, clock, opened):
    from pulsepal.sessions import SessionManager

    def build(clock_=None, settings: Optional[Settings] = None, **overrides):
        manager = SessionManager(settings or make_settings(**overrides), clock=clock_ or clock, actor="test")
        opened.append(manager)
        return manager

    return build


@pytest.fixture
def manager(make_manager):
    return make_manager()
