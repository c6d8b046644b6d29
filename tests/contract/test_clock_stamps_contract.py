"""What the engine writes while the wall clock is wrong carries true times (engine_time.py), so it is neither deleted
early nor refused once the clock is right again, on every store and across processes. FakeClock's `jump` moves only
the wall clock, as setting the date does; `advance` is time passing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta

from pulsepal.clock import day

WEEK = {"session_archive_days": 7, "session_backup_days": 7}


def _archived(sm) -> set[str]:
    return {row["session_id"] for row in sm.list_archived_sessions()}


def test_what_is_written_during_a_back_jump_survives_the_correction(make_manager, clock):
    sm = make_manager(**WEEK)
    sm.cleanup()  # a pass remembers the reference
    clock.advance(minutes=30)
    true_time = clock.now()
    clock.jump(days=-10)  # the date is set 10 days back
    archived = sm.create_session("ann")
    sm.add_message(archived, "user", "written while the clock was 10 days behind")
    assert sm.cleanup().counts() == {}  # the guard distrusts the clock; nothing is due anyway
    sm.archive_session(archived)  # the admin page, the CLI or capacity archives it meanwhile
    live = sm.create_session("ann")
    sm.add_message(live, "user", "still talking")
    backed_up = sm.create_session("ann")
    sm.delete_session(backed_up)  # a backup is taken during the skew
    row = next(r for r in sm.list_archived_sessions() if r["session_id"] == archived)
    assert row["archived_at"].startswith(day(true_time)) and day(true_time) in row["path"]
    clock.advance(minutes=30)
    clock.jump(days=10)  # NTP corrects the clock
    report = sm.cleanup()
    assert report.held == [] and report.counts() == {}  # nothing archived early, nothing removed
    assert archived in _archived(sm) and sm.get_session(live) is not None and len(sm.store.backups()) == 1
    clock.advance(days=6)
    sm.cleanup()
    assert archived in _archived(sm) and len(sm.store.backups()) == 1  # six days: still within the retention
    clock.advance(days=1, hours=1)
    counts = sm.cleanup().counts()
    assert counts.get("remove_archive") == 1 and counts.get("remove_backup") == 1  # really a week old: removed
    assert archived not in _archived(sm) and sm.store.backups() == []


def test_a_forward_jump_then_correction_loses_and_refuses_nothing(make_manager, clock):
    sm = make_manager(**WEEK)
    before = sm.create_session("ann")
    sm.add_message(before, "user", "asked before the jump")
    sm.cleanup()
    clock.jump(days=10)  # a broken NTP server sets the date 10 days ahead
    ctx, created = sm.get_or_create_session(before, owner="ann")
    assert (ctx.session_id, created) == (before, False)  # not taken for a 10-day-idle session and put away
    sm.add_message(before, "user", "asked during the jump")
    during = sm.create_session("ann")
    sm.add_message(during, "user", "a new conversation during the jump")
    exported = sm.export_session(during)
    sm.archive_session(during)
    assert sm.describe(during)["archived_at"].startswith(day(clock.now() - timedelta(days=10)))
    clock.jump(days=-10)  # corrected
    clock.advance(minutes=10)
    assert sm.cleanup().counts() == {}
    assert sm.import_session(exported, force=True) == during  # not refused as "times in the future"
    assert [m.content for m in sm.get_session(during).conversation_history] == ["a new conversation during the jump"]
    assert len(sm.get_session(before).conversation_history) == 2


def test_an_archive_dated_before_its_own_activity_is_held_not_removed(make_manager, clock):
    # No pass has run yet, so nothing tells the engine that the clock is wrong: the archive keeps a date 10 days
    # before its own messages (as an older release wrote such archives). Retention must not believe that date.
    sm = make_manager(**WEEK)
    sid = sm.create_session("ann")
    sm.add_message(sid, "user", "keep me")
    clock.jump(days=-10)
    sm.archive_session(sid)
    clock.jump(days=10)
    report = sm.cleanup()
    assert [a["session_id"] for a in report.held] == [sid] and "before its own last activity" in report.held[0]["held"]
    assert sid in _archived(sm) and "cleanup_held" in {a["code"] for a in sm.get_alerts()}
    assert sm.cleanup(confirm_held=True).counts() == {"remove_archive": 1}  # an operator may still remove it


WRITER = """
import json, sys
from datetime import datetime
from pulsepal.clock import FakeClock
from pulsepal.sessions import SessionManager
from pulsepal.settings import Settings

