"""A real PostgreSQL server for the test suite, started once per test process in a temporary folder.

Debian's postgresql 15 binaries (`initdb`, `pg_ctl`) run the server as an unprivileged user: as the `postgres` user
through `runuser` when the suite runs as root (CI does), else as the current user. The server listens on 127.0.0.1
on a free port and trusts local connections (it is a throwaway test server that nothing else can reach). The
schema is migrated once into a template database; each test gets a fresh database copied from it
(`CREATE DATABASE ... TEMPLATE`), which costs a few milliseconds.

`fsync` stays on: the crash tests kill clients, never this server, but the benchmarks measure real commits.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Optional

BIN_DIRS = [Path("/usr/lib/postgresql/15/bin"), *sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)]
TEMPLATE = "pulsepal_template"


def find_bin() -> Optional[Path]:
    override = os.environ.get("PULSEPAL_PG_BIN")
    candidates = [Path(override)] if override else BIN_DIRS
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def why_unavailable() -> Optional[str]:
    """None when a server can be started here, else the reason (the tests that need it skip with it)."""
    if find_bin() is None:
        return "PostgreSQL server binaries not found (apt-get install postgresql, or set PULSEPAL_PG_BIN)"
    if os.geteuid() == 0 and (shutil.which("runuser") is None or _uid_of("postgres") is None):
        return "running as root without a 'postgres' user and runuser to start the server as"
    return None


def _uid_of(name: str) -> Optional[int]:
    import pwd

    try:
        return pwd.getpwnam(name).pw_uid
    except KeyError:
        return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PgServer:
    def __init__(self, *, fsync: bool = True) -> None:
        self.bin = find_bin()
        assert self.bin is not None
        self.root = Path(tempfile.mkdtemp(prefix="pulsepal-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.fsync = fsync
        self.as_root = os.geteuid() == 0
        self._started = False
        self._lock = threading.Lock()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, cwd="/")

    def start(self) -> "PgServer":
        if self.as_root:
            os.chmod(self.root, 0o755)
            self.data.mkdir(mode=0o700)
            shutil.chown(self.data, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
                  "--no-instructions")
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.data} "
                   f"-c max_connections=200 -c shared_buffers=256MB -c fsync={'on' if self.fsync else 'off'} "
                   "-c log_min_messages=warning -c max_locks_per_transaction=256")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.data / "server.log"), "-w",
                  "-t", "60", "start")
        self._started = True
        atexit.register(self.stop)
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def template(self) -> str:
        """A database with the current schema, migrated once; fresh databases are copied from it."""
        with self._lock:
            import psycopg

            with psycopg.connect(self.url(), autocommit=True) as conn:
                exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (TEMPLATE,)).fetchone()
                if not exists:
                    conn.execute(f"CREATE DATABASE {TEMPLATE}")  # type: ignore[arg-type]
            if not exists:
                from pulsepal.sessions.stores.postgres import schema

                with psycopg.connect(self.url(TEMPLATE), autocommit=True) as conn:
                    schema.upgrade(conn)
            return TEMPLATE

    def fresh_database(self, prefix: str = "t", *, migrated: bool = True) -> str:
        """A new empty database (with the schema unless migrated=False); returns its URL."""
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        if migrated:
            template = self.template()
            with self._lock:
                self.admin(f"CREATE DATABASE {name} TEMPLATE {template}")
        else:
            self.admin(f"CREATE DATABASE {name}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        for _ in range(20):
            try:
                self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                return
            except Exception:  # noqa: BLE001 - a connection still closing; try again shortly
                time.sleep(0.1)

    def stop(self) -> None:
        if self._started:
            self._started = False
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
            shutil.rmtree(self.root, ignore_errors=True)


_server: Optional[PgServer] = None
_server_lock = threading.Lock()


def server() -> PgServer:
    """The test process's one server (started on first use, stopped at exit)."""
    global _server
    with _server_lock:
        if _server is None:
            _server = PgServer().start()
        return _server
