"""The events of a kernel as users list them in their sequence knowledge: "hard 90 of 100 us", "180 200 us",
"crushers 0.5 ms either side of the 180", "readout flat 2 ms", "prephaser 1 ms", "rewinder 1.5 ms each".

Why: an echo time or echo spacing is only as short as these events allow (echo_timing.py), and the general reader
(knowledge.py) leaves such clauses unread because they name an event by its flip angle or its role rather than by
a parameter. This reader only sees the clauses the general one left over, so it never overrides a value read there.
"""

from __future__ import annotations

import re

from .toolbox_values import SECONDS_PER

_NUM = r"(\d+(?:\.\d+)?)"
_DUR = r"\s*(ms|us|µs)\b"
# (key, pattern with the number and unit as its last two groups)
_EVENTS: tuple[tuple[str, re.Pattern], ...] = (
    ("rf_dead_time", re.compile(r"\brf[- ]dead\b\s*" + _NUM + _DUR, re.I)),
    ("adc_dead_time", re.compile(r"\badc[- ]dead\b\s*" + _NUM + _DUR, re.I)),
    # "hard 180 200 us", "180 sinc 3 ms": the pulse's shape may come before or after its angle
    ("refocus_duration", re.compile(r"^\s*(?:(?:two|three|four|both|the|\d+)\s+)?(?:(hard|block|rect\w*|sinc)\s+)?"
                                    r"180(?:°|\s*deg\w*)?(?!\w)(?:\s*(?:hard|block|rect\w*|sinc|gauss\w*|refocus\w*)\b)*"
                                    r"(?:\s*(?:pulses?|of|is))*\s*" + _NUM + _DUR, re.I)),
    ("pulse_duration", re.compile(r"^\s*(?:(hard|block|rect\w*|sinc)\s+)?(?:90(?:°|\s*deg\w*)?|alpha|excitation)(?!\w)"
                                  r"(?:\s*(?:hard|block|rect\w*|sinc|gauss\w*)\b)?(?:\s*(?:pulses?|of|is))?\s*" + _NUM
                                  + _DUR, re.I)),
    ("readout_time", re.compile(r"\breadout[- ]flat(?:[- ]?(?:top|time))?\s*(?:of\s+)?()" + _NUM + _DUR, re.I)),
    ("prephaser_duration", re.compile(r"\b(?:pre-?phasers?|dephasers?)\b\s*(?:of\s+)?()" + _NUM + _DUR, re.I)),
    ("pe_duration", re.compile(r"\b(?:rewinders?|phase[- ]encod\w*(?: blips?| gradients?)?)\b\s*(?:of\s+)?()" + _NUM
                               + _DUR, re.I)),
)
_HARD = re.compile(r"\b(hard|block|rect\w*)\b", re.I)
# how describe() names them (label, scale, unit), as knowledge.py names its own
LABELS = {"crusher_duration": ("crusher", 1e3, "ms"), "prephaser_duration": ("prephaser", 1e3, "ms"),
          "pe_duration": ("phase encoding / rewinder", 1e3, "ms")}
# flags read with the events that are no value of any template (never reported as "not taken")
FLAGS = ("excitation_hard", "echoes_centred", "fov_y", "fov_z", "spoil_x_factor", "spoil_z_cycles")


def read_events(clauses: list[str]) -> tuple[dict[str, float], list[str]]:
    """The values the clauses give (seconds), and the clauses that were read."""
    values: dict[str, float] = {}
    read: list[str] = []
    for clause in clauses:
        for key, pattern in _EVENTS:
            m = pattern.search(clause)
            if m is None or key in values:
                continue
            number, unit = m.groups()[-2:]
            values[key] = float(f"{float(number) * SECONDS_PER[unit.lower()]:.12g}")
            if key == "pulse_duration" and _HARD.search(clause):
                values["excitation_hard"] = 1.0
            read.append(clause)
            break
    return values, read
