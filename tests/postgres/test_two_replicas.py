"""End to end: two `chainlit run app.py` replicas on two ports over one PostgreSQL database, as behind a load balancer.

Each replica has its own app root and its own (empty) storage folder, so whatever they agree on can only come from
the database; both are given the same CHAINLIT_AUTH_SECRET, as the deployment requires. A user chats on replica 1
and resumes the thread on replica 2 with its messages and settings; the scheduler of both replicas fires every few
seconds and the cleanup runs exactly once per interval between them; replica 1 is SIGKILLed mid-chat and every
answer it had delivered is in the database.
"""

from __future__ import annotations

import asyncio
import math
import os
import secrets
import subprocess
import sys
import tempfile
import time
from datetime import datetime

import httpx
import pytest

from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings
from pulsepal.web.history_push import DELETED, MARK

from ..chat.chat_harness import ChatClient, ChatServer, login_local, start_together

INTERVAL_MINUTES = 0.1  # 6 s: several intervals pass within the test, each long enough for a busy machine


class Replicas(list):
    """The two running servers, and since when the cleanup check watches them: from the moment both were up, so
    the intervals it needs pass while the other tests chat on the replicas instead of after them."""

    watched_from: float
    skipped_before: int


@pytest.fixture(scope="module")
def database(pg_server):
    url = pg_server.fresh_database("replicas")
    yield url
    pg_server.drop_database(url)


@pytest.fixture(scope="module")
def replicas(tmp_path_factory, database):
    env = {"SESSION_DATABASE_URL": database, "CHAINLIT_AUTH_SECRET": secrets.token_urlsafe(48),
           "SESSION_CLEANUP_INTERVAL_MINUTES": str(INTERVAL_MINUTES)}
    servers = Replicas(ChatServer(tmp_path_factory.mktemp(f"replica{n}"), env=env) for n in (1, 2))
    start_together(servers, timeout=120)
    servers.watched_from = time.time()
    checker = _manager(database)
    try:
        servers.skipped_before = checker.cleanup_record().get("skipped", 0)
    finally:
        checker.close()
    yield servers
    for server in servers:
        server.kill()


def _manager(url: str) -> SessionManager:
    return SessionManager(Settings(_env_file=None, session_storage_path=tempfile.mkdtemp(), session_database_url=url),
                          actor="checker")


def _settings_values(client: ChatClient) -> dict:
    return {w["id"]: w["initial"] for w in client.find("chat_settings")[-1]}


async def test_chat_on_one_replica_resume_on_the_other(replicas, database):
    one, two = replicas
    token = login_local(one.base)
    client = ChatClient(one.base, token)
    await client.connect()
    first = await client.ask("What does mr.makeTrapezoid do?")
    await client.change_settings({"language": "python", "sequence_knowledge": "Sequence type: EPI, 3 T",
                                  "use_sequence_knowledge": True})
    second = await client.ask("How do I make a sinc pulse?")
    assert "make_sinc_pulse" in second
    thread_id = client.thread_id
    await client.close()

    listed = httpx.post(two.base + "/project/threads", json={"pagination": {"first": 20}, "filter": {}},
                        cookies={"access_token": token}, timeout=10)  # replica 2 accepts replica 1's sign-in
    assert listed.status_code == 200 and [t["id"] for t in listed.json()["data"]] == [thread_id]
    resumed = ChatClient(two.base, token)
    await resumed.connect(thread_id)
    await resumed.wait_for(lambda: resumed.find("resume_thread"))
    steps = [s for s in resumed.find("resume_thread")[0]["steps"] if s["type"].endswith("_message")]
    assert [s["type"] for s in steps] == ["user_message", "assistant_message"] * 2
    assert steps[1]["output"] == first and steps[3]["output"] == second
    assert _settings_values(resumed) == {"language": "python", "sequence_knowledge": "Sequence type: EPI, 3 T",
                                         "use_sequence_knowledge": True, "your_data": "none"}
    third = await resumed.ask("and a trapezoid?")
    assert "make_trapezoid" in third  # the session's language came with it
    await resumed.close()
    checker = _manager(database)
    try:
        assert checker.get_session(thread_id).conversation_count == 6
    finally:
        checker.close()


