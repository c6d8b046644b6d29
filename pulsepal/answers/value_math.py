"""Two more values users ask for by name and the toolboxes leave to them: what a system object holds after it was
given limits in the user's units, and the k-space area a named gradient needs for a FOV.

"pp.Opts(max_grad=28, grad_unit='mT/m'): what does system.max_grad hold?" is answered wrongly by reading 28 as
Hz/m (it is only when no unit is given); "the blip area for FOV 240 mm" is one division. Like calculators.py, each
function returns the lines it can work out from what the question gives, and nothing when something is missing.
"""

from __future__ import annotations

import math
import re

from .toolbox_values import GAMMA
from .toolbox_values import NUMBER as _NUM

# unit as users write it -> factor into the toolbox's internal unit (Hz/m for gradients, Hz/m/s for slew rates)
_GRAD_UNITS = {"hz/m": 1.0, "khz/m": 1e3, "mt/m": GAMMA * 1e-3, "t/m": GAMMA, "g/cm": GAMMA * 1e-2}
_SLEW_UNITS = {"hz/m/s": 1.0, "t/m/s": GAMMA, "mt/m/ms": GAMMA, "mt/m/s": GAMMA * 1e-3, "g/cm/ms": GAMMA * 10}
# (Python keyword, its unit keyword, MATLAB option, its unit option, MATLAB field, internal unit, the table)
_LIMITS = (("max_grad", "grad_unit", "maxgrad", "gradunit", "maxGrad", "Hz/m", _GRAD_UNITS),
           ("max_slew", "slew_unit", "maxslew", "slewunit", "maxSlew", "Hz/m/s", _SLEW_UNITS))
_SPELL = {"hz/m": "Hz/m", "khz/m": "kHz/m", "mt/m": "mT/m", "t/m": "T/m", "g/cm": "G/cm", "hz/m/s": "Hz/m/s",
          "t/m/s": "T/m/s", "mt/m/ms": "mT/m/ms", "mt/m/s": "mT/m/s", "g/cm/ms": "G/cm/ms"}
_ASKS_STORED = re.compile(r"\b(holds?|stored?|stores|contains?|afterwards|internal\w*|becomes?|end up|ends up|"
                          r"units?|value|what is in|what's in|inside)\b", re.I)


def _setting(low: str, py: str, ml: str) -> str | None:
    m = re.search(rf"\b{py}\s*=\s*{_NUM}", low) or re.search(rf"'{ml}'\s*,\s*{_NUM}", low)
    return m.group(1) if m else None


def _unit(low: str, py: str, ml: str) -> str | None:
    m = re.search(rf"\b{py}\s*=\s*['\"]([\w/]+)['\"]", low) or re.search(rf"'{ml}'\s*,\s*['\"]([\w/]+)['\"]", low)
    return m.group(1) if m else None


def opts_stored(prose: str, matlab: bool = False) -> dict[str, str]:
    """What `system.max_grad` / `.max_slew` (MATLAB `sys.maxGrad` / `.maxSlew`) hold after `pp.Opts` / `mr.opts`
    was given a value with its unit, by Python keyword: the value converted into Hz/m or Hz/m/s (a value without a
    unit is taken as already in those units)."""
    low = prose.lower()
    if not re.search(r"\b(pp\.opts|mr\.opts|opts)\s*\(", low) or not _ASKS_STORED.search(low):
        return {}
    out = {}
    for py, py_unit, ml, ml_unit, field, internal, table in _LIMITS:
        value = _setting(low, py, ml)
        if value is None:
            continue
        unit = _unit(low, py_unit, ml_unit)
        factor = table.get(unit or internal.lower())
        if factor is None:
            continue
        stored = float(value) * factor
        given = f"{value} {_SPELL.get(unit, unit)}" if unit else f"{value} (no unit given: already {internal})"
        held = f"sys.{field}" if matlab else f"system.{py}"
        out[py] = (f"`{held}` holds **{stored:.0f} {internal}** ({stored:.4g} {internal}, γ = 42.576 MHz/T) when it is "
                   f"given as {given}: the system object converts it into the unit the toolboxes keep every limit in.")
    return out


_AREA_ASKED = re.compile(r"\b(area|moment|1/m|k-?space (extent|step|distance))\b", re.I)


