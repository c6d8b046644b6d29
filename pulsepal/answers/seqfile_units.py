"""The units of the numbers written in a .seq file, which are not the toolbox's: "what unit is the block duration in
the [BLOCKS] section?", "are the delays in the .seq file in seconds?", "the dwell in [ADC] is 62500, 62500 what?".

Inside the toolboxes every time is in seconds; the file stores integers where it can: block durations as counts of
the block duration raster, delays and ramp times in microseconds, the ADC dwell in nanoseconds. Each section's
header comment in a written file states its columns' units (the facts below are those headers, format 1.4/1.5);
a question about the file gets the file's unit, not "seconds".
"""

from __future__ import annotations

import re

_ABOUT_FILE = re.compile(r"\.seq\b|\bseq[ -]?files?\b|\bsequence files?\b|\[(blocks|rf|trap|adc|gradients|shapes|"
                         r"definitions|delays|extensions)\]|\bin the file\b|\bwritten (to|in) the file\b|"
                         r"\bfile format\b", re.I)
# (section, what the question says, the fact)
_FIELDS: list[tuple[str, str, str]] = [
    ("blocks", r"\bblocks?\b.{0,30}\b(dur\w*|length)|\b(dur\w*|length)\b.{0,30}\bblocks?\b|\[blocks\]",
     "[BLOCKS]: the duration column is a whole number of block duration rasters (`BlockDurationRaster` in "
     "[DEFINITIONS], 10 µs by default), not seconds"),
    ("rf", r"\brf\b|\[rf\]|\bpulse\b",
     "[RF]: amplitude in **Hz** (γ·B1), `delay` and `center` in **µs**, `freq` in Hz, `phase` in rad, `freqPPM` in "
     "ppm, `phasePPM` in rad/MHz"),
    ("trap", r"\btrap\w*|\bramp|\brise\b|\bflat\b|\bfall\b|\[trap\]",
     "[TRAP]: amplitude in **Hz/m**; rise, flat, fall and delay in **µs**"),
    ("gradients", r"\bgrad\w*\b(?!.{0,10}raster)|\[gradients\]",
     "[GRADIENTS] (arbitrary and extended): amplitude, first and last in **Hz/m**, delay in **µs**"),
    ("adc", r"\badc\b|\bdwell\b|\[adc\]",
     "[ADC]: `dwell` in **ns**, `delay` in **µs**, `freq` in Hz, `phase` in rad, `num` a sample count"),
    ("shapes", r"\bshapes?\b|\[shapes\]",
     "[SHAPES]: samples are normalised (magnitude to a peak of 1, phase in cycles of 2π, times in units of the "
     "raster); the event's amplitude column carries the unit"),
    ("definitions", r"\braster\b|\[definitions\]",
     "[DEFINITIONS]: raster times (`GradientRasterTime`, `RadiofrequencyRasterTime`, `AdcRasterTime`, "
     "`BlockDurationRaster`) in **seconds**"),
    ("delays", r"\bdelays?\b(?!.{0,15}\b(rf|adc|gradient|trap)\b)",
     "delays of events (RF, gradient, ADC) are written in **µs**; a pure delay block is its [BLOCKS] duration"),
]


def about_file(prose: str) -> bool:
    return bool(_ABOUT_FILE.search(prose))


def lines(prose: str) -> list[str]:
    """The file's units of the fields the question names (at most three); every section's when it names none."""
    if not about_file(prose):
        return []
    low = prose.lower()
    found = [fact for _, pattern, fact in _FIELDS if re.search(pattern, low)]
    if not found:
        found = [fact for _, _, fact in _FIELDS[:5]]
    return ["In the .seq file (format 1.4/1.5), " + found[0] + "."] + [f + "." for f in found[1:3]]
