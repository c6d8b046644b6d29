"""What the admin page shows about people's history: search across every user, pins, share links, and feedback.

- Search: the same whole-history search the sidebar and `sessions list --search` use (`search_sessions`), here
  across all users (owner=None), optionally narrowed to one owner. Snippets are redacted by the index.
- Pins: how many conversations are pinned and how much they hold (pinned ones are exempt from expiry and
  retention, so this is storage the cleanup will never give back). Counted from the index, cached a few seconds.
- Shares: every share link with its owner, conversation, age and expiry; an admin may revoke any of them.
- Feedback: the helpful rate per day (a chart) and the most recent answers rated "not helpful", each with the
  question it answered and the user's comment: where whoever improves the answers should look first.

The routes follow admin_routes' conventions (GET reports for admins, POST actions with the CSRF token); the page
panels are server-rendered and escaped here, and admin.js only drives the search box and the revoke buttons.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Any, Callable, Optional

from fastapi import Depends, HTTPException, Request

from ..humanize import human_bytes
from ..sessions import InvalidSessionId
from ..sessions.ids import validate_new_session_id
from .admin_access import AdminConfig, config_of, engine_call, int_param, require_admin, require_admin_csrf
from .admin_charts import rate_chart

SEARCH_MAX_CHARS = 200
RECENT_SHOWN = 10


def _e(value: Any) -> str:
    return escape("" if value is None else str(value))


def _iso(timestamp: Optional[float]) -> Optional[str]:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat() if timestamp else None


# ------------------------------------------------------------------------------------------------- reports
def pinned_report(manager: Any) -> dict:
    count = size = 0
    for _, entry in manager.store.entries(None):
        if entry.get("pinned"):
            count += 1
            size += int(entry.get("size") or 0)
    return {"count": count, "bytes": size}


def shares_report(manager: Any) -> list[dict]:
    rows = []
    for share in manager.list_shares():
        row = manager.describe(share["session_id"]) or {}
        rows.append({"session_id": share["session_id"], "owner": share.get("owner"), "title": row.get("title"),
                     "state": row.get("state"), "created_at": _iso(share.get("created_at")),
                     "expires_at": _iso(share.get("expires_at")), "expired": bool(share.get("expired"))})
    return rows


def gather(manager: Any, cached: Callable[[str, Callable[[], Any]], Any]) -> dict:
    """Everything the page's history panels show, in one engine visit (the pin count is cached)."""
    return {"pinned": cached("pinned", lambda: pinned_report(manager)), "shares": shares_report(manager),
            "feedback": manager.feedback_summary()}


def _cached_for(config: AdminConfig, manager: Any) -> Callable[[str, Callable[[], Any]], Any]:
    return lambda name, compute: config.cache.get(f"{name}:{id(manager)}", compute)


