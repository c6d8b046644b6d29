"""The storage seam: what a session store must offer, and the small types that cross it.

The engine is split the way Django's `contrib/sessions` splits it: the policy (when a session expires, what is
archived or evicted, what is redacted, what is audited) lives above this line in `manager.py` and the services it
composes (`turns.py`, `archiving.py`, `rotation.py`, `stats.py`); a store below it only keeps bytes durable and
answers questions about them. Two stores implement this protocol: `stores/files/` (the default: checkpoints,
conversation logs, an index, flock locks) and `stores/postgres/` (several replicas over one database). One contract
test suite runs against both, so a rule cannot hold for one and not the other.

Every operation is atomic on its own: the services never hold a store's lock across calls. Where a service reads
a session and later acts on what it read (archiving, deleting with a backup), it passes back the `version` it
read, and the store refuses with `SessionChanged` if the session moved on meanwhile; the service then reads again.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal, Mapping, Optional, Protocol, TypedDict, Union

from .model import ConversationContext
from .notices import Listening

State = Literal["active", "archived"]
ANY: Any = object()  # "any owner" in entry queries (owner=None means sessions that have no owner)
Progress = Optional[Callable[[int, int], None]]
SORT_KEYS = ("last_activity", "created_at", "age", "size", "messages")
# The small state documents the policy keeps in a store (read_state/update_state): cleanup record, alert start
# times, the clock guard's reference, share records, the feedback summary.
STATE_NAMES = frozenset({"cleanup", "alerts", "clock", "shares", "feedback"})


class IndexEntry(TypedDict, total=False):
    """One session as listings, stats and the cleanup pass see it (times are epoch seconds)."""

    state: State
    owner: Optional[str]
    created_at: float
    activated_at: float
    last_activity: float
    message_count: int
    title: Optional[str]
    language: str
    size: int
    pinned: bool
    archived_at: float
    damaged: bool  # its archive was unreadable and set aside (quarantined): it cannot be opened
    archive_path: str  # where the archive is kept: below the store root (files), "postgres:archive/<day>/<id>"


def entry_of(ctx: ConversationContext, *, size: int, state: State = "active", **extra: Any) -> IndexEntry:
    """The index entry that describes a session's current state (both stores derive entries this one way)."""
    entry: IndexEntry = {
        "state": state,
        "owner": ctx.owner,
        "created_at": ctx.created_at.timestamp(),
        "activated_at": ctx.activated_at.timestamp(),
        "last_activity": ctx.last_activity.timestamp(),
        "message_count": ctx.conversation_count,
        "title": ctx.title,
        "language": ctx.preferred_language,
        "size": size,
    }
    if ctx.pinned:
        entry["pinned"] = True
    entry.update(extra)  # type: ignore[typeddict-item]
    return entry


def sort_key(sort: str) -> Callable[[tuple[str, IndexEntry]], float]:
    """The one definition of each listing order (CLI, admin API, sidebar). `age` descending lists the oldest."""
    keys: dict[str, Callable[[tuple[str, IndexEntry]], float]] = {
        "last_activity": lambda r: float(r[1].get("last_activity") or 0),
        "created_at": lambda r: float(r[1].get("created_at") or 0),
        "age": lambda r: -float(r[1].get("created_at") or 0),
        "size": lambda r: int(r[1].get("size") or 0),
        "messages": lambda r: int(r[1].get("message_count") or 0),
    }
    if sort not in keys:
        raise ValueError(f"cannot sort by {sort!r}; choose one of {', '.join(SORT_KEYS)}")
    return keys[sort]