def kspace_area(values: dict[str, float], prose: str) -> list[str]:
    """The area a lobe needs for the FOV (and matrix): a phase-encoding blip (one k-space step) 1/FOV, a readout's
    flat area N/FOV, its prephaser half of that. "The shortest lobe with that area" is gradient_math.shortest_lobe's."""
    low = prose.lower()
    fov, n = values.get("fov"), values.get("n_x")
    if not fov or not _AREA_ASKED.search(low) or re.search(r"\b(shortest|fastest|quickest|minimum|how long)\b", low):
        return []
    out, ny = [], values.get("n_y") or n
    if ny and re.search(r"\b(largest|biggest|max(imum)?|outermost|strongest|extreme)\b.{0,20}\b(phase[- ]?encod\w*|pe|"
                        r"partition|kz|ky)\b|\b(phase[- ]?encod\w*|partition) (lobe|gradient|step)s?\b.{0,20}\b("
                        r"largest|biggest|max(imum)?|outermost)\b", low):
        # the toolboxes step the lobes over (-N/2 .. N/2 - 1) x dk: the largest magnitude is (N/2) / FOV
        out.append(f"The largest phase-encoding lobe has the area of N/2 k-space steps: (N/2)/FOV = {ny / 2:g}/"
                   f"{fov:g} m = **{ny / 2 / fov:.5g} 1/m** (Δk = 1/FOV = {1 / fov:.4g} 1/m); each step's lobe is "
                   f"that one scaled (`scaleGrad` / `scale_grad`), from -{ny / 2 / fov:.5g} to "
                   f"{(ny / 2 - 1) / fov:.5g} 1/m.")
    if re.search(r"\bblips?\b|\bphase[- ]?encod\w* (step|increment|blip)|\bone (k-?space )?(line|step)\b|\bdelta ?k\b",
                 low):
        out.append(f"One k-space step (an EPI blip, one phase-encoding increment) is Δk = 1/FOV = 1/{fov:g} m = "
                   f"**{1 / fov:.4g} 1/m**.")
    if n and re.search(r"\bprephas\w*|\bprewind\w*|\bpre-?phas\w*|\bdephas\w*", low):
        out.append(f"The readout prephaser needs half the readout's flat area: N/(2 × FOV) = {n:.0f}/(2 × {fov:g} m) = "
                   f"**{n / fov / 2:.4g} 1/m** (negative, before the readout).")
    elif n and re.search(r"\breadout|\bflat[- ]?area|\bfrequency[- ]encod", low):
        out.append(f"A readout of {n:.0f} samples over a {fov * 1e3:g} mm FOV needs a flat area of N/FOV = "
                   f"**{n / fov:.4g} 1/m**.")
    return out


WANTED_RAMP = re.compile(_NUM + r"\s*(ms|us|µs)\s*(ramps?|rise|rise[ _-]?times?)\b|\b(ramp[ _-]?times?|ramps?|"
                          r"rise[ _-]?times?)\s*"
                          r"(of|=|:)?\s*" + _NUM + r"\s*(ms|us|µs)\b", re.I)


def ramp_too_short(prose: str, grad: float, slew: float) -> str:
    """The sentence to add when the ramp time the user wants ("100 us ramps") is shorter than the slew rate allows
    for the amplitude (`grad` Hz/m, `slew` Hz/m/s): it cannot be made, with the minimum and what would work."""
    want = WANTED_RAMP.search(prose)
    if not want:
        return ""
    value, unit = (want.group(1), want.group(2)) if want.group(1) else (want.group(6), want.group(7))
    asked = float(value) * {"ms": 1e-3, "us": 1e-6, "µs": 1e-6}[unit.lower()]
    shortest = grad / slew
    if asked >= shortest * (1 - 1e-9):
        return ""
    on_raster = math.ceil(shortest / 10e-6 - 1e-9) * 10e-6
    return (f" **A {asked * 1e6:.4g} µs ramp to that amplitude is not possible**: the shortest is at least "
            f"{on_raster * 1e6:.0f} µs; with {asked * 1e6:.4g} µs ramps the most you can reach is "
            f"{slew * asked / (GAMMA * 1e-3):.3g} mT/m (or the scanner needs a slew rate of {grad / asked / GAMMA:.4g} "
            "T/m/s).")