# ---------------------------------------------------------------------------------------------------- routes
async def search(request: Request, _user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    text = (request.query_params.get("q") or "").strip()
    if not text:
        raise HTTPException(400, "give the words to search for (?q=...)")
    if len(text) > SEARCH_MAX_CHARS:
        raise HTTPException(400, f"q must be at most {SEARCH_MAX_CHARS} characters")
    owner = request.query_params.get("owner") or None
    limit = int_param(request, "limit", 50, 1, 200)
    offset = int_param(request, "offset", 0, 0, 100_000)
    return await engine_call(config.manager().search_sessions, text, owner=owner, limit=limit, offset=offset)


async def pins(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    manager = config.manager()
    return await engine_call(_cached_for(config, manager), "pinned", lambda: pinned_report(manager))


async def shares(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    return {"shares": await engine_call(shares_report, config.manager())}


async def revoke_share(session_id: str, _user: Any = Depends(require_admin_csrf),
                       config: AdminConfig = Depends(config_of)):
    try:
        session_id = validate_new_session_id(session_id)
    except InvalidSessionId as exc:
        raise HTTPException(400, str(exc)) from None
    revoked = await engine_call(config.manager().unshare_session, session_id)
    if not revoked:
        raise HTTPException(404, "this conversation is not shared")
    return {"ok": True, "session_id": session_id, "revoked": True}


async def feedback(_user: Any = Depends(require_admin), config: AdminConfig = Depends(config_of)):
    return await engine_call(config.manager().feedback_summary)


GET_ROUTES: list[tuple[str, Callable[..., Any]]] = [
    ("/admin/api/search", search),
    ("/admin/api/pins", pins),
    ("/admin/api/shares", shares),
    ("/admin/api/feedback", feedback),
]
ACTIONS: list[tuple[str, Callable[..., Any]]] = [("/admin/api/shares/{session_id}/revoke", revoke_share)]


# ------------------------------------------------------------------------------------------------------ page
def pinned_card(pinned: dict) -> tuple[str, str, str]:
    """(value, title, sub) for the summary card."""
    return (f"{pinned['count']:,}", "Pinned conversations",
            f"{_e(human_bytes(pinned['bytes']))}: never archived for inactivity, never pruned by retention")


def _when(iso: Optional[str], missing: str = "—") -> str:
    return _e(iso[:16].replace("T", " ") if iso else missing)


def _share_row(r: dict) -> str:
    expired = ' <span class="badge">expired</span>' if r["expired"] else ""
    return (f'<tr data-share="{_e(r["session_id"])}"><td><div class="title">{_e(r["title"] or "(untitled)")}</div>'
            f'<code class="muted">{_e(r["session_id"])}</code></td><td>{_e(r["owner"] or "—")}</td>'
            f'<td>{_when(r["created_at"])}</td><td>{_when(r["expires_at"], "never")}{expired}</td>'
            f'<td>{_e(r["state"] or "—")}</td><td><button class="btn small danger" type="button" '
            f'data-action="revoke" data-session="{_e(r["session_id"])}">Revoke</button></td></tr>')


def _shares_panel(rows: list[dict]) -> str:
    none = '<tr><td colspan="6" class="muted">No conversation is shared.</td></tr>'
    body = "".join(_share_row(r) for r in rows) or none
    return ('<section class="panel shares" data-panel="shares"><div class="panel-head"><h2>Shared links</h2>'
            f'<span class="muted">{len(rows):,} link(s); a revoked link stops working at once</span></div>'
            '<div class="table-wrap"><table class="data" id="shares-table"><thead><tr><th>Conversation</th>'
            '<th>Owner</th><th>Shared</th><th>Expires</th><th>State</th><th></th></tr></thead>'
            f"<tbody>{body}</tbody></table></div></section>")


def _not_helpful_item(n: dict) -> str:
    comment = f'<div class="c"><b>Comment:</b> {_e(n.get("comment"))}</div>' if n.get("comment") else ""
    return (f'<li class="feedback-item" data-session="{_e(n.get("session_id"))}" '
            f'data-message="{_e(n.get("message_id"))}"><div class="meta">{_when(n.get("at"))} · '
            f'<code>{_e(n.get("session_id"))}</code></div><div class="q"><b>Question:</b> {_e(n.get("question"))}'
            f'</div><div class="a"><b>Answer:</b> {_e(n.get("answer"))}</div>{comment}</li>')


def _feedback_panel(summary: dict) -> str:
    rate = summary.get("helpful_rate")
    headline = (f"{rate * 100:.0f}% helpful of {summary['rated']:,} rated answers" if rate is not None
                else "no answer has been rated yet")
    items = "".join(_not_helpful_item(n) for n in summary.get("recent_not_helpful", [])[:RECENT_SHOWN])
    listing = (f'<ol class="feedback-list" id="not-helpful">{items}</ol>' if items
               else '<p class="muted" id="not-helpful">No answer has been rated "not helpful".</p>')
    chart = rate_chart(summary.get("days", []), label="Helpful and not helpful ratings per day")
    return ('<section class="panel feedback" data-panel="feedback"><div class="panel-head"><h2>Answer feedback</h2>'
            f'<span class="muted" data-figure="helpful-rate">{_e(headline)}</span></div>'
            f'<figure class="chart-panel" data-chart="feedback">{chart}</figure>'
            '<h3 class="sub-head">Latest answers rated "not helpful"</h3>' + listing + "</section>")


SEARCH_PANEL = """
<section class="panel search" data-panel="search">
  <div class="panel-head"><h2>Search everyone's conversations</h2>
    <span id="search-total" class="muted">every message, active and archived (redacted)</span></div>
  <form id="search-form" class="toolbar" autocomplete="off">
    <input id="s-text" type="search" placeholder="Words from any message…" maxlength="200" aria-label="Search text">
    <input id="s-owner" type="search" placeholder="Owner (optional)" maxlength="200" aria-label="Owner">
    <button class="btn" type="submit">Search</button>
  </form>
  <div class="table-wrap"><table id="search-table" class="data" hidden>
    <thead><tr><th>Conversation</th><th>Owner</th><th>State</th><th>Match</th><th></th></tr></thead>
    <tbody></tbody></table></div>
</section>
"""


def render_panels(history: dict) -> str:
    return SEARCH_PANEL + _feedback_panel(history["feedback"]) + _shares_panel(history["shares"])
