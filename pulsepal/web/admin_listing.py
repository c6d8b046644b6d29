"""Pages of the sessions table that stay fast at 100,000 sessions.

`SessionManager.list_sessions` walks and ranks the whole index on every call: 100-250 ms per page at 100,000
sessions (bench/bench_admin.py), which makes paging and typing into the search box feel stuck. An admin pages
through one ordering many times, so this keeps each ordering (state x sort key x direction) as a sorted list
of ids and serves a page as a slice of it. The orderings use the engine's own sort keys and tie order, so a page
is the page list_sessions would return (tests compare the two).

Freshness: a view is rebuilt when the index's running totals (counts, bytes, messages) have changed, which every
create, message, archive, restore and delete does, but at most once every REBUILD_SECONDS, so a busy chat cannot
make every page view pay for a full re-sort. Rows are always read fresh from the index; only the order and the
total may lag by those few seconds, and a row that disappeared meanwhile is left out of its page.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional

from ..sessions.manager import entry_row

REBUILD_SECONDS = 2.0
MAX_AGE_SECONDS = 60.0
MAX_VIEWS = 8

SORT_KEYS = {
    "last_activity": lambda e: float(e.get("last_activity") or 0),
    "created_at": lambda e: float(e.get("created_at") or 0),
    "age": lambda e: -float(e.get("created_at") or 0),
    "size": lambda e: int(e.get("size") or 0),
    "messages": lambda e: int(e.get("message_count") or 0),
}


@dataclass
class _View:
    index: object  # the index it was built from: a view never outlives a manager swap
    built_at: float
    signature: tuple
    ids: list[str]
    haystacks: Optional[list[str]] = None  # lower-cased "id title" per id, built on the first search


def _signature(index) -> tuple:
    return (index.counts["active"], index.counts["archived"], index.sizes["active"], index.sizes["archived"],
            index.messages_total, len(index.entries))


class SessionListing:
    def __init__(self, rebuild_seconds: float = REBUILD_SECONDS) -> None:
        self.rebuild_seconds = rebuild_seconds
        self._views: "OrderedDict[tuple, _View]" = OrderedDict()
        self._lock = threading.Lock()

    def _build(self, index, state: Optional[str], sort: str, descending: bool, signature: tuple) -> _View:
        key = SORT_KEYS[sort]
        pairs = list(index.items(state))
        keys = [key(entry) for _, entry in pairs]
        order = sorted(range(len(pairs)), key=keys.__getitem__, reverse=descending)  # stable, like the engine's
        return _View(index, time.monotonic(), signature, [pairs[i][0] for i in order])

    def _view(self, index, state: Optional[str], sort: str, descending: bool) -> _View:
        cache_key = (state, sort, descending)
        signature = _signature(index)
        now = time.monotonic()
        with self._lock:
            view = self._views.get(cache_key)
            fresh = view is not None and view.index is index and (
                (view.signature == signature and now - view.built_at < MAX_AGE_SECONDS)
                or now - view.built_at < self.rebuild_seconds
            )
            if view is None or not fresh:
                view = self._build(index, state, sort, descending, signature)
                self._views[cache_key] = view
                while len(self._views) > MAX_VIEWS:
                    self._views.popitem(last=False)
            self._views.move_to_end(cache_key)
            return view

    def invalidate(self) -> None:
        """After an action through the admin API: the admin expects to see its effect at once."""
        with self._lock:
            self._views.clear()

    def page(self, manager, *, state: Optional[str], search: Optional[str], sort: str, descending: bool,
             offset: int, limit: int, owner: Optional[str] = None) -> tuple[int, list[dict]]:
        """(total matching, rows) like `manager.list_sessions`; owner filtering is rare and left to the engine."""
        if sort not in SORT_KEYS:
            raise ValueError(f"cannot sort by {sort!r}; choose one of {', '.join(SORT_KEYS)}")
        if owner is not None:
            return manager.list_sessions(state=state, owner=owner, search=search, sort=sort, descending=descending,
                                         offset=offset, limit=limit)
        index = manager.index
        index.refresh()
        view = self._view(index, state, sort, descending)
        if search:
            if view.haystacks is None:
                entries = index.entries
                view.haystacks = [f"{sid} {(entries.get(sid) or {}).get('title') or ''}".lower() for sid in view.ids]
            needle = search.lower()
            matches = [sid for sid, hay in zip(view.ids, view.haystacks, strict=True) if needle in hay]
        else:
            matches = view.ids
        rows = []
        for session_id in matches[offset:offset + limit]:
            entry = index.get(session_id)
            if entry is not None and (state is None or entry.get("state") == state):
                rows.append(entry_row(session_id, entry))
        return len(matches), rows
