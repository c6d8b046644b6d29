"""Helpers for issue 12's history features, tested through the real parts: `chainlit run app.py` on 127.0.0.1
(tests/chat/chat_harness.py), real HTTP requests and chat sockets, the real CLI in a subprocess, Debian's chromium.

`Site` is one running server in password mode with a few users (alice and bob chat, boss is an admin), plus the
ways a test talks to it: HTTP as a user, a chat socket as a user, the CLI on its storage, and an engine opened on
the same store from the test process (a second process on the store, as the CLI is).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Optional

import httpx
from chat_harness import REPO, ChatClient, ChatServer, login_password

USERS = ("alice", "bob", "carol", "dave", "boss")  # what every site has (boss is its admin)
# More people, for the shared site (conftest's `own_users_site`): a test that looks at the whole of a user's history
# (delete-all, the whole sidebar, a user's count) takes users no other test of that site signs in as
OWN_USERS = ("erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia")
PASSWORDS = {name: f"{name}-password-long" for name in USERS + OWN_USERS}
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


VIEWPORT = {"width": 1280, "height": 860}


def launch_chromium(pw):
    """Debian's chromium, headless, for a Playwright test (never a downloaded browser)."""
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)


def sign_in_page(context, site: "Site", name: str):
    """A new page of `context` signed in as `name` on the site's login form, its chat ready."""
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(site.base + "/login")
    page.locator("#email").fill(name)
    page.locator("#password").fill(PASSWORDS[name])
    page.locator("button[type=submit]").click()
    page.locator("#chat-settings-open-modal").wait_for()
    page.wait_for_load_state("networkidle")
    return page


class Site:
    def __init__(self, server: ChatServer) -> None:
        self.server = server
        self.base = server.base
        self.storage = server.storage
        self._tokens: dict[str, str] = {}
        self._managers: list = []

    def token(self, user: str) -> str:
        if user not in self._tokens:
            token = login_password(self.base, user, PASSWORDS[user])
            assert token, f"{user} could not sign in:\n{self.server.log()}"
            self._tokens[user] = token
        return self._tokens[user]

    def http(self, user: Optional[str] = None, **headers: str) -> httpx.Client:
        cookies = {"access_token": self.token(user)} if user else {}
        return httpx.Client(base_url=self.base, cookies=cookies, headers=headers, timeout=20)

    def chat(self, user: str) -> ChatClient:
        return ChatClient(self.base, self.token(user))

    async def conversation(self, user: str, *questions: str) -> tuple[str, ChatClient]:
        """A new chat of `user` with these questions asked; returns (thread id, the connected client)."""
        client = self.chat(user)
        await client.connect()
        for question in questions:
            await client.ask(question)
        assert client.thread_id, client.events[-10:]
        return client.thread_id, client

    def threads(self, user: str, search: Optional[str] = None) -> list[dict]:
        body = {"pagination": {"first": 50}, "filter": {"search": search} if search else {}}
        with self.http(user) as http:
            response = http.post("/project/threads", json=body)
        response.raise_for_status()
        return response.json()["data"]

    def engine(self):
        """A SessionManager on the server's store, from this process (closed at the end of the test)."""
        from pulsepal.sessions import SessionManager
        from pulsepal.settings import Settings

        manager = SessionManager(Settings(_env_file=None, session_storage_path=self.storage), actor="test")
        self._managers.append(manager)
        return manager

    def cli(self, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
        self.settle()
        return run_cli(self.storage, *args, stdin=stdin)

    def audit(self) -> list[dict]:
        return [json.loads(line) for line in (self.storage / "audit.log").read_text().splitlines() if line.strip()]

    def settle(self) -> None:
        while self._managers:
            self._managers.pop().close()


def run_cli(storage: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    storage.parent.mkdir(parents=True, exist_ok=True)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(storage.parent), "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "pulsepal.cli", "--storage", str(storage), *args], input=stdin,
                          capture_output=True, text=True, cwd=storage.parent, env=env, timeout=120)


def serving_site(workdir: Path, users: tuple = USERS, **env: str):
    """A fixture's body: a started site, killed once its tests are done (after its writes settled)."""
    site = start_site(workdir, users, **env)
    yield site
    site.settle()
    site.server.kill()


def start_site(workdir: Path, users: tuple = USERS, **env: str) -> Site:
    from pulsepal.web.users import add_user

    server = ChatServer(workdir, env={"AUTH_MODE": "password", "ADMIN_USERS": "boss", **env})
    for name in users:
        add_user(server.storage / "users.json", name, PASSWORDS[name], admin=name == "boss")
    server.start()
    return Site(server)








def run_of(client: ChatClient, since: int = 0) -> tuple[str, str]:
    """(run step id, answer id) of the latest answer the client received: Chainlit rates the run."""
    answers = [d for d in client.find("new_message", since) if isinstance(d, dict)
               and d.get("type") == "assistant_message"]
    assert answers, client.events[-10:]
    return answers[-1]["parentId"], answers[-1]["id"]


def system_texts(client: ChatClient, since: int = 0) -> list[str]:
    return [d["output"] for d in client.find("new_message", since) if isinstance(d, dict)
            and d.get("type") in ("system_message", "assistant_message")]





async def send(client: ChatClient, text: str, command: Optional[str] = None, timeout: float = 30) -> list[str]:
    """Send a message that is not a question (a command) and return what the app said back, once its task ended."""
    import uuid
    from datetime import datetime, timezone

    mark = len(client.events)
    message = {"threadId": "", "id": str(uuid.uuid4()), "name": "User", "type": "user_message", "output": text,
               "createdAt": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z")}
    if command:
        message["command"] = command
    await client.sio.emit("client_message", {"message": message, "fileReferences": []})
    await client.wait_for(lambda: any(e == "task_end" for e, _ in client.events[mark:]), timeout)
    return system_texts(client, mark)


def sent_actions(client: ChatClient) -> list[dict]:
    """The action buttons of the messages the app sent (Chainlit sends each as its own event)."""
    return [d for d in client.find("action") if isinstance(d, dict)]
