"""The units of the numbers written in a .seq file, which are not the toolbox's: "what unit is the block duration in
the [BLOCKS] section?", "are the delays in the .seq file in seconds?", "the dwell in [ADC] is 62500, 62500 what?".

Inside the toolboxes every time is in seconds; the file stores integers where it can: block durations as counts of
the block duration raster, delays and ramp times in microseconds, the ADC dwell in nanoseconds. Each section's
header comment in a written file states its columns' units (the facts below are those headers, format 1.5;
the columns 1.5 added are marked so);
a question about the file gets the file's unit, not "seconds".
"""

from __future__ import annotations

import re

_ABOUT_FILE = re.compile(r"\.seq\b|\bseq[ -]?files?\b|\bsequence files?\b|\[(blocks|rf|trap|adc|gradients|shapes|"
                         r"definitions|delays|extensions)\]|\bin the file\b|\bwritten (to|in) the file\b|"
                         r"\bfile format\b|\b(adc|rf|trap|block|gradient|shape)s? (entry|entries|row|rows)\b", re.I)
# (section, what the question says, the fact)
_FIELDS: list[tuple[str, str, str]] = [
    ("blocks", r"\bblocks?\b.{0,30}\b(dur\w*|length)|\b(dur\w*|length)\b.{0,30}\bblocks?\b|\[blocks\]",
     "[BLOCKS]: the duration column is a whole number of block duration rasters (`BlockDurationRaster` in "
     "[DEFINITIONS], 10 µs by default), not seconds"),
    ("rf", r"\brf\b|\[rf\]|\bpulse\b",
     "[RF]: amplitude in **Hz** (γ·B1), `delay` in **µs**, `freq` in Hz, `phase` in rad; format 1.5 adds "
     "`center` in µs, `freqPPM` in ppm and `phasePPM` in rad/MHz"),
    ("trap", r"\btrap\w*|\bramp|\brise\b|\bflat\b|\bfall\b|\[trap\]",
     "[TRAP]: amplitude in **Hz/m**; rise, flat, fall and delay in **µs**"),
    ("gradients", r"\bgrad\w*\b(?!.{0,10}raster)|\[gradients\]",
     "[GRADIENTS] (arbitrary and extended): amplitude in **Hz/m**, delay in **µs**; format 1.5 adds `first` and "
     "`last`, in Hz/m"),
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
    return ["In the .seq file (format 1.5), " + found[0] + "."] + [f + "." for f in found[1:3]]


# numbers as the file writes them, with no unit: "DUR 2245" (block duration rasters), "dwell 125000" (ns)
_NO_UNIT = (r"(?!\d|\.\d|\s*(?:ns|us|µs|μs|ms|s|sec\w*|seconds?|micro\w*|nano\w*|milli\w*|[unm]sec\w*|min\w*|hours?|h|"
            r"samples?|points?|blocks?)\b)")
_RAW_DUR = re.compile(r"\b(?:dur|duration)\s*(?:=|:|of|is)?\s*(\d+)" + _NO_UNIT, re.I)
_RAW_DWELL = re.compile(r"\bdwell\s*(?:=|:|of|is)?\s*(\d{2,})" + _NO_UNIT, re.I)
_BLOCK_RASTER = re.compile(r"\bblock ?duration ?raster\b\D{0,12}?(\d+(?:\.\d+)?(?:e-?\d+)?)", re.I)
_SAMPLES = re.compile(r"\b(\d+)\s*samples\b|\bnum(?:ber of samples)?\s*(?:=|:|is)?\s*(\d+)\b", re.I)


def raw_dwell(prose: str) -> float | None:
    """The dwell (s) a question copies from the file's [ADC] section, an integer in ns ("dwell 125000")."""
    m = _RAW_DWELL.search(prose) if about_file(prose) else None
    return int(m.group(1)) * 1e-9 if m else None


def raw_values(prose: str) -> list[str]:
    """What the file's integers are in the toolbox's units: a block's duration from its count of rasters (the
    header's BlockDurationRaster, 10 us by default), an ADC's dwell from ns, and that ADC's window and bandwidth."""
    if not about_file(prose):
        return []
    out = []
    dur, raster = _RAW_DUR.search(prose), _BLOCK_RASTER.search(prose)
    if dur and re.search(r"\bblocks?\b[^.?]{0,40}\b(dur|duration)\b|\bdur\b", prose, re.I) and not re.search(
            r"\btotal (duration|dur)\b", prose, re.I):
        step = float(raster.group(1)) if raster else 10e-6
        t = int(dur.group(1)) * step
        out.append(f"A block duration of {int(dur.group(1))} in the file is {int(dur.group(1))} × {step:g} s "
                   f"(BlockDurationRaster{'' if raster else ', the default'}) = **{t * 1e3:.6g} ms**.")
    dwell = raw_dwell(prose)
    if dwell:
        line = f"The [ADC] dwell {round(dwell * 1e9)} is in ns: **{dwell * 1e6:.6g} µs**"
        n = _SAMPLES.search(prose)
        if n:
            count = int(n.group(1) or n.group(2))
            window = count * dwell
            line += (f"; {count} samples × {dwell * 1e6:.6g} µs = **{window * 1e3:.6g} ms** window, bandwidth per "
                     f"pixel 1/window = **{1 / window:.6g} Hz/pixel**")
        out.append(line + ".")
    return out
