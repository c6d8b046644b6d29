"""What a first-time operator trips over (issue 14, items 3-5) and what hostile chat text could do to their
terminal (issue 9, item 11), each through the real command run as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

LONG_TITLE = "How do I make a spin echo sequence with a long TE and crusher gradients around the refocusing pulse?"
ESCAPES = "\x1b]0;pwned\x07 \x1b[2J\x1b[31mred\u202e"


def seed_titled(ws, title: str, owner: str = "alice", text: str = "hello") -> str:
    session_id = ws.seed(owner=owner, messages=(text,))
    ws.manager().update_session(session_id, title=title)
    return session_id


def listed_ids(result) -> list[str]:
    assert result.code == 0, result
    return [s["session_id"] for s in json.loads(result.out)["sessions"]]


# ------------------------------------------------------------------------------------------ item 3: options
def test_storage_and_json_are_accepted_before_or_after_the_subcommand(ws, tmp_path):
    session_id = seed_titled(ws, "moved store")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    ws.storage.rename(elsewhere / "sessions")  # the store and its logs, away from the default ./sessions
    ws.logs.rename(elsewhere / "conversationLogs")
    where = str(elsewhere / "sessions")
    for args in (
        ["--storage", where, "sessions", "list", "--json"],
        ["sessions", "--storage", where, "list", "--json"],
        ["sessions", "list", "--storage", where, "--json"],
        ["sessions", "list", "--json", "--storage", where],
        ["--json", "sessions", "list", "--storage", where],
        ["sessions", "--json", "list", "--storage", where],
        ["--storage", where, "--json", "sessions", "list"],
    ):
        assert listed_ids(ws.cli(*args)) == [session_id], args
    assert not ws.storage.exists()  # no command fell back to ./sessions

    report = json.loads(ws.cli("sessions", "--json", "stats", "--storage", where).out)
    assert report["sessions"]["active_count"] == 1
    r = ws.script("cleanup_sessions.py", "--dry-run", "--storage", where, "--json")
    assert r.code == 0 and json.loads(r.out)["dry_run"] is True, r
    r = ws.cli("users", "list", "--json", "--storage", where)
    assert r.code == 0 and json.loads(r.out) == [], r


def test_global_options_are_refused_where_they_make_no_sense(ws):
    session_id = ws.seed()
    before = ws.digest()
    r = ws.cli("--json", "sessions", "delete", session_id, "--yes")
    assert r.code == 2 and "--json is not available" in r.err, r
    r = ws.cli("sessions", "archive", session_id, "--json")
    assert r.code == 2 and "No such option" in r.err, r
    r = ws.cli("--storage", "a", "sessions", "list", "--storage", "b")
    assert r.code == 2 and "given twice" in r.err, r
    assert ws.digest() == before


# --------------------------------------------------------------------------------------- item 4: exit codes
@pytest.mark.parametrize("bad", ["../x", "a b", "x" * 65, "_leading_underscore"])
def test_every_command_taking_an_id_says_bad_input_with_exit_2(ws, bad):
    ws.seed()
    before = ws.digest()
    for args in (["show", bad], ["delete", bad, "--yes"], ["archive", bad], ["restore", bad],
                 ["export", bad, "--output", "-"]):
        r = ws.cli("sessions", *args)
        assert r.code == 2 and "invalid session id" in r.err, (args, r)
    assert ws.script("restore_session.py", "--session-id", bad).code == 2
    assert ws.digest() == before


def test_an_id_the_engine_never_creates_is_bad_input(ws):
    r = ws.cli("sessions", "show", "not-an-id")
    assert r.code == 2 and "invalid session id" in r.err, r


# ---------------------------------------------------------------------------------------- item 5: columns
def test_the_title_column_gets_the_room_the_terminal_has(ws):
    seed_titled(ws, LONG_TITLE)
    archived = seed_titled(ws, "Archived radial question", owner="bob")
    ws.manager().archive_session(archived)

    def table(*args, columns: str):
        r = ws.cli("sessions", "list", *args, env={"COLUMNS": columns})
        assert r.code == 0, r
        lines = r.out.splitlines()
        return lines[0], lines[1:-1], r.err

    for args in ((), ("--all",)):
        header, rows, err = table(*args, columns="80")
        assert all(len(line) <= 80 for line in [header, *rows]), rows
        shown = next(line for line in rows if "How do I" in line)
        title = shown[header.index("TITLE"):]
        assert len(title) >= 20 and title.endswith("…"), (args, shown)  # was "How do I ma…" / "How …"
        assert "hidden to fit 80 columns" in err and "--json" in err
        if args:
            assert "STATE" in header and "archived" in "\n".join(rows)

    header, rows, err = table(columns="200")
    assert LONG_TITLE in "\n".join(rows) and "SIZE" in header and "MSGS" in header and err == ""

    header, rows, _ = table(columns="")  # not a terminal and no COLUMNS: whole lines for grep and less -S
    assert LONG_TITLE in "\n".join(rows) and "SIZE" in header


# ------------------------------------------------------------------------- issue 9.11: hostile chat text
def test_control_characters_never_reach_the_terminal_but_json_stays_exact(ws):
    session_id = seed_titled(ws, f"title {ESCAPES}", text=f"message {ESCAPES}\nsecond line")
    wide = {"COLUMNS": "200"}
    outputs = {
        "list": ws.cli("sessions", "list", env=wide),
        "list --all": ws.cli("sessions", "list", "--all", env=wide),
        "show": ws.cli("sessions", "show", session_id, env=wide),
        "show --full": ws.cli("sessions", "show", session_id, "--full"),
        "markdown": ws.cli("sessions", "export", session_id, "--format", "markdown"),
    }
    for name, r in outputs.items():
        assert r.code == 0, (name, r)
        for char in ("\x1b", "\x07", "\u202e"):
            assert char not in r.out and char not in r.err, (name, char, r)
        assert "\\x1b]0;pwned\\x07" in r.out, (name, r)
    assert "second line" in outputs["show --full"].out and "\\u202e" in outputs["show"].out

    listed = json.loads(ws.cli("sessions", "list", "--json").out)["sessions"]
    assert listed[0]["title"] == f"title {ESCAPES}"
    shown = json.loads(ws.cli("sessions", "show", session_id, "--json").out)
    assert shown["recent_messages"][0]["content"] == f"message {ESCAPES}\nsecond line"
    exported = json.loads(ws.cli("sessions", "export", session_id).out)
    assert any(e.get("content") == f"message {ESCAPES}\nsecond line" for e in exported["events"])

    r = ws.cli("sessions", "export", session_id, "--output", "transcript.md")
    assert r.code == 0, r
    assert ESCAPES in (ws.root / "transcript.md").read_text()  # a file is the user's data: exact

    r = ws.cli("sessions", "import", "no-such-\x1b[2J.json")
    assert r.code == 2 and "\x1b" not in r.err and "\\x1b" in r.err, r


# ------------------------------------------------------------------------------------ item 1: the commands
def test_the_pulsepal_console_command_is_the_cli(ws):
    session_id = ws.seed()
    command = Path(sys.executable).with_name("pulsepal")
    proc = subprocess.run([str(command), "sessions", "list", "--json"], cwd=ws.root, env=ws.env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc
    assert [s["session_id"] for s in json.loads(proc.stdout)["sessions"]] == [session_id]
    proc = subprocess.run([str(command), "--help"], cwd=ws.root, env=ws.env(), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("Usage: pulsepal "), proc


def test_scripts_and_benchmarks_import_the_installed_package():
    """pyproject.toml installs the package (pip install -e .); nothing patches sys.path to find it."""
    files = sorted((REPO / "scripts").glob("*.py")) + [
        REPO / "bench" / name for name in ("bench_sessions.py", "bench_admin.py", "bench_chat.py")]
    assert len(files) >= 6
    for path in files:
        assert "sys.path" not in path.read_text(), path


def test_a_script_run_by_a_python_without_pulsepal_says_which_python_to_use(tmp_path):
    bare = subprocess.run([sys.executable, "-I", "-S", str(REPO / "scripts" / "cleanup_sessions.py")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert bare.returncode == 2 and "Traceback" not in bare.stderr, bare
    assert ".venv/bin/python" in bare.stderr and "pulsepal" in bare.stderr


def test_every_documented_install_installs_the_package():
    """The scripts import the installed package, so each install command in the docs must install it."""
    for doc in (REPO / "README.md", REPO / "deploy" / "README.md"):
        installs = [line for line in doc.read_text().splitlines() if "pip install" in line]
        assert installs, doc
        for line in installs:
            assert "-e ." in line or "requirements-dev.txt" in line, (doc.name, line)
    assert "-e ." in (REPO / "requirements-dev.txt").read_text().splitlines()


def test_the_one_atomic_write_can_refuse_to_replace(tmp_path):
    """`sessions export` without --force writes through files.atomic_write_bytes(overwrite=False)."""
    import os

    from pulsepal.sessions.files import atomic_write_bytes

    target = tmp_path / "history.json"
    atomic_write_bytes(target, b"first", overwrite=False)
    assert target.read_bytes() == b"first" and os.stat(target).st_mode & 0o777 == 0o600
    with pytest.raises(FileExistsError):
        atomic_write_bytes(target, b"second", overwrite=False)
    assert target.read_bytes() == b"first"
    atomic_write_bytes(target, b"third")
    assert target.read_bytes() == b"third"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.json"]  # no temp file left behind
