"""Shared fixtures: one offline responder per test session (building it introspects pypulseq), and a real loopback
OpenAI-compatible server so the LLM backend is tested through the actual client and HTTP stack."""

from __future__ import annotations

import json
import socket
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

warnings.filterwarnings("ignore", category=UserWarning)


@pytest.fixture(scope="session")
def responder():
    from pulsepal.answers import get_offline_responder

    return get_offline_responder()


@pytest.fixture(scope="session")
def api():
    from pulsepal.answers.pulseq_api import get_api

    return get_api()


@pytest.fixture(scope="session")
def index():
    from pulsepal.answers.search import get_index

    return get_index()


@pytest.fixture(scope="session")
def checker():
    from pulsepal.answers.checker import get_checker

    return get_checker()


def chunk(content=None, finish=None):
    delta = {} if content is None else {"content": content}
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "test-model",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


class FakeLLM:
    """Behaviour is switched per test: 'ok', 'http500', 'broken' (closes mid-stream) or 'nofinish'."""

    def __init__(self):
        self.mode = "ok"
        self.pieces = ["Use ", "`pp.make_trapezoid`", " for a trapezoid."]
        self.requests: list[dict] = []


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_POST(self):
        fake: FakeLLM = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        fake.requests.append({"path": self.path, "body": body})
        if fake.mode == "http500":
            payload = json.dumps({"error": {"message": "boom", "type": "server_error"}}).encode()
            self.send_response(500)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        pieces = fake.pieces
        if fake.mode in ("broken", "nofinish"):
            pieces = pieces[:2]
        for p in pieces:
            self.wfile.write(b"data: " + json.dumps(chunk(p)).encode() + b"\n\n")
            self.wfile.flush()
        if fake.mode == "broken":
            self.wfile.write(b"data: {\"object\": \"chat.completion.ch")  # torn event, then hang up
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
            return
        if fake.mode == "nofinish":
            self.close_connection = True
            return
        self.wfile.write(b"data: " + json.dumps(chunk(None, "stop")).encode() + b"\n\n")
        usage = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": "m", "choices": []}
        self.wfile.write(b"data: " + json.dumps(usage).encode() + b"\n\n")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True


@pytest.fixture
def fake_llm():
    fake = FakeLLM()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.fake = fake  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def closed_port_url():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}/v1"


@pytest.fixture
def llm_settings():
    def make(base_url, timeout=10.0):
        return SimpleNamespace(llm_base_url=base_url, llm_api_key="test-key", llm_model="test-model",
                               llm_timeout_seconds=timeout)

    return make
