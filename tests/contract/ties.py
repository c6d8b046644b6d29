"""Sessions made to tie: the listing tests of every store (tests/contract/) and of the file store's cached orderings
(tests/engine/test_listing.py) need many rows that are equal on the sort key, or the order of ties goes untested."""

from __future__ import annotations

from datetime import timedelta


def fill_with_ties(sm, clock, *, sessions: int, archive: int, by: str) -> None:
    """`sessions` sessions of three owners and three titles over seven hours, 0-3 messages of one length each (so
    counts, sizes and hours tie), then the first `archive` by `by` archived, so both states hold ties too."""
    start = clock.now()
    for n in range(sessions):
        clock.set(start - timedelta(hours=n % 7, minutes=n))
        sid = sm.create_session(f"user{n % 3}")
        sm.update_session(sid, title=f"{['EPI', 'spin echo', 'FLASH'][n % 3]} question {n}")
        for _ in range(n % 4):
            sm.add_message(sid, "user", "same length text")
    clock.set(start)
    for row in sm.list_sessions(limit=archive, sort=by)[1]:
        sm.archive_session(row["session_id"])
