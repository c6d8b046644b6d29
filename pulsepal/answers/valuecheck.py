"""Literal times in "check my code" snippets that are off their raster, so the scanner cannot play them.

Why: the unit checks (dialectcheck) catch a value in the wrong unit; a dwell time the ADC cannot sample at (not a
multiple of the 100 ns ADC raster) or a delay that is not a multiple of the 10 us block raster is a different
mistake, found only when the sequence is timing-checked or run. Only literal numbers written in the call are
judged, against the toolboxes' default rasters, so a finding here is as certain as a misspelt name; values computed
from variables are left to the "not verified" note.
"""

from __future__ import annotations

import math
import re

from .types import Finding

_NUM = r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)(?=\s*[,)\n;]|\s*$)"
_ADC_RASTER = 100e-9  # both toolboxes' default ADC raster (Siemens)
_BLOCK_RASTER = 10e-6  # default block-duration (gradient) raster

# (pattern, quantity) per language; group 1 is the literal
_PY = (
    (r"\bdwell\s*=\s*" + _NUM, "dwell"),
    (r"\bpp\.make_delay\(\s*(?:d\s*=\s*)?" + _NUM, "delay"),
)
_ML = (
    (r"'Dwell'\s*,\s*" + _NUM, "dwell"),
    (r"\bmr\.makeDelay\(\s*" + _NUM, "delay"),
)


def _off_raster(value: float, raster: float) -> bool:
    steps = value / raster
    return abs(steps - round(steps)) > 1e-6


def check_values(code: str, lang: str) -> list[Finding]:
    """Findings for literal dwell times and delays that are off the default raster."""
    rules = _ML if lang == "matlab" else _PY
    out: list[Finding] = []
    for lineno, line in enumerate(code.splitlines(), 1):
        body = line.split("%" if lang == "matlab" else "#", 1)[0]
        for pattern, what in rules:
            for m in re.finditer(pattern, body, re.I if lang == "matlab" else 0):
                text = m.group(1)
                v = float(text)
                if what == "dwell" and v > 0 and _off_raster(v, _ADC_RASTER):
                    near = round(v / _ADC_RASTER) * _ADC_RASTER
                    out.append(Finding(text, lineno, "off_raster",
                                       f"dwell {text} s is not a multiple of the ADC raster (100 ns by default), so "
                                       f"the scanner cannot sample at it; the nearest on the raster is {near:.4g} s.",
                                       f"{near:.4g}"))
                elif what == "delay" and v > 0 and _off_raster(v, _BLOCK_RASTER):
                    near = math.ceil(v / _BLOCK_RASTER - 1e-9) * _BLOCK_RASTER
                    out.append(Finding(text, lineno, "off_raster",
                                       f"delay {text} s is not a multiple of the block-duration raster (10 us by "
                                       f"default); round it up (ceil) to {near:.6g} s.", f"{near:.6g}"))
    return out
