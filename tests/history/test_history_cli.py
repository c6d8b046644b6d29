"""The operator's per-user commands (`sessions export --user`, `sessions delete --user`, `sessions import <zip>`,
`sessions list --search`), run as real subprocesses on a store seeded through the engine; and two data-layer rules
that need no server (a zip imports whole or not at all; a chat's saved state never shares anything)."""

from __future__ import annotations

import asyncio
import io
import json
import os
import stat
import zipfile

import pytest
from history_harness import run_cli

from pulsepal.sessions import SessionManager, SessionNotFound
from pulsepal.sessions.errors import ImportFormatError
from pulsepal.settings import Settings


@pytest.fixture
def store(tmp_path):
    return tmp_path / "sessions"


def _engine(store) -> SessionManager:
    return SessionManager(Settings(_env_file=None, session_storage_path=store), actor="test")


def _seed(store) -> dict:
    sm = _engine(store)
    made = {"ann": [], "bob": []}
    for owner, texts in (("ann", ["spin echo timing", "crusher placement", "EPI ghosts"]), ("bob", ["bob's crusher"])):
        for text in texts:
            sid = sm.create_session(owner)
            sm.add_message(sid, "user", f"A question about {text}")
            answer = sm.add_message(sid, "assistant", f"An answer about {text}")
            sm.rate_message(sid, answer.id, 0, owner=owner, comment="kept")
            made[owner].append(sid)
    sm.archive_session(made["ann"][0])
    sm.pin_session(made["ann"][1], owner="ann")
    sm.close()
    return made


def _documents(store, ids) -> dict:
    sm = _engine(store)
    try:
        return {sid: sm.export_session(sid)["events"] for sid in ids}
    finally:
        sm.close()


def test_export_user_then_delete_then_import_gives_identical_sessions(store, tmp_path):
    made = _seed(store)
    before = _documents(store, made["ann"])
    target = tmp_path / "ann.zip"
    r = run_cli(store, "sessions", "export", "--user", "ann", "--output", str(target))
    assert r.returncode == 0, r.stderr
    assert "exported 3 conversation(s) of ann" in r.stdout
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    names = zipfile.ZipFile(target).namelist()
    assert sorted(n for n in names if n.endswith(".json")) == sorted(f"conversations/{s}.json" for s in made["ann"])
    assert run_cli(store, "sessions", "export", "--user", "ann", "--output", str(target)).returncode == 2  # exists

    r = run_cli(store, "sessions", "delete", "--user", "ann")  # no terminal: refuses without --yes
    assert r.returncode == 2 and "--yes" in r.stderr
    r = run_cli(store, "sessions", "delete", "--user", "ann", "--yes")
    assert r.returncode == 0 and "deleted 3 conversation(s) of ann" in r.stdout
    listed = json.loads(run_cli(store, "sessions", "list", "--all", "--json").stdout)["sessions"]
    assert [s["session_id"] for s in listed] == made["bob"]  # nothing of ann is left, bob's is untouched
    sm = _engine(store)
    assert sorted(b.session_id for b in sm.store.backups() if b.reason == "erase") == sorted(made["ann"])
    sm.close()

    r = run_cli(store, "sessions", "import", str(target))
    assert r.returncode == 0 and "imported 3 conversation(s)" in r.stdout, r.stderr
    assert _documents(store, made["ann"]) == before  # every event, ratings included, exactly as before
    r = run_cli(store, "sessions", "import", str(target))  # a second time: they exist
    assert r.returncode == 2 and "--force" in r.stderr


def test_per_user_commands_refuse_bad_input_with_a_clear_message(store, tmp_path):
    _seed(store)
    cases = [
        (["sessions", "export", "--user", "ann"], 2, "--output"),
        (["sessions", "export", "--user", "ann", "-o", str(tmp_path / "x.zip"), "--format", "json"], 2, "--format"),
        (["sessions", "export", "--user", "nobody", "-o", str(tmp_path / "y.zip")], 1, "no conversations"),
        (["sessions", "export"], 2, "SESSION_ID or --user"),
        (["sessions", "delete", "--user", "nobody", "--yes"], 1, "no conversations"),
        (["sessions", "delete", "--user", " ", "--yes"], 2, "user name"),
        (["sessions", "list", "--search", "x" * 501], 2, "500 characters"),
    ]
    for args, code, message in cases:
        r = run_cli(store, *args)
        assert r.returncode == code and message in r.stderr, (args, r.returncode, r.stderr)
    assert not (tmp_path / "y.zip").exists()
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("conversations/x.json", b"{not json")
    r = run_cli(store, "sessions", "import", str(bad))
    assert r.returncode == 2 and "conversations/x.json" in r.stderr


