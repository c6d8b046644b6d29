"""An archive keeps when it was archived through the operator's index recovery, whatever happened to its file's times.

The file store's index is derived data: after it is lost or corrupt, or on a data folder restored from a backup,
it is rebuilt from the files (`sessions reindex`, or by itself when a store opens). A copy that does not keep file
times (`cp -r`, many backup tools; here `shutil.copytree(copy_function=shutil.copy)`) leaves every archive with a
fresh mtime, so the archive time has to come from the archive itself, or retention (which counts from it) would
start again for every archive. Sessions are archived in-process with the engine's clock in the past; every
rebuild and cleanup is the real command, run as a subprocess on the copy.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .conftest import Workspace


def restored_copy(ws: Workspace, name: str = "restored") -> Workspace:
    """The workspace's data as a backup tool without time preservation gives it back: same bytes, new mtimes."""
    ws.settle()
    (ws.root.parent / name).mkdir()
    copy = Workspace(ws.root.parent / name)
    for folder in ("sessions", "conversationLogs"):
        if (ws.root / folder).exists():
            shutil.copytree(ws.root / folder, copy.root / folder, copy_function=shutil.copy)
    return copy


def archives(ws: Workspace) -> dict[str, Path]:
    return {p.name[len("session_"):-len(".json.gz")]: p for p in (ws.storage / "archive").glob("????-??-??/*.json.gz")}


def archived_rows(ws: Workspace) -> dict[str, dict]:
    r = ws.cli("sessions", "list", "--archived", "--json")
    assert r.code == 0, r
    return {row["session_id"]: row for row in json.loads(r.out)["sessions"]}


def drop_index(ws: Workspace) -> None:
    (ws.storage / "metadata.json").unlink()
    (ws.storage / "metadata.log").unlink(missing_ok=True)


def removals(ws: Workspace) -> set[str]:
    """The archives the default cleanup pass (7-day retention) would remove, as its dry run plans them."""
    r = ws.script("cleanup_sessions.py", "--dry-run", "--json")
    assert r.code == 0, r
    return {a["session_id"] for a in json.loads(r.out)["planned"] if a["action"] == "remove_archive"}


def seed_archives(ws: Workspace) -> dict[str, str]:
    """One archive past the 7-day retention (archived 10 days ago) and one within it (archived 2 days ago)."""
    old = ws.seed(timedelta(days=12), messages=("ancient",))
    ws.manager(timedelta(days=10)).archive_session(old)
    recent = ws.seed(timedelta(days=3), messages=("recent",))
    ws.manager(timedelta(days=2)).archive_session(recent)
    return {"old": old, "recent": recent}


def test_reindex_of_a_copy_without_file_times_keeps_each_archive_time(ws):
    s = seed_archives(ws)
    legacy = ws.seed(timedelta(days=11), messages=("archived by an older release",))
    ws.manager(timedelta(days=9)).archive_session(legacy)
    before = archived_rows(ws)
    assert removals(ws) == {s["old"], legacy}

    copy = restored_copy(ws)
    found = archives(copy)
    assert all(time.time() - p.stat().st_mtime < 3600 for p in found.values())  # the copy dropped the times
    # An archive that says nothing of when it was written (neither archived_at nor the exported_at every archive
    # document holds; see test_archive_fallbacks_cli.py for an older release's archive, which has exported_at):
    # only its file's mtime says when (set here as a time-keeping restore would have left it), and the rebuild
    # takes that, as it always did.
    document = json.loads(gzip.decompress(found[legacy].read_bytes()))
    assert document.pop("archived_at") == before[legacy]["archived_at"]
    document.pop("exported_at")
    found[legacy].write_bytes(gzip.compress(json.dumps(document).encode(), mtime=0))
    nine_days_ago = (datetime.now(timezone.utc) - timedelta(days=9)).timestamp()
    os.utime(found[legacy], (nine_days_ago, nine_days_ago))

    drop_index(copy)
    r = copy.cli("sessions", "reindex", "--json")
    assert r.code == 0 and json.loads(r.out) == {"active": 0, "archived": 3, "problems": []}, r
    after = archived_rows(copy)
    assert {sid: after[sid]["archived_at"] for sid in s.values()} == {sid: before[sid]["archived_at"]
                                                                      for sid in s.values()}
    legacy_at = datetime.fromisoformat(after[legacy]["archived_at"]).timestamp()
    assert abs(legacy_at - nine_days_ago) < 1e-3  # the mtime, not the time of the copy
    assert removals(copy) == {s["old"], legacy}  # retention decides as it did on the original


