"""Fixtures for the admin tests: one real uvicorn server on 127.0.0.1 for the whole run, serving the admin
router with a test resolver (X-Test-User / X-Test-Admin headers), and a fresh on-disk store per test seeded with
real sessions through the engine, some of them made days ago with a FakeClock.

The server reads the current test's manager and scheduler state through a holder, so each test sees only its
own store while the server starts once.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Optional

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request

from pulsepal.clock import FakeClock
from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings
from pulsepal.web.admin import CSRF_HEADER, build_admin_router

ADMIN = {"X-Test-User": "root", "X-Test-Admin": "1"}
USER = {"X-Test-User": "bob"}
OTHER_ADMIN = {"X-Test-User": "alice-admin", "X-Test-Admin": "1"}


@dataclass
class FakeUser:
    identifier: str
    is_admin: bool


async def header_user(request: Request) -> Optional[FakeUser]:
    name = request.headers.get("x-test-user")
    if not name:
        return None
    return FakeUser(name, request.headers.get("x-test-admin") == "1")


@dataclass
class Holder:
    manager: Optional[SessionManager] = None
    scheduler: dict = field(default_factory=dict)
    cleanup_calls: int = 0


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


def make_app(holder: Holder, *, with_scheduler: bool = True) -> FastAPI:
    app = FastAPI()

    def scheduler_info() -> dict:
        return dict(holder.scheduler)

    def run_cleanup():
        holder.cleanup_calls += 1
        return holder.manager.cleanup(dry_run=False, wait=False)

    app.include_router(build_admin_router(
        header_user, lambda: holder.manager,
        scheduler_info if with_scheduler else None,
        run_cleanup if with_scheduler else None,
    ))

    @app.get("/ping")
    async def ping():
        return {"ok": True}

    return app


@pytest.fixture(scope="session")
def holder() -> Holder:
    return Holder()


@pytest.fixture(scope="session")
def live_server(holder):
    with LiveServer(make_app(holder)) as server:
        yield server


class Seeded:
    """What the seed fixture put on disk, to compare the page and API against."""

    def __init__(self, manager: SessionManager, clock: FakeClock) -> None:
        self.manager = manager
        self.clock = clock
        self.ids: dict[str, str] = {}


def seed_sessions(manager: SessionManager, clock: FakeClock) -> Seeded:
    """Seven sessions of different ages and sizes, one archived; messages spread over the last days."""
    seeded = Seeded(manager, clock)
    now = clock.now()
    plan = [  # name, created hours ago, owner, messages, title
        ("ancient", 60, "alice", 4, "Spin echo TE question"),
        ("old", 30, "alice", 2, "EPI readout gradients"),
        ("day", 20, "bob", 6, "Gradient echo with spoiling"),
        ("recent", 5, "bob", 3, "makeTrapezoid flat time"),
        ("fresh", 0.5, "carol", 2, "Diffusion weighting b-value"),
        ("newest", 0.1, "carol", 1, "Radial trajectory"),
        ("gone", 40, "dave", 2, "Archived turbo spin echo"),
    ]
    for name, hours, owner, count, title in plan:
        clock.set(now - timedelta(hours=hours))
        sid = manager.create_session(owner)
        manager.update_session(sid, title=title)
        for i in range(count):
            clock.advance(minutes=2)
            role = "user" if i % 2 == 0 else "assistant"
            manager.add_message(sid, role, f"{title}: message {i} about mr.makeTrapezoid")
        seeded.ids[name] = sid
    clock.set(now)
    manager.archive_session(seeded.ids["gone"], reason="test")
    return seeded


@pytest.fixture
def store(tmp_path, holder, live_server) -> Seeded:
    clock = FakeClock()
    settings = Settings(_env_file=None, session_storage_path=tmp_path / "sessions", max_active_sessions=10)
    manager = SessionManager(settings, clock=clock, actor="test")
    seeded = seed_sessions(manager, clock)
    holder.manager = manager
    holder.scheduler = {"running": True, "next_run": (clock.now() + timedelta(minutes=42)).isoformat(),
                        "interval_minutes": 60}
    holder.cleanup_calls = 0
    return seeded


@pytest.fixture
def client(live_server, store):
    with httpx.Client(base_url=live_server.url, timeout=30) as c:
        yield c


@pytest.fixture
def csrf(client) -> str:
    response = client.get("/admin/api/csrf", headers=ADMIN)
    assert response.status_code == 200
    return response.json()["token"]


def post(client: httpx.Client, path: str, token: Optional[str], json: Any = None, headers=None) -> httpx.Response:
    h = dict(headers or ADMIN)
    if token is not None:
        h[CSRF_HEADER] = token
    return client.post(path, headers=h, json=json if json is not None else {})
