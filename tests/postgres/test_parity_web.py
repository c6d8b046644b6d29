"""Our HTTP routes and Chainlit's (through our data layer) on the PostgreSQL store, good and bad input: the statuses
the file store gives (the tests in tests/history, tests/web and tests/security pin those), and never a 5xx.

A sweep of 107 requests against a seeded file store and a seeded database found the two alike; this keeps them so
with one `chainlit run` on a real database for the module (the admin routes have tests/admin/test_admin_on_postgres).
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timezone

import httpx
import pytest

from pulsepal.clock import FakeClock
from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings

from ..chat.chat_harness import ChatServer, login_local
from .pg_harness import server, why_unavailable

UNKNOWN, BAD = str(uuid.uuid4()), "NOT-A-UUID"


def _seed(storage, url) -> dict:
    manager = SessionManager(Settings(_env_file=None, session_storage_path=storage, session_database_url=url),
                             clock=FakeClock(datetime.now(timezone.utc)), actor="test")
    try:
        ids = {}
        for name, owner in (("mine", "local"), ("archived", "local"), ("gone", "local"), ("bob", "bob")):
            ids[name] = manager.create_session(owner)
            manager.update_session(ids[name], title=f"{name} gradients")
            manager.add_message(ids[name], "user", "How do I use mr.makeTrapezoid?")
            manager.add_message(ids[name], "assistant", "mr.makeTrapezoid('x', 'Area', 1000)")
        manager.archive_session(ids["archived"], reason="test")
        manager.share_session(ids["mine"], owner="local")
        history = manager.get_session(ids["mine"]).conversation_history
        ids["answer"], ids["question"] = history[1].id, history[0].id
        ids["bob_answer"] = manager.get_session(ids["bob"]).conversation_history[1].id
        return ids
    finally:
        manager.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    url = server().fresh_database("web")
    chat = ChatServer(tmp_path_factory.mktemp("parity-web"),
                      env={"SESSION_DATABASE_URL": url, "CHAINLIT_AUTH_SECRET": secrets.token_urlsafe(48)})
    ids = _seed(chat.storage, url)
    chat.start()
    try:
        token = login_local(chat.base)
        with httpx.Client(base_url=chat.base, cookies={"access_token": token}, headers={"Origin": chat.base},
                          timeout=60) as client:
            yield client, ids, chat
    finally:
        chat.stop()
        server().drop_database(url)


def _cases(ids: dict) -> list[tuple[str, str, dict, int]]:
    feedback = lambda for_id, thread: {"feedback": {"forId": for_id, "threadId": thread, "value": 1}}  # noqa: E731
    return [
        ("GET", "/pulsepal/pins", {}, 200),
        ("GET", "/pulsepal/export-all.zip", {}, 200),
        ("GET", f"/pulsepal/conversations/{ids['archived']}.md", {}, 200),
        ("GET", f"/pulsepal/conversations/{ids['bob']}.json", {}, 404),
        ("GET", f"/pulsepal/conversations/{UNKNOWN}.json", {}, 404),
        ("GET", f"/pulsepal/conversations/{BAD}.json", {}, 400),
        ("POST", f"/pulsepal/pins/{ids['archived']}", {"json": {"pinned": True}}, 200),
        ("POST", f"/pulsepal/pins/{ids['bob']}", {"json": {"pinned": True}}, 404),
        ("POST", f"/pulsepal/pins/{BAD}", {"json": {"pinned": True}}, 400),
        ("POST", "/query", {"json": {"text": "and a crusher?"}, "headers": {"session-id": ids["archived"]}}, 200),
        ("POST", "/query", {"json": {"text": "hi"}, "headers": {"session-id": BAD}}, 400),
        ("GET", f"/project/share/{ids['mine']}", {}, 200),
        ("GET", f"/project/share/{UNKNOWN}", {}, 404),
        ("POST", "/project/threads", {"json": {"pagination": {"first": 20}, "filter": {"search": "gradients"}}}, 200),
        ("POST", "/project/threads", {"json": {"pagination": {"first": 20, "cursor": BAD}, "filter": {}}}, 200),
        ("GET", f"/project/thread/{ids['archived']}", {}, 200),
        ("GET", f"/project/thread/{ids['bob']}", {}, 401),
        ("GET", f"/project/thread/{UNKNOWN}", {}, 404),
        ("GET", f"/project/thread/{ids['bob']}/element/{UNKNOWN}", {}, 401),
        ("PUT", "/project/thread", {"json": {"threadId": ids["archived"], "name": "Renamed"}}, 200),
        ("PUT", "/project/thread", {"json": {"threadId": ids["bob"], "name": "x"}}, 401),
        ("PUT", "/project/thread/share", {"json": {"threadId": ids["archived"], "isShared": True}}, 200),
        ("PUT", "/project/thread/share", {"json": {"threadId": UNKNOWN, "isShared": True}}, 404),
        ("PUT", "/feedback", {"json": feedback(ids["answer"], ids["mine"])}, 200),
        ("PUT", "/feedback", {"json": feedback(ids["question"], ids["mine"])}, 400),
        ("PUT", "/feedback", {"json": feedback(ids["bob_answer"], ids["bob"])}, 404),
        ("DELETE", "/feedback", {"json": {"feedbackId": "x"}}, 400),
        ("DELETE", "/project/thread", {"json": {"threadId": ids["bob"]}}, 401),
        ("DELETE", "/project/thread", {"json": {"threadId": BAD}}, 404),
        ("DELETE", "/project/thread", {"json": {"threadId": ids["gone"]}}, 200),
        ("GET", f"/project/thread/{ids['gone']}", {}, 404),
        ("GET", "/metrics", {}, 200),
        ("GET", "/healthz", {}, 200),
        ("POST", "/pulsepal/delete-all", {"json": {}}, 400),
    ]


def test_the_routes_answer_on_postgres_as_on_files(site):
    client, ids, chat = site
    got = [(method, path, client.request(method, path, **options).status_code, expected)
           for method, path, options, expected in _cases(ids)]
    assert [case for case in got if case[2] != case[3]] == [], got
    threads = client.post("/project/threads", json={"pagination": {"first": 20}, "filter": {}}).json()["data"]
    names = {thread["id"]: thread["name"] for thread in threads}
    assert names.get(ids["archived"]) == "Renamed" and ids["gone"] not in names and ids["bob"] not in names
    assert "Traceback" not in chat.log()
