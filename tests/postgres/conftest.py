"""Fixtures for the PostgreSQL-only tests: the suite's one real server, and a fresh database per test."""

from __future__ import annotations

import pytest

from .pg_harness import server, why_unavailable


@pytest.fixture(scope="session")
def pg_server():
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    return server()


@pytest.fixture
def pg_url(pg_server):
    url = pg_server.fresh_database("pg")
    yield url
    pg_server.drop_database(url)


@pytest.fixture
def pg_settings(pg_url, make_settings):
    def build(**overrides):
        overrides.setdefault("session_database_url", pg_url)
        return make_settings(**overrides)

    return build


@pytest.fixture
def pg_manager(pg_settings, clock):
    from pulsepal.sessions import SessionManager

    opened = []

    def build(**overrides):
        manager = SessionManager(pg_settings(**overrides), clock=clock, actor="test")
        opened.append(manager)
        return manager

    yield build
    for manager in opened:
        manager.close()
