"""Retention never acts on a time it has reason to distrust, nor on most of the archive at once (guard.py), on
every store."""

from __future__ import annotations

from pulsepal.clock import FakeClock


def _store_with_history(sm, clock, archives: int = 3):
    ids = []
    for _ in range(archives):
        sid = sm.create_session("ann")
        sm.add_message(sid, "user", "keep me")
        sm.archive_session(sid)
        ids.append(sid)
    sm.delete_session(sm.create_session("ann"))  # one backup
    sm.cleanup()  # a pass remembers the reference time
    return ids


def _counts(sm):
    return sm.get_session_stats()["archived_count"], len(sm.store.backups())


def test_forward_jump_holds_retention_until_confirmed(make_manager, clock):
    sm = make_manager()
    _store_with_history(sm, clock)
    before = _counts(sm)
    clock.jump(days=40)  # the date is set wrong: no time passed
    report = sm.cleanup()
    assert _counts(sm) == before  # nothing removed
    assert {a["action"] for a in report.held} == {"remove_archive", "remove_backup"}
    assert "forward by 40.0 days" in report.held[0]["held"]
    alerts = {a["code"]: a for a in sm.get_alerts()}
    assert alerts["cleanup_held"]["level"] == "critical" and "--force" in alerts["cleanup_held"]["message"]
    clock.advance(hours=1)
    assert sm.cleanup().held and _counts(sm) == before  # still distrusted: the reference did not move
    report = sm.cleanup(confirm_held=True)  # an operator checked the clock and confirms
    assert report.counts() == {"remove_archive": 3, "remove_backup": 1} and _counts(sm) == (0, 0)
    assert "cleanup_held" not in {a["code"] for a in sm.get_alerts()} or sm.cleanup().held == []
    assert sm.cleanup().held == [] and "cleanup_held" not in {a["code"] for a in sm.get_alerts()}


def test_a_clock_that_is_set_right_again_is_trusted_again(make_manager, clock):
    sm = make_manager()
    _store_with_history(sm, clock)
    clock.jump(days=40)
    assert sm.cleanup().held
    clock.jump(days=-40)
    assert sm.cleanup().held == [] and _counts(sm)[0] == 3


def test_backward_jump_is_held_too(make_manager, clock):
    sm = make_manager()
    sid = sm.create_session("ann")
    sm.cleanup()
    clock.advance(days=5)  # five days pass without a pass ...
    clock.jump(days=-1)  # ... and the clock is set a day back
    report = sm.cleanup()
    assert [a["session_id"] for a in report.held] == [sid] and "moved back by 24.0 hours" in report.held[0]["held"]
    assert sm.get_session(sid) is not None


def test_a_genuinely_idle_week_is_pruned_normally(make_manager, clock):
    sm = make_manager(session_archive_days=7)
    _store_with_history(sm, clock)
    for _ in range(8 * 24):  # the hourly passes keep running through a week nobody chats
        clock.advance(hours=1)
        report = sm.cleanup()
        assert report.held == []
    assert _counts(sm)[0] == 0  # the archives aged out on schedule


def test_after_a_restart_an_unseen_gap_is_held(make_settings, tmp_path):
    from pulsepal.sessions import SessionManager

    class OtherBoot(FakeClock):
        def boot_id(self) -> str:
            return "another-boot"

    first = FakeClock()
    sm = SessionManager(make_settings(), clock=first, actor="test")
    _store_with_history(sm, first)
    later = OtherBoot(first.now())
    later.jump(days=40)  # rebooted with a wrong clock: the since-boot clocks cannot be compared
    restarted = SessionManager(make_settings(), clock=later, actor="test")
    report = restarted.cleanup()
    assert report.held and "did not see that time pass" in report.held[0]["held"]
    soon = OtherBoot(first.now())
    soon.jump(hours=5)  # a short restart: trusted
    assert SessionManager(make_settings(), clock=soon, actor="test").cleanup().held == []


def test_pruning_most_of_the_archive_at_once_waits_for_confirmation(make_manager, clock):
    sm = make_manager(session_archive_days=7)
    ids = _store_with_history(sm, clock, archives=12)  # all archived on the same day (e.g. an import)
    for _ in range(7 * 24 + 1):
        clock.advance(hours=1)
        report = sm.cleanup()
    assert len(report.held) == 12 and "12 of 12 archives" in report.held[0]["held"]
    assert {r["session_id"] for r in sm.list_archived_sessions()} == set(ids)
    preview = sm.cleanup(dry_run=True)
    assert len(preview.held) == 12 and "remove_archive" not in preview.counts()
    assert sm.cleanup(confirm_held=True).counts()["remove_archive"] == 12
