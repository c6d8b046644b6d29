"""What machines read: `/metrics` (Prometheus text exposition format 0.0.4) and the `/healthz` checks.

Both are polled every few seconds by monitoring, so they use only the index's running totals and
directory listings; no session file is opened.
"""

from __future__ import annotations

from typing import Any, Iterable


def _escape_label(value: Any) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return repr(float(value or 0.0))


def _family(name: str, kind: str, help_text: str, samples: Iterable[tuple[dict, Any]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        if labels:
            rendered = ",".join(f'{k}="{_escape_label(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{rendered}}} {_number(value)}")
        else:
            lines.append(f"{name} {_number(value)}")
    return lines


def prometheus_text(stats: dict, cleanup: dict, scheduler: dict) -> str:
    """`pulsepal_messages_total` is typed gauge: it sums the messages of sessions still stored, so it drops when
    archives are pruned, which a Prometheus counter must never do."""
    last = cleanup.get("last_run") or {}
    out: list[str] = []
    out += _family("pulsepal_sessions_active", "gauge", "Active sessions.", [({}, stats["active_count"])])
    out += _family("pulsepal_sessions_archived", "gauge", "Archived sessions.", [({}, stats["archived_count"])])
    out += _family("pulsepal_sessions_max_active", "gauge", "MAX_ACTIVE_SESSIONS.",
                   [({}, stats["max_active_sessions"])])
    out += _family("pulsepal_storage_bytes", "gauge", "Bytes held by active and archived sessions.",
                   [({}, stats["storage_bytes"])])
    out += _family("pulsepal_storage_limit_bytes", "gauge", "SESSION_STORAGE_LIMIT_MB in bytes.",
                   [({}, int(float(stats.get("storage_limit_mb", 0)) * 1024 * 1024))])
    out += _family("pulsepal_messages_total", "gauge", "Messages in stored sessions (drops when archives are pruned).",
                   [({}, stats["messages_total"])])
    out += _family("pulsepal_messages_last_hour", "gauge", "Messages recorded in the last hour.",
                   [({}, stats["messages_last_hour"])])
    out += _family("pulsepal_quarantined_files", "gauge", "Corrupted files moved to quarantine/.",
                   [({}, stats.get("quarantined_files", 0))])
    out += _family("pulsepal_cleanup_runs_total", "counter", "Cleanup passes carried out.",
                   [({}, int(cleanup.get("runs", 0)))])
    out += _family("pulsepal_cleanup_failures_total", "counter", "Cleanup passes that failed.",
                   [({}, int(cleanup.get("failures", 0)))])
    out += _family("pulsepal_cleanup_duration_seconds", "gauge", "Duration of the last cleanup pass.",
                   [({}, float(last.get("duration_seconds") or 0.0))])
    out += _family("pulsepal_cleanup_last_ok", "gauge", "1 if the last cleanup pass succeeded (1 before any pass).",
                   [({}, bool(last.get("ok", True)))])
    if scheduler.get("configured"):
        out += _family("pulsepal_scheduler_up", "gauge", "1 if the cleanup scheduler is running.",
                       [({}, bool(scheduler.get("running")))])
    out += _family("pulsepal_alerts", "gauge", "Alerts that hold now (1 per alert).",
                   [({"code": a["code"], "level": a["level"]}, 1) for a in stats.get("alerts", [])])
    return "\n".join(out) + "\n"


def health_checks(manager) -> dict:
    return manager.health()
