"""Figures as people read them, in one place so the command line and the admin page print a size the same way."""

from __future__ import annotations

from typing import Optional

_UNITS = ("B", "KB", "MB", "GB", "TB")


def human_bytes(count: Optional[float]) -> str:
    """`0 B`, `1023 B`, `1.5 KB`, `5.0 GB` (binary multiples, as `du -h` counts)."""
    value = float(count or 0)
    for unit in _UNITS:
        if abs(value) < 1024 or unit == _UNITS[-1]:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover - the loop always returns at the last unit
