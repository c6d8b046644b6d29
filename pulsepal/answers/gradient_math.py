"""The gradient lobe a user asks about, worked out the way the toolboxes build it: how long a ramp to an amplitude
takes, the shortest lobe with an area, an EPI echo spacing, and a trapezoid's amplitude from its area (or flat area)
and its duration (or flat time).

"area 1000 1/m in 2 ms, what amplitude?" has one answer: the one `pp.make_trapezoid(area=..., duration=...)` gives,
with ramps at the system's slew rate rounded up to the gradient raster. Saying "use make_trapezoid" instead leaves
the user to find out by running it, and when the lobe cannot be made (the area needs more than the maximum gradient,
or the time is shorter than two ramps) pypulseq only raises; here the shortest time that works is computed and said.
"""

from __future__ import annotations

import math
import re
from typing import Optional

from . import quantities, value_math
from .toolbox_values import GAMMA
from .toolbox_values import NUMBER as _NUM

_GRAD = value_math._GRAD_UNITS  # unit -> Hz/m
_SLEW = value_math._SLEW_UNITS  # unit -> Hz/m/s
_RASTER = 10e-6  # s, the gradient raster of both toolboxes' default system
_EPS = 1e-9  # pypulseq's tolerance in make_trapezoid's checks

def _amount(prose: str, units: dict[str, float]) -> Optional[float]:
    """The first value in the question written with one of `units` (converted to the table's base)."""
    keys = "|".join(sorted((re.escape(u) for u in units), key=len, reverse=True))
    m = re.search(_NUM + r"\s*(" + keys + r")(?![\w/])", prose.lower())
    return float(m.group(1)) * units[m.group(2)] if m else None


def ramp_time(values: dict[str, float], prose: str) -> list[str]:
    """ "how long to ramp to 40 mT/m at 200 T/m/s": amplitude / slew, rounded up to the gradient raster."""
    if not re.search(r"\bramp|\brise[ _-]?time|\bslew (up|to)\b|how (fast|quickly) can", prose, re.I):
        return []
    slew = _amount(prose, _SLEW) or (values["max_slew"] * GAMMA if values.get("max_slew") else None)
    grad = _amount(re.sub(_NUM + r"\s*(hz/m/s|t/m/s|mt/m/ms|g/cm/ms|mt/m/s)", " ", prose.lower()), _GRAD)
    grad = grad or (values["max_grad"] * GAMMA * 1e-3 if values.get("max_grad") else None)
    if not slew or not grad:
        return []
    t = grad / slew
    rounded = math.ceil(t / 10e-6 - 1e-9) * 10e-6
    line = (f"{grad / (GAMMA * 1e-3):.4g} mT/m at {slew / GAMMA:.4g} T/m/s takes **{t * 1e6:.4g} µs** "
            f"({t * 1e3:.4g} ms) to ramp; on the 10 µs gradient raster that is {rounded * 1e6:.0f} µs.")
    return [line + value_math.ramp_too_short(prose, grad, slew)]


def shortest_lobe(values: dict[str, float], prose: str) -> list[str]:
    """ "the fastest prephaser for my matrix": the area it needs, built by pypulseq within the user's limits."""
    low = prose.lower()
    if not re.search(r"\b(shortest|fastest|quickest|minimum|minimal|how long|how short)\b", low) or not re.search(
            r"\b(prephas\w*|prewind\w*|rewind\w*|pre-?phas\w*|dephas\w*|blips?|phase[- ]encod\w* (step|gradient)|"
            r"gradient|lobe|trapezoid)\b", low):
        return []
    fov, n = values.get("fov"), values.get("n_x")
    m = re.search(_NUM + r"\s*(1/m|/m|m\^-1|cycles/m)", low)
    if m:
        area, what = float(m.group(1)), f"an area of {float(m.group(1)):g} 1/m"
    elif fov and n and re.search(r"prephas|prewind|rewind|pre-?phas|dephas", low):
        area = n / fov / 2
        what = f"half the readout's flat area, {n:.0f}/(2 × {fov * 1e3:g} mm) = {area:.4g} 1/m"
    elif fov and re.search(r"\bblip|phase[- ]encod\w* step", low):
        area, what = 1 / fov, f"one k-space step, 1/FOV = {1 / fov:.4g} 1/m"
    else:
        return []
    import pypulseq as pp

    gmax, smax = values.get("max_grad", 40.0), values.get("max_slew", 170.0)
    system = pp.Opts(max_grad=gmax, grad_unit="mT/m", max_slew=smax, slew_unit="T/m/s")
    g = pp.make_trapezoid(channel="x", area=area, system=system)
    return [f"The shortest trapezoid with {what}, built with pypulseq within {gmax:g} mT/m and {smax:g} T/m/s, takes "
            f"**{pp.calc_duration(g) * 1e3:.3g} ms** (ramps {g.rise_time * 1e6:.0f} µs, flat top "
            f"{g.flat_time * 1e6:.0f} µs, amplitude {g.amplitude / (GAMMA * 1e-3):.3g} mT/m): `make_trapezoid` with "
            "only the area gives it."]


