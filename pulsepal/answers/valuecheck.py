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
from functools import lru_cache

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


_NEG = re.compile(r"\b(?:pp\.make_delay|mr\.makeDelay)\(\s*(?:d\s*=\s*)?(-\s*[\d.]+(?:[eE][-+]?\d+)?)\s*\)")
_BARE_METHOD = re.compile(r"=\s*(seq|\w*seq\w*)\.([a-z]\w*)\s*(?:#.*)?$")


@lru_cache(maxsize=1)
def _methods() -> frozenset[str]:
    """pypulseq Sequence methods (functions on the class, not properties or attributes)."""
    import inspect

    import pypulseq as pp

    return frozenset(n for n, _ in inspect.getmembers(pp.Sequence, inspect.isfunction) if not n.startswith("_"))


def check_shapes(code: str, lang: str) -> list[Finding]:
    """A negative delay, and a Python method used without calling it (`ok, rep = seq.check_timing`)."""
    out: list[Finding] = []
    methods = _methods() if lang == "python" else frozenset()
    for lineno, line in enumerate(code.splitlines(), 1):
        for m in _NEG.finditer(line):
            out.append(Finding(m.group(1), lineno, "wrong_value",
                               f"a delay of {m.group(1)} s is negative: the time it is computed from is already "
                               "used up (the TE or TR asked for is shorter than the events allow).", None))
        if lang != "python":
            continue
        bare = _BARE_METHOD.search(line)
        if bare and bare.group(2) in methods:
            call = f"{bare.group(1)}.{bare.group(2)}"
            out.append(Finding(call, lineno, "not_called", f"`{call}` is a method: without `()` it is never called, "
                               "and the variable holds the method itself.", f"{call}()"))
    return out
