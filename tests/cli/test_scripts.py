"""The spec's scripts and one-liners, run exactly as written from a (fake) repository root on the defaults."""

from __future__ import annotations

import gzip
import json
import os
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

UNKNOWN = "00000000-0000-4000-8000-000000000000"


def seed_for_cleanup(ws) -> dict:
    """One session of each fate under the default policy (24 h duration, 7-day archives, 30-day backups)."""
    fresh = ws.seed(messages=("still talking",))
    expired = ws.seed(timedelta(days=2), messages=("old question",))
    old_archive = ws.seed(timedelta(days=12), messages=("ancient",))
    ws.manager(timedelta(days=10)).archive_session(old_archive)
    recent_archive = ws.seed(timedelta(days=3), messages=("recent",))
    ws.manager(timedelta(days=2)).archive_session(recent_archive)
    doomed = ws.seed(messages=("bye",))
    backup = ws.manager().delete_session(doomed)
    old = time.time() - 40 * 86400
    os.utime(backup, (old, old))
    return {"fresh": fresh, "expired": expired, "old_archive": old_archive, "recent_archive": recent_archive,
            "backup": backup}


def active_ids(ws) -> set[str]:
    return {p.name[len("session_"):-len(".json")] for p in (ws.storage / "active").glob("session_*.json")}


def archived_ids(ws) -> set[str]:
    return {p.name[len("session_"):-len(".json.gz")] for p in (ws.storage / "archive").glob("????-??-??/*.json.gz")}


# ---------------------------------------------------------------------------------------------------- cleanup
def test_dry_run_prints_the_plan_and_changes_nothing(ws):
    s = seed_for_cleanup(ws)
    before = ws.digest()
    r = ws.script("cleanup_sessions.py", "--dry-run")
    assert r.code == 0, r
    assert "DRY RUN: nothing was changed" in r.out
    lines = r.out.splitlines()
    assert any(line.startswith("archive ") and s["expired"] in line for line in lines)
    assert any(line.startswith("remove archive") and s["old_archive"] in line for line in lines)
    assert any(line.startswith("remove backup") and s["backup"].name in line for line in lines)
    assert s["fresh"] not in r.out and s["recent_archive"] not in r.out
    assert "would do: archive: 1, remove archive: 1, remove backup: 1; errors: 0" in r.out
    assert ws.digest() == before

    for args in (["--force"], ["--force", "--all"], ["--days", "1", "--json"]):
        r = ws.script("cleanup_sessions.py", "--dry-run", *args)
        assert r.code == 0, (args, r)
        assert ws.digest() == before, args
    plan = json.loads(r.out)
    assert plan["dry_run"] is True and plan["counts"] == {"archive": 1, "remove_archive": 2, "remove_backup": 1}


def test_default_pass_archives_expired_and_removes_old_archives_and_backups(ws):
    s = seed_for_cleanup(ws)
    r = ws.script("cleanup_sessions.py")
    assert r.code == 0, r
    assert "done: archived: 1, removed archive: 1, removed backup: 1; errors: 0" in r.out
    assert active_ids(ws) == {s["fresh"]}
    assert archived_ids(ws) == {s["expired"], s["recent_archive"]}
    assert not s["backup"].exists()

    r = ws.script("cleanup_sessions.py", "--days", "1", "--json")
    report = json.loads(r.out)
    assert r.code == 0 and report["ok"] and report["counts"] == {"remove_archive": 1}, r
    assert [a["session_id"] for a in report["done"]] == [s["recent_archive"]]

    r = ws.script("cleanup_sessions.py", "--quiet")
    assert r.code == 0 and r.out == "" and r.err == "", r


def test_force_archives_every_active_session(ws):
    s = seed_for_cleanup(ws)
    r = ws.script("cleanup_sessions.py", "--force", "--days", "30")
    assert r.code == 0, r
    assert active_ids(ws) == set()
    assert archived_ids(ws) == {s["fresh"], s["expired"], s["old_archive"], s["recent_archive"]}


