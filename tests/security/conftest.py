"""Real `chainlit run` servers for the attack tests (tests/chat/chat_harness.py), one per module where the tests
can share it, plus the small raw-HTTP helpers an attacker would use: a foreign Host header, a foreign Origin, a
source address other than the proxy's, a body that never ends."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path
from typing import Optional

import httpx
from chat_harness import PYTHON_BIN, REPO, ChatServer  # noqa: F401

OTHER_HOST = "127.0.0.2"  # a loopback source address that is not 127.0.0.1: "someone else" to the server


def client_from(address: str, **kwargs) -> httpx.Client:
    """An HTTP client whose connections come from `address` (so the server sees that peer)."""
    return httpx.Client(transport=httpx.HTTPTransport(local_address=address), timeout=20, **kwargs)


def cli(server: ChatServer, *args: str, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
    """`python -m pulsepal.cli ...` against the server's store, as an operator runs it."""
    env = server.environment()
    return subprocess.run([str(PYTHON_BIN / "python"), "-m", "pulsepal.cli", *args], env=env, cwd=server.workdir,
                          input=stdin, capture_output=True, text=True, timeout=60)


def add_users(server: ChatServer, passwords: dict[str, str]) -> None:
    """`users add NAME --password-stdin` for each user, the CLI processes run at once (each is mostly its own
    imports; the command takes the users file's lock, so concurrent adds lose none)."""
    from concurrent.futures import ThreadPoolExecutor

    def add(item: tuple[str, str]) -> subprocess.CompletedProcess:
        return cli(server, "users", "add", item[0], "--password-stdin", stdin=item[1] + "\n")

    with ThreadPoolExecutor(max_workers=len(passwords)) as pool:
        for done in pool.map(add, passwords.items()):
            assert done.returncode == 0, done.stderr


def vm_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def raw_request(port: int, head: bytes, body_chunks, *, source: str = "127.0.0.1", timeout: float = 30.0) -> bytes:
    """Send a request head and as many body bytes as the server will take; return whatever it answered."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    try:
        sock.sendall(head)
        try:
            for chunk in body_chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server stopped reading: exactly what should happen
        try:
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass
        received = b""
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
                received += data
        except (ConnectionResetError, socket.timeout):
            pass
        return received
    finally:
        sock.close()


def status_of(response: bytes) -> Optional[int]:
    try:
        return int(response.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return None
