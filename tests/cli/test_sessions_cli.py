"""`python -m pulsepal.cli sessions ...`, run as a real subprocess on real files.

Every failure path also checks that the store is byte-for-byte what it was: a refused command must not have
half-done anything.
"""

from __future__ import annotations

import gzip
import json
from datetime import timedelta

BAD_IDS = ["../x", "/etc/passwd", "a" * 10240]
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def without_exported_at(document: dict) -> dict:
    return {k: v for k, v in document.items() if k != "exported_at"}


# ------------------------------------------------------------------------------------------------------ list
def test_list_filters_sorts_and_prints_a_table_or_json(ws):
    old = ws.seed(timedelta(days=3), owner="alice", messages=("How do I build a spin echo?", "Like this.", "thanks"))
    new = ws.seed(owner="bob", messages=("EPI readout question",))
    gone = ws.seed(timedelta(days=2), owner="carol", messages=("spiral trajectory",))
    ws.manager(timedelta(days=1)).archive_session(gone)

    r = ws.cli("sessions", "list")
    assert r.code == 0, r
    lines = r.out.splitlines()
    assert lines[0].split()[:2] == ["SESSION", "ID"]
    assert [line.split()[0] for line in lines[1:-1]] == [new, old]  # most recent activity first
    assert all(len(line) <= 80 for line in lines)
    assert "2 of 2 active session(s)" in r.out and gone not in r.out

    rows = json.loads(ws.cli("sessions", "list", "--json", "--sort", "messages", "--asc").out)
    assert rows["total"] == 2 and [s["session_id"] for s in rows["sessions"]] == [new, old]
    assert rows["sessions"][1]["owner"] == "alice" and rows["sessions"][1]["message_count"] == 3
    assert rows["sessions"][1]["created_at"].endswith("+00:00")  # ISO times

    def ids(*args):
        result = ws.cli("sessions", "list", "--json", *args)
        assert result.code == 0, result
        return [s["session_id"] for s in json.loads(result.out)["sessions"]]

    assert ids("--archived") == [gone]
    assert sorted(ids("--all")) == sorted([old, new, gone])
    assert ids("--user", "alice") == [old]
    assert ids("--older-than", "2d") == [old] and ids("--older-than", "90m") == [old]
    assert ids("--older-than", "4d") == []
    assert ids("--search", "SPIN echo") == [old]
    assert ids("--limit", "1") == [new]

    r = ws.cli("sessions", "list", "--all")
    assert "archived" in r.out and "3 of 3 session(s)" in r.out


def test_list_rejects_bad_options(ws):
    ws.seed()
    before = ws.digest()
    for args, message in [
        (["--older-than", "soon"], "not a duration"),
        (["--sort", "colour"], "--sort"),
        (["--limit", "0"], "--limit"),
        (["--archived", "--all"], "cannot be combined"),
        (["--frobnicate"], "No such option"),
    ]:
        r = ws.cli("sessions", "list", *args)
        assert r.code == 2, (args, r)
        assert "error: " in r.err and message in r.err, (args, r)
        assert r.out == ""
    assert ws.digest() == before


def test_list_on_an_empty_store_says_so(ws):
    r = ws.cli("sessions", "list")
    assert r.code == 0 and r.out == "" and "no active sessions" in r.err


# ------------------------------------------------------------------------------------------------------ show
def test_show_active_and_archived_sessions(ws):
    active = ws.seed(timedelta(hours=1), owner="alice", messages=[f"message number {i}" for i in range(12)])
    archived = ws.seed(timedelta(days=1), owner="bob", messages=("spiral question", "spiral answer"))
    ws.manager().archive_session(archived)

    r = ws.cli("sessions", "show", active)
    assert r.code == 0, r
    assert f"Session:       {active}" in r.out and "State:         active" in r.out and "alice" in r.out
    assert "Recent messages (10 of 12)" in r.out
    assert "message number 11" in r.out and "message number 1\n" not in r.out

    details = json.loads(ws.cli("sessions", "show", active, "--json", "--messages", "3").out)
    assert details["state"] == "active" and details["message_count"] == 12
    assert [m["content"] for m in details["recent_messages"]] == [f"message number {i}" for i in (9, 10, 11)]

    r = ws.cli("sessions", "show", archived)
    assert r.code == 0, r
    assert "State:         archived" in r.out and "Archive file:" in r.out and "spiral answer" in r.out
    details = json.loads(ws.cli("sessions", "show", archived, "--json").out)
    assert details["state"] == "archived" and details["archive_path"].startswith("archive/")


