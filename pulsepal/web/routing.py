"""Where our routes go in Chainlit's routing table: the one place that knows about its GET catch-all.

Chainlit registers `/{full_path:path}` (it serves the single-page UI) when `chainlit.server` is imported, so any GET
route added after it is shadowed (Chainlit issue #1819). Ours go just before it, after Chainlit's own routes (which
they must never shadow); a route that must win over one of Chainlit's own (the feedback route) goes to the front.
Both the chat server (server.py) and the admin module's stand-alone mounting use these, so the rule has one home.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI

CATCH_ALL = "/{full_path:path}"


def holds_catch_all(entry: Any) -> bool:
    """Whether a routing-table entry is (or, in newer FastAPI, is an included router that holds) the catch-all."""
    if getattr(entry, "path", None) == CATCH_ALL:
        return True
    inner = getattr(entry, "original_router", None)
    return inner is not None and any(holds_catch_all(route) for route in getattr(inner, "routes", []))


def move_before_catch_all(app: FastAPI, entries: list) -> None:
    """Move `entries` (already in the table) to just before the catch-all, keeping their order."""
    routes = app.router.routes
    for entry in entries:
        routes.remove(entry)
    position = next((i for i, entry in enumerate(routes) if holds_catch_all(entry)), len(routes))
    routes[position:position] = entries


def move_to_front(app: FastAPI, entries: list) -> None:
    """Move `entries` ahead of every other route (for the one route that must answer before Chainlit's own)."""
    routes = app.router.routes
    for entry in entries:
        routes.remove(entry)
    routes[0:0] = entries


def added_since(app: FastAPI, before: list) -> list:
    """The routing-table entries that were not in `before` (compared by identity, as routes have no equality)."""
    return [entry for entry in app.router.routes if not any(entry is old for old in before)]


def include_before_catch_all(app: FastAPI, router: APIRouter) -> list:
    """Include `router` and place its routes before the catch-all; returns the entries added."""
    before = list(app.router.routes)
    app.include_router(router)
    added = added_since(app, before)
    move_before_catch_all(app, added)
    return added