def test_force_all_backs_everything_up_only_when_confirmed(ws):
    s = seed_for_cleanup(ws)
    before = ws.digest()
    r = ws.script("cleanup_sessions.py", "--all")
    assert r.code == 2 and "--all needs --force" in r.err, r
    r = ws.script("cleanup_sessions.py", "--force", "--all")
    assert r.code == 2 and "--yes" in r.err and "not a terminal" in r.err, r
    r = ws.script("cleanup_sessions.py", "--force", "--all", "--json")
    assert r.code == 2 and r.out == "", r
    r = ws.script("cleanup_sessions.py", "--force", "--all", tty_answer="n\n")
    assert r.code == 1 and "Move ALL 2 active and 2 archived" in r.err and "aborted" in r.err, r
    assert ws.digest() == before

    r = ws.script("cleanup_sessions.py", "--force", "--all", tty_answer="y\n")
    assert r.code == 0, r
    assert active_ids(ws) == set() and archived_ids(ws) == set()
    backups = list((ws.storage / "archive" / "backups").iterdir())
    kept = {sid for sid in (s["fresh"], s["expired"], s["old_archive"], s["recent_archive"])
            if any(sid in p.name for p in backups)}
    assert len(kept) == 4
    for path in backups:
        if s["fresh"] in path.name:
            assert "still talking" in gzip.decompress(path.read_bytes()).decode()
    assert json.loads(ws.cli("sessions", "list", "--all", "--json").out)["total"] == 0


def test_force_all_with_yes_runs_unattended(ws):
    fresh = ws.seed()
    r = ws.cli("sessions", "cleanup", "--force", "--all", "--yes", "--json")
    report = json.loads(r.out)
    assert r.code == 0 and report["counts"] == {"purge_active": 1}, r
    assert any(fresh in p.name for p in (ws.storage / "archive" / "backups").iterdir())


def test_a_pass_with_errors_exits_1_and_raises_an_alert(ws):
    expired = ws.seed(timedelta(days=2))
    now = datetime.now(timezone.utc)
    for day in (now, now + timedelta(days=1)):  # a file where today's archive folder must go
        (ws.storage / "archive" / day.strftime("%Y-%m-%d")).write_text("in the way")
    r = ws.script("cleanup_sessions.py")
    assert r.code == 1, r
    assert f"error: {expired}" in r.err and "errors: 1" in r.out
    assert active_ids(ws) == {expired}  # the session stayed where it was
    r = ws.script("cleanup_sessions.py", "--quiet")
    assert r.code == 1 and r.out == "" and expired in r.err, r
    r = ws.cli("sessions", "alerts")
    assert "cleanup_failed" in r.out, r


def test_cleanup_rejects_bad_options(ws):
    ws.seed()
    before = ws.digest()
    for args in (["--days", "0"], ["--days", "-3"], ["--days", "week"], ["--bogus"]):
        r = ws.script("cleanup_sessions.py", *args)
        assert r.code == 2 and "error: " in r.err, (args, r)
    assert ws.digest() == before


def test_scripts_run_by_absolute_path_from_any_folder(ws, tmp_path):
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    script = str(REPO / "scripts" / "cleanup_sessions.py")
    r = ws.run(script, "--dry-run", cwd=elsewhere)
    assert r.code == 0 and "DRY RUN" in r.out, r
    assert (elsewhere / "sessions" / "active").is_dir()  # the default ./sessions is relative to the cwd
    r = ws.run(script, "--json", cwd=elsewhere, env={"SESSION_STORAGE_PATH": str(ws.storage)})
    assert r.code == 0 and json.loads(r.out)["ok"], r
    for name in ("restore_session.py", "rebuild_sessions.py"):
        r = ws.run(str(REPO / "scripts" / name), "--help", cwd=elsewhere)
        assert r.code == 0 and "Usage:" in r.out, (name, r)


# ---------------------------------------------------------------------------------------------------- restore
def test_restore_script(ws):
    session_id = ws.seed(messages=("bring me back",))
    archive = ws.manager(timedelta(days=2)).archive_session(session_id)
    day = archive.parent.name
    before = ws.digest()
    cases = [
        ([], 2, "--session-id"),
        (["--session-id", "../x"], 2, "invalid session id"),
        (["--session-id", "/etc/passwd"], 2, "invalid session id"),
        (["--session-id", "a" * 10240], 2, "invalid session id"),
        (["--session-id", session_id, "--date", "2025-02-30"], 2, "not a date"),
        (["--session-id", session_id, "--date", "18-01-2025"], 2, "not a date"),
        (["--session-id", session_id, "--date", "2025-01-18"], 1, "no archive dated 2025-01-18"),
        (["--session-id", UNKNOWN], 1, "no archive"),
    ]
    for args, code, message in cases:
        r = ws.script("restore_session.py", *args)
        assert r.code == code and message in r.err and "error: " in r.err, (args, r)
    assert ws.digest() == before

    r = ws.script("restore_session.py", "--session-id", session_id)  # found without --date
    assert r.code == 0 and "restored session" in r.out, r
    assert active_ids(ws) == {session_id} and not archive.exists()
    r = ws.script("restore_session.py", "--session-id", session_id, "--date", day)
    assert r.code == 2 and "already active" in r.err, r