def test_show_unknown_and_invalid_ids(ws):
    ws.seed()
    before = ws.digest()
    r = ws.cli("sessions", "show", UNKNOWN)
    assert r.code == 1 and r.err.startswith("error: ") and UNKNOWN in r.err and r.out == "", r
    for bad in BAD_IDS:
        r = ws.cli("sessions", "show", bad)
        assert r.code == 2 and "error: invalid session id" in r.err, r
        assert len(r.err) < 300  # a 10 KB id is not echoed back whole
    assert ws.digest() == before


# ---------------------------------------------------------------------------------------------------- delete
def test_delete_refuses_without_a_terminal_unless_yes(ws):
    session_id = ws.seed()
    before = ws.digest()
    r = ws.cli("sessions", "delete", session_id)
    assert r.code == 2 and "--yes" in r.err and "not a terminal" in r.err, r
    assert ws.digest() == before

    r = ws.cli("sessions", "delete", session_id, "--yes")
    assert r.code == 0, r
    backups = list((ws.storage / "archive" / "backups").iterdir())
    assert len(backups) == 1 and str(backups[0]) in r.out
    assert not (ws.storage / "active" / f"session_{session_id}.json").exists()
    assert ws.cli("sessions", "show", session_id).code == 1
    document = json.loads(gzip.decompress(backups[0].read_bytes()))
    assert document["session_id"] == session_id


def test_delete_asks_on_a_terminal(ws):
    session_id = ws.seed()
    before = ws.digest()
    r = ws.cli("sessions", "delete", session_id, tty_answer="n\n")
    assert r.code == 1 and "Delete active session" in r.err and "aborted" in r.err, r
    assert ws.digest() == before

    r = ws.cli("sessions", "delete", session_id, tty_answer="y\n")
    assert r.code == 0 and "deleted session" in r.out, r
    assert not (ws.storage / "active" / f"session_{session_id}.json").exists()


def test_delete_of_an_archived_session_and_bad_ids(ws):
    session_id = ws.seed()
    ws.manager().archive_session(session_id)
    before = ws.digest()
    for bad in BAD_IDS:
        r = ws.cli("sessions", "delete", bad, "--yes")
        assert r.code == 2 and "invalid session id" in r.err, r
    r = ws.cli("sessions", "delete", UNKNOWN, "--yes")
    assert r.code == 1 and "no session" in r.err, r
    assert ws.digest() == before
    r = ws.cli("sessions", "delete", session_id, "--yes")
    assert r.code == 0, r
    assert not any(p for p in (ws.storage / "archive").rglob("session_*") if "backups" not in p.parts)


# ---------------------------------------------------------------------------------------------- export/import
def test_export_import_round_trip_gives_an_identical_session(ws):
    session_id = ws.seed(timedelta(hours=3), owner="alice",
                         messages=("How do I write a GRE in Python?", "Use pypulseq. api_key=sk-not-redacted-here"))
    ws.manager().add_code_example(session_id, "seq = pp.Sequence()", "python", sequence_type="gre")
    first = ws.root / "history.json"
    r = ws.cli("sessions", "export", session_id, "--output", "history.json")
    assert r.code == 0 and "exported session" in r.out, r
    original = json.loads(first.read_text())
    assert first.stat().st_mode & 0o077 == 0  # private, like the store

    assert ws.cli("sessions", "delete", session_id, "--yes").code == 0
    r = ws.cli("sessions", "import", "history.json")
    assert r.code == 0 and f"imported session {session_id}" in r.out, r

    r = ws.cli("sessions", "export", session_id, "--output", "-")
    assert r.code == 0, r
    assert without_exported_at(json.loads(r.out)) == without_exported_at(original)
    assert original["session"]["conversation_count"] == 2 and len(original["events"]) >= 4


def test_export_formats_and_overwrite_protection(ws):
    session_id = ws.seed(messages=("Spin echo please", "Here it is"))
    r = ws.cli("sessions", "export", session_id, "--output", "notes.md")
    assert r.code == 0, r
    text = (ws.root / "notes.md").read_text()
    assert text.startswith("# ") and "Spin echo please" in text and "### PulsePal" in text
    r = ws.cli("sessions", "export", session_id, "--output", "doc.txt", "--format", "markdown")
    assert r.code == 0 and (ws.root / "doc.txt").read_text().startswith("# "), r
    r = ws.cli("sessions", "export", session_id, "--output", "-", "--format", "markdown")
    assert r.code == 0 and r.out.startswith("# "), r

    (ws.root / "taken.json").write_text("precious")
    r = ws.cli("sessions", "export", session_id, "--output", "taken.json")
    assert r.code == 2 and "already exists" in r.err and "--force" in r.err, r
    assert (ws.root / "taken.json").read_text() == "precious"
    r = ws.cli("sessions", "export", session_id, "--output", "taken.json", "--force")
    assert r.code == 0 and json.loads((ws.root / "taken.json").read_text())["session_id"] == session_id, r