def test_a_corrupt_index_rebuilt_on_open_keeps_the_archive_times_and_cleanup_removes_only_the_old(ws):
    s = seed_archives(ws)
    before = archived_rows(ws)
    copy = restored_copy(ws)
    (copy.storage / "metadata.json").write_text('{"version": 1, "entries": {')  # torn by a crash or a bad copy
    (copy.storage / "metadata.log").unlink(missing_ok=True)
    after = archived_rows(copy)  # opening the store finds the index corrupt and rebuilds it from the files
    assert list((copy.storage / "quarantine").glob("*_metadata.json"))  # the corrupt index was set aside
    assert {sid: row["archived_at"] for sid, row in after.items()} == \
        {sid: row["archived_at"] for sid, row in before.items()}
    r = copy.script("cleanup_sessions.py", "--json")
    assert r.code == 0 and json.loads(r.out)["counts"] == {"remove_archive": 1}, r
    assert set(archives(copy)) == {s["recent"]}


def test_an_index_from_before_the_archive_is_reconciled_with_the_archive_time(ws):
    """An older index (restored beside newer session files) still lists a session as active that was archived
    since: opening the store reconciles it from the archive, dated by the archive, not by the file's mtime."""
    session_id = ws.seed(timedelta(days=12), messages=("ancient",))
    ws.settle()
    saved = {name: (ws.storage / name).read_bytes() for name in ("metadata.json", "metadata.log")
             if (ws.storage / name).exists()}
    ws.manager(timedelta(days=10)).archive_session(session_id)
    before = archived_rows(ws)[session_id]["archived_at"]
    copy = restored_copy(ws)
    drop_index(copy)
    for name, data in saved.items():
        (copy.storage / name).write_bytes(data)
    assert archived_rows(copy)[session_id]["archived_at"] == before
    assert removals(copy) == {session_id}


def test_of_two_archives_of_one_session_the_rebuild_keeps_the_later_archived(ws):
    """A pass killed between writing a new archive and removing the older one leaves both; the rebuilt index must
    point at the later one by when each was archived, which file times after a copy no longer tell."""
    session_id = ws.seed(timedelta(days=12), messages=("first visit",))
    ws.manager(timedelta(days=10)).archive_session(session_id)
    first = archives(ws)[session_id]
    kept = first.read_bytes()
    ws.manager(timedelta(days=4)).restore_session(session_id)
    ws.manager(timedelta(days=4)).add_message(session_id, "user", "second visit")
    ws.manager(timedelta(days=3)).archive_session(session_id)
    before = archived_rows(ws)[session_id]
    first.parent.mkdir(exist_ok=True)
    first.write_bytes(kept)  # the leftover of the killed pass, back beside the newer archive

    copy = restored_copy(ws)
    older, newer = copy.storage / first.relative_to(ws.storage), copy.storage / before["archive_path"]
    assert older != newer and older.exists() and newer.exists()
    now = time.time()
    os.utime(newer, (now - 60, now - 60))
    os.utime(older, (now, now))  # the copy happened to write the older archive last
    drop_index(copy)
    assert copy.cli("sessions", "reindex").code == 0
    row = archived_rows(copy)[session_id]
    assert (row["archived_at"], row["archive_path"]) == (before["archived_at"], before["archive_path"])
    assert removals(copy) == set()  # archived 3 days ago: within the 7-day retention
