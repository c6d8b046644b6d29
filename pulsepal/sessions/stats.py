"""Stats and alerts, computed from the index and a few small state files, never by opening session files.

`session_stats` is what dashboards poll, so it is O(1) in the number of sessions: counts, sizes, the sum of
creation times and the oldest session are kept up to date by the index as changes arrive. The other reports walk
the index (age distribution) or the folders' directory entries (storage by area); they are for people, not polls.
"""

from __future__ import annotations

from typing import Optional

import orjson

from ..clock import from_timestamp
from . import files
from .rotation import load_cleanup_state

MB = 1024 * 1024
AGE_BUCKETS = [(1, "<1h"), (6, "1-6h"), (12, "6-12h"), (24, "12-24h"), (48, "24-48h"), (float("inf"), ">48h")]


def _hours(seconds: float) -> float:
    return round(seconds / 3600.0, 2)


def session_stats(manager) -> dict:
    index = manager.index
    index.refresh()
    now = manager.clock.timestamp()
    active = index.counts["active"]
    oldest = index.oldest_active()
    avg_age = (now - index.created_sum_active / active) if active else 0.0
    storage_bytes = index.sizes["active"] + index.sizes["archived"]
    max_active = manager.settings.max_active_sessions
    return {
        "active_count": active,
        "archived_count": index.counts["archived"],
        "storage_mb": round(storage_bytes / MB, 3),
        "storage_bytes": storage_bytes,
        "avg_age_hours": _hours(avg_age),
        "oldest_session_id": oldest[0] if oldest else None,
        "oldest_age_hours": _hours(now - float(oldest[1]["created_at"])) if oldest else 0.0,
        "max_active_sessions": max_active,
        "active_percent": round(100.0 * active / max_active, 1),
        "messages_total": index.messages_total,
        "messages_last_hour": index.messages_since(now - 3600),
        "alerts": current_alerts(manager, storage_bytes=storage_bytes),
    }


def age_stats(manager) -> dict:
    index = manager.index
    index.refresh()
    now = manager.clock.timestamp()
    ages = sorted(now - float(e.get("created_at") or now) for _, e in index.items("active"))
    buckets = {label: 0 for _, label in AGE_BUCKETS}
    for age in ages:
        for limit, label in AGE_BUCKETS:
            if age < limit * 3600:
                buckets[label] += 1
                break
    oldest = index.oldest_active()
    return {
        "count": len(ages),
        "avg_age_hours": _hours(sum(ages) / len(ages)) if ages else 0.0,
        "median_age_hours": _hours(ages[len(ages) // 2]) if ages else 0.0,
        "min_age_hours": _hours(ages[0]) if ages else 0.0,
        "max_age_hours": _hours(ages[-1]) if ages else 0.0,
        "oldest_session_id": oldest[0] if oldest else None,
        "buckets": buckets,
    }


def storage_usage(manager) -> dict:
    """Real bytes on disk per area (directory entries only), against SESSION_STORAGE_LIMIT_MB."""
    by_area = manager.store.folder_sizes()
    total = sum(by_area.values())
    limit = manager.settings.session_storage_limit_mb * MB
    return {
        "total_bytes": total,
        "total_mb": round(total / MB, 3),
        "by_area_bytes": by_area,
        "limit_mb": manager.settings.session_storage_limit_mb,
        "percent_of_limit": round(100.0 * total / limit, 2),
    }


def activity_metrics(manager) -> dict:
    index = manager.index
    index.refresh()
    now = manager.clock.timestamp()
    active_last_hour = active_last_day = 0
    for _, entry in index.items("active"):
        idle = now - float(entry.get("last_activity") or 0)
        if idle <= 3600:
            active_last_hour += 1
        if idle <= 86400:
            active_last_day += 1
    return {
        "messages_last_hour": index.messages_since(now - 3600),
        "messages_last_24h": index.messages_since(now - 86400),
        "messages_last_7d": index.messages_since(now - 7 * 86400),
        "messages_total": index.messages_total,
        "sessions_active_last_hour": active_last_hour,
        "sessions_active_last_24h": active_last_day,
        "hourly_last_24h": [
            {"hour": from_timestamp(ts).isoformat(), "messages": n}
            for ts, n in index.hourly_activity(now - 23 * 3600, now)
        ],
        "hourly_last_7d": [
            {"hour": from_timestamp(ts).isoformat(), "messages": n}
            for ts, n in index.hourly_activity(now - (7 * 24 - 1) * 3600, now)
        ],
    }


def current_alerts(manager, storage_bytes: Optional[int] = None) -> list[dict]:
    """Alerts that hold now, each with level, message and since-when (remembered in alerts.json)."""
    settings = manager.settings
    index = manager.index
    active = index.counts["active"]
    threshold = int(settings.max_active_sessions * settings.session_active_alert_ratio)
    if storage_bytes is None:
        storage_bytes = index.sizes["active"] + index.sizes["archived"]
    conditions: dict[str, tuple[str, str]] = {}
    if active > threshold:
        conditions["high_active_sessions"] = (
            "critical" if active >= settings.max_active_sessions else "warning",
            f"{active} active sessions (alert above {threshold}, limit {settings.max_active_sessions})",
        )
    if storage_bytes > settings.session_storage_limit_mb * MB:
        conditions["storage_limit"] = (
            "critical",
            f"session storage {storage_bytes / MB:.1f} MB exceeds the limit of {settings.session_storage_limit_mb:g} MB",
        )
    last = load_cleanup_state(manager).get("last_run")
    if last and not last.get("ok", True):
        first_error = (last.get("errors") or [{}])[0].get("error", "see cleanup.json")
        conditions["cleanup_failed"] = ("critical", f"the last cleanup at {last.get('started_at')} failed: {first_error}")
    quarantined = sum(1 for p in manager.store.quarantine_dir.iterdir() if p.name.endswith(".reason.json"))
    if quarantined:
        conditions["corrupted_files"] = (
            "warning",
            f"{quarantined} corrupted file(s) moved to {manager.store.quarantine_dir}",
        )
    return _with_since(manager, conditions)


def _with_since(manager, conditions: dict[str, tuple[str, str]]) -> list[dict]:
    path = manager.store.alerts_path
    now = manager.clock.now().isoformat()
    try:
        since = orjson.loads(files.read_bytes(path))
        if not isinstance(since, dict):
            since = {}
    except (FileNotFoundError, orjson.JSONDecodeError):
        since = {}
    updated = {code: since.get(code, now) for code in conditions}
    if updated != since:
        with files.locked(manager.store.named_lock("alerts")):
            files.atomic_write_bytes(path, orjson.dumps(updated))
    return [
        {"code": code, "level": level, "message": message, "since": updated[code]}
        for code, (level, message) in sorted(conditions.items())
    ]
