"""Back-off for failed sign-ins, per user name and per client address.

Each key (a user name, a client address) may fail LOGIN_FREE_FAILURES times freely; after that every further
failure doubles the wait before the key may try again (1 s, 2 s, 4 s, ...) up to LOGIN_BACKOFF_MAX_SECONDS. A quiet
spell forgets failures one per LOGIN_BACKOFF_MAX_SECONDS, and a successful sign-in forgets them at once. So a
guesser is slowed to about one attempt per user and per address per LOGIN_BACKOFF_MAX_SECONDS, while the real
user is never locked out for good: the longest they ever wait is that cap. An attempt refused while waiting (429
with Retry-After) is not checked and does not count, so the refusal says nothing about the password. An attempt is
checked and charged in one step before its password is looked at (and the charge given back unless it failed), so
guesses sent all at once meet the same limit as guesses sent one after the other. A success forgets the user name's
failures, not the address's (else anyone with an account could clear their address between guesses at others').

Chainlit's `/login` route hands our password hook only the name and password, so the back-off runs in the ASGI
layer (security.py calls `guard_login`), where the client address and the response status are both visible.
Without a database the state is per process and in memory (bounded; the least recently failed keys are dropped
first): a restart forgets it, which only ever helps the real user. With SESSION_DATABASE_URL it is kept in the
database (`SharedBackoff` over stores/postgres/logins.py), so every replica counts the same failures and a guesser
gains nothing by spreading attempts over them; its calls are queries, run off the event loop (`ask`).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time
from collections import OrderedDict
from typing import Any, Callable, Hashable, Optional

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_KEYS = 10_000
PRUNE_EVERY = 256  # failures counted by a SharedBackoff between two sweeps of the decayed rows


def decayed(failures: float, last: float, now: float, max_delay: float) -> float:
    """Failures still counted at `now`: one is forgotten per `max_delay` seconds of quiet."""
    quiet = max(0.0, now - last)
    return max(0.0, failures - math.floor(quiet / max_delay))


def delay_for(failures: float, free: int, base: float, max_delay: float) -> float:
    beyond = failures - free
    if beyond <= 0:
        return 0.0
    return min(base * 2 ** (beyond - 1), max_delay)


class Backoff:
    """Exponential, capped, decaying back-off per key; `monotonic` is injectable so tests can move time."""

    blocking = False  # in memory: cheap enough to call on the event loop

    def __init__(self, free: int, max_delay: float, *, base: float = 1.0,
                 monotonic: Callable[[], float] = time.monotonic, max_keys: int = MAX_KEYS) -> None:
        self.free = free
        self.max_delay = max_delay
        self.base = base
        self.monotonic = monotonic
        self.max_keys = max_keys
        self._state: "OrderedDict[Hashable, tuple[float, float]]" = OrderedDict()  # key -> (failures, last)
        self._guard = threading.Lock()

    def __len__(self) -> int:
        """How many keys are remembered (bounded by max_keys)."""
        return len(self._state)

    def _failures(self, key: Hashable, now: float) -> tuple[float, float]:
        failures, last = self._state.get(key, (0.0, now))
        return decayed(failures, last, now, self.max_delay), last

    def _delay(self, failures: float) -> float:
        return delay_for(failures, self.free, self.base, self.max_delay)

    def wait(self, key: Hashable) -> float:
        """Seconds until `key` may try again (0: now)."""
        with self._guard:
            now = self.monotonic()
            failures, last = self._failures(key, now)
            return max(0.0, last + self._delay(failures) - now)

    def failed(self, key: Hashable) -> None:
        with self._guard:
            now = self.monotonic()
            failures, _ = self._failures(key, now)
            self._state[key] = (failures + 1, now)
            self._state.move_to_end(key)
            while len(self._state) > self.max_keys:
                self._state.popitem(last=False)

    def succeeded(self, key: Hashable) -> None:
        with self._guard:
            self._state.pop(key, None)

    def reserve(self, key: Hashable) -> float:
        """Check and count in one step: the seconds to wait, or 0 with a failure counted for this attempt in
        advance (given back by `give_back` unless the attempt turns out to be a failure)."""
        with self._guard:
            now = self.monotonic()
            failures, last = self._failures(key, now)
            wait = max(0.0, last + self._delay(failures) - now)
            if wait > 0:
                return wait
            self._state[key] = (failures + 1, now)
            self._state.move_to_end(key)
            while len(self._state) > self.max_keys:
                self._state.popitem(last=False)
            return 0.0

    def give_back(self, key: Hashable, count: float = 1) -> None:
        with self._guard:
            if key in self._state:
                failures, last = self._state[key]
                if failures <= count:
                    del self._state[key]
                else:
                    self._state[key] = (failures - count, last)

    def take(self, key: Hashable) -> float:
        """Forget the key; returns the failures it still counted."""
        with self._guard:
            now = self.monotonic()
            failures, _ = self._failures(key, now)
            self._state.pop(key, None)
            return failures


class SharedBackoff:
    """Backoff's rule over rows every replica shares (a `LoginFailures` table). Time is the database's clock (read
    with the row), the one clock all replicas share: by their own clocks a replica running ahead would see others'
    failures as decayed. `clock` replaces it in tests. A clock set back never makes a wait longer than the rule's own
    delay for the key."""

    blocking = True  # every call is a query: callers on the event loop go through `ask`

    def __init__(self, table: Any, free: int, max_delay: float, *, base: float = 1.0,
                 clock: Optional[Callable[[], float]] = None) -> None:
        self.table = table
        self.free = free
        self.max_delay = max_delay
        self.base = base
        self.clock = clock
        self._counted = 0

    @staticmethod
    def _name(key: Hashable) -> str:
        kind, value = key if isinstance(key, tuple) else ("key", key)
        return f"{kind}:{value}"

    def _now(self, database_now: float) -> float:
        return self.clock() if self.clock is not None else database_now

    def _wait(self, pair: tuple[float, float], now: float) -> float:
        delay = delay_for(decayed(pair[0], pair[1], now, self.max_delay), self.free, self.base, self.max_delay)
        return min(delay, max(0.0, pair[1] + delay - now))

    def _counted_one(self) -> None:
        self._counted += 1
        if self._counted % PRUNE_EVERY == 0:  # keys whose failures all decayed: bounded without a job of its own
            self.table.prune(self.max_delay, self.clock() if self.clock is not None else None)

    def wait(self, key: Hashable) -> float:
        pair, database_now = self.table.read(self._name(key))
        return 0.0 if pair is None else self._wait(pair, self._now(database_now))

    def failed(self, key: Hashable) -> None:
        def fold(pair: tuple[float, float], database_now: float) -> tuple[float, float]:
            now = self._now(database_now)
            return decayed(pair[0], pair[1], now, self.max_delay) + 1, now

        self.table.change(self._name(key), fold)
        self._counted_one()

    def succeeded(self, key: Hashable) -> None:
        self.table.forget(self._name(key))

    def reserve(self, key: Hashable) -> float:
        """As Backoff.reserve, under the key's row lock: replicas checking the same key at once queue there."""
        waited: list[float] = []

        def fold(pair: tuple[float, float], database_now: float) -> tuple[float, float]:
            now = self._now(database_now)
            waited.append(self._wait(pair, now))
            return pair if waited[0] > 0 else (decayed(pair[0], pair[1], now, self.max_delay) + 1, now)

        self.table.change(self._name(key), fold)
        if not waited[0]:
            self._counted_one()
        return waited[0]

    def give_back(self, key: Hashable, count: float = 1) -> None:
        self.table.change(self._name(key), lambda pair, _now: (max(0.0, pair[0] - count), pair[1]))

    def take(self, key: Hashable) -> float:
        pair, database_now = self.table.take(self._name(key))
        return 0.0 if pair is None else decayed(pair[0], pair[1], self._now(database_now), self.max_delay)


