"""Deleting a conversation removes its words from the store's files, not just from the results (file store).

The search index is derived data, but it holds every message's text: a deleted row must not stay readable in
`search.sqlite` (FTS5 keeps deleted entries in its segments until they merge; SQLite keeps freed pages as they
were; the WAL keeps old pages until a checkpoint). "Delete all my data" also folds the index log, which holds the
conversations' titles. The operator's backups (compressed, kept SESSION_ARCHIVE_DAYS) are the only place left."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings


def _engine(root: Path) -> SessionManager:
    return SessionManager(Settings(_env_file=None, session_storage_path=root / "sessions"), actor="test")


def _files_holding(root: Path, word: bytes) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and "backups" not in p.parts and word in p.read_bytes())


def _chat(sm: SessionManager, owner: str, words: str) -> str:
    sid = sm.create_session(owner)
    sm.add_message(sid, "user", f"{words}: how do I spoil the transverse magnetisation?")
    sm.add_message(sid, "assistant", f"For {words}, add a spoiler gradient after the readout.")
    return sid


def test_delete_all_leaves_no_word_of_the_user_outside_the_backups(tmp_path):
    sm = _engine(tmp_path)
    mine = [_chat(sm, "ann", f"quokkamagic{i} xylophonist") for i in range(3)]
    sm.archive_session(mine[0])  # archived conversations are searched and erased too
    _chat(sm, "bob", "wombatronic")
    for n in range(40):  # enough other rows that the index has several segments, as a used one does
        _chat(sm, "bob", f"filler{n} gradient echo")
    sm.store.search_index.wait_idle()
    assert sm.search_sessions("xylophonist", owner="ann")["total"] == 3
    assert _files_holding(tmp_path, b"xylophonist")  # before: in the index, the logs, the archive

    result = sm.erase_user("ann")
    assert sorted(result["removed"]) == sorted(mine)
    assert _files_holding(tmp_path, b"xylophonist") == []
    assert _files_holding(tmp_path, b"quokkamagic") == []
    assert sm.search_sessions("wombatronic", owner="bob")["total"] == 1  # bob's are untouched and still found
    sm.close()


def test_a_deleted_conversation_leaves_the_search_index_file(tmp_path):
    sm = _engine(tmp_path)
    gone = _chat(sm, "ann", "platypusian")
    kept = _chat(sm, "ann", "echidnaform")
    sm.store.search_index.wait_idle()
    sm.delete_session(gone)
    sm.store.search_index.wait_idle()  # the index rewrites itself without the deleted rows in its own thread
    index_files = [p for p in _files_holding(tmp_path, b"platypusian") if "search.sqlite" in p]
    assert index_files == []
    assert [h["session_id"] for h in sm.search_sessions("echidnaform", owner="ann")["hits"]] == [kept]
    sm.close()


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}
    env["SESSION_STORAGE_PATH"] = str(root / "sessions")
    return subprocess.run([sys.executable, "-m", "pulsepal.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120)


def test_a_cli_delete_leaves_no_word_in_the_search_index(tmp_path):
    sm = _engine(tmp_path)
    gone = _chat(sm, "ann", "numbatesque")
    sm.close()
    done = _cli(tmp_path, "sessions", "delete", gone, "--yes")
    assert done.returncode == 0, done.stderr
    assert [p for p in _files_holding(tmp_path, b"numbatesque") if "search.sqlite" in p] == []


def test_a_purge_owed_by_a_process_that_ended_first_is_done_by_the_next(tmp_path):
    sm = _engine(tmp_path)
    gone = _chat(sm, "ann", "bilbyflavoured")
    sm.store.search_index.wait_idle()
    sm.close()
    script = ("import os, sys\n"
              "from pulsepal.sessions import SessionManager\n"
              "from pulsepal.settings import Settings\n"
              "sm = SessionManager(Settings(_env_file=None, session_storage_path=sys.argv[1]), actor='t')\n"
              "sm.delete_session(sys.argv[2])\n"
              "os._exit(0)  # ends before the indexer thread's purge, as a killed server would\n")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "sessions"), gone], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert [p for p in _files_holding(tmp_path, b"bilbyflavoured") if "search.sqlite" in p]  # still owed
    sm = _engine(tmp_path)
    sm.search_sessions("anything", owner="ann")  # any use of the index opens it
    sm.store.search_index.wait_idle()
    assert [p for p in _files_holding(tmp_path, b"bilbyflavoured") if "search.sqlite" in p] == []
    sm.close()
