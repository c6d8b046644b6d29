"""Presentation helpers for the command line: aligned tables, a progress bar, durations, sizes and times.

Kept apart from the commands so that what the operator sees (80-column tables, a bar only on a terminal) is
decided in one place, and so the commands read as "ask the engine, hand the answer to a printer".
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from datetime import datetime, timezone
from typing import IO, Callable, Iterable, Optional, Sequence

WIDTH_FALLBACK = 80
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*", re.IGNORECASE)
_HOURS_PER_UNIT = {"s": 1 / 3600, "m": 1 / 60, "h": 1.0, "": 1.0, "d": 24.0, "w": 168.0}


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


# --------------------------------------------------------------------------------------------- formatting
def human_size(size: Optional[float]) -> str:
    size = float(size or 0)
    if size < 1024:
        return f"{size:.0f} B"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            break
    return f"{size:.1f} {unit}"


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


def one_line(text: Optional[str], limit: int) -> str:
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)] + "…" if limit > 0 else ""


def terminal_width() -> int:
    return max(40, shutil.get_terminal_size((WIDTH_FALLBACK, 24)).columns)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, flex: Optional[int] = None,
          width: Optional[int] = None, right: Sequence[int] = ()) -> str:
    """Plain aligned columns. The `flex` column (a free-text one, e.g. a title) is cut so a line fits `width`;
    the others (ids above all) are never cut, since people copy them."""
    rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
    width = width or terminal_width()
    if flex is not None:
        fixed = sum(w for i, w in enumerate(widths) if i != flex) + 2 * (len(headers) - 1)
        widths[flex] = max(len(headers[flex]), min(widths[flex], width - fixed))
        rows = [r[:flex] + [one_line(r[flex], widths[flex])] + r[flex + 1:] for r in rows]

    def line(cells: Sequence[str]) -> str:
        parts = [c.rjust(w) if i in right else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))]
        return "  ".join(parts).rstrip()

    return "\n".join([line(headers)] + [line(r) for r in rows])


def key_values(pairs: Iterable[tuple[str, object]]) -> str:
    pairs = list(pairs)
    width = max((len(k) for k, _ in pairs), default=0)
    return "\n".join(f"{k + ':':<{width + 1}} {'-' if v is None else v}" for k, v in pairs)


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