async def ask(call: Callable[..., Any], *args: Any) -> Any:
    """Call a back-off's method from the event loop: in a worker thread when it is a query."""
    if getattr(getattr(call, "__self__", None), "blocking", False):
        return await asyncio.to_thread(call, *args)
    return call(*args)


def too_many(wait: float) -> JSONResponse:
    seconds = max(1, math.ceil(wait))
    return JSONResponse({"detail": f"too many failed sign-ins: try again in {seconds} s"}, 429,
                        headers={"Retry-After": str(seconds), "Cache-Control": "no-store"})


def _replay(body: bytes, then: Receive) -> Receive:
    """The already-read body once, then the connection's own messages (a real disconnect, when it comes)."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await then()

    return receive


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def _user_name(scope: Scope, body: bytes, receive: Receive) -> Optional[str]:
    try:
        form = await Request(scope, _replay(body, receive)).form()
    except Exception:  # noqa: BLE001 - an unparsable form: Chainlit answers it (422); no name to throttle by
        return None
    value = form.get("username")
    return value.strip().lower()[:128] if isinstance(value, str) and value.strip() else None


async def guard_login(backoff: "Backoff | SharedBackoff", address: str, scope: Scope, receive: Receive, send: Send,
                      app: ASGIApp) -> None:
    """Run Chainlit's POST /login behind the back-off. Each key is checked and charged a failure in one step
    before the password is looked at, so guesses sent all at once cannot all pass the check before any of them is
    counted; the charge is given back unless the answer is 401. A success forgets the user name's failures and,
    from the address's, only those made against that same name (the user's own typos): signing in to an account
    of one's own must not clear the way for guessing at others'."""
    address_key: Hashable = ("address", address)
    wait = await ask(backoff.reserve, address_key)
    if wait > 0:
        await too_many(wait)(scope, receive, send)
        return
    charged = [address_key]
    user_key: Optional[Hashable] = None
    pair_key: Optional[Hashable] = None  # this address's failures against this name: forgiven on its success
    settled = False
    try:
        body = await _read_body(receive)  # bounded: the caller's receive enforces MAX_REQUEST_BODY_BYTES
        name = await _user_name(scope, body, receive)
        if name is not None:
            user_key, pair_key = ("user", name), ("pair", f"{address} {name}")
            wait = await ask(backoff.reserve, user_key)
            if wait > 0:
                await too_many(wait)(scope, receive, send)  # not checked: the address's charge goes back (finally)
                return
            charged.append(user_key)

        async def watch(message: Message) -> None:
            # Settle before the response leaves: the wait then starts no later than the client hears the answer.
            nonlocal settled
            if message["type"] == "http.response.start" and not settled:
                settled = True
                status = message["status"]
                if status == 200:
                    await ask(backoff.give_back, address_key)
                    if user_key is not None and pair_key is not None:
                        await ask(backoff.succeeded, user_key)
                        own = await ask(backoff.take, pair_key)
                        if own:
                            await ask(backoff.give_back, address_key, own)
                elif status == 401 and pair_key is not None:
                    await ask(backoff.failed, pair_key)
                elif status != 401:  # not a verdict on the password (a malformed form, an error): no failure
                    for key in charged:
                        await ask(backoff.give_back, key)
            await send(message)

        await app(scope, _replay(body, receive), watch)
    finally:
        if not settled:  # refused while waiting, or no response started (the client left, an exception)
            for key in charged:
                await ask(backoff.give_back, key)