settings, wall, since_boot = json.loads(sys.argv[1]), sys.argv[2], float(sys.argv[3])
clock = FakeClock(datetime.fromisoformat(wall), since_boot)  # the parent's (fake) boot, its wall clock 10 days behind
sm = SessionManager(Settings(_env_file=None, **settings), clock=clock, actor="other-process")
sid = sm.create_session("ann")
sm.add_message(sid, "user", "written by another process while the clock was behind")
sm.archive_session(sid)
sm.delete_session(sm.create_session("ann"))
print(json.dumps({"sid": sid, "row": sm.describe(sid)}))
sm.close()
"""


def test_another_process_stamps_with_the_shared_reference(make_manager, make_settings, clock):
    sm = make_manager(**WEEK)
    sm.cleanup()  # the reference is kept in the store's state, which every process reads
    clock.advance(hours=1)
    true_time = clock.now()
    settings = make_settings(**WEEK)
    fields = {"session_storage_path": str(settings.session_storage_path), **WEEK}
    if settings.session_database_url:
        fields["session_database_url"] = settings.session_database_url
    skewed = (true_time - timedelta(days=10)).isoformat()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}
    done = subprocess.run([sys.executable, "-c", WRITER, json.dumps(fields), skewed, str(clock.since_boot())],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    written = json.loads(done.stdout.strip().splitlines()[-1])
    assert written["row"]["archived_at"].startswith(day(true_time))
    clock.advance(minutes=5)
    assert sm.cleanup().counts() == {}
    assert written["sid"] in _archived(sm) and len(sm.store.backups()) == 1


def test_the_archive_itself_says_when_it_was_archived_and_a_reindex_keeps_it(make_manager, clock):
    """Every store writes into the archive the archived_at its listing shows (the engine's true time, not the skewed
    wall clock): the file store rebuilds its index from it, and an archive moved between stores carries it along.
    A reindex changes no archive time on either store (the file store's reads the archives; the database keeps it
    in a column)."""
    sm = make_manager(**WEEK)
    sm.cleanup()
    clock.advance(minutes=30)
    true_time = clock.now()
    clock.jump(days=-10)
    sid = sm.create_session("ann")
    sm.add_message(sid, "user", "archive me")
    sm.archive_session(sid)
    row = sm.describe(sid)
    found = sm.store.read_archive(sid)
    assert found is not None and found[0]["archived_at"] == row["archived_at"]
    assert row["archived_at"].startswith(day(true_time))
    assert sm.export_session(sid)["archived_at"] == row["archived_at"]  # an export of the archive says so too
    sm.reindex()
    assert sm.describe(sid)["archived_at"] == row["archived_at"]


def test_verify_reports_what_was_stamped_while_the_clock_was_far_ahead(make_manager, clock):
    """A start with the date a year ahead and no pass before it (nothing to correct the clock by) stamps a year
    ahead; once the clock is set back those sessions would never expire or be pruned before that date, unseen.
    `sessions verify` names them (a warning: the store itself is sound)."""
    sm = make_manager(**WEEK)
    fine = sm.create_session("ann")
    clock.jump(days=365)
    ahead = sm.create_session("ann")
    sm.add_message(ahead, "user", "written a year ahead")
    shelved = sm.create_session("ann")
    sm.add_message(shelved, "user", "archived a year ahead")
    sm.archive_session(shelved)
    clock.jump(days=-365)  # set right again
    report = sm.verify()
    assert report["ok"]
    assert {(f["session_id"], f["state"]) for f in report["future_stamps"]} == {(ahead, "active"),
                                                                                (shelved, "archived")}
    assert all(f["ahead"].startswith("365") for f in report["future_stamps"]) and fine not in str(report)
    # the admin page and `sessions alerts` say so too, without walking every entry
    alert = next(a for a in sm.get_alerts() if a["code"] == "future_stamps")
    assert alert["level"] == "warning" and "365.0 days ahead" in alert["message"], alert
    clock.advance(days=366)
    assert sm.verify()["future_stamps"] == []  # that date has come: nothing is ahead any more
    assert "future_stamps" not in {a["code"] for a in sm.get_alerts()}