def echo_spacing(values: dict[str, float], prose: str) -> list[str]:
    """EPI echo spacing: one readout lobe (flat top for the samples, ramps at the slew limit, rounded up to the
    gradient raster), with the phase blips under the ramps, as in the pypulseq and MATLAB EPI examples."""
    if not re.search(r"\becho[ -]spacing|\besp\b", prose, re.I):
        return []
    fov, n = values.get("fov"), values.get("n_x")
    flat = values.get("readout") or (n * values["dwell"] if n and values.get("dwell") else None)
    ramp = value_math.WANTED_RAMP.search(prose)
    if n and flat and ramp:  # the user's own ramps: the lobe is their flat top plus two of them
        value, unit = (ramp.group(1), ramp.group(2)) if ramp.group(1) else (ramp.group(6), ramp.group(7))
        rise = float(value) * {"ms": 1e-3, "us": 1e-6, "µs": 1e-6}[unit.lower()]
        return [f"Echo spacing = flat top + two ramps = {flat * 1e3:.4g} ms + 2 × {rise * 1e3:.4g} ms = "
                f"**{(flat + 2 * rise) * 1e3:.4g} ms** (the blips sit under the ramps, as in the EPI examples)."]
    if not (fov and n and flat):
        return []
    gmax = values.get("max_grad", 40.0)  # mT/m: the toolboxes' default when the scanner's is not given
    slew = values.get("max_slew", 170.0)  # T/m/s
    amp = n / fov / flat / (GAMMA * 1e-3)  # mT/m
    rise = math.ceil(amp / slew * 1e3 / 10) * 10e-6  # s, on the 10 µs raster (mT/m / T/m/s = ms)
    esp = flat + 2 * rise
    line = (f"Echo spacing ≈ **{esp * 1e3:.3g} ms**: a {flat * 1e6:.0f} µs flat top at {amp:.3g} mT/m plus two "
            f"{rise * 1e6:.0f} µs ramps (at {slew:g} T/m/s), blips under the ramps")
    if amp > gmax:
        line += f"; but {amp:.3g} mT/m is above your {gmax:g} mT/m limit: lengthen the readout (dwell)"
    return [line + "."]



_ASKS_AMPLITUDE = re.compile(r"\b(amplitudes?|how (strong|big|high)|strength|what gradient|which gradient|g ?max|"
                             r"mt/m|hz/m)\b", re.I)


def _limits(values: dict[str, float]) -> tuple[float, float, str]:
    """(max gradient Hz/m, max slew Hz/m/s, how to name them): the user's limits, else the toolboxes' defaults."""
    gmax, smax = values.get("max_grad"), values.get("max_slew")
    said = f"{gmax or 40:g} mT/m and {smax or 170:g} T/m/s"
    if not (gmax and smax):  # a default passed off as the user's limit would be a figure they did not give
        said += " – " + ("the default gradient limit" if smax else "the default slew rate" if gmax else
                         "the toolboxes' default limits")
    return (gmax or 40.0) * GAMMA * 1e-3, (smax or 170.0) * GAMMA, said


def _shortest(area: float, gmax: float, smax: float) -> tuple[float, float, float]:
    """(amplitude, rise time, flat time) of the shortest trapezoid with `area`, on the raster (what pypulseq's
    make_trapezoid computes when only the area is given)."""
    rise = max(math.ceil(math.sqrt(abs(area) / smax) / _RASTER) * _RASTER, _RASTER)
    amp, effective = area / rise, rise
    if abs(amp) > gmax + _EPS:
        effective = math.ceil(abs(area) / gmax / _RASTER) * _RASTER
        amp = area / effective
        rise = max(math.ceil(abs(amp) / smax / _RASTER) * _RASTER, _RASTER)
    return amp, rise, effective - rise


def _mt(hz: float) -> str:
    return f"{hz / (GAMMA * 1e-3):.4g} mT/m"


def _us(t: float) -> str:
    return f"{t * 1e6:.0f} µs"