async def test_a_deletion_on_one_replica_reaches_the_open_tabs_on_the_other(replicas, database):
    """Chainlit's sockets live in each replica's memory; the deletion travels as a notice on the database."""
    one, two = replicas
    token = login_local(one.base)
    watching = ChatClient(two.base, token)  # a tab served by replica 2, showing a conversation of its own
    await watching.connect()
    await watching.ask("How do I make a block pulse?")
    shown = watching.thread_id
    elsewhere = ChatClient(one.base, token)
    await elsewhere.connect()
    await elsewhere.ask("What does mr.makeDelay do?")
    gone = elsewhere.thread_id
    await elsewhere.close()
    by_admin = ChatClient(one.base, token)
    await by_admin.connect()
    await by_admin.ask("What does mr.makeAdc do?")
    removed = by_admin.thread_id
    await by_admin.close()
    by_cli = ChatClient(one.base, token)
    await by_cli.connect()
    await by_cli.ask("What does mr.makeLabel do?")
    operator_removes = by_cli.thread_id
    await by_cli.close()

    def refreshed(since: int) -> list:
        return [d for d in watching.find("first_interaction", since) if str(d.get("interaction")).startswith(MARK)]

    mark = len(watching.events)
    deleted = httpx.request("DELETE", one.base + "/project/thread", json={"threadId": gone},
                            cookies={"access_token": token}, timeout=10)  # Chainlit's sidebar delete, on replica 1
    assert deleted.status_code == 200
    await watching.wait_for(lambda: refreshed(mark), timeout=20)
    assert refreshed(mark)[0]["thread_id"] == shown  # the list is fetched again; the tab stays where it is
    assert not watching.find("window_message", mark)

    mark = len(watching.events)  # an admin deleting one of the user's conversations on replica 1
    cookies = {"access_token": token}
    csrf = httpx.get(one.base + "/admin/api/csrf", cookies=cookies, timeout=10).json()
    deleted = httpx.post(f"{one.base}/admin/api/sessions/{removed}/delete", cookies=cookies, timeout=10,
                         headers={csrf["header"]: csrf["token"]})
    assert deleted.status_code == 200, deleted.text  # was a 500 on this store (its backups have no folder)
    assert deleted.json()["backup"].startswith("postgres:backups/")
    await watching.wait_for(lambda: refreshed(mark), timeout=20)
    assert not watching.find("window_message", mark)

    mark = len(watching.events)  # the operator deleting one with the CLI: a process that serves no tab
    cli = subprocess.run([sys.executable, "-m", "pulsepal.cli", "sessions", "delete", operator_removes, "--yes"],
                         env={**os.environ, "SESSION_DATABASE_URL": database}, cwd=tempfile.mkdtemp(),
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    await watching.wait_for(lambda: refreshed(mark), timeout=20)
    assert not watching.find("window_message", mark)

    mark = len(watching.events)
    erased = httpx.post(one.base + "/pulsepal/delete-all", json={"confirm": True}, cookies={"access_token": token},
                        timeout=30)
    assert erased.status_code == 200
    await watching.wait_for(lambda: watching.find("window_message", mark), timeout=20)
    assert watching.find("window_message", mark)[0] == {"kind": DELETED, "thread": shown}  # on to a new chat
    assert refreshed(mark)
    await watching.close()


async def test_a_replica_cut_off_from_the_database_has_its_tabs_look_again(replicas, database):
    """A notice sent while a replica's listening connection is down is missed (NOTIFY is not queued for it); once it
    listens again, its tabs fetch their lists again and one showing a conversation deleted meanwhile moves on."""
    import psycopg

    _, two = replicas
    watching = ChatClient(two.base, login_local(two.base))
    await watching.connect()
    await watching.ask("How do I make a block pulse?")
    shown = watching.thread_id
    mark = len(watching.events)
    manager = _manager(database)
    try:
        manager.delete_session(shown)  # from a process that announces nothing: as good as a missed notice
    finally:
        manager.close()
    with psycopg.connect(database, autocommit=True) as conn:
        cut = conn.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                           "WHERE application_name = 'pulsepal-listener'").fetchone()[0]
    assert cut == 2  # one listener per replica
    await watching.wait_for(lambda: watching.find("window_message", mark), timeout=30)
    assert watching.find("window_message", mark)[0] == {"kind": DELETED, "thread": shown}
    assert [d for d in watching.find("first_interaction", mark) if str(d.get("interaction")).startswith(MARK)]
    await watching.close()


