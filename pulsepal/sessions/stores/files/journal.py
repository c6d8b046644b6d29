"""The per-session conversation log: one JSON event per line, append-only, fsync'd before acknowledgement.

It is the source of truth. The active session file is a checkpoint of this log (it records the byte offset it
covers), so a reader loads the checkpoint and replays only the lines after it; export, archive and rebuild read
the whole log. Lines are independent, so a crash can cost at most the one unacknowledged line being written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from ... import files


class UnencodableEvent(ValueError):
    """An event holding something JSON cannot carry (e.g. an integer beyond 64 bits, a non-string key)."""


def encode_event(event: dict) -> bytes:
    try:
        return orjson.dumps(event) + b"\n"
    except TypeError as exc:
        raise UnencodableEvent(f"cannot store this value as JSON: {exc}") from None


@dataclass
class LogRead:
    events: list[dict]
    end_offset: int  # byte offset just past the last complete line read
    # 1-based numbers (counted from the read's start) of lines that were not JSON objects
    bad_lines: list[int] = field(default_factory=list)


def parse_events(data: bytes, start_offset: int = 0) -> LogRead:
    """Parse complete lines; an unterminated last line (a torn, unacknowledged append) is not consumed."""
    events: list[dict] = []
    bad: list[int] = []
    complete = data.rfind(b"\n") + 1
    for number, raw in enumerate(data[:complete].splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            event = orjson.loads(raw)
        except orjson.JSONDecodeError:
            bad.append(number)
            continue
        if isinstance(event, dict):
            events.append(event)
        else:
            bad.append(number)
    return LogRead(events, start_offset + complete, bad)


def read_log(path: Path, offset: int = 0) -> LogRead:
    return parse_events(files.read_from(path, offset), offset)


def append_events(path: Path, events: list[dict], *, sync: bool = True, create: bool = False) -> tuple[int, int]:
    """Append several events with one write and (unless sync=False) one fsync; each stays its own line.

    An unsynced append becomes durable with the next synced append to the same log (fsync covers the file)."""
    return files.append_durable(path, b"".join(encode_event(e) for e in events), sync=sync, create=create)


def write_log(path: Path, events: list[dict]) -> int:
    """Replace a whole log atomically (import, restore, adoption of a hand-restored file)."""
    data = b"".join(encode_event(e) for e in events)
    files.atomic_write_bytes(path, data)
    return len(data)
