"""What every engine service is handed: the store, the settings, the clock, who is acting, and how to say so.

The manager builds one Core and gives it to each service (lifecycle, turns, archiving, cleanup, stats), so a service
depends on the storage seam's protocol and a handful of typed values, never on the manager or on another service's
private state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Optional

from ..clock import Clock
from ..settings import Settings
from . import policy
from .model import ConversationContext
from .store import SessionStore


@dataclass
class Core:
    store: SessionStore
    settings: Settings
    clock: Clock
    actor: str
    echo: Optional[Callable[[str], None]] = field(default=None)

    def now(self) -> datetime:
        return self.clock.now()

    def say(self, text: str) -> None:
        """Maintenance calls run as `python -c "..."` have no visible return value, so they say what they did."""
        if self.echo:
            self.echo(text)

    def record(self, action: str, session_id: Optional[str] = None, **detail: Any) -> None:
        self.store.audit.record(self.actor, action, session_id, **detail)

    def is_expired(self, ctx: ConversationContext) -> Optional[str]:
        if ctx.pinned:  # the user asked to keep it: it never expires
            return None
        return policy.expiry_reason(
            ctx.activated_at.timestamp(), ctx.last_activity.timestamp(), self.clock.timestamp(), self.settings
        )

    def not_active_message(self, session_id: str) -> str:
        entry = self.store.entry(session_id)
        if entry and entry.get("state") == "archived":
            return f"session {session_id!r} is archived; restore it first"
        return f"no session {session_id!r}"
