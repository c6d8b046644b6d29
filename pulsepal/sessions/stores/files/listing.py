"""Pages of the file store's index that stay fast at 100,000 sessions.

Ranking the whole index for every page costs 100-250 ms at 100,000 sessions, which makes paging an admin table and
typing into its search box feel stuck. A reader pages through one ordering many times, so this keeps each ordering
(state x sort key x direction) as a sorted list of ids and serves a page as a slice of it. The orderings use the
seam's sort keys and the same stable tie order as a plain sort, so a page is the page a full sort would give.

Freshness: a view is rebuilt when the index's running totals (counts, bytes, messages) have changed, which every
create, message, archive, restore and delete does, but at most once every REBUILD_SECONDS, so a busy chat cannot
make every page view pay for a full re-sort; the store drops the views at once after this process archives,
restores or removes a session (whoever did that expects to see it). Rows are always read fresh from the index; only
the order and the total may lag by those few seconds, and a row that disappeared meanwhile is left out.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from ...store import IndexEntry, sort_key
from .index import SessionIndex

REBUILD_SECONDS = 2.0
MAX_AGE_SECONDS = 60.0
MAX_VIEWS = 8


@dataclass
class _View:
    built_at: float
    signature: tuple
    ids: list[str]
    haystacks: Optional[list[str]] = None  # lower-cased "id title" per id, built on the first search


def _signature(index: SessionIndex) -> tuple:
    return (index.counts["active"], index.counts["archived"], index.sizes["active"], index.sizes["archived"],
            index.messages_total, len(index.entries))


class SortedViews:
    def __init__(self, index: SessionIndex, rebuild_seconds: float = REBUILD_SECONDS) -> None:
        self.index = index
        self.rebuild_seconds = rebuild_seconds
        self._views: OrderedDict[tuple, _View] = OrderedDict()
        self._lock = threading.Lock()

    def _build(self, state: Optional[str], sort: str, descending: bool, signature: tuple) -> _View:
        key = sort_key(sort)
        pairs = list(self.index.items(state))
        keys = [key(pair) for pair in pairs]
        order = sorted(range(len(pairs)), key=keys.__getitem__, reverse=descending)  # stable, like sorted()
        return _View(time.monotonic(), signature, [pairs[i][0] for i in order])

    def _view(self, state: Optional[str], sort: str, descending: bool) -> _View:
        cache_key = (state, sort, descending)
        signature = _signature(self.index)
        now = time.monotonic()
        with self._lock:
            view = self._views.get(cache_key)
            fresh = view is not None and (
                (view.signature == signature and now - view.built_at < MAX_AGE_SECONDS)
                or now - view.built_at < self.rebuild_seconds
            )
            if view is None or not fresh:
                view = self._build(state, sort, descending, signature)
                self._views[cache_key] = view
                while len(self._views) > MAX_VIEWS:
                    self._views.popitem(last=False)
            self._views.move_to_end(cache_key)
            return view

    def invalidate(self) -> None:
        with self._lock:
            self._views.clear()

    def page(self, *, state: Optional[str], search: Optional[str], sort: str, descending: bool, offset: int,
             limit: int) -> tuple[int, list[tuple[str, IndexEntry]]]:
        """(total matching, entries of the page); the caller has refreshed the index."""
        index = self.index
        view = self._view(state, sort, descending)
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
                rows.append((session_id, entry))
        return len(matches), rows


Page = tuple[int, list[tuple[str, IndexEntry]]]


def linear_page(entries: Iterable[tuple[str, IndexEntry]], *, created_before: Optional[float], search: Optional[str],
                sort: str, descending: bool, offset: int, limit: Optional[int]) -> Page:
    """Filter and rank every entry given (an owner's sessions, or an age filter); heap-select a page when it is
    small against the whole."""
    key = sort_key(sort)
    needle = search.lower() if search else None
    rows = []
    for session_id, entry in entries:
        if created_before is not None and float(entry.get("created_at") or 0) > created_before:
            continue
        if needle and needle not in session_id.lower() and needle not in (entry.get("title") or "").lower():
            continue
        rows.append((session_id, entry))
    total = len(rows)
    if limit is not None and offset + limit < total:
        picker = heapq.nlargest if descending else heapq.nsmallest
        page = picker(offset + limit, rows, key=key)[offset:]
    else:
        page = sorted(rows, key=key, reverse=descending)[offset:]
    return total, page[:limit] if limit is not None else page


def due_for_cleanup(entries: Iterable[tuple[str, IndexEntry]], activated_before: float, idle_before: float,
                    archived_before: float) -> Iterator[tuple[str, IndexEntry]]:
    """The cleanup pass's candidates: two comparisons per index entry, in memory (100,000 sessions screen in
    milliseconds). Pinned sessions are never candidates."""
    for session_id, entry in entries:
        if entry.get("pinned"):
            continue
        if entry.get("state") == "active":
            if entry["activated_at"] < activated_before or entry["last_activity"] < idle_before:
                yield session_id, entry
        elif entry.get("state") == "archived" and float(entry.get("archived_at") or 0) < archived_before:
            yield session_id, entry
