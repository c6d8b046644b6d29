"""What dates an archive when the archive itself is the only witness: an archive written before archives carried
their `archived_at` (dated by the `exported_at` every archive document holds), and the stale archive copy a killed
pass leaves beside a session that is still active (swept by its own time, not its file's). Both are checked on a data
folder copied without file times (conftest-style `restored_copy`), with the real commands run as subprocesses."""

from __future__ import annotations

import gzip
import json
import os
import time
from datetime import datetime, timedelta, timezone

from .test_archive_times_cli import archived_rows, archives, drop_index, removals, restored_copy


def _strip_archived_at(path) -> dict:
    """Make an archive what an older release wrote: the same document without `archived_at`."""
    document = json.loads(gzip.decompress(path.read_bytes()))
    document.pop("archived_at")
    path.write_bytes(gzip.compress(json.dumps(document).encode(), mtime=0))
    return document


def test_an_archive_without_archived_at_is_dated_by_its_exported_at_not_its_file_time(ws):
    """The older release's archive of 10 days ago, copied without file times: mtime says "now" (so retention would
    start again); the document's exported_at, written when it was archived, says 10 days, and cleanup removes it."""
    old = ws.seed(timedelta(days=12), messages=("archived by an older release",))
    ws.manager(timedelta(days=10)).archive_session(old)
    recent = ws.seed(timedelta(days=3), messages=("archived by an older release, recently",))
    ws.manager(timedelta(days=2)).archive_session(recent)
    before = archived_rows(ws)
    copy = restored_copy(ws)
    found = archives(copy)
    exported = {sid: _strip_archived_at(found[sid])["exported_at"] for sid in (old, recent)}
    assert all(time.time() - p.stat().st_mtime < 3600 for p in found.values())  # the copy dropped the times

    drop_index(copy)
    r = copy.cli("sessions", "reindex", "--json")
    assert r.code == 0 and json.loads(r.out) == {"active": 0, "archived": 2, "problems": []}, r
    after = archived_rows(copy)
    for sid in (old, recent):
        dated = datetime.fromisoformat(after[sid]["archived_at"])
        assert dated == datetime.fromisoformat(exported[sid])  # the time the archive was built, not the copy's
        assert abs(dated.timestamp() - datetime.fromisoformat(before[sid]["archived_at"]).timestamp()) < 5
    assert removals(copy) == {old}
    r = copy.script("cleanup_sessions.py", "--json")
    assert r.code == 0 and json.loads(r.out)["counts"] == {"remove_archive": 1}, r
    assert set(archives(copy)) == {recent}


def _leave_a_stale_copy(ws, ago: timedelta) -> tuple[str, bytes]:
    """A pass killed between writing an archive and removing the session's active files, `ago` in the past: the
    session is active (restored, and talked to, minutes ago, so no pass archives it now) and its archive file,
    stamped `ago`, is back beside it, as that pass left it."""
    session_id = ws.seed(timedelta(minutes=3), messages=("still talking", "yes"))
    ws.manager(ago).archive_session(session_id)
    archive = archives(ws)[session_id]
    kept = archive.read_bytes()
    ws.manager(timedelta(minutes=2)).restore_session(session_id)
    ws.manager(timedelta(minutes=1)).add_message(session_id, "user", "and now")
    archive.parent.mkdir(exist_ok=True)
    archive.write_bytes(kept)
    return session_id, kept


def test_the_sweep_dates_a_stale_archive_copy_by_its_own_time_after_a_copy_without_file_times(ws):
    """A leftover from a pass killed 10 days ago is a leftover on the copy too, though its file is minutes old; the
    live session keeps every message."""
    session_id, _ = _leave_a_stale_copy(ws, timedelta(days=10))
    copy = restored_copy(ws)
    assert time.time() - archives(copy)[session_id].stat().st_mtime < 3600
    r = copy.cli("sessions", "verify", "--json")
    assert r.code == 0 and json.loads(r.out)["stale_archives"] == [session_id], r
    r = copy.script("cleanup_sessions.py", "--json")
    assert r.code == 0, r
    assert [a["path"] for a in json.loads(r.out)["done"] if a["action"] == "swept_stale_archives"] == [session_id]
    assert session_id not in archives(copy)
    r = copy.cli("sessions", "show", session_id, "--json")
    assert r.code == 0 and json.loads(r.out)["message_count"] == 3, r


def test_the_sweep_leaves_a_fresh_archive_alone_whatever_its_file_time_says(ws):
    """An archive written minutes ago (by its own time) may be a pass still at work: a file time set to last week
    (a restore that kept the times of an older copy, a tool that stamps a fixed date) does not make it a leftover."""
    session_id, _ = _leave_a_stale_copy(ws, timedelta(minutes=5))
    copy = restored_copy(ws)
    week_ago = time.time() - 7 * 86400
    os.utime(archives(copy)[session_id], (week_ago, week_ago))
    r = copy.cli("sessions", "verify", "--json")
    assert r.code == 0 and json.loads(r.out)["stale_archives"] == [], r
    r = copy.script("cleanup_sessions.py", "--json")
    assert r.code == 0 and not [a for a in json.loads(r.out)["done"] if a["action"].startswith("swept_")], r
    assert session_id in archives(copy)
    assert datetime.now(timezone.utc).timestamp() - week_ago > 6 * 86400  # the file really says last week


def test_verify_names_a_session_written_while_the_clock_was_a_year_ahead(ws):
    ahead = ws.seed(-timedelta(days=365), messages=("written a year ahead",))
    fine = ws.seed(timedelta(minutes=5))
    r = ws.cli("sessions", "verify")
    assert r.code == 0, r
    warned = [line for line in r.out.splitlines() if "future time" in line]
    assert len(warned) == 1 and ahead in warned[0] and "365" in warned[0] and fine not in r.out, r