@dataclass
class Aggregates:
    """What O(1) stats need, kept current by the store as changes arrive."""

    counts: dict[str, int]  # {"active": n, "archived": n}
    sizes: dict[str, int]  # bytes, same keys
    created_sum_active: float  # sum of active sessions' created_at (for the average age)
    messages_total: int
    oldest_active: Optional[tuple[str, IndexEntry]]
    activity: Mapping[int, int] = field(default_factory=dict)  # hour (epoch seconds // 3600) -> messages

    def messages_since(self, since_ts: float) -> int:
        first_hour = int(since_ts // 3600)
        return sum(n for hour, n in self.activity.items() if hour >= first_hour)

    def hourly(self, start_ts: float, end_ts: float) -> list[tuple[int, int]]:
        """(hour start epoch seconds, messages) for every hour in [start, end], zeros included."""
        first, last = int(start_ts // 3600), int(end_ts // 3600)
        return [(hour * 3600, self.activity.get(hour, 0)) for hour in range(first, last + 1)]


@dataclass
class LogView:
    """An active session and its complete log, as read at one instant; `version` names that instant."""

    ctx: ConversationContext
    events: list[dict]
    version: Any


@dataclass
class ArchiveItem:
    """A session to move into the archive: the (redacted) document to keep, and the version it was built from."""

    session_id: str
    document: dict
    version: Any


Location = Union[Path, str]  # where something is kept: a path (files) or a "postgres:..." reference


@dataclass
class Archived:
    """Where an archived session now lives."""

    session_id: str
    location: Location
    size: int


@dataclass
class Backup:
    """A kept copy of something a destructive operation removed."""

    name: str  # unique among the backups; what read_backup/remove_backups take
    created_at: float
    reason: str  # delete, import, restore, purge, erase (a user's "delete all my data"), ...
    session_id: Optional[str]


@dataclass
class SearchHit:
    """One conversation matching a search, best first: `snippet` is plain text around the best match."""

    session_id: str
    score: float
    snippet: str
    message_id: Optional[str] = None
    row: Optional[int] = None  # the store's own handle on the matching message (the file store: its index row)
    entry: Optional[IndexEntry] = None  # the session's entry, when the store read it while checking the hit


class SessionChanged(Exception):
    """The session is not at the version the caller read (a message arrived): read it again and retry."""


Outcome = Union[Archived, None, Exception]


class AuditSink(Protocol):
    def record(self, actor: str, action: str, session_id: Optional[str] = None, **detail: Any) -> None: ...

    def tail(self, limit: int = 100) -> list[dict]: ...

    def rotate_if_large(self, limit: Optional[int] = None) -> Any: ...


class SessionStore(Protocol):
    """The operations a session store offers. Times are epoch seconds; `events` are the journal events of
    `model.py` (one dict per change), which both stores keep as each session's complete, ordered log."""

    kind: str  # "files" | "postgres"

    @property
    def audit(self) -> AuditSink: ...

    # --- live sessions --------------------------------------------------------------------------------------------
    def load(self, session_id: str) -> Optional[ConversationContext]:
        """The active session (a private copy), or None when no active session has this id."""
        ...

    def commit(
        self,
        session_id: str,
        events: list[dict],
        *,
        create: bool = False,
        exclusive: bool = False,
        sync: bool = True,
        added_messages: int = 0,
        view: Optional[Callable[[ConversationContext], Any]] = None,
    ) -> Any:
        """Append events to an active session's log as one durable write and fold them into the session.

        create=True: events[0] is the 'created' event; when the session is already active it is dropped and the
        rest appended (two tabs racing to start one thread) unless `exclusive`, which raises SessionExists. An
        archived session is never created over (SessionExists). Without create, a session that is not active
        raises SessionNotFound. sync=False lets an event loop do the quick part and leave the wait for the disk
        to a following `sync()` (the turn is acknowledged only after that). Returns `view(ctx)` when given (computed
        while the session cannot change), else a snapshot of the session."""
        ...

    def sync(self, session_id: str) -> None:
        """Everything committed to the session so far is durable when this returns."""
        ...

    def checkpoint(self, session_id: str) -> None:
        """Write any deferred derived state now (a chat disconnected); a no-op where there is none."""
        ...

    def read_log(self, session_id: str) -> Optional[LogView]:
        """The active session with its complete log, or None."""
        ...

    def read_logs(self, session_ids: list[str]) -> dict[str, Optional[LogView]]:
        """read_log for a batch (an archive batch of the cleanup pass): one query on PostgreSQL, not one per id.
        Per id the LogView, None (not active), or the error reading it raised."""
        ...

    def install(self, session_id: str, events: list[dict], *, replace: bool = False) -> ConversationContext:
        """Make `events` (a complete, validated log) the active session: import, restore, rebuild. Removes any
        archived copy. Refuses (SessionExists) to overwrite an active session unless `replace`."""
        ...

    # --- the index ------------------------------------------------------------------------------------------------
    def entry(self, session_id: str) -> Optional[IndexEntry]:
        """The session's current entry (active or archived), reading other processes' changes first."""
        ...

    def entries(self, state: Optional[State] = None, owner: Any = ANY) -> Iterator[tuple[str, IndexEntry]]:
        """Every entry (optionally one state and/or one owner; owner=None means sessions without an owner)."""
        ...

    def list_entries(
        self,
        *,
        state: Optional[State],
        owner: Any,
        created_before: Optional[float],
        search: Optional[str],
        sort: str,
        descending: bool,
        offset: int,
        limit: Optional[int],
    ) -> tuple[int, list[tuple[str, IndexEntry]]]:
        """A filtered, sorted page of entries and the number that matched (search: id or title substring)."""
        ...

    def cleanup_candidates(
        self, *, activated_before: float, idle_before: float, archived_before: float
    ) -> Iterator[tuple[str, IndexEntry]]:
        """The entries a cleanup pass must act on, as one index query: unpinned active sessions activated before
        `activated_before` or last active before `idle_before`, and unpinned archived sessions archived before
        `archived_before`. The cutoffs are the caller's policy; the store only answers (PostgreSQL with indexed SQL
        instead of a walk over every session)."""
        ...

    def aggregates(self) -> Aggregates: ...

    def least_recently_active(self, count: int) -> list[str]:
        """The `count` active sessions idle longest and not pinned (capacity eviction)."""
        ...

    def search(self, text: str, *, owner: Any = ANY, limit: int = 20, offset: int = 0) -> tuple[int, list[SearchHit]]:
        """Conversations (active and archived) whose messages or title contain the words of `text`, ranked, with
        the best matching snippet; (total matching, one page). The words are plain text (no query syntax): every
        word must match, as a word or a word's beginning. The search index is derived data: it may lag the
        conversations by a moment, never shows what is not stored, and is rebuilt when missing or damaged."""
        ...

    # --- archive, backups, removal --------------------------------------------------------------------------------
    def archive(self, items: list[ArchiveItem], day: str) -> dict[str, Outcome]:
        """Move sessions into the archive of `day` (YYYY-MM-DD), each only if still at `version`. Per id: Archived,
        SessionChanged (read again and retry), SessionNotFound, or another error. A crash leaves every session
        active, archived, or briefly both; never neither."""
        ...

    def read_archive(self, session_id: str, day: Optional[str] = None) -> Optional[tuple[dict, Location]]:
        """The newest archived document of a session (or the one of `day`) and where it is kept, or None."""
        ...

    def locate(self, session_id: str) -> Optional[State]:
        """Whether the session is stored at all, and as what ("active" wins when both briefly exist)."""
        ...

    def remove_archives(
        self, session_ids: Iterable[str], *, to_backups: bool = False
    ) -> dict[str, Optional[Exception]]:
        """Delete archived sessions (retention), or move them into the backups (`to_backups`). Per id: None (done),
        SessionNotFound (already gone) or the error."""
        ...

    def remove(self, session_id: str, backup: Optional[dict], reason: str, version: Any = None) -> Location:
        """Keep `backup` (a complete document) among the backups, then remove every copy of the session (active
        and archived) and its entry (backup=None: nothing is left to keep, e.g. a damaged archive set aside).
        `version` is what the caller read: the active session's version, or None when it found no active session;
        if that is no longer true, refuse with SessionChanged. Returns where the backup is kept (files: its path)."""
        ...

    def write_backup(self, document: dict, reason: str) -> Location:
        """Keep a document among the backups; returns where."""
        ...

    def backups(self) -> list[Backup]:
        """Every backup, oldest first."""
        ...

    def read_backup(self, name: str) -> dict: ...

    def remove_backups(self, names: Iterable[str]) -> None: ...

    # --- maintenance ----------------------------------------------------------------------------------------------
    def announce(self, messages: list[dict]) -> None:
        """Send notices (sessions/notices.py) to every process listening on this store; raises if they cannot go."""
        ...

    def listen(self, deliver: Callable[[dict], None], resync: Optional[Callable[[], None]] = None) -> Listening:
        """Start handing the notices announced on this store to `deliver`, in a thread of its own, and call `resync`
        when some may have been missed; returns what `stop()`s it (sessions.notices.Listening)."""
        ...

    def cleanup_lock(self, blocking: bool = True, *, scheduled: bool = False) -> AbstractContextManager[None]:
        """Held by a cleanup pass; across processes (files) or replicas (postgres). Raises errors.LockBusy when
        not blocking and another pass holds it, or (scheduled=True, a replica's timer) when another replica has
        already run this cleanup interval's scheduled pass."""
        ...

    def after_pass(self) -> dict[str, list[str]]:
        """Housekeeping at the end of a cleanup pass (files: remove what killed writers left behind, fold the index
        log, rotate a large audit log); returns what it removed, by kind."""
        ...

    def erase_traces(self) -> None:
        """Conversations were removed because their user asked for everything to go: make their words leave the
        store's derived data now, not at the next pass (files: fold the index log, which still holds their
        titles, and wait for the search index to rewrite itself without them)."""
        ...

    def read_state(self, name: str) -> dict:
        """A small named state document (cleanup record, alert start times); {} when there is none."""
        ...

    def update_state(self, name: str, change: Callable[[dict], dict]) -> dict:
        """Read-modify-write a state document atomically (other processes/replicas included)."""
        ...

    def quarantined(self) -> list[dict]:
        """What failed to load and was set aside: [{file, reason, quarantined_at}]."""
        ...

    def quarantine_count(self) -> int: ...

    def note_full(self) -> None:
        """Remember that the storage is out of space (raises the storage_full alert until a write succeeds)."""
        ...

    def space(self) -> dict[str, Optional[float]]:
        """{"free_bytes", "total_bytes": of the store's file system, None when unknown; "full_since": when a
        write last failed for lack of space (None once a write succeeds again)}."""
        ...

    def usage(self) -> dict[str, int]:
        """Bytes kept, by area (active, archive, logs, backups, quarantine, index)."""
        ...

    def reconcile(self) -> int:
        """Catch the index up with sessions a crash left unindexed; returns how many entries changed."""
        ...

    def verify(self, *, deep: bool = False, progress: Progress = None) -> dict: ...

    def rebuild_from_logs(self, log_dir: Optional[str], progress: Progress = None) -> dict:
        """Recreate active sessions from conversation logs (JSON lines, one file per session) in a folder."""
        ...

    def reindex(self, progress: Progress = None) -> dict: ...

    def probe(self) -> dict[str, dict]:
        """Health checks, each {"ok": bool, "detail"?: str}: storage_writable, index_consistent, locks_usable."""
        ...

    def close(self) -> None: ...