def test_restore_with_force_replaces_an_active_copy_after_a_backup(ws):
    session_id = ws.seed(messages=("archived words",))
    archive = ws.manager().archive_session(session_id)
    kept = archive.read_bytes()
    ws.manager().restore_session(session_id)
    ws.manager().add_message(session_id, "user", "newer words")
    archive.parent.mkdir(exist_ok=True)
    archive.write_bytes(kept)  # an operator put the old archive back
    r = ws.script("restore_session.py", "--session-id", session_id)
    assert r.code == 2 and "already active" in r.err, r
    r = ws.script("restore_session.py", "--session-id", session_id, "--force")
    assert r.code == 0, r
    backup = next((ws.storage / "archive" / "backups").iterdir())
    assert "newer words" in gzip.decompress(backup.read_bytes()).decode()
    details = json.loads(ws.cli("sessions", "show", session_id, "--json").out)
    assert [m["content"] for m in details["recent_messages"]] == ["archived words"]


# ---------------------------------------------------------------------------------------------------- rebuild
def test_rebuild_from_logs_is_idempotent_and_explains_skips(ws, tmp_path):
    lost = [ws.seed(messages=(f"lost {i}", "reply")) for i in range(3)]
    for session_id in lost:
        (ws.storage / "active" / f"session_{session_id}.json").unlink()
    for name in ("metadata.json", "metadata.log"):
        (ws.storage / name).unlink(missing_ok=True)

    r = ws.script("rebuild_sessions.py", "--from-logs", "conversationLogs/")
    assert r.code == 0 and "rebuilt 3 session(s), skipped 0" in r.out, r
    assert active_ids(ws) == set(lost)
    rows = json.loads(ws.cli("sessions", "list", "--json").out)
    assert rows["total"] == 3 and {s["message_count"] for s in rows["sessions"]} == {2}

    before = ws.digest(ignore=("sessions/audit.log",))  # the run itself is audited
    r = ws.script("rebuild_sessions.py", "--from-logs", "conversationLogs/", "--json")
    report = json.loads(r.out)
    assert r.code == 0 and report["rebuilt"] == [], r
    assert {(s["session_id"], s["reason"]) for s in report["skipped"]} == {(sid, "already active") for sid in lost}
    assert ws.digest(ignore=("sessions/audit.log",)) == before

    saved = tmp_path / "saved_logs"
    saved.mkdir()
    archived = ws.seed(messages=("to the archive",))
    log = ws.logs / f"session_{archived}.jsonl"
    (saved / log.name).write_bytes(log.read_bytes())
    ws.manager().archive_session(archived)
    (saved / "session_garbage.jsonl").write_text("not json\n")
    r = ws.script("rebuild_sessions.py", "--from-logs", str(saved))
    assert r.code == 0, r
    assert f"skipped  {archived}: archived" in r.out and "skipped  garbage: log unusable" in r.out

    r = ws.script("rebuild_sessions.py", "--from-logs", "nowhere/")
    assert r.code == 2 and "does not exist" in r.err, r


# ----------------------------------------------------------------------------------------- spec one-liners
def one_liner(ws, call: str):
    return ws.run("-c", f"from pulsepal.dependencies import SessionManager; SessionManager().{call}")


def test_spec_python_c_one_liners(ws):
    expired = ws.seed(timedelta(days=2))
    fresh = ws.seed()
    r = one_liner(ws, "archive_expired_sessions()")
    assert r.code == 0 and f"archived 1 expired session(s): {expired}" in r.out, r
    r = one_liner(ws, f"archive_session('{fresh}')")
    assert r.code == 0 and f"archived session {fresh}" in r.out, r
    r = one_liner(ws, "list_archived_sessions()")
    assert r.code == 0 and "2 archived session(s)" in r.out and expired in r.out and fresh in r.out, r
    r = one_liner(ws, "archive_session('session_id')")  # the spec's placeholder: there is no such session
    assert r.code == 1 and r.err == "error: no session 'session_id'\n", r  # one line, no traceback

    r = ws.cli("sessions", "list", "--archived", "--json")
    assert {s["session_id"] for s in json.loads(r.out)["sessions"]} == {expired, fresh}
