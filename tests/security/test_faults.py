"""Nothing lost, whatever the clock or the disk does (issue 9, items 6-10), against real processes: the operator's
cleanup under faketime, a real `chainlit run` on a tmpfs filled to ENOSPC, a lock folder removed while the app runs,
and a conversation whose archive is damaged."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import uuid

import httpx
import pytest
from chat_harness import ChatClient, login_local  # (tests/chat is on pytest.ini's pythonpath)

from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings

from .conftest import PYTHON_BIN, REPO, ChatServer, cli

FAKETIME = shutil.which("faketime")


def _store(root) -> SessionManager:
    return SessionManager(Settings(_env_file=None, session_storage_path=root), actor="test")


def _script(root, *args, faked: str | None = None, dont_fake_monotonic: bool = False):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_", "FAKETIME"))}
    env.update(SESSION_STORAGE_PATH=str(root), PYTHONPATH=str(REPO))
    if dont_fake_monotonic:
        env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    argv = [str(PYTHON_BIN / "python"), str(REPO / "scripts" / "cleanup_sessions.py"), *args]
    if faked:
        argv = [FAKETIME, "-f", faked, *argv]
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.skipif(FAKETIME is None, reason="faketime is not installed (Debian package faketime)")
@pytest.mark.parametrize("dont_fake_monotonic", [False, True])
def test_a_forward_clock_jump_removes_nothing_and_raises_an_alert(tmp_path, dont_fake_monotonic):
    root = tmp_path / "sessions"
    sm = _store(root)
    for _ in range(3):
        sid = sm.create_session("ann")
        sm.add_message(sid, "user", "keep this history")
        sm.archive_session(sid)
    sm.delete_session(sm.create_session("ann"))  # one backup
    sm.close()
    assert _script(root).returncode == 0  # a normal pass: it remembers when it ran
    before = sorted(p.name for p in root.rglob("*.json.gz"))
    assert len(before) == 4

    jumped = _script(root, faked="+30d", dont_fake_monotonic=dont_fake_monotonic)
    assert jumped.returncode == 0, jumped.stderr
    assert "held" in jumped.stderr and "--confirm" in jumped.stderr
    assert sorted(p.name for p in root.rglob("*.json.gz")) == before  # not one archive or backup removed
    env = {"SESSION_STORAGE_PATH": str(root), "PYTHONPATH": str(REPO)}
    alerts = subprocess.run([str(PYTHON_BIN / "python"), "-m", "pulsepal.cli", "sessions", "alerts", "--json"],
                            env={**os.environ, **env}, capture_output=True, text=True, timeout=60)
    codes = {a["code"] for a in json.loads(alerts.stdout)["alerts"]}
    assert "cleanup_held" in codes, alerts.stdout

    confirmed = _script(root, "--confirm", faked="+30d", dont_fake_monotonic=dont_fake_monotonic)
    assert confirmed.returncode == 0 and not list(root.rglob("*.json.gz"))  # the operator said the clock is right


@pytest.fixture
def tmpfs(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder) -> None:
    with open(folder / "filler", "wb", buffering=0) as handle:  # unbuffered: close() has nothing left to fail on
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass


async def test_a_full_disk_mid_chat_is_said_plainly_and_recovers(tmp_path, tmpfs):
    server = ChatServer(tmp_path, env={"CONVERSATION_LOG_PATH": str(tmpfs / "conversationLogs")})
    server.storage = tmpfs / "sessions"  # the whole store on the small disk
    server.start()
    try:
        token = login_local(server.base)
        client = ChatClient(server.base, token)
        await client.connect()
        assert "makeTrapezoid" in await client.ask("What are the parameters of mr.makeTrapezoid?")
        _fill(tmpfs)
        said = await client.ask("And mr.makeAdc?", timeout=30)  # answered promptly: no hang
        assert "storage is full" in said.lower() and "not saved" in said and str(tmpfs) not in said
        other = ChatClient(server.base, token)
        await other.connect()  # a new chat opens fine (it stores nothing until its first message)
        assert "storage is full" in (await other.ask("hello?")).lower()
        reply = httpx.post(server.base + "/query", json={"text": "mr.makeAdc?"}, cookies={"access_token": token},
                           headers={"Origin": server.base}, timeout=30)
        assert reply.status_code == 507 and "full" in reply.json()["detail"] and str(tmpfs) not in reply.text
        health = httpx.get(server.base + "/healthz", timeout=30)
        assert health.status_code == 503 and not health.json()["checks"]["storage_writable"]["ok"]
        admin = cli(server, "sessions", "alerts", "--json")
        assert "storage_full" in {a["code"] for a in json.loads(admin.stdout)["alerts"]}

        os.unlink(tmpfs / "filler")  # space is freed: everything works again
        assert "makeAdc" in await client.ask("And mr.makeAdc?")
        assert "makeAdc" in await other.ask("mr.makeAdc please")
        verify = json.loads(cli(server, "sessions", "verify", "--json").stdout)
        assert verify["ok"] and not verify["quarantined"]  # no false "corrupted files"
        logs = list((tmpfs / "conversationLogs").iterdir())
        assert logs and all(p.stat().st_size > 0 for p in logs)  # no empty log left behind
        await client.close()
        await other.close()
    finally:
        server.kill()


async def test_removing_the_lock_folder_while_running_breaks_nothing(tmp_path):
    server = ChatServer(tmp_path).start()
    try:
        token = login_local(server.base)
        client = ChatClient(server.base, token)
        await client.connect()
        assert "makeDelay" in await client.ask("mr.makeDelay?")
        shutil.rmtree(server.storage / ".locks")
        fresh = ChatClient(server.base, token)
        await fresh.connect()
        assert "makeDelay" in await fresh.ask("What does mr.makeDelay do?")  # a new session, new locks
        said = await client.ask("and mr.makeAdc?")  # the tab that was open keeps saving its turns
        assert "makeAdc" in said and "not saved" not in said, said
        health = httpx.get(server.base + "/healthz", timeout=30).json()
        assert health["checks"]["locks_usable"]["ok"] is True
        assert (server.storage / ".locks").is_dir()
        await client.close()
        await fresh.close()
    finally:
        server.kill()


async def test_a_damaged_archive_is_set_aside_and_the_user_told(tmp_path):
    server = ChatServer(tmp_path).start()
    try:
        token = login_local(server.base)
        client = ChatClient(server.base, token)
        await client.connect()
        await client.ask("What is mr.makeTrapezoid?")
        thread = client.thread_id
        await client.close()
        assert cli(server, "sessions", "archive", thread).returncode == 0
        archive = next(server.storage.glob(f"archive/*/session_{thread}.json.gz"))
        archive.write_bytes(gzip.compress(b"not a session")[:20])  # a torn file
        again = ChatClient(server.base, token)
        await again.connect(thread_id=thread, wait_for="")
        said = await again.wait_for(lambda: [d for d in again.find("new_message") if isinstance(d, dict)
                                             and "cannot be opened" in (d.get("output") or "")], timeout=30)
        assert "damaged" in said[0]["output"] and str(server.storage) not in said[0]["output"]
        quarantined = list((server.storage / "quarantine").glob("*.reason.json"))
        assert quarantined and not archive.exists()
        await again.close()
        status = cli(server, "sessions", "show", thread)  # the operator is told the same, and where it went
        assert status.returncode == 3 and "damaged" in status.stderr and "Traceback" not in status.stderr
        assert cli(server, "sessions", "delete", thread, "--yes").returncode == 0  # and can clear the entry
    finally:
        server.kill()


def test_an_import_from_the_future_or_a_gzip_bomb_is_refused(tmp_path):
    root = tmp_path / "sessions"
    sid = str(uuid.uuid4())
    future = {"format": "pulsepal-session", "version": 1, "session_id": sid, "exported_at": "9999-01-01T00:00:00+00:00",
              "events": [{"type": "created", "session_id": sid, "owner": None,
                          "created_at": "9999-01-01T00:00:00+00:00", "preferred_language": "matlab"}]}
    (tmp_path / "future.json").write_text(json.dumps(future))
    bomb = tmp_path / "bomb.json.gz"
    with gzip.open(bomb, "wb") as handle:
        for _ in range(300):
            handle.write(b" " * (1024 * 1024))  # 300 MB of spaces, a few hundred KB compressed
    env = {**os.environ, "SESSION_STORAGE_PATH": str(root), "PYTHONPATH": str(REPO)}
    for path, reason in ((tmp_path / "future.json", "future"), (bomb, "MB")):
        done = subprocess.run([str(PYTHON_BIN / "python"), "-m", "pulsepal.cli", "sessions", "import", str(path)],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 2 and reason in done.stderr, done.stderr
    assert not list(root.glob("active/*.json")) and not list(root.glob("archive/*/*.json.gz"))
