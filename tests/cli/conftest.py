"""Fixtures for the command-line tests: a throwaway "repository root" and the real commands run in it.

Each test gets a folder that looks like the repository root to Python (symlinks to pulsepal/ and scripts/), so
the spec's commands run exactly as written (`python -m pulsepal.cli ...`, `python scripts/...`, `python -c ...`)
on the embedded defaults ./sessions and ./conversationLogs, without touching the real checkout's data.
Sessions are seeded in-process with a FakeClock set in the past, since the subprocesses use the real clock.
"""

from __future__ import annotations

import hashlib
import os
import pty
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

import pytest

from pulsepal.clock import FakeClock
from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Result:
    code: int
    out: str
    err: str

    def __repr__(self) -> str:  # shown when an assertion fails
        return f"Result(code={self.code}, out={self.out!r}, err={self.err!r})"


def clean_env(**extra: str) -> dict:
    """The test process's environment without any PulsePal setting (the developer's must not leak in)."""
    settings = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items()
           if k.upper() not in settings and not k.startswith(("SESSION_", "MAX_", "LLM_", "PULSEPAL_"))}
    env.update(PYTHONDONTWRITEBYTECODE="1", COLUMNS="80", LC_ALL="C.UTF-8", PYTHONIOENCODING="utf-8")
    env.pop("PYTHONPATH", None)
    env.update(extra)
    return env


class Workspace:
    """A fake repository root with helpers to seed sessions and run commands in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.storage = root / "sessions"
        self.logs = root / "conversationLogs"
        self._managers: list[SessionManager] = []
        (root / "pulsepal").symlink_to(REPO / "pulsepal", target_is_directory=True)
        (root / "scripts").symlink_to(REPO / "scripts", target_is_directory=True)

    # --- seeding (in-process, with a clock in the past) ------------------------------------------------------
    def manager(self, ago: timedelta = timedelta(0), **settings) -> SessionManager:
        clock = FakeClock(datetime.now(timezone.utc) - ago)
        config = Settings(_env_file=None, session_storage_path=self.storage, **settings)
        manager = SessionManager(config, clock=clock, actor="test", echo=lambda _t: None)
        self._managers.append(manager)
        return manager

    def settle(self) -> None:
        """Let this test's own managers finish their background indexing before a command looks at the store.

        close() alone does not wait for an index still catching up with the logs (the next process carries on), so
        on a busy machine the index's journal files could still be open when a test takes its digest."""
        while self._managers:
            manager = self._managers.pop()
            index = getattr(manager.store, "search_index", None)  # the files store's full-text index
            if index is not None:
                index.wait_idle(60)
            manager.close()

    def seed(self, ago: timedelta = timedelta(0), owner: Optional[str] = None, messages: tuple = ("hello",)) -> str:
        manager = self.manager(ago)
        session_id = manager.create_session(owner)
        for number, text in enumerate(messages):
            manager.add_message(session_id, "user" if number % 2 == 0 else "assistant", text)
        return session_id

    # --- running ---------------------------------------------------------------------------------------------
    def run(self, *args: str, stdin: Optional[str] = None, cwd: Optional[Path] = None,
            env: Optional[dict] = None, tty_answer: Optional[str] = None) -> Result:
        """Run `python *args`; `env` adds variables to a clean environment (no developer settings)."""
        self.settle()
        argv = [sys.executable, *args]
        cwd = cwd or self.root
        env = clean_env(**(env or {}))
        if tty_answer is not None:
            return _run_on_tty(argv, tty_answer, cwd, env)
        proc = subprocess.run(argv, input=stdin if stdin is not None else "", capture_output=True, text=True,
                              cwd=cwd, env=env, timeout=120)
        return Result(proc.returncode, proc.stdout, proc.stderr)

    def env(self, **extra: str) -> dict:
        return clean_env(**extra)

    def cli(self, *args: str, **kwargs) -> Result:
        return self.run("-m", "pulsepal.cli", *args, **kwargs)

    def script(self, name: str, *args: str, **kwargs) -> Result:
        return self.run(f"scripts/{name}", *args, **kwargs)

    # --- observing -------------------------------------------------------------------------------------------
    def digest(self, ignore: tuple[str, ...] = ()) -> dict[str, str]:
        """Every file and folder of the store and the logs, with a hash of each file's content.

        Lock files under .locks/ are left out: they are empty, hold no data, and taking a lock creates one.
        `ignore` leaves out files whose change is expected (the audit log records a maintenance run)."""
        self.settle()
        found: dict[str, str] = {}
        for top in (self.storage, self.logs):
            if not top.exists():
                continue
            for path in sorted(top.rglob("*")):
                rel = str(path.relative_to(self.root))
                if rel in ignore:
                    continue
                if ".locks" in path.parts:
                    assert not path.is_file() or path.stat().st_size == 0, f"lock file {rel} holds data"
                    continue
                found[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
        return found


def _run_on_tty(argv: list[str], answer: str, cwd: Path, env: dict) -> Result:
    """Run with stdin on a pseudo-terminal (what an operator at a shell has), typing `answer`."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.Popen(argv, stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd,
                                env=env, text=True)
        os.close(slave)
        slave = -1
        os.write(master, answer.encode())
        out, err = proc.communicate(timeout=120)
    finally:
        if slave >= 0:
            os.close(slave)
        os.close(master)
    return Result(proc.returncode, out, err)


@pytest.fixture
def ws(tmp_path) -> Workspace:
    root = tmp_path / "root"
    root.mkdir()
    return Workspace(root)

