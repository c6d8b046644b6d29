"""The `/admin` page as server-rendered HTML.

Numbers, alerts and charts are rendered here from one gathering of the engine's reports, so the page is
complete (and testable) before any script runs; the small hand-written admin.js only drives the parts that
change on request: the sessions table, per-session actions and the cleanup preview. No inline scripts or
styles, so the page runs under a strict Content-Security-Policy.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any, Optional

from ..humanize import human_bytes
from .admin_charts import bar_chart, gauge_bar, hbar_chart, series_chart
from .admin_history import pinned_card, render_panels

MB = 1024 * 1024
STORAGE_AREAS = ("active", "archive", "logs", "backups", "quarantine", "index")


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def fmt_hours(hours: float) -> str:
    if hours < 1:
        return f"{hours * 60:.0f} min"
    if hours < 48:
        return f"{hours:.1f} h"
    return f"{hours / 24:.1f} d"


def _parse(iso: Optional[str]) -> Optional[datetime]:
    if not iso:
        return None
    try:
        return datetime.fromisoformat(str(iso))
    except ValueError:
        return None


def fmt_when(iso: Optional[str], now: datetime) -> str:
    """'2026-01-15 12:00 UTC (3 h ago)': absolute for the record, relative for a glance."""
    when = _parse(iso)
    if when is None:
        return "—"
    delta = (now - when).total_seconds() / 3600
    rel = f"in {fmt_hours(-delta)}" if delta < 0 else "just now" if delta < 1 / 60 else f"{fmt_hours(delta)} ago"
    return f"{when.strftime('%Y-%m-%d %H:%M')} UTC ({rel})"


def _card(key: str, title: str, value: str, sub: str, *, extra: str = "", tone: str = "") -> str:
    return (
        f'<div class="card {tone}" data-card="{key}"><div class="card-title">{_e(title)}</div>'
        f'<div class="card-value">{value}</div><div class="card-sub">{sub}</div>{extra}</div>'
    )


def _cards(data: dict) -> str:
    s, ages, activity = data["stats"], data["ages"], data["activity"]
    limit_bytes = float(s["storage_limit_mb"]) * MB
    storage_pct = 100.0 * s["storage_bytes"] / limit_bytes if limit_bytes else 0.0
    disk = data["storage"].get("total_bytes", 0)
    oldest_id = s.get("oldest_session_id")
    quarantined = s.get("quarantined_files", 0)
    cards = [
        _card("active", "Active sessions", f"{s['active_count']:,}",
              f"{s['active_percent']:g}% of {s['max_active_sessions']:,} (MAX_ACTIVE_SESSIONS)",
              extra=gauge_bar(s["active_percent"]), tone="warn" if s["active_percent"] >= 90 else ""),
        _card("archived", "Archived sessions", f"{s['archived_count']:,}", "kept in archive/ until pruned"),
        _card("storage", "Session storage", _e(human_bytes(s["storage_bytes"])),
              f"active and archived sessions: {storage_pct:.1f}% of the {s['storage_limit_mb']:g} MB limit "
              "(SESSION_STORAGE_LIMIT_MB, what the storage alert counts)",
              extra=gauge_bar(storage_pct) + f'<div class="card-sub" data-figure="disk">{_e(human_bytes(disk))} '
              "on disk in all folders, logs and backups included (measured every 10 s)</div>",
              tone="warn" if storage_pct >= 90 else ""),
        _card("avg_age", "Average age", _e(fmt_hours(s["avg_age_hours"])),
              f"median {_e(fmt_hours(ages.get('median_age_hours', 0.0)))} of active sessions"),
        _card("oldest", "Oldest session", _e(fmt_hours(s["oldest_age_hours"])) if oldest_id else "—",
              f'<code>{_e(oldest_id[:8])}…</code>' if oldest_id else "no active sessions"),
        _card("messages_hour", "Messages · last hour", f"{s['messages_last_hour']:,}",
              f"{activity.get('sessions_active_last_hour', 0):,} sessions active"),
        _card("messages_day", "Messages · last 24 h", f"{activity.get('messages_last_24h', 0):,}",
              f"{activity.get('messages_last_7d', 0):,} in 7 days · {s['messages_total']:,} stored"),
        _card("quarantined", "Quarantined files", f"{quarantined:,}",
              "corrupted files set aside" if quarantined else "no corrupted files",
              tone="warn" if quarantined else ""),
    ]
    if "history" in data:
        value, title, sub = pinned_card(data["history"]["pinned"])
        cards.insert(2, _card("pinned", title, value, sub))
    return '<section class="cards" aria-label="Summary">' + "".join(cards) + "</section>"


def _alerts(alerts: list[dict], now: datetime) -> str:
    if not alerts:
        return '<section class="alerts"><div class="alert ok" data-alert="none">No alerts — all clear.</div></section>'
    items = []
    for a in alerts:
        level = a.get("level", "warning")
        items.append(
            f'<div class="alert {_e(level)}" data-alert="{_e(a.get("code"))}" role="alert">'
            f'<span class="badge {_e(level)}">{_e(level)}</span>'
            f'<span class="alert-msg">{_e(a.get("message"))}</span>'
            f'<span class="alert-since">since {_e(fmt_when(a.get("since"), now))}</span></div>'
        )
    return '<section class="alerts" aria-label="Alerts">' + "".join(items) + "</section>"


def _hour_label(iso: str) -> str:
    when = _parse(iso)
    return when.strftime("%H:00") if when else iso


def _day_label(iso: str) -> str:
    when = _parse(iso)
    return when.strftime("%a %d") if when else iso


def _charts(data: dict) -> str:
    ages = data["ages"]["buckets"]
    hourly = [(p["hour"], p["messages"]) for p in data["activity"].get("hourly_last_24h", [])]
    weekly = [(p["hour"], p["messages"]) for p in data["activity"].get("hourly_last_7d", [])]
    by_area = data["storage"].get("by_area_bytes", {})
    areas = [(a, by_area.get(a, 0)) for a in STORAGE_AREAS if a in by_area]
    # start the week's ticks on a midnight so the labels name whole days
    first_midnight = next((i for i, (iso, _) in enumerate(weekly) if iso[11:13] == "00"), 0)
    panels = [
        ("ages", "Session age distribution", f"{data['ages'].get('count', 0):,} active sessions",
         bar_chart(list(ages), list(ages.values()), label="Active sessions by age")),
        ("storage", "Storage by folder", f"{human_bytes(data['storage'].get('total_bytes', 0))} on disk",
         hbar_chart(areas, label="Bytes on disk per folder")),
        ("activity24", "Messages per hour · last 24 h", f"{sum(v for _, v in hourly):,} messages",
         series_chart(hourly, label="Messages per hour, last 24 hours", tick_every=3, tick_format=_hour_label)),
        ("activity7d", "Messages per hour · last 7 days", f"{sum(v for _, v in weekly):,} messages",
         series_chart(weekly[first_midnight:] if first_midnight else weekly, label="Messages per hour, last 7 days",
                      tick_every=24, tick_format=_day_label, bars=False)),
    ]
    html = []
    for key, title, note, svg in panels:
        html.append(
            f'<figure class="panel chart-panel" data-chart="{key}"><figcaption><span>{_e(title)}</span>'
            f'<span class="muted">{_e(note)}</span></figcaption>{svg}</figure>'
        )
    return '<section class="charts">' + "".join(html) + "</section>"


def _counts(counts: dict) -> str:
    if not counts:
        return '<span class="muted">nothing to do</span>'
    return " ".join(f'<span class="chip">{_e(k.replace("_", " "))}: <b>{int(v):,}</b></span>'
                    for k, v in sorted(counts.items()))


def _scheduler(data: dict) -> str:
    now, sched, state = data["now"], data["scheduler"], data["cleanup"]
    last = state.get("last_run")
    if not sched.get("configured"):
        status = '<span class="badge muted">not running in this process</span>'
    elif sched.get("running"):
        status = '<span class="badge ok">running</span>'
    else:
        status = '<span class="badge critical">stopped</span>'
    rows = [
        ("Scheduler", status),
        ("Interval", f"every {data['interval_minutes']:g} min"),
        ("Next run", _e(fmt_when(sched.get("next_run"), now)) if sched.get("next_run") else "—"),
    ]
    if last:
        badge = '<span class="badge ok">ok</span>' if last.get("ok") else '<span class="badge critical">failed</span>'
        rows += [
            ("Last run", f'{_e(fmt_when(last.get("started_at"), now))} {badge}'),
            ("Duration", f'{float(last.get("duration_seconds") or 0):.2f} s'),
            ("Did", _counts(last.get("counts") or {})),
        ]
        errors = last.get("errors") or []
        if errors:
            items = "".join(f"<li><code>{_e(e.get('session_id') or e.get('action'))}</code> {_e(e.get('error'))}</li>"
                            for e in errors[:10])
            rows.append(("Errors", f'<ul class="errors">{items}</ul>'))
    else:
        rows.append(("Last run", '<span class="muted">no cleanup has run yet</span>'))
    rows.append(("Totals", f'{int(state.get("runs", 0)):,} runs · {int(state.get("failures", 0)):,} failed'))
    table = "".join(f"<tr><th>{_e(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        '<section class="panel scheduler" data-panel="scheduler"><div class="panel-head"><h2>Cleanup scheduler</h2>'
        '<button id="cleanup-preview-btn" class="btn">Run cleanup now…</button></div>'
        f'<table class="kv">{table}</table>'
        '<div id="cleanup-preview" class="preview" hidden></div></section>'
    )


BRAND = '<div class="brand"><span class="logo" aria-hidden="true"></span>PulsePal <span class="sub">Admin</span></div>'
SESSIONS_PANEL = """
<section class="panel sessions" data-panel="sessions">
  <div class="panel-head"><h2>Sessions</h2><span id="sessions-total" class="muted"></span></div>
  <form id="sessions-form" class="toolbar" autocomplete="off">
    <input id="f-search" type="search" placeholder="Search title or id…" maxlength="200" aria-label="Search">
    <select id="f-state" aria-label="State">
      <option value="all">All states</option><option value="active">Active</option>
      <option value="archived">Archived</option>
    </select>
    <select id="f-sort" aria-label="Sort by">
      <option value="last_activity">Last activity</option><option value="age">Age</option>
      <option value="size">Size</option><option value="messages">Messages</option>
      <option value="created_at">Created</option>
    </select>
    <select id="f-order" aria-label="Order">
      <option value="desc">Descending</option><option value="asc">Ascending</option>
    </select>
    <select id="f-limit" aria-label="Page size">
      <option>25</option><option selected>50</option><option>100</option>
    </select>
  </form>
  <div class="table-wrap">
  <table id="sessions-table" class="data">
    <thead><tr><th>Session</th><th>Owner</th><th>State</th><th>Created</th><th>Last activity</th>
      <th class="num">Msgs</th><th class="num">Size</th><th>Actions</th></tr></thead>
    <tbody><tr><td colspan="8" class="muted">Loading…</td></tr></tbody>
  </table>
  </div>
  <div class="pager">
    <button id="page-prev" class="btn small" type="button">← Previous</button>
    <span id="page-info" class="muted"></span>
    <button id="page-next" class="btn small" type="button">Next →</button>
  </div>
