"""The folder: a background thread per store that folds what commits queued (index.py's FOLD) every few seconds.

Why a thread: a commit writes only its session row, its events and one `turn_queue` row; the search words, the
messages per hour and the size and message totals derived from it are folded in later. The aggregates are exact
without a fold (they add what is queued), but they read every queued row, so the queue must stay short: this
thread keeps it to a few seconds of commits. It starts with a process's first commit (a CLI command that only
reads starts none), folds only when this process committed since its last fold, and stops with the store.

Any number of folders may run, on every replica: each batch is one statement that locks the rows it takes
(SKIP LOCKED, so folders never wait on each other) and deletes them in the same transaction as it adds their sums,
so a row is folded exactly once, and a folder killed mid-batch leaves its rows queued for the next one. A search,
a cleanup pass and a reindex fold first too, so nothing depends on this thread having run.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Optional

log = logging.getLogger(__name__)

FOLD_SECONDS = 2.0
BACKOFF_LIMIT_SECONDS = 60.0  # a database that keeps failing is retried at most this rarely (and logged as often)


class Folder:
    def __init__(self, fold: Callable[[], int], *, alive: Callable[[], bool] = lambda: True,
                 every: float = FOLD_SECONDS) -> None:
        self._fold = fold
        self._alive = alive  # False once the store's connections are closed: the thread ends
        self._every = every
        self._dirty = threading.Event()
        self._stop = threading.Event()
        self._start_lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None

    def committed(self) -> None:
        """A commit queued a row: fold within `every` seconds (the thread starts on the first call)."""
        if not self._dirty.is_set():
            self._dirty.set()
        if self._thread is None and not self._stop.is_set():
            with self._start_lock:
                if self._thread is None and not self._stop.is_set():
                    self._thread = threading.Thread(target=self._run, name="pulsepal-pg-fold", daemon=True)
                    self._thread.start()

    def _run(self) -> None:
        wait = self._every
        while not self._stop.wait(wait):
            if not self._dirty.is_set():
                continue
            self._dirty.clear()
            try:
                self._fold()
                wait = self._every
            except Exception as exc:  # noqa: BLE001 - the next round (or a search, a cleanup pass) folds again
                if self._stop.is_set() or not self._alive():
                    return
                self._dirty.set()
                wait = min(wait * 2, BACKOFF_LIMIT_SECONDS)
                log.warning("folding the commit queue failed (it stays queued; next try in %g s): %s", wait,
                            " ".join(str(exc).split()) or type(exc).__name__)

    def stop(self) -> None:
        """Stop the thread and wait for a fold in progress (before the store closes its connections)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
