"""Request bodies (issue 9, item 4): nobody unauthenticated makes the server read a body, every body is capped
at MAX_REQUEST_BODY_BYTES with 413 while it streams (declared or chunked), and the server's memory stays put
under several large bodies at once. Memory is the server's own VmRSS from /proc."""

from __future__ import annotations

import threading

import httpx
import pytest
from chat_harness import login_local

from .conftest import ChatServer, raw_request, status_of, vm_rss_kib

MB = 1024 * 1024
LARGE = 100 * MB


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = ChatServer(tmp_path_factory.mktemp("bodies")).start()
    yield srv
    srv.kill()


def _chunked(total: int, piece: int = 256 * 1024):
    chunk = b"%x\r\n" % piece + b"x" * piece + b"\r\n"
    for _ in range(total // piece):
        yield chunk
    yield b"0\r\n\r\n"


def _plain(total: int, piece: int = 256 * 1024):
    block = b"x" * piece
    for _ in range(total // piece):
        yield block


def _head(server: ChatServer, path: str, *, length=None, extra: str = "") -> bytes:
    size = f"Content-Length: {length}\r\n" if length is not None else "Transfer-Encoding: chunked\r\n"
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nContent-Type: text/plain\r\n"
            f"{size}{extra}\r\n").encode()


def _sessions(server: ChatServer) -> int:
    logs = server.storage.parent / "conversationLogs"
    return len(list(logs.iterdir())) if logs.exists() else 0


def test_unauthenticated_large_bodies_leave_memory_bounded(server):
    httpx.get(server.base + "/health", timeout=10)
    before = vm_rss_kib(server.proc.pid)
    peak = [before]
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            peak[0] = max(peak[0], vm_rss_kib(server.proc.pid))
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    answers: list[bytes] = []
    senders = [threading.Thread(target=lambda args=args: answers.append(raw_request(server.port, *args)))
               for args in [(_head(server, "/query"), _chunked(LARGE)),
                            (_head(server, "/query"), _chunked(LARGE)),
                            (_head(server, "/query", length=LARGE), _plain(LARGE)),
                            (_head(server, "/login"), _chunked(LARGE))]]  # a sign-in route: capped instead
    for thread in senders:
        thread.start()
    for thread in senders:
        thread.join(120)
    stop.set()
    sampler.join(5)
    grew_mib = (peak[0] - before) / 1024
    assert grew_mib < 40, f"the server grew by {grew_mib:.0f} MiB reading bodies nobody was allowed to send"
    assert _sessions(server) == 0
    assert httpx.get(server.base + "/health", timeout=10).status_code == 200  # and it still serves


def test_declared_oversized_body_is_413_before_it_is_sent(server):
    token = login_local(server.base)
    head = _head(server, "/query", length=LARGE, extra=f"Cookie: access_token={token}\r\n")
    answer = raw_request(server.port, head, [])  # not one body byte sent: the answer comes anyway
    assert status_of(answer) == 413 and b"larger than" in answer


def test_chunked_oversized_body_is_413_at_the_cap(server):
    token = login_local(server.base)
    head = _head(server, "/query", extra=f"Cookie: access_token={token}\r\n")
    answer = raw_request(server.port, head, _chunked(1 * MB, piece=64 * 1024))  # 1 MiB > the 128 KiB cap
    assert status_of(answer) == 413
    assert _sessions(server) == 0


def test_body_under_the_cap_is_answered(server):
    token = login_local(server.base)
    text = "How do I use mr.makeTrapezoid? " + "é" * 19_000  # near the longest question, 2 bytes a character
    assert len(text.encode()) > 32 * 1024  # over a smaller cap, under ours (the responder reads it in linear time)
    response = httpx.post(server.base + "/query", json={"text": text}, cookies={"access_token": token}, timeout=60)
    assert response.status_code == 200, response.text
    assert "make_trapezoid" in response.text or "makeTrapezoid" in response.text
