"""The spec's one-liners (`python -c "from pulsepal.dependencies import SessionManager; SessionManager()...."`)
print what went wrong in one line, not a traceback: an engine error is an operator's mistake to fix (a wrong id,
a missing archive), and its message already says what to do."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Optional

from .errors import SessionError

_installed = False


def install_error_hook() -> None:
    global _installed
    if _installed:
        return
    previous = sys.excepthook

    def hook(kind: type[BaseException], exc: BaseException, tb: Optional[TracebackType]) -> None:
        if isinstance(exc, SessionError):
            print(f"error: {exc}", file=sys.stderr)
        else:
            previous(kind, exc, tb)

    sys.excepthook = hook
    _installed = True