def test_list_search_is_the_whole_history_search(store):
    made = _seed(store)
    rows = json.loads(run_cli(store, "sessions", "list", "--search", "crusher", "--json").stdout)["sessions"]
    assert {r["session_id"] for r in rows} == {made["ann"][1], made["bob"][0]}
    assert all("crusher" in r["snippet"].lower() for r in rows)
    ann = json.loads(run_cli(store, "sessions", "list", "--search", "spin echo", "--user", "ann",
                            "--json").stdout)["sessions"]
    assert [r["session_id"] for r in ann] == [made["ann"][0]] and ann[0]["state"] == "archived"
    archived = json.loads(run_cli(store, "sessions", "list", "--search", "answer", "--archived", "--json").stdout)
    assert [r["session_id"] for r in archived["sessions"]] == [made["ann"][0]]
    table = run_cli(store, "sessions", "list", "--search", "ghosts")
    assert table.returncode == 0 and "A question about EPI ghosts" in table.stdout
    none = run_cli(store, "sessions", "list", "--search", "zebra")
    assert none.returncode == 0 and "no sessions found matching 'zebra'" in none.stderr


def test_an_import_zip_with_one_bad_document_imports_nothing(tmp_path, store):
    sm = _engine(store)
    good = sm.create_session("ann")
    sm.add_message(good, "user", "hello")
    data = sm.export_user("ann")
    sm.delete_session(good)
    broken = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(broken, "w") as target:
        for name in source.namelist():
            target.writestr(name, source.read(name))
        target.writestr("conversations/00000000-0000-4000-8000-000000000001.json",
                        json.dumps({"format": "nonsense"}))
    with pytest.raises(ImportFormatError, match="00000000-0000-4000-8000-000000000001"):
        sm.import_zip(broken.getvalue())
    assert sm.describe(good) is None  # the good one was not installed either
    sm.close()


async def test_a_chats_saved_state_never_shares_only_the_share_dialog_does(tmp_path, store):
    from pulsepal.web.datalayer import PulsePalDataLayer, remember_caller

    sm = _engine(store)
    sid = sm.create_session("ann")
    sm.add_message(sid, "user", "hello")
    layer = PulsePalDataLayer(lambda: sm)
    # on disconnect Chainlit saves the chat's user_session, which may hold an is_shared copied at resume
    await layer.update_thread(sid, metadata={"is_shared": True, "chat_settings": {}})
    assert sm.share_of(sid) is None

    async def as_http_request(user, shared):  # what PUT /project/thread/share does, after the author check
        remember_caller(user)  # (a task of its own: the caller is that request's, as in the server)
        await layer.update_thread(sid, metadata={"is_shared": shared})

    await asyncio.create_task(as_http_request("ann", True))
    assert sm.share_of(sid) is not None
    with pytest.raises(SessionNotFound):  # not bob's (Chainlit's author check stops him before this, too)
        await asyncio.create_task(as_http_request("bob", False))
    assert sm.share_of(sid) is not None
    await layer.update_thread(sid, metadata={"is_shared": False})  # a disconnect again: changes nothing
    assert sm.share_of(sid) is not None
    sm.close()


def test_a_conversation_archived_before_the_indexer_came_round_is_still_found(store):
    sm = _engine(store)
    sid = sm.create_session("ann")
    sm.add_message(sid, "user", "a question about quadrature coils")
    sm.add_message(sid, "assistant", "a birdcage coil is one")  # not in the title: only the index finds it
    sm.archive_session(sid)  # at once: the indexer waits a moment after a change, the archive does not
    sm.store.search_index.wait_idle()
    assert [h["session_id"] for h in sm.search_sessions("birdcage", owner="ann")["hits"]] == [sid]
    sm.close()


def test_an_index_of_the_older_schema_is_rebuilt(store):
    import sqlite3

    sm = _engine(store)
    sid = sm.create_session("ann")
    sm.add_message(sid, "user", "hello")
    sm.add_message(sid, "assistant", "the word is gadolinium")
    sm.close()
    db = sqlite3.connect(store / "search.sqlite")
    db.execute("UPDATE meta SET value = '1' WHERE key = 'version'")  # as written before message_rows existed
    db.execute("DELETE FROM messages")
    db.commit()
    db.close()
    sm = _engine(store)
    sm.store.search_index.wait_idle()
    assert [h["session_id"] for h in sm.search_sessions("gadolinium", owner="ann")["hits"]] == [sid]
    sm.delete_session(sid)  # and a removal finds the session's rows through message_rows
    assert sm.search_sessions("gadolinium", owner="ann")["hits"] == []
    sm.close()
