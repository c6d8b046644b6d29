"""How a store reports a failing disk or database: one engine error with a message fit for the user, the details
(which path, which errno, which SQLSTATE) in the operator's log, and a remembered "full since" for the storage_full
alert.

Every public method of a store goes through `translate_failures`, so no OSError or driver error (with its server path
or connection string) escapes to a chat window or an HTTP response, whichever call hit the storage first.
"""

from __future__ import annotations

import functools
import logging
from typing import Any, Callable, Optional, TypeVar

from ..errors import StorageError, StorageFull

log = logging.getLogger("pulsepal.storage")
T = TypeVar("T")
Classify = Callable[[BaseException], Optional[StorageError]]  # None: not a storage failure, let it through


def translate_failures(classify: Classify) -> Callable[[type[T]], type[T]]:
    def decorate(cls: type[T]) -> type[T]:
        for name, member in list(vars(cls).items()):
            if not name.startswith("_") and callable(member) and not isinstance(member, type):
                setattr(cls, name, _translating(name, member, classify))
        return cls

    return decorate


def _translating(name: str, method: Callable[..., Any], classify: Classify) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except StorageError:
            raise
        except Exception as exc:
            error = classify(exc)
            if error is None:
                raise
            log.error("session storage: %s failed: %s", name, exc)
            if isinstance(error, StorageFull):
                self.note_full()
            raise error from exc

    return call