def test_export_failures_write_nothing(ws):
    session_id = ws.seed()
    before = ws.digest()
    listing = sorted(p.name for p in ws.root.iterdir())
    cases = [
        ([UNKNOWN, "--output", "x.json"], 1, "no session"),
        ([session_id, "--output", "missing/x.json"], 2, "does not exist"),
        ([session_id, "--output", "sessions"], 2, "is a folder"),
        ([session_id, "--output", "x.json", "--format", "pdf"], 2, "--format"),
    ] + [([bad, "--output", "x.json"], 2, "invalid session id") for bad in BAD_IDS]
    for args, code, message in cases:
        r = ws.cli("sessions", "export", *args)
        assert r.code == code and r.err.startswith(("error: ", "Usage")) and message in r.err, (args, r)
    assert sorted(p.name for p in ws.root.iterdir()) == listing
    assert ws.digest() == before


def test_import_refuses_bad_files_and_existing_sessions(ws):
    session_id = ws.seed(messages=("original",))
    assert ws.cli("sessions", "export", session_id, "-o", "good.json").code == 0
    document = json.loads((ws.root / "good.json").read_text())
    (ws.root / "notjson.json").write_text("this is not json {")
    (ws.root / "list.json").write_text("[1, 2, 3]")
    (ws.root / "other.json").write_text(json.dumps({"format": "something-else", "version": 1}))
    broken = dict(document, events=[{"type": "message", "role": "user"}])
    (ws.root / "broken.json").write_text(json.dumps(broken))
    evil = dict(document, session_id="../../etc/x")
    (ws.root / "evil.json").write_text(json.dumps(evil))
    (ws.root / "bad.json.gz").write_bytes(b"not gzip at all")
    before = ws.digest()
    cases = [
        ("missing.json", "no such file"),
        ("notjson.json", "not valid JSON"),
        ("list.json", "top level must be a JSON object"),
        ("other.json", "not a PulsePal session export"),
        ("broken.json", "created"),
        ("evil.json", "invalid session id"),
        ("bad.json.gz", "not a valid gzip file"),
        ("sessions", "is a folder"),
        ("good.json", "already exists"),
    ]
    for name, message in cases:
        r = ws.cli("sessions", "import", name)
        assert r.code == 2 and r.err.startswith("error: ") and message in r.err, (name, r)
    r = ws.cli("sessions", "import", "-", stdin="")
    assert r.code == 2 and "empty" in r.err, r
    assert ws.digest() == before


def test_import_force_replaces_after_a_backup_and_reads_stdin(ws):
    session_id = ws.seed(messages=("version one",))
    assert ws.cli("sessions", "export", session_id, "-o", "v1.json").code == 0
    ws.manager().add_message(session_id, "user", "version two")
    r = ws.cli("sessions", "import", "v1.json", "--force")
    assert r.code == 0 and "backed up to" in r.out, r
    backup = next((ws.storage / "archive" / "backups").iterdir())
    assert "version two" in gzip.decompress(backup.read_bytes()).decode()
    details = json.loads(ws.cli("sessions", "show", session_id, "--json").out)
    assert [m["content"] for m in details["recent_messages"]] == ["version one"]

    assert ws.cli("sessions", "delete", session_id, "--yes").code == 0
    r = ws.cli("sessions", "import", "-", stdin=(ws.root / "v1.json").read_text())
    assert r.code == 0 and session_id in r.out, r


# ------------------------------------------------------------------------------------------ archive / restore
def test_archive_and_restore(ws):
    session_id = ws.seed(messages=("keep me",))
    r = ws.cli("sessions", "archive", session_id)
    assert r.code == 0 and "archived session" in r.out, r
    archives = list((ws.storage / "archive").glob(f"*/session_{session_id}.json.gz"))
    assert len(archives) == 1
    day = archives[0].parent.name

    before = ws.digest()
    for args, code, message in [
        ([session_id], 1, "archived; restore it first"),  # archiving twice
        ([UNKNOWN], 1, "no session"),
    ] + [([bad], 2, "invalid session id") for bad in BAD_IDS]:
        r = ws.cli("sessions", "archive", *args)
        assert r.code == code and message in r.err, (args, r)
    for args, code, message in [
        ([session_id, "--date", "2025-13-01"], 2, "not a date"),
        ([session_id, "--date", "yesterday"], 2, "not a date"),
        ([session_id, "--date", "2001-01-01"], 1, "no archive dated 2001-01-01"),
        ([UNKNOWN], 1, "no archive"),
    ] + [([bad], 2, "invalid session id") for bad in BAD_IDS]:
        r = ws.cli("sessions", "restore", *args)
        assert r.code == code and r.err.startswith("error: ") and message in r.err, (args, r)
    assert ws.digest() == before

    r = ws.cli("sessions", "restore", session_id, "--date", day)
    assert r.code == 0 and "restored session" in r.out, r
    assert (ws.storage / "active" / f"session_{session_id}.json").exists() and not archives[0].exists()
    r = ws.cli("sessions", "restore", session_id)
    assert r.code == 2 and "already active" in r.err, r


