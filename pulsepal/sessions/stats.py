"""Stats and alerts, computed from the store's index aggregates and a few small state records, never by opening
session files.

`session_stats` is what dashboards poll, so it is O(1) in the number of sessions: counts, sizes, the sum of creation
times and the oldest session are kept up to date by the store as changes arrive. The other reports walk the index
(age distribution) or ask the store for its footprint (storage by area); they are for people, not polls.
"""

from __future__ import annotations

from typing import Optional

from ..clock import from_timestamp
from . import cleanup_state
from .core import Core
from .engine_time import JUMP_TOLERANCE_SECONDS
from .guard import span
from .store import ANY

MB = 1024 * 1024
FREE_SPACE_ALERT_BYTES = 64 * MB
AGE_BUCKETS = [(1, "<1h"), (6, "1-6h"), (12, "6-12h"), (24, "12-24h"), (48, "24-48h"), (float("inf"), ">48h")]


def _hours(seconds: float) -> float:
    return round(seconds / 3600.0, 2)


class Stats:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def session_stats(self) -> dict:
        agg = self.store.aggregates()
        now = self.core.clock.timestamp()
        active = agg.counts["active"]
        oldest = agg.oldest_active
        avg_age = (now - agg.created_sum_active / active) if active else 0.0
        storage_bytes = agg.sizes["active"] + agg.sizes["archived"]
        max_active = self.core.settings.max_active_sessions
        return {
            "active_count": active,
            "archived_count": agg.counts["archived"],
            "storage_mb": round(storage_bytes / MB, 3),
            "storage_bytes": storage_bytes,
            "avg_age_hours": _hours(avg_age),
            "oldest_session_id": oldest[0] if oldest else None,
            "oldest_age_hours": _hours(now - float(oldest[1]["created_at"])) if oldest else 0.0,
            "max_active_sessions": max_active,
            "active_percent": round(100.0 * active / max_active, 1),
            "messages_total": agg.messages_total,
            "messages_last_hour": agg.messages_since(now - 3600),
            "alerts": self.current_alerts(active=active, storage_bytes=storage_bytes),
        }

    def age_stats(self) -> dict:
        now = self.core.clock.timestamp()
        ages = sorted(now - float(e.get("created_at") or now) for _, e in self.store.entries("active"))
        buckets = {label: 0 for _, label in AGE_BUCKETS}
        for age in ages:
            for limit, label in AGE_BUCKETS:
                if age < limit * 3600:
                    buckets[label] += 1
                    break
        oldest = self.store.aggregates().oldest_active
        return {
            "count": len(ages),
            "avg_age_hours": _hours(sum(ages) / len(ages)) if ages else 0.0,
            "median_age_hours": _hours(ages[len(ages) // 2]) if ages else 0.0,
            "min_age_hours": _hours(ages[0]) if ages else 0.0,
            "max_age_hours": _hours(ages[-1]) if ages else 0.0,
            "oldest_session_id": oldest[0] if oldest else None,
            "buckets": buckets,
        }

    def storage_usage(self) -> dict:
        """Bytes kept per area, against SESSION_STORAGE_LIMIT_MB."""
        by_area = self.store.usage()
        total = sum(by_area.values())
        limit = self.core.settings.session_storage_limit_mb * MB
        return {
            "total_bytes": total,
            "total_mb": round(total / MB, 3),
            "by_area_bytes": by_area,
            "limit_mb": self.core.settings.session_storage_limit_mb,
            "percent_of_limit": round(100.0 * total / limit, 2),
        }

    def activity_metrics(self) -> dict:
        now = self.core.clock.timestamp()
        agg = self.store.aggregates()
        active_last_hour = active_last_day = 0
        for _, entry in self.store.entries("active"):
            idle = now - float(entry.get("last_activity") or 0)
            if idle <= 3600:
                active_last_hour += 1
            if idle <= 86400:
                active_last_day += 1
        return {
            "messages_last_hour": agg.messages_since(now - 3600),
            "messages_last_24h": agg.messages_since(now - 86400),
            "messages_last_7d": agg.messages_since(now - 7 * 86400),
            "messages_total": agg.messages_total,
            "sessions_active_last_hour": active_last_hour,
            "sessions_active_last_24h": active_last_day,
            "hourly_last_24h": [{"hour": from_timestamp(ts).isoformat(), "messages": n}
                                for ts, n in agg.hourly(now - 23 * 3600, now)],
            "hourly_last_7d": [{"hour": from_timestamp(ts).isoformat(), "messages": n}
                               for ts, n in agg.hourly(now - (7 * 24 - 1) * 3600, now)],
        }

    def stamps_ahead(self) -> Optional[str]:
        """How far the newest activity stamp lies ahead of now, when beyond the jump tolerance (else None). A
        session's activity is never before its creation, so the newest `last_activity` of each state answers for
        both; each is a one-row read of an ordering the store keeps (PostgreSQL: its (state, last_activity) index),
        so `session_stats`, which dashboards poll, stays cheap. `verify` walks every stamp of every entry
        (guard.future_stamps) and names the sessions, archive dates included."""
        newest = 0.0
        for state in ("active", "archived"):
            _, page = self.store.list_entries(state=state, owner=ANY, created_before=None, search=None,
                                              sort="last_activity", descending=True, offset=0, limit=1)
            if page:
                newest = max(newest, float(page[0][1].get("last_activity") or 0.0))
        ahead = newest - self.core.clock.timestamp()
        return span(ahead) if ahead > JUMP_TOLERANCE_SECONDS else None

    def current_alerts(self, *, active: Optional[int] = None, storage_bytes: Optional[int] = None) -> list[dict]:
        """Alerts that hold now, each with level, message and since-when."""
        settings = self.core.settings
        if active is None or storage_bytes is None:
            agg = self.store.aggregates()
            active = agg.counts["active"]
            storage_bytes = agg.sizes["active"] + agg.sizes["archived"]
        threshold = int(settings.max_active_sessions * settings.session_active_alert_ratio)
        conditions: dict[str, tuple[str, str]] = {}
        if active > threshold:
            conditions["high_active_sessions"] = (
                "critical" if active >= settings.max_active_sessions else "warning",
                f"{active} active sessions (alert above {threshold}, limit {settings.max_active_sessions})",
            )
        if storage_bytes > settings.session_storage_limit_mb * MB:
            conditions["storage_limit"] = (
                "critical",
                f"session storage {storage_bytes / MB:.1f} MB exceeds the limit of "
                f"{settings.session_storage_limit_mb:g} MB",
            )
        last = cleanup_state.load_cleanup_state(self.store).get("last_run")
        if last and not last.get("ok", True):
            first_error = (last.get("errors") or [{}])[0].get("error", "see the cleanup record")
            conditions["cleanup_failed"] = ("critical",
                                            f"the last cleanup at {last.get('started_at')} failed: {first_error}")
        if last and last.get("held"):
            first = last["held"][0]
            conditions["cleanup_held"] = (
                "critical",
                f"the cleanup at {last.get('started_at')} held {len(last['held'])} step(s): {first.get('held')}. "
                "Check the clock; then confirm on the admin page or run scripts/cleanup_sessions.py --force",
            )
        space = self.store.space()
        free, total = space.get("free_bytes"), space.get("total_bytes")
        low = free is not None and free < min(FREE_SPACE_ALERT_BYTES, 0.05 * (total or FREE_SPACE_ALERT_BYTES))
        if space.get("full_since") is not None or low:
            shown = f"{free / MB:.1f} MB free" if free is not None else "free space unknown"
            conditions["storage_full"] = ("critical", f"the session storage is full or nearly full ({shown}): new "
                                          "messages cannot be saved; free space or run a cleanup")
        ahead = self.stamps_ahead()
        if ahead is not None:
            conditions["future_stamps"] = ("warning", f"sessions carry times up to {ahead} ahead of the clock "
                                           "(written while it was set ahead): they will not expire, or be pruned, "
                                           "before then; `pulsepal sessions verify` lists them")
        quarantined = self.store.quarantine_count()
        if quarantined:
            conditions["corrupted_files"] = ("warning", f"{quarantined} corrupted file(s) set aside in quarantine/")
        since = cleanup_state.alert_starts(self.store, self.core.clock, sorted(conditions))
        return [{"code": code, "level": level, "message": message, "since": since[code]}
                for code, (level, message) in sorted(conditions.items())]