def test_a_replica_refuses_to_start_without_the_shared_secret_or_on_an_old_schema(tmp_path, pg_server):
    """The app's start-up asks the database store what must hold first (stores/postgres/startup.py)."""
    unmigrated = pg_server.fresh_database("unmigrated", migrated=False)
    url = pg_server.fresh_database("nosecret")
    try:
        no_secret = ChatServer(tmp_path / "a", env={"SESSION_DATABASE_URL": url})
        proc = no_secret.spawn()
        assert proc.wait(60) == 2
        assert "CHAINLIT_AUTH_SECRET" in no_secret.log() and "refuses to start" in no_secret.log()
        old = ChatServer(tmp_path / "b", env={"SESSION_DATABASE_URL": unmigrated,
                                               "CHAINLIT_AUTH_SECRET": secrets.token_urlsafe(48)})
        proc = old.spawn()
        assert proc.wait(60) == 2 and "db upgrade" in old.log()
    finally:
        pg_server.drop_database(url)
        pg_server.drop_database(unmigrated)


async def test_cleanup_runs_exactly_once_per_interval_across_both(replicas, database):
    """Watches the replicas from the moment both were up (the tests before this one chatted and started refused
    replicas meanwhile), until four intervals have passed; the SIGKILL test comes after it."""
    seconds = INTERVAL_MINUTES * 60
    start, skipped_before = replicas.watched_from, replicas.skipped_before
    await asyncio.sleep(max(0.0, start + seconds * 4 + 1 - time.time()))
    end = time.time()
    checker = _manager(database)
    try:
        record = checker.cleanup_record()
    finally:
        checker.close()
    runs = [datetime.fromisoformat(run["started_at"]).timestamp() for run in record["history"]]
    slots = sorted(math.floor(ts / seconds) for ts in runs if start <= ts <= end)
    assert len(slots) == len(set(slots)), f"two passes in one interval: {slots}"
    inside = list(range(math.ceil(start / seconds), math.floor(end / seconds)))  # intervals wholly observed
    assert set(inside) <= set(slots), f"an interval without a pass: ran {slots}, expected {inside}"
    assert record["skipped"] - skipped_before >= len(inside)  # the other replica fired too, and stood aside
    assert all(run["ok"] for run in record["history"])


async def test_sigkill_mid_chat_loses_nothing_acknowledged(replicas, database):
    one, two = replicas
    token = login_local(one.base)
    client = ChatClient(one.base, token)
    await client.connect()
    answered = [await client.ask(f"question {n}: how do I use mr.makeAdc?") for n in range(4)]
    thread_id = client.thread_id
    message = {"threadId": "", "id": "in-flight", "name": "User", "type": "user_message",
               "output": "question 4, never answered", "createdAt": "2026-01-01T00:00:00Z"}
    await client.sio.emit("client_message", {"message": message, "fileReferences": []})
    one.kill()  # mid-chat: the last question may or may not have been answered; nothing acknowledged is lost
    await asyncio.sleep(0.2)
    checker = _manager(database)
    try:
        ctx = checker.get_session(thread_id)
        stored = [m.content for m in ctx.conversation_history if m.role == "assistant"]
        assert stored[:4] == answered
        assert ctx.conversation_count in (8, 10)  # whole turns only: never a question without its answer
    finally:
        checker.close()
    resumed = ChatClient(two.base, token)  # the user carries on on the surviving replica
    await resumed.connect(thread_id)
    await resumed.wait_for(lambda: resumed.find("resume_thread"))
    assert [s["output"] for s in resumed.find("resume_thread")[0]["steps"] if s["type"] == "assistant_message"][:4] \
        == answered
    await resumed.close()