# ------------------------------------------------------------------------------------------- stats / alerts
def test_stats_and_alerts(ws):
    ws.seed(timedelta(days=2), messages=("a", "b"))
    ws.seed(messages=("c",))
    r = ws.cli("sessions", "stats")
    assert r.code == 0, r
    assert "Active sessions:" in r.out and "2 of 1000" in r.out and "Alerts: none" in r.out
    report = json.loads(ws.cli("sessions", "stats", "--json").out)
    assert set(report) == {"sessions", "ages", "storage", "activity"}
    assert report["sessions"]["active_count"] == 2 and report["sessions"]["messages_total"] == 3
    assert report["ages"]["buckets"][">48h"] == 1

    r = ws.cli("sessions", "alerts")
    assert r.code == 0 and r.out.strip() == "no alerts", r
    assert json.loads(ws.cli("sessions", "alerts", "--json").out) == {"alerts": []}

    r = ws.cli("sessions", "alerts", env={"MAX_ACTIVE_SESSIONS": "2"})
    assert r.code == 0 and "CRITICAL" in r.out and "high_active_sessions" in r.out, r
    alerts = json.loads(ws.cli("sessions", "alerts", "--json", env={"MAX_ACTIVE_SESSIONS": "2"}).out)["alerts"]
    assert [a["code"] for a in alerts] == ["high_active_sessions"] and alerts[0]["since"].endswith("+00:00")


# ------------------------------------------------------------------------------------- verify / reindex
def test_verify_reindex_and_rebuild(ws):
    first = ws.seed(messages=("one",))
    second = ws.seed(messages=("two", "three"))
    ws.manager().archive_session(second)
    r = ws.cli("sessions", "verify", "--deep")
    assert r.code == 0 and "checked 1 active session(s) and 1 archive(s)" in r.out and "OK" in r.out, r

    (ws.storage / "metadata.json").unlink()
    (ws.storage / "metadata.log").unlink(missing_ok=True)
    r = ws.cli("sessions", "reindex", "--json")
    assert r.code == 0 and json.loads(r.out) == {"active": 1, "archived": 1, "problems": []}, r
    rows = json.loads(ws.cli("sessions", "list", "--all", "--json").out)["sessions"]
    assert sorted(s["session_id"] for s in rows) == sorted([first, second])

    (ws.storage / "active" / f"session_{first}.json").write_text("{ truncated")
    r = ws.cli("sessions", "verify", "--json")
    report = json.loads(r.out)
    assert r.code == 1 and report["quarantined"] and not report["ok"], r  # repaired, but reported
    assert ws.cli("sessions", "show", first).code == 0  # rebuilt from its conversation log


# -------------------------------------------------------------------------------------- global failures
def test_storage_failure_is_one_line_with_exit_3(ws):
    (ws.root / "afile").write_text("not a folder")
    r = ws.cli("--storage", "afile/sessions", "sessions", "list")
    assert r.code == 3 and r.err.startswith("error: storage failure:") and "Traceback" not in r.err, r
    assert len(r.err.strip().splitlines()) == 1
    r = ws.cli("--storage", "afile/sessions", "sessions", "list", env={"PULSEPAL_DEBUG": "1"})
    assert r.code == 3 and "Traceback" in r.err, r


def test_invalid_settings_are_bad_input(ws):
    r = ws.cli("sessions", "list", env={"MAX_SESSION_DURATION_HOURS": "-1"})
    assert r.code == 2 and "MAX_SESSION_DURATION_HOURS" in r.err and r.err.startswith("error: "), r
    (ws.root / ".env").write_text("SESSION_ARCHIVE_DAYS=forever\n")
    r = ws.cli("sessions", "stats")
    assert r.code == 2 and "SESSION_ARCHIVE_DAYS" in r.err, r
    assert not ws.storage.exists()  # nothing was created with a bad configuration


def test_storage_option_overrides_the_environment(ws, tmp_path):
    elsewhere = tmp_path / "elsewhere" / "sessions"
    r = ws.cli("--storage", str(elsewhere), "sessions", "list", env={"SESSION_STORAGE_PATH": str(ws.storage)})
    assert r.code == 0, r
    assert (elsewhere / "active").is_dir() and not ws.storage.exists()
    assert (elsewhere.parent / "conversationLogs").is_dir()