def _given(prose: str) -> dict[str, float]:
    """The area (or flat area) and the time the question gives; a time no name claims after "in", "over" or
    "within" ("area 1000 1/m in 2 ms") is the lobe's duration, or its flat time beside a flat area."""
    found = quantities.read(prose)
    out: dict[str, float] = {}
    for q in found:
        if q.key in ("area", "flat_area", "duration", "flat_time", "amplitude") and q.key not in out:
            out[q.key] = q.value
        elif q.key is None and q.kind == "area" and "area" not in out and "flat_area" not in out:
            out["flat_area" if re.search(r"\bflat", prose[max(0, q.start - 30):q.start], re.I) else "area"] = q.value
    for q in found:
        if q.key is None and q.kind == "time" and re.search(r"\b(in|over|within|during|of)\s+(a|an)?\s*$",
                                                            prose[max(0, q.start - 12):q.start], re.I):
            slot = "flat_time" if "flat_area" in out else "duration"
            out.setdefault(slot, q.value)
    return out


def trapezoid_amplitude(values: dict[str, float], prose: str, matlab: bool = False) -> list[str]:
    """A trapezoid's amplitude from its area and total duration (`make_trapezoid(area=, duration=)`: ramps of the
    shortest lobe with that area, the flat top the rest) or from its flat area and flat time (`flat_area=,
    flat_time=`: amplitude = flat area / flat time, ramps at the slew limit); when it cannot be made, why, and the
    shortest duration (flat time) that works."""
    if not _ASKS_AMPLITUDE.search(prose) or re.search(r"\b(shortest|fastest|quickest)\b", prose, re.I):
        return []
    given = _given(prose)
    if "amplitude" in given:
        return []  # the amplitude is given, not asked
    gmax, smax, limits = _limits(values)
    by_flat = "mr.makeTrapezoid(..., 'FlatArea', ..., 'FlatTime', ...)" if matlab else \
        "pp.make_trapezoid(flat_area=..., flat_time=...)"
    by_area = "mr.makeTrapezoid(..., 'Area', ..., 'Duration', ...)" if matlab else \
        "pp.make_trapezoid(area=..., duration=...)"
    if "flat_area" in given and "flat_time" in given:
        fa, ft = given["flat_area"], given["flat_time"]
        amp = fa / ft
        rise = math.ceil(max(abs(amp) / smax, _RASTER) / _RASTER) * _RASTER
        head = f"A flat area of {fa:g} 1/m over a {ft * 1e3:g} ms flat time"
        if abs(amp) > gmax + _EPS:
            shortest = math.ceil(abs(fa) / gmax / _RASTER - _EPS) * _RASTER
            return [f"{head} needs {amp:.0f} Hz/m ({_mt(amp)}): **above the {_mt(gmax)} limit, it cannot be made** "
                    f"(the toolbox refuses it). The shortest flat time that holds it is **{shortest * 1e3:.4g} ms** "
                    f"(flat area / max gradient, on the 10 µs raster), within {limits}."]
        return [f"{head}: amplitude = flat area / flat time = **{amp:.0f} Hz/m** ({_mt(amp)}); ramps of "
                f"{_us(rise)} on the 10 µs raster ({limits}), {(2 * rise + ft) * 1e3:.4g} ms in all and a total "
                f"area of {amp * (ft + rise):.4g} 1/m, as `{by_flat}` makes it."]
    if "area" in given and "duration" in given:
        area, dur = given["area"], given["duration"]
        _, short_rise, short_flat = _shortest(area, gmax, smax)
        shortest, rise = 2 * short_rise + short_flat, short_rise
        if matlab and dur >= shortest - _EPS:  # mr.makeTrapezoid ramps to the amplitude the duration needs
            d_c = 1 / smax
            guess = (dur - math.sqrt(max(dur ** 2 - 4 * abs(area) * d_c, 0))) / (2 * d_c)
            rise = max(math.ceil(guess / smax / _RASTER) * _RASTER, _RASTER)
        # pypulseq (1.5) keeps the ramps of the shortest lobe with that area, the flat top taking the rest
        flat = dur - 2 * rise
        amp = area / (rise + flat) if flat > -_EPS else math.inf
        head = f"An area of {area:g} 1/m in {dur * 1e3:g} ms"
        if dur < shortest - _EPS or abs(amp) > gmax * (1 + 1e-12):
            why = "shorter than its two ramps" if dur < 2 * short_rise - _EPS else "too short for that area"
            return [f"{head} **cannot be made**: {dur * 1e3:g} ms is {why} within {limits} (the toolbox "
                    f"raises \"Requested area is too large for this gradient\"). The shortest duration that works is "
                    f"**{shortest * 1e3:.4g} ms** (ramps {_us(short_rise)}, flat top {_us(short_flat)}): give at "
                    f"least that, or leave the duration out and `{by_area.split('(')[0]}` makes the shortest."]
        return [f"{head}: ramps of {_us(rise)} each on the 10 µs raster ({limits}), a flat top of "
                f"{flat * 1e6:.0f} µs and an amplitude of area / (duration − ramp) = **{amp:.0f} Hz/m** "
                f"({_mt(amp)}), as `{by_area}` makes it."]
    return []
