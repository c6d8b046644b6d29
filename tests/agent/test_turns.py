"""run_pulsepal and its streaming twin, the run_pulsepal.py command, and POST /query on a real server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from pulsepal.main_agent import QueryError, run_pulsepal, stream_pulsepal
from pulsepal.sessions import InvalidSessionId

from ..conftest import ROOT


async def test_run_pulsepal_records_both_messages_durably(manager, make_manager):
    sid, response = await run_pulsepal("What are the parameters of mr.makeTrapezoid?", manager=manager)
    assert "makeTrapezoid" in response
    ctx = make_manager().get_session(sid)  # a fresh manager reads it from disk
    assert [m.role for m in ctx.conversation_history] == ["user", "assistant"]
    assert ctx.conversation_history[1].content == response
    assert ctx.conversation_history[1].metadata["topic"] == "make_trapezoid"


async def test_follow_up_uses_the_session(manager):
    sid, _ = await run_pulsepal("What are the parameters of make_trapezoid?", manager=manager)
    same, response = await run_pulsepal("what does it return?", sid, manager=manager)
    assert same == sid
    assert "return" in response.lower() and "trapezoid" in response.lower()
    assert manager.get_session(sid).conversation_count == 4


async def test_unknown_id_starts_a_new_session_and_bad_input_writes_nothing(manager, tmp_path):
    sid, _ = await run_pulsepal("spin echo template please", "no-such-session", manager=manager)
    assert sid != "no-such-session"
    before = sorted(p.name for p in (tmp_path / "conversationLogs").iterdir())
    with pytest.raises(InvalidSessionId):
        await run_pulsepal("hello", "../../etc/passwd", manager=manager)
    with pytest.raises(QueryError):
        await run_pulsepal("   ", sid, manager=manager)
    assert sorted(p.name for p in (tmp_path / "conversationLogs").iterdir()) == before
    assert manager.get_session(sid).conversation_count == 2


async def test_streaming_language_switch_and_code_examples(manager):
    turn = await stream_pulsepal("/python", None, manager=manager)
    pieces = [piece async for piece in turn]
    assert "Python" in "".join(pieces)
    turn = await stream_pulsepal("give me a gradient echo template", turn.session_id, manager=manager)
    pieces = [piece async for piece in turn]
    assert len(pieces) > 1 and "import pypulseq" in "".join(pieces)
    ctx = manager.get_session(turn.session_id)
    assert ctx.preferred_language == "python" and ctx.language_explicit
    assert ctx.code_examples and ctx.code_examples[-1].language == "python"
    assert ctx.conversation_history[-1].content == "".join(pieces)


def _env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SESSION_", "LLM_"))}
    env.update(PYTHONPATH=str(ROOT), SESSION_STORAGE_PATH=str(tmp_path / "sessions"), MPLBACKEND="Agg")
    return env


def test_run_pulsepal_script(tmp_path):
    script = str(ROOT / "run_pulsepal.py")
    first = subprocess.run([sys.executable, script, "What does mr.makeAdc do?"], cwd=tmp_path, env=_env(tmp_path),
                           capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    sid = first.stdout.splitlines()[0].removeprefix("Session: ")
    assert "Response:" in first.stdout and "makeAdc" in first.stdout
    again = subprocess.run([sys.executable, script, "--session-id", sid, "what does it return?"], cwd=tmp_path,
                           env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert again.stdout.splitlines()[0] == f"Session: {sid}"
    bad = subprocess.run([sys.executable, script, "--session-id", "../x", "hi"], cwd=tmp_path, env=_env(tmp_path),
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "invalid session id" in bad.stderr


SERVER = """
import uvicorn
from fastapi import FastAPI
from pulsepal.web.api import build_router
app = FastAPI()
app.include_router(build_router())
uvicorn.run(app, host="127.0.0.1", port={port}, log_level="warning")
"""


def _post(url, body=None, headers=None, data=None):
    payload = data if data is not None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=payload, method="POST",
                                     headers={"content-type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_post_query_on_a_real_server(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", SERVER.format(port=port)], cwd=tmp_path, env=_env(tmp_path))
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        status, body = _post(f"{base}/query", {"text": "How do I add a spoiler gradient?"})
        assert status == 200 and body["response"]
        sid = body["session_id"]
        status, body = _post(f"{base}/query", {"text": "and in Python?"}, {"session-id": sid})
        assert status == 200 and body["session_id"] == sid
        unknown = "00000000-0000-4000-8000-00000000abcd"  # well formed (a lowercase UUID) but never used
        status, body = _post(f"{base}/query?text=hello", {}, {"session-id": unknown})
        assert status == 200 and body["session_id"] not in (sid, unknown)
        status, body = _post(f"{base}/query?text=hello", {}, {"session-id": "unknown-id"})
        assert status == 400 and "invalid session id" in body["detail"]  # not a UUID: the caller's mistake
        status, body = _post(f"{base}/query", {"text": "hi"}, {"session-id": "../../etc"})
        assert status == 400 and "invalid session id" in body["detail"]
        status, body = _post(f"{base}/query", {"text": "  "})
        assert status == 400 and "empty" in body["detail"]
        status, body = _post(f"{base}/query", data=b"{not json")
        assert status == 400
        status, body = _post(f"{base}/query", [1, 2])
        assert status == 400
    finally:
        server.kill()
        server.wait()
    logs = list((tmp_path / "conversationLogs").iterdir())
    assert len(logs) == 2  # exactly the two sessions that were used; bad requests wrote nothing
