"""The cached sessions listing returns exactly the engine's pages (same order, ties included), and never serves
another store's view or a row that no longer exists."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from pulsepal.web.admin_listing import SORT_KEYS, SessionListing


@pytest.fixture
def busy(make_manager, clock):
    manager = make_manager(max_active_sessions=100)
    start = clock.now()
    for n in range(36):
        clock.set(start - timedelta(hours=n % 7, minutes=n))
        sid = manager.create_session(f"user{n % 3}")
        manager.update_session(sid, title=f"{['EPI', 'spin echo', 'FLASH'][n % 3]} question {n}")
        for _ in range(n % 4):  # equal message counts and sizes: plenty of ties
            manager.add_message(sid, "user", "same length text")
    clock.set(start)
    for sid in [r["session_id"] for r in manager.list_sessions(limit=8, sort="size")[1]]:
        manager.archive_session(sid)
    return manager


def test_pages_equal_the_engines(busy):
    listing = SessionListing()
    combos = itertools.product([None, "active", "archived"], list(SORT_KEYS), [True, False],
                               [None, "epi", "QUESTION 1"], [(0, 5), (5, 5), (30, 50), (0, 100)])
    for state, sort, descending, search, (offset, limit) in combos:
        args = dict(state=state, sort=sort, descending=descending, search=search, offset=offset, limit=limit)
        assert listing.page(busy, **args) == busy.list_sessions(**args), args


def test_owner_filter_and_bad_sort(busy):
    listing = SessionListing()
    args = dict(state=None, sort="size", descending=True, search=None, offset=0, limit=50, owner="user1")
    assert listing.page(busy, **args) == busy.list_sessions(**args)
    with pytest.raises(ValueError):
        listing.page(busy, state=None, sort="owner", descending=True, search=None, offset=0, limit=5)


def test_rows_are_fresh_and_views_follow_the_store(busy, make_manager, tmp_path):
    listing = SessionListing(rebuild_seconds=3600)  # never rebuild on its own during this test
    first = listing.page(busy, state="active", sort="age", descending=True, search=None, offset=0, limit=5)[1]
    victim = first[0]["session_id"]
    busy.delete_session(victim)
    renamed = first[1]["session_id"]
    busy.update_session(renamed, title="renamed meanwhile")
    total, rows = listing.page(busy, state="active", sort="age", descending=True, search=None, offset=0, limit=5)
    assert victim not in [r["session_id"] for r in rows]  # the stale order may hold it; the page must not
    assert rows[0]["title"] == "renamed meanwhile"
    listing.invalidate()
    assert listing.page(busy, state="active", sort="age", descending=True, search=None, offset=0, limit=5) == \
        busy.list_sessions(state="active", sort="age", descending=True, offset=0, limit=5)

    from pulsepal.sessions import SessionManager
    from pulsepal.settings import Settings

    other = SessionManager(Settings(_env_file=None, session_storage_path=tmp_path / "other"), actor="test")
    assert listing.page(other, state=None, sort="age", descending=True, search=None, offset=0, limit=5) == (0, [])
