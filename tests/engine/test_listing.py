"""The file store's cached orderings return exactly the pages a full sort gives (same order, ties included), and
never serve a row that no longer exists."""

from __future__ import annotations

import itertools

import pytest

from pulsepal.sessions.store import ANY, SORT_KEYS
from pulsepal.sessions.stores.files.listing import SortedViews

from ..contract.ties import fill_with_ties


@pytest.fixture
def busy(make_manager, clock):
    manager = make_manager(max_active_sessions=100)
    fill_with_ties(manager, clock, sessions=36, archive=8, by="size")
    return manager


def _linear(manager, **args):
    return manager.store.list_linear(owner=ANY, created_before=None, **args)


def test_pages_equal_a_full_sort(busy):
    views = SortedViews(busy.store.index)
    combos = itertools.product([None, "active", "archived"], list(SORT_KEYS), [True, False],
                               [None, "epi", "QUESTION 1"],
                               [(0, 5), (5, 5), (30, 50), (0, 100)])
    for state, sort, descending, search, (offset, limit) in combos:
        args = dict(state=state, sort=sort, descending=descending, search=search, offset=offset, limit=limit)
        assert views.page(**args) == _linear(busy, **args), args
    assert busy.list_sessions(state=None, sort="size", limit=7)[1] == busy.list_sessions(
        state=None, sort="size", older_than_hours=-1000, limit=7)[1]  # cached and plain paths agree


def test_owner_filter_and_bad_sort(busy):
    args = dict(state=None, sort="size", descending=True, search=None, offset=0, limit=50)
    assert busy.store.list_entries(owner="user1", created_before=None, **args) == busy.store.list_linear(
        owner="user1", created_before=None, **args)
    with pytest.raises(ValueError):
        busy.list_sessions(state=None, sort="owner", limit=5)


def test_rows_are_fresh_and_views_are_dropped_after_actions(busy):
    views = SortedViews(busy.store.index, rebuild_seconds=3600)  # never rebuild on its own during this test
    page = dict(state="active", sort="age", descending=True, search=None, offset=0, limit=5)
    first = views.page(**page)[1]
    victim = first[0][0]
    busy.delete_session(victim)
    renamed = first[1][0]
    busy.update_session(renamed, title="renamed meanwhile")
    busy.store.index.refresh()
    total, rows = views.page(**page)
    assert victim not in [sid for sid, _ in rows]  # the stale order may hold it; the page must not
    assert rows[0][1]["title"] == "renamed meanwhile"
    views.invalidate()
    assert views.page(**page) == _linear(busy, **page)
    cached = busy.list_sessions(state="active", sort="age", limit=5)[1]
    busy.delete_session(cached[0]["session_id"])  # the store's own views are dropped at once after an action
    assert cached[0]["session_id"] not in [r["session_id"] for r in busy.list_sessions(state="active", sort="age",
                                                                                         limit=5)[1]]
