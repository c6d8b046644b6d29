"""What the operator sees: aligned tables sized to the terminal, safe text, a progress bar, durations and times.

Kept apart from the commands so that presentation is decided in one place and the commands read as "ask the
engine, hand the answer to a printer".

Chat text is written by whoever talks to the app, so it can carry terminal escape sequences (`ESC ] 0; ... BEL`
retitles a terminal, others move the cursor or rewrite what is on screen). Everything printed for a person goes
through `printable`, which shows such characters as visible escapes (`\\x1b`) instead of sending them; JSON output
(`dump_json`) is left exact, since JSON escapes control characters itself and scripts need the real text.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import datetime, timezone
from typing import IO, Callable, Iterable, Optional, Sequence

import click

from ..humanize import human_bytes

MIN_WIDTH = 40
UNLIMITED_LINE = 160  # a one-line message preview when the output is not a terminal
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", re.IGNORECASE)
_HOURS_PER_UNIT = {"s": 1 / 3600, "m": 1 / 60, "h": 1.0, "": 1.0, "d": 24.0, "w": 168.0}
# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides that reorder what a
# reader sees on screen (the "Trojan Source" characters).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

__all__ = ["human_bytes"]  # re-exported: the commands format sizes through this module


# ------------------------------------------------------------------------------------------------ parsing
def parse_duration_hours(text: str) -> float:
    """`90m`, `12h`, `3d`, `1w` (a bare number means hours) as hours; ValueError says what is accepted."""
    match = _DURATION.fullmatch(text or "")
    if not match:
        raise ValueError(f"{text!r} is not a duration; use e.g. 90m, 12h, 3d or 1w")
    return float(match.group(1)) * _HOURS_PER_UNIT[match.group(2).lower()]


def parse_day(text: str) -> str:
    """A YYYY-MM-DD archive day, checked as a real calendar date (2025-02-30 is refused)."""
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except (TypeError, ValueError):
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD, e.g. 2025-01-18") from None
    if len(text) != 10:  # strptime accepts 2025-1-8; archive folders are always zero-padded
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD, e.g. 2025-01-18")
    return text


# ------------------------------------------------------------------------------------------------- safety
def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object) -> str:
    """The text with every character that would drive the terminal shown as a visible escape instead."""
    return _UNPRINTABLE.sub(_escape, "" if text is None else str(text))


def say(text: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print text meant for a person (stdout, or stderr with err=True), neutralised by `printable`."""
    click.echo(printable(text), err=err, nl=nl)


# --------------------------------------------------------------------------------------------- formatting
def parse_iso(value: Optional[str]) -> Optional[datetime]:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def short_time(value: Optional[str]) -> str:
    when = parse_iso(value)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M") if when else "-"


def ago(value: Optional[str], now: Optional[datetime] = None) -> str:
    """A compact relative age ("5m", "3h", "2d") so time columns stay narrow."""
    when = parse_iso(value)
    if when is None:
        return "-"
    seconds = max(0.0, ((now or datetime.now(timezone.utc)) - when).total_seconds())
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h ago"
    return f"{int(seconds // 86400)}d ago"


def one_line(text: Optional[str], limit: Optional[int]) -> str:
    text = " ".join(printable(text).split())
    if limit is None or len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…" if limit > 0 else ""


def terminal_width() -> Optional[int]:
    """Columns to fit: $COLUMNS if set, else the terminal's width; None when stdout is not a terminal (a pipe or a
    file gets whole lines, which is what grep and `less -S` want)."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return max(MIN_WIDTH, int(env))
    try:
        if sys.stdout.isatty():
            return max(MIN_WIDTH, os.get_terminal_size(sys.stdout.fileno()).columns)
    except (AttributeError, ValueError, OSError):
        pass
    return None


def fit_columns(headers: Sequence[str], rows: Sequence[Sequence[str]], *, width: Optional[int], flex: int,
                optional: Sequence[int] = (), min_flex: int = 20) -> list[int]:
    """The columns to show so the free-text `flex` column keeps at least `min_flex` characters: columns in
    `optional` are dropped in that order while it does not fit. Ids and other columns are never cut."""
    keep = list(range(len(headers)))
    if width is None:
        return keep
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    natural_flex = max(len(headers[flex]), min(widths[flex], min_flex))
    for column in list(optional) + [None]:
        fixed = sum(widths[i] for i in keep if i != flex) + 2 * (len(keep) - 1)
        if width - fixed >= natural_flex or column is None:
            break
        keep.remove(column)
    return keep


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, flex: Optional[int] = None,
          width: Optional[int] = None, right: Sequence[int] = ()) -> str:
    """Plain aligned columns. The `flex` column (a free-text one, e.g. a title) is cut so a line fits `width`;
    the others (ids above all) are never cut, since people copy them. No width: nothing is cut."""
    cells = [[printable("" if cell is None else cell) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    if flex is not None and width is not None:
        fixed = sum(w for i, w in enumerate(widths) if i != flex) + 2 * (len(headers) - 1)
        widths[flex] = max(len(headers[flex]), min(widths[flex], width - fixed))
        cells = [r[:flex] + [one_line(r[flex], widths[flex])] + r[flex + 1:] for r in cells]

    def line(values: Sequence[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(values, widths, strict=True))]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers)] + [line(r) for r in cells])


def key_values(pairs: Iterable[tuple[str, object]]) -> str:
    pairs = list(pairs)
    width = max((len(k) for k, _ in pairs), default=0)
    return "\n".join(f"{k + ':':<{width + 1}} {'-' if v is None else printable(v)}" for k, v in pairs)


def dump_json(data: object, stream: Optional[IO[str]] = None) -> None:
    """JSON for scripts: indented, keys in a stable order, non-JSON values (paths, datetimes) as strings."""
    stream = stream or sys.stdout
    stream.write(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=_json_default) + "\n")


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


# ----------------------------------------------------------------------------------------------- progress
class ProgressBar:
    """A one-line bar on stderr for the engine's `progress(done, total)` callbacks.

    Only drawn when stderr is a terminal: piped or logged output (cron, CI) must not fill with carriage returns.
    """

    def __init__(self, label: str, stream: Optional[IO[str]] = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self.finished = False

    def __call__(self, done: int, total: int) -> None:
        if self.finished:
            return
        share = 1.0 if total <= 0 else min(1.0, done / total)
        filled = int(share * self.width)
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {done}/{total}")
        if done >= total:
            self.stream.write("\n")
            self.finished = True
        self.stream.flush()


def progress_for(label: str, stream: Optional[IO[str]] = None) -> Optional[Callable[[int, int], None]]:
    """A progress callback when `stream` (stderr) is a terminal, else None so the engine reports nothing."""
    stream = stream or sys.stderr
    try:
        interactive = stream.isatty()
    except (AttributeError, ValueError):
        interactive = False
    return ProgressBar(label, stream) if interactive else None
