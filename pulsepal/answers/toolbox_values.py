"""Values as the toolboxes hold them, for a user who has them another way: "8 mT/m, what goes into Pulseq?" (the
number in Hz/m), "where does the first ADC sample sit?" (half a dwell in). Kept apart from unitfacts.py, which says
which unit a parameter is in; these say what a value becomes, or when a sample is taken, as pypulseq computes it.
"""

from __future__ import annotations

import math
import re

GAMMA = 42.576e6  # Hz/T, protons (the toolboxes' default): the one value every calculation here converts with
NUMBER = r"(\d+(?:\.\d+)?(?:e[-+]?\d+)?)"  # a value as users write it: 3, 0.5, 2.95e9

# how many seconds / metres one of each unit people write is: the one table every reader of a written value uses
SECONDS_PER = {"s": 1.0, "sec": 1.0, "secs": 1.0, "second": 1.0, "seconds": 1.0, "ms": 1e-3, "msec": 1e-3,
               "millisecond": 1e-3, "milliseconds": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "usec": 1e-6,
               "microsecond": 1e-6, "microseconds": 1e-6, "ns": 1e-9, "nanosecond": 1e-9, "nanoseconds": 1e-9}
METRES_PER = {"m": 1.0, "metre": 1.0, "metres": 1.0, "meter": 1.0, "meters": 1.0, "cm": 1e-2, "mm": 1e-3,
              "µm": 1e-6, "um": 1e-6}


# a unit people have -> (factor into the toolbox's unit, that unit, how the factor comes about)
_TO_PULSEQ: list[tuple[str, float, str, str]] = [
    (r"mt/m/ms", 42.576e6, "Hz/m/s", "γ = 42.576e6 Hz/T"),
    (r"t/m/s", 42.576e6, "Hz/m/s", "γ = 42.576e6 Hz/T"),
    (r"mt/m", 42.576e3, "Hz/m", "γ = 42.576e6 Hz/T, × 1e-3"),
    (r"g/cm", 425.76e3, "Hz/m", "1 G/cm = 10 mT/m"),
    (r"(?:µ|u|micro)t(?:esla)?", 42.576, "Hz", "an RF amplitude is γ·B1"),
    (r"(?<!/)(?:µ|u)s|microseconds?", 1e-6, "s", ""),
    (r"(?<!/)ms|milliseconds?", 1e-3, "s", ""),
    (r"mm", 1e-3, "m", ""),
    (r"cm", 1e-2, "m", ""),
    (r"deg(?:rees?)?|°", math.pi / 180, "rad", "π/180"),
]
_INTO_PULSEQ = re.compile(r"\b(what|which) (value|number|factor)\b|\bfactor\b|\bconvert\w*\b|\b(goes?|put|pass|"
                          r"enter|write|use) (in|into|to|for)\b.{0,25}\b(pulseq|pypulseq|toolbox|opts|make_\w+|mr\.\w+|"
                          r"rf\.\w+|it)\b|\b(into|in|to) (pulseq|pypulseq)('?s)?( units?)?\b|\bwhat (do|should) (i|we) "
                          r"(write|put|pass|give|enter|use)\b|\bhow (do|should|can|would) (i|we) (write|give|pass|put|"
                          r"enter|express|specify)\b|\bwhat goes (in|into)\b|\bas a number\b|\bhow\s*\?\s*$", re.I)
_EXPLICIT = re.compile(r"\d\s*[a-zµ/°]+\b.{0,25}?\b(in|to|into|as)\s+(hz|mt|t/|g/|khz)|\d\s*(mt/m|t/m/s|g/cm|"
                       r"mt/m/ms)\b.{0,25}?\b(in|to|into)\s+(the )?(pulseq|pypulseq|toolbox|internal)('?s)?\s+"
                       r"(internal\s+)?units?\b", re.I)


def pulseq_value_lines(prose: str) -> list[str]:
    """A value (or a unit) the user has in a unit the toolbox does not use, put into the one it does: "8 mT/m,
    what value goes into Pulseq?", "my DSV gradients are in mT/m, what factor?"."""
    if not _INTO_PULSEQ.search(prose) or _EXPLICIT.search(prose):
        return []  # "40 mT/m to Hz/m" is the calculators' conversion
    out: list[str] = []
    for pattern, factor, unit, why in _TO_PULSEQ:
        for m in re.finditer(r"(?<![\w.])(?:(\d+(?:\.\d+)?(?:e-?\d+)?)\s*)?(" + pattern + r")(?![\w/])", prose, re.I):
            how = f"; {why}" if why else ""
            if m.group(1):
                value = float(m.group(1)) * factor
                out.append(f"{m.group(1)} {m.group(2)} is **{value:.6g} {unit}** in Pulseq (× {factor:.6g}{how}).")
            else:
                out.append(f"From {m.group(2)} to Pulseq's {unit}: multiply by **{factor:.6g}**" +
                           (f" ({why})." if why else "."))
            break
        if len(out) >= 2:
            break
    return out


# where samples sit in time, as the toolboxes compute them (pypulseq make_arbitrary_rf / make_sinc_pulse,
# make_arbitrary_grad, Sequence's ADC sample times): in the middle of their raster intervals, not on their edges
_SAMPLE_TIME = re.compile(r"\b(first|last) (rf |adc |gradient )?samples?\b|\bsamples? (times?|positions?|points?|"
                          r"placement)\b|\b(where|when)\b.{0,40}\bsamples?\b.{0,30}\b(sit|placed|taken|start|lie|fall)|"
                          r"\bt ?= ?0\b.{0,40}\b(half|middle|centre|center)\b|\bhalf (a |one )?(raster|dwell|step)",
                          re.I)
_SAMPLE_FACTS: list[tuple[str, str]] = [
    (r"\badc\b|\breadout\b|\bacquisition\b", "ADC samples are taken in the middle of each dwell: sample k (from "
     "0) at `delay + (k + 0.5) * dwell`"),
    (r"\bgrad\w*\b|\bwaveform\b(?!.*\brf\b)", "Arbitrary-gradient samples sit at the centres of the gradient "
     "raster intervals, `(k + 0.5) * grad_raster_time` (k from 0); `first` and `last` give the values at the edges; "
     "with oversampling on, at every half raster step, `(k + 1) * 0.5 * grad_raster_time` (edges and centres)"),
    (r"\brf\b|\bpulse\b|\bb1\b", "RF samples sit in the middle of their raster intervals: sample n (from 1) at "
     "`(n - 0.5) * dwell` after the pulse's start (its delay not included), so the first is half a dwell in, not at "
     "t = 0"),
]


def sample_time_lines(prose: str) -> list[str]:
    if not _SAMPLE_TIME.search(prose):
        return []
    low = prose.lower()
    return [fact + "." for pattern, fact in _SAMPLE_FACTS if re.search(pattern, low)][:2]
