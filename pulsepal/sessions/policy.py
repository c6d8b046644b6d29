"""When a session stops being active. Kept apart from storage so the rules read in one place:

- A session expires when it has been active longer than MAX_SESSION_DURATION_HOURS (counted from creation, or
  from its last restore) or idle longer than SESSION_INACTIVE_TIMEOUT_HOURS.
- Expired sessions are archived by the cleanup pass; an expired id given to `get_or_create_session` is archived
  on the spot and the caller gets a new session.
- At MAX_ACTIVE_SESSIONS, creating a session first archives the least recently active ones (1% of the limit at
  a time, at least one) so users are never refused and nothing is dropped.
- Archives older than SESSION_ARCHIVE_DAYS (by archiving time) are removed by the cleanup pass; backups older
  than SESSION_BACKUP_DAYS likewise (a user's own "delete all my data" backup after SESSION_ARCHIVE_DAYS).
"""

from __future__ import annotations

from typing import Optional

HOUR = 3600.0
DAY = 86400.0


def expiry_reason(activated_at: float, last_activity: float, now: float, settings) -> Optional[str]:
    if now - activated_at > settings.max_session_duration_hours * HOUR:
        return "max_duration"
    if now - last_activity > settings.session_inactive_timeout_hours * HOUR:
        return "inactive"
    return None


def expiry_cutoffs(now: float, settings) -> tuple[float, float]:
    """(activated before, last active before): a session with either time earlier than its cutoff is expired.
    Two comparisons per index entry let a pass screen 100,000 sessions in milliseconds."""
    return (now - settings.max_session_duration_hours * HOUR, now - settings.session_inactive_timeout_hours * HOUR)


def eviction_batch(active_count: int, max_active: int) -> int:
    """How many least-recently-active sessions to archive before creating one more."""
    if active_count < max_active:
        return 0
    return active_count - max_active + max(1, max_active // 100)


def archive_is_old(archived_at: float, now: float, days: float) -> bool:
    return now - archived_at > days * DAY


def backup_days(reason: str, settings) -> float:
    """How long a backup is kept. A user's "delete all my data" ("erase") is kept only as long as archives are
    (SESSION_ARCHIVE_DAYS), for the operator to undo a mistake; every other backup SESSION_BACKUP_DAYS."""
    return settings.session_archive_days if reason == "erase" else settings.session_backup_days
