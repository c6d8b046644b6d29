"""Values as people write them: a quantity (a number with its unit) and the name it belongs to, which may come
before it ("duration 80 ms", "slew of 200 T/m/s") or after it ("an 80 ms duration", "a 200 T/m/s slew", "a 3 mm
slice").

Every reader of the user's numbers (the knowledge parser, the calculators, the pulse arithmetic, the call filled
with the user's values) asks here which name a number belongs to, so "a 4 us dwell" is a dwell everywhere and not
a readout length in one place. The unit decides what a quantity can be (a time is never a slice thickness), and a
name takes the quantity written right after it first: in "TE 5 ms TR 12 ms" the 5 ms is the TE's although "5 ms TR"
alone reads like a 5 ms TR.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Optional

from .toolbox_values import GAMMA, METRES_PER, SECONDS_PER

# unit as written -> (kind, factor into the kind's base unit: s, m, mT/m, T/m/s, 1/m)
_UNITS: dict[str, tuple[str, float]] = {
    **{u: ("time", f) for u, f in SECONDS_PER.items()}, "µs": ("time", 1e-6), "μs": ("time", 1e-6),
    **{u: ("length", f) for u, f in METRES_PER.items()},
    "mt/m": ("grad", 1.0), "g/cm": ("grad", 10.0), "hz/m": ("grad", 1e3 / GAMMA), "khz/m": ("grad", 1e6 / GAMMA),
    "t/m": ("grad", 1e3),
    "t/m/s": ("slew", 1.0), "mt/m/ms": ("slew", 1.0), "g/cm/ms": ("slew", 10.0), "mt/m/s": ("slew", 1e-3),
    "hz/m/s": ("slew", 1 / GAMMA),
    "1/m": ("area", 1.0), "m^-1": ("area", 1.0), "m-1": ("area", 1.0), "cycles/m": ("area", 1.0),
}
_UNIT = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))
_QUANTITY = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(" + _UNIT + r")(?![\w/^])", re.I)

# name -> (pattern, the kind of quantity it takes); longer spellings win where two overlap ("flat time" over "time")
NAMES: dict[str, tuple[str, str]] = {
    "te": (r"te|echo[- ]time", "time"),
    "tr": (r"tr|repetition[- ]time", "time"),
    "ti": (r"ti|inversion[- ]time", "time"),
    "fov": (r"fov|field[- ]of[- ]view", "length"),
    "slice_thickness": (r"slice[- _]?thickness|slices?|thickness", "length"),
    "dwell": (r"dwell(?:[- _]time)?", "time"),
    "readout_time": (r"readout(?:[- ](?:time|duration|window|length))?|acquisition[- ](?:time|duration|window)|"
                     r"adc[- ]window", "time"),
    "pulse_duration": (r"(?:(?:sinc|gauss\w*|block|hard|rf|excitation|refocusing)(?:[- ]pulse)?|pulse)"
                       r"(?:[- ](?:duration|length))?", "time"),
    "max_grad": (r"max(?:imum)?[._ ]?grad\w*(?:[- ](?:amplitude|strength))?|gmax|grad\w* limit", "grad"),
    "max_slew": (r"(?:max(?:imum)?[._ ]?)?slew(?:[- _]?rate)?(?: limit)?|smax", "slew"),
    "amplitude": (r"amplitude|strength|gradient", "grad"),
    "duration": (r"(?:total )?duration|total(?: time)?", "time"),
    "flat_time": (r"flat[- _]?(?:top[- _]?)?(?:time|duration)|flat[- _]?top|plateau", "time"),
    "rise_time": (r"rise[- _]?time|ramp[- _]?(?:up[- _]?)?time|ramps?|rise", "time"),
    "delay": (r"delay|wait|gap", "time"),
    "flat_area": (r"flat[- _]?(?:top[- _]?)?area", "area"),
    "area": (r"area|moment", "area"),
}
_NAME = [(key, re.compile(r"(?<![\w-])(?:" + pattern + r")(?![\w-])", re.I), kind)
         for key, (pattern, kind) in NAMES.items()]
# between a name and its value ("TE = 5 ms", "slew of 200 T/m/s", "duration: a 2 ms"), and between a value and a
# name after it ("a 3 mm thick slice", "a 4 us ADC dwell")
_BEFORE_GAP = re.compile(r"^\s*(?:=|:|of|is|was|be|at|about|around|~)?\s*(?:a|an|the)?\s*$", re.I)
_AFTER_GAP = re.compile(r"^\s*-?\s*(?:(?:long|lasting|thick|wide|adc|receiver)\s+)?$", re.I)


@dataclass(frozen=True)
class Quantity:
    value: float  # in the kind's base unit: s, m, mT/m, T/m/s, 1/m
    kind: str  # time | length | grad | slew | area
    start: int
    end: int
    written: str  # as the user wrote it ("80 ms")
    key: Optional[str]  # the name it belongs to (a key of NAMES), None when no name claims it


def _names(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, key, kind) of every name, overlaps resolved in favour of the longer spelling."""
    found = sorted(((m.start(), m.end(), key, kind) for key, pattern, kind in _NAME for m in pattern.finditer(text)),
                   key=lambda n: (n[0], -(n[1] - n[0])))
    out: list[tuple[int, int, str, str]] = []
    for n in found:
        if out and n[0] < out[-1][1]:
            continue
        out.append(n)
    return out


def read(text: str) -> list[Quantity]:
    """Every quantity in the text, in order, each with the name it belongs to: the name right before it first, else
    the name right after it that no value of its own follows; the unit must be of the name's kind.

    Only the nearest name on either side can own a value: the gap to any farther one holds that nearest name, and a
    gap is only blanks and connecting words. So each value looks at two names (found by bisection), not at all of
    them, which keeps a long question linear."""
    raw = [(m, *_UNITS[m.group(2).lower()]) for m in _QUANTITY.finditer(text)]
    names = _names(text)
    ends = [n[1] for n in names]  # names do not overlap, so their ends are in order too
    owner: dict[int, str] = {}
    used: set[int] = set()
    for i, (m, kind, _) in enumerate(raw):  # a name, then its value
        j = bisect_right(ends, m.start()) - 1
        if j >= 0 and names[j][3] == kind and j not in used and _BEFORE_GAP.match(text[names[j][1]:m.start()]):
            owner[i] = names[j][2]
            used.add(j)
    starts = [n[0] for n in names]
    for i, (m, kind, _) in enumerate(raw):  # a value, then its name
        if i in owner:
            continue
        j = bisect_left(starts, m.end())
        if j < len(names) and names[j][3] == kind and j not in used and _AFTER_GAP.match(text[m.end():names[j][0]]):
            owner[i] = names[j][2]
            used.add(j)
    return [Quantity(float(m.group(1)) * factor, kind, m.start(), m.end(), m.group(0), owner.get(i))
            for i, (m, kind, factor) in enumerate(raw)]


def named(text: str) -> dict[str, float]:
    """The first value of each name in the text (base units)."""
    out: dict[str, float] = {}
    for q in read(text):
        if q.key is not None and q.key not in out:
            out[q.key] = float(f"{q.value:.12g}")
    return out


def owner_at(text: str, start: int) -> Optional[str]:
    """The name the quantity starting at `start` belongs to (None when none claims it, or no quantity starts
    there)."""
    return next((q.key for q in read(text) if q.start <= start < q.end), None)
