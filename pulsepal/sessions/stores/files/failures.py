"""How the file store reports a failing disk: one engine error with a message fit for the user, the details (which
path, which errno) in the operator's log, and a remembered "full since" for the storage_full alert.

Every public method of FileStore goes through `translate_os_errors`, so no OSError (with its server path) escapes the
store to a chat window or an HTTP response, whichever call hit the disk first.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, TypeVar

from ...errors import StorageFull, storage_error

log = logging.getLogger("pulsepal.storage")
T = TypeVar("T")


def translate_os_errors(cls: type[T]) -> type[T]:
    for name, member in list(vars(cls).items()):
        if not name.startswith("_") and callable(member) and not isinstance(member, type):
            setattr(cls, name, _translating(name, member))
    return cls


def _translating(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except OSError as exc:
            error = storage_error(exc)
            log.error("session storage: %s failed: %s", name, exc)
            if isinstance(error, StorageFull):
                self.note_full()
            raise error from exc

    return call
