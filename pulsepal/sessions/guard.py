"""What keeps a cleanup pass from deleting history on a time it has reason to distrust, or all at once.

Retention deletes what is "older than N days", so a wall clock that jumps forward (a mis-set date, a broken NTP
server, a restored VM) would make one pass delete every archive and backup. Two rules hold the destructive steps
(removing archives and backups, archiving for expiry) and raise the `cleanup_held` alert instead:

1. The clock jumped. Every pass remembers a reference: the wall time and the since-boot clock (CLOCK_BOOTTIME,
   which setting the date does not move). On the same boot, the wall time elapsed since the reference must agree with
   the since-boot time elapsed (within 5 minutes or 1%); if not, the wall clock jumped, forward or back. After a
   reboot, or on another replica, the two cannot be compared; there a gap of more than MAX_UNSEEN_GAP_HOURS since the
   last pass is held, because nothing saw that time pass. While the clock is distrusted the reference stays where
   it was, so every later pass holds too, until the clock is right again or an operator confirms.
2. Too much at once. A pass that would remove more than SESSION_PRUNE_MAX_SHARE of all archives (and more than
   PRUNE_HOLD_MIN of them) waits for confirmation even when the clock is fine.

How a genuinely idle week is told apart from a jump: during an idle week the passes keep running (the scheduler, or
cron), each close in time to the one before it and in step with the since-boot clock, and each prunes the few
archives that just crossed the retention line. A jump shows as wall time the since-boot clock did not see pass.

Confirming (`cleanup_sessions.py --force`, or "Confirm" on the admin page) takes the current time as the new
reference (before the pass plans, so what it archives is stamped with the confirmed time) and runs the held steps.

Holding is not enough on its own: what is written while the clock is wrong would keep the wrong times, and the first
trusted pass after the correction would find an archive written minutes ago "older than 7 days". So the engine
stamps with this guard's estimate of the true time (engine_time.py, built on the reference kept here), while the
guard itself judges the raw wall clock (`clock.wall_clock`) and plans on it, so a jump is still seen, reported and
shown as held. What the estimate cannot cover (written before any pass ran, or by an older release during a skew)
shows as an archive dated before its own last activity; `stamp_skew` holds its removal instead of believing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Optional

from .core import Core
from .engine_time import JUMP_TOLERANCE_SECONDS, EngineClock, same_boot_drift, tolerance

MAX_UNSEEN_GAP_HOURS = 48.0
PRUNE_HOLD_MIN = 10
DESTRUCTIVE = ("remove_archive", "remove_backup")
TIME_BASED = DESTRUCTIVE + ("archive",)


@dataclass
class Verdict:
    distrust: Optional[str]  # why the clock is not trusted, or None


class CleanupGuard:
    def __init__(self, core: Core) -> None:
        self.core = core
        self.store = core.store

    def clock_verdict(self) -> Verdict:
        clock = self.core.clock.wall_clock  # the raw clock: the engine's own stamps are corrected already
        reference = self.store.read_state("clock").get("reference")
        if not isinstance(reference, dict):
            return Verdict(None)  # the first pass ever: nothing to compare with
        wall_elapsed = clock.timestamp() - float(reference.get("wall", 0.0))
        same_boot = same_boot_drift(reference, clock.timestamp(), clock.since_boot(), clock.boot_id())
        if same_boot is not None:
            drift, boot_elapsed = same_boot
            if abs(drift) > tolerance(boot_elapsed):
                direction = "forward" if drift > 0 else "back"
                return Verdict(f"the wall clock moved {direction} by {span(abs(drift))} more than the time that "
                               f"passed since the last cleanup pass ({span(max(boot_elapsed, 0.0))})")
            return Verdict(None)
        if wall_elapsed < -JUMP_TOLERANCE_SECONDS:
            return Verdict(f"the clock is {span(-wall_elapsed)} behind the last cleanup pass")
        if wall_elapsed > MAX_UNSEEN_GAP_HOURS * 3600:
            return Verdict(f"the last cleanup pass was {span(wall_elapsed)} ago and this machine (or replica) did "
                           "not see that time pass (a restart or another machine): is the clock right?")
        return Verdict(None)

    def screen(self, plan: list[dict], *, confirmed: bool) -> tuple[list[dict], list[dict], Optional[str]]:
        """(actions to carry out, actions held with their reason, why the clock is distrusted or None)."""
        verdict = self.clock_verdict()
        skews = {id(a): a.pop("skew") for a in plan if "skew" in a}
        if confirmed:
            return plan, [], verdict.distrust
        keep, held = [], []
        for action in plan:
            if id(action) in skews:
                held.append(dict(action, held="clock: " + skews[id(action)]))
                continue
            timed = action["action"] in TIME_BASED and (action["action"] != "archive" or action["reason"] != "forced")
            if verdict.distrust and timed:
                held.append(dict(action, held="clock: " + verdict.distrust))
            else:
                keep.append(action)
        removals = [a for a in keep if a["action"] == "remove_archive"]
        archived = self.store.aggregates().counts["archived"]
        share = self.core.settings.session_prune_max_share
        if len(removals) > max(PRUNE_HOLD_MIN, share * archived):
            reason = (f"this pass would remove {len(removals)} of {archived} archives at once "
                      f"(more than {share:.0%}); confirm to go ahead")
            held += [dict(a, held=reason) for a in removals]
            keep = [a for a in keep if a["action"] != "remove_archive"]
        return keep, held, verdict.distrust

    def after_pass(self, *, distrust: Optional[str], confirmed: bool) -> None:
        """Move the reference to now, unless the clock is distrusted and nobody confirmed it."""
        if distrust and not confirmed:
            return
        self.take_reference()

    def take_reference(self) -> None:
        """The raw wall clock, now, becomes the reference: after a trusted pass, or when an operator confirms the
        clock (before the confirmed pass plans, so what it archives is stamped with the confirmed time)."""
        clock = self.core.clock.wall_clock
        reference = {"wall": clock.timestamp(), "since_boot": clock.since_boot(), "boot_id": clock.boot_id()}
        self.store.update_state("clock", lambda state: {**state, "reference": reference})
        if isinstance(self.core.clock, EngineClock):
            self.core.clock.adopt(reference)


def stamp_skew(entry: Mapping[str, Any]) -> Optional[str]:
    """Why an archive's own stamps say it was written while the clock was behind, or None.

    A session is archived after its last activity, so an archive dated well before that activity (more than the
    jump tolerance) was stamped by a clock that was behind: written during a skew before any pass had run, or by a
    release that stamped the raw wall clock. Its age is not to be believed; removing it waits for a confirmation."""
    archived_at = float(entry.get("archived_at") or 0)
    latest = max(float(entry.get("last_activity") or 0), float(entry.get("activated_at") or 0))
    if archived_at and latest - archived_at > JUMP_TOLERANCE_SECONDS:
        return (f"the archive is dated {span(latest - archived_at)} before its own last activity: it was written "
                "while the clock was behind, so its age is not known; confirm to remove it")
    return None


FUTURE_STAMPS = ("created_at", "activated_at", "last_activity", "archived_at")


def future_stamps(entries: Iterable[tuple[str, Mapping[str, Any]]], now: float) -> list[dict]:
    """The sessions whose stamps lie ahead of `now` (beyond the jump tolerance), for `sessions verify` to report.

    They were written while the clock was ahead and nothing told the engine so (a restart on another boot with the
    date set forward: no reference can correct that), and they stay wrong after the clock is set back: such a
    session never expires and lists as the most recent until that date comes, and such an archive outlives its
    retention by as long. The guard cannot tell them from the truth by itself; an operator can (delete, or archive
    and later purge them)."""
    found = []
    for session_id, entry in entries:
        ahead = {key: float(entry[key]) - now for key in FUTURE_STAMPS
                 if entry.get(key) and float(entry[key]) - now > JUMP_TOLERANCE_SECONDS}
        if ahead:
            key = max(ahead, key=lambda k: ahead[k])
            found.append({"session_id": session_id, "state": entry.get("state"), "stamp": key,
                          "ahead": span(ahead[key])})
    return sorted(found, key=lambda f: f["session_id"])


def span(seconds: float) -> str:
    """A time span as people read it: minutes, hours or days."""
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.1f} days"
    if seconds >= 2 * 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 60:.0f} minutes"
