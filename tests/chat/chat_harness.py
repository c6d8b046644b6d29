"""Drive a real `chainlit run app.py` the way a browser does, without a browser (used by tests and the bench).

`ChatServer` runs the app in a throw-away app root (symlinks to app.py and public/, copies of chainlit*.md and
.chainlit/) with its store in a temporary folder, so nothing is written into the repository. `ChatClient` speaks
Chainlit's socket.io protocol (see /work/shared/notes/chainlit-2.12.md) and records every event it receives.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Optional

import httpx
import socketio

REPO = Path(__file__).resolve().parents[2]
PYTHON_BIN = Path(sys.executable).parent
_RUNNING: dict[str, "ChatServer"] = {}  # base URL -> server, so login_local(base) can find the start-up token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_app_root(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name in ("app.py", "public"):
        link = root / name
        if not link.exists():
            link.symlink_to(REPO / name)
    for readme in REPO.glob("chainlit*.md"):  # copied: Chainlit refuses a translated readme outside the app root
        if not (root / readme.name).exists():
            shutil.copy(readme, root / readme.name)
    config_dir = root / ".chainlit"
    config_dir.mkdir(exist_ok=True)
    shutil.copy(REPO / ".chainlit" / "config.toml", config_dir / "config.toml")
    return root


class ChatServer:
    def __init__(self, workdir: Path, env: Optional[dict] = None, host: str = "127.0.0.1") -> None:
        self.workdir = Path(workdir)
        self.app_root = make_app_root(self.workdir / "approot")
        self.storage = self.workdir / "store" / "sessions"
        self.host = host
        self.port = free_port()
        self.extra_env = dict(env or {})
        self.proc: Optional[subprocess.Popen] = None
        self.log_path = self.workdir / "server.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("SESSION_", "MAX_", "CHAINLIT_", "AUTH_", "LLM_", "PULSEPAL_"))}
        env.update(
            PYTHONPATH=str(REPO),
            CHAINLIT_APP_ROOT=str(self.app_root),
            SESSION_STORAGE_PATH=str(self.storage),
            PATH=f"{PYTHON_BIN}:{env.get('PATH', '')}",
        )
        env.update(self.extra_env)
        return env

    def spawn(self) -> subprocess.Popen:
        log = open(self.log_path, "ab")
        return subprocess.Popen(
            [str(PYTHON_BIN / "chainlit"), "run", "app.py", "--headless", "--host", self.host,
             "--port", str(self.port)],
            cwd=self.app_root,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start(self, timeout: float = 60.0) -> "ChatServer":
        self.proc = self.spawn()
        return self.wait_up(timeout)

    def wait_up(self, timeout: float = 60.0) -> "ChatServer":
        """Wait for the spawned server's /health; raise with its log when it exits or does not come up in time."""
        assert self.proc is not None, "spawn() first"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}:\n{self.log()}")
            try:
                if httpx.get(self.base + "/health", timeout=1).status_code == 200:
                    _RUNNING[self.base] = self
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(f"server did not come up in {timeout} s:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hook, no flush; what survives is what was durable."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-6000:]
        except FileNotFoundError:
            return ""

    def local_token(self) -> str:
        """Local mode's start-up token, from the 0600 file the server keeps in its storage folder."""
        return (self.storage / "local_token").read_text().strip()

    def printed_url(self, timeout: float = 20.0) -> str:
        """The one-click address the server printed at start-up (local mode), as a person would copy it."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                text = self.log_path.read_text(errors="replace")
            except FileNotFoundError:
                text = ""
            found = re.findall(r"http://\S+/\?token=[A-Za-z0-9_-]+", text)
            if found:
                return found[-1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no start-up URL in the server log:\n{self.log()}")
            time.sleep(0.1)


def start_together(servers: list["ChatServer"], timeout: float = 120.0) -> list["ChatServer"]:
    """Start several servers at once: each start is mostly the child's imports, so their start-ups overlap instead
    of adding up. Kills the ones that did come up when another did not."""
    for server in servers:
        server.proc = server.spawn()
    try:
        for server in servers:
            server.wait_up(timeout)
    except BaseException:
        for server in servers:
            server.kill()
        raise
    return servers


# ---------------------------------------------------------------------------------------------------- auth
def login_local(base: str, token: Optional[str] = None) -> str:
    """Local mode: exchange the start-up token (read from the server's storage unless given) for the cookie,
    as the printed start-up link does in a browser."""
    if token is None:
        token = _RUNNING[base].local_token()
    response = httpx.get(base + "/", params={"token": token}, timeout=10)
    assert response.status_code == 303, response.text
    return response.cookies["access_token"]


def login_password(base: str, username: str, password: str) -> Optional[str]:
    response = httpx.post(base + "/login", data={"username": username, "password": password}, timeout=10)
    if response.status_code != 200:
        return None
    return response.cookies["access_token"]


def login_proxy(base: str, header: str, name: str) -> str:
    response = httpx.post(base + "/auth/header", headers={header: name}, timeout=10)
    response.raise_for_status()
    return response.cookies["access_token"]


# --------------------------------------------------------------------------------------------------- client
class ChatClient:
    def __init__(self, base: str, token: Optional[str], extra_headers: Optional[dict] = None,
                 local_address: Optional[str] = None) -> None:
        self.base = base
        self.token = token
        self.extra_headers = dict(extra_headers or {})
        self.local_address = local_address  # connect from this source address (e.g. 127.0.0.2: "another host")
        self._http = None
        self.sio: Optional[socketio.AsyncClient] = None
        self.events: list[tuple[str, object]] = []
        self._changed: Optional[asyncio.Event] = None
        self.session_id = str(uuid.uuid4())

    async def _on_any(self, event, data=None):
        self.events.append((event, data))
        if self._changed is not None:
            self._changed.set()

    async def connect(self, thread_id: str = "", *, wait_for: str = "chat_settings", timeout: float = 20) -> None:
        self._changed = asyncio.Event()
        options = {}
        if self.local_address:
            import aiohttp

            self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(self.local_address, 0)))
            options["http_session"] = self._http
        self.sio = socketio.AsyncClient(reconnection=False, **options)
        self.sio.on("*", self._on_any)
        headers = dict(self.extra_headers)
        if self.token:
            headers["Cookie"] = f"access_token={self.token}"
        await self.sio.connect(
            self.base,
            socketio_path="/ws/socket.io",
            transports=["websocket"],
            headers=headers,
            auth={"clientType": "webapp", "sessionId": self.session_id, "threadId": thread_id, "userEnv": "{}",
                  "chatProfile": ""},
            wait_timeout=timeout,
        )
        await self.sio.emit("connection_successful")
        if wait_for:  # the hook's own task ends after it has sent the settings panel
            await self.wait_for(lambda: self._after(wait_for, "task_end", 0), timeout)

    def _after(self, first: str, then: str, since: int) -> bool:
        names = [event for event, _ in self.events[since:]]
        if first not in names:
            return False
        return then in names[names.index(first) + 1:]

    def _reply_done(self, since: int) -> bool:
        for i in range(since, len(self.events)):
            event, data = self.events[i]
            if event == "new_message" and isinstance(data, dict) and data.get("type") == "assistant_message":
                return any(e == "task_end" for e, _ in self.events[i + 1:])
        return False

    def find(self, name: str, since: int = 0) -> list:
        return [data for event, data in self.events[since:] if event == name]

    async def wait_for(self, predicate: Callable[[], object], timeout: float = 20):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"timed out; events so far: {[e for e, _ in self.events][-30:]}")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), remaining)
            except asyncio.TimeoutError:
                pass

    async def ask(self, text: str, timeout: float = 30, command: Optional[str] = None) -> str:
        """Send a message; return the assistant's final text once the server has finished the task."""
        mark = len(self.events)
        message = {"threadId": "", "id": str(uuid.uuid4()), "name": "User", "type": "user_message", "output": text,
                   "createdAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}
        if command:
            message["command"] = command
        await self.sio.emit("client_message", {"message": message, "fileReferences": []})
        await self.wait_for(lambda: self._reply_done(mark), timeout)
        replies = [d for d in self.find("new_message", mark) + self.find("update_message", mark)
                   if isinstance(d, dict) and d.get("type") == "assistant_message"]
        return replies[-1]["output"] if replies else ""

    async def change_settings(self, values: dict) -> None:
        await self.sio.emit("chat_settings_change", values)

    async def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            await self.sio.disconnect()
        elif self.sio is not None:  # a refused connect leaves the client's own HTTP session open
            http = getattr(self.sio.eio, "http", None)
            if http is not None and not http.closed and self._http is None:
                await http.close()
        if self._http is not None:
            await self._http.close()
            self._http = None

    @property
    def thread_id(self) -> Optional[str]:
        for data in self.find("first_interaction"):
            if isinstance(data, dict) and data.get("thread_id"):
                return data["thread_id"]
        return None