</section>
<dialog id="dialog"><div class="dialog-head"><h3 id="dialog-title"></h3>
  <button id="dialog-close" class="btn small ghost" type="button" aria-label="Close">✕</button></div>
  <div id="dialog-body"></div></dialog>
<div id="toast" role="status" hidden></div>
"""


def render_page(data: dict, *, user: str, csrf_token: str) -> str:
    now = data["now"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="csrf-token" content="{_e(csrf_token)}">
<title>PulsePal · Admin</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin/static/admin.css">
<script src="/admin/static/admin.js" defer></script>
</head><body>
<header class="topbar">{BRAND}
<nav><span class="muted">Signed in as <b>{_e(user)}</b></span>
<a href="/admin">Refresh</a><a href="/metrics">Metrics</a><a href="/healthz">Health</a>
<a href="/">Chat</a></nav></header>
<main>
<div class="updated muted">Figures as of {_e(now.strftime('%Y-%m-%d %H:%M:%S'))} UTC</div>
{_alerts(data["stats"].get("alerts", []), now)}
{_cards(data)}
{_charts(data)}
{_scheduler(data)}
{render_panels(data["history"]) if "history" in data else ""}
{SESSIONS_PANEL}
</main></body></html>"""


SIGN_IN = {
    # mode: (what to do, button label, button target)
    "local": ("PulsePal runs in local single-user mode. Open the link PulsePal printed in its terminal when it "
              "started: it signs you in. Then come back to this page.", "Open the chat", "/"),
    "password": ("Sign in with your PulsePal account (an admin account), then come back to this page.",
                 "Sign in", "/login"),
    "proxy": ("This server signs you in through the sign-in proxy in front of it. Open PulsePal through that "
              "address, not directly, then come back to this page.", "Open the chat", "/"),
}


def render_denied(status: int, mode: Optional[str] = None) -> str:
    """The way in, styled like the admin page. Says how to sign in for the server's mode and nothing about which
    users or sessions exist."""
    if status == 401:
        title = "Sign in to open the admin page"
        text, label, target = SIGN_IN.get(mode or "", ("Sign in to PulsePal first, then come back to this page.",
                                                       "Go to the chat", "/"))
    else:
        title = "Admins only"
        text, label, target = ("The account you are signed in with is not an admin. An operator can make it one "
                               "(ADMIN_USERS, or `pulsepal users add NAME --admin --replace`).", "Back to the chat",
                               "/")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>PulsePal · {_e(title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/admin/static/admin.css">
</head><body class="denied">
<header class="topbar">{BRAND}</header>
<main><section class="panel signin" data-status="{status}"><h1>{_e(title)}</h1><p>{_e(text)}</p>
<p><a class="btn solid" id="signin-action" href="{_e(target)}">{_e(label)}</a></p></section></main>
</body></html>"""
