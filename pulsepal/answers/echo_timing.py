"""The shortest echo time or echo spacing the user's own events allow: "set TE to 1.5 ms for this gradient echo",
"can this spin echo run at TE 4 ms?", "4 ms echo spacing in my TSE, doable?".

Why: the answer is a sum of event times that pypulseq fixes once the events are known, and users ask it with the
events listed in their settings (event_words.py reads them). Each event is built with pypulseq 1.5 on the user's
limits and placed as the toolbox examples place them:

* gradient echo: TE runs from the excitation's centre (the rest of its block: half a hard pulse and the ringdown,
  or half a sinc and its slice gradient's ramp-down) over the prephaser block to the readout's centre (its ramp and
  half its flat time);
* spin echo: TE/2 must hold, on the excitation side, the rest of the excitation block, the prephaser, a crusher and
  the refocusing block up to its centre (its dead time and half the pulse), and on the echo side the rest of the
  refocusing block, a crusher, and the readout up to its centre; the longer half decides;
* echo train: one echo spacing holds the refocusing block, the phase-encoding blip, the whole readout and the
  rewinder; with the echo centred between two refocusing pulses, each half must hold its side.

A prephaser the user gives a duration for is built at that duration; without one the shortest is used. Durations
are rounded up to the gradient raster as the toolbox does. The rule fires only when the readout (FOV, samples, flat
time) and the sequence's pulses are known; otherwise nothing is claimed.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any, Optional

from .event_timing import as_ms as _ms
from .event_timing import system_object

_KIND = (("tse", re.compile(r"\b(tse|fse|rare|turbo spin|fast spin|cpmg|echo train|echo spacing|esp)\b", re.I)),
         ("se", re.compile(r"\bspin[- ]?echo\b|\bse\b", re.I)),
         ("gre", re.compile(r"\b(gradient[- ]echo|gre|flash|radial|spoiled)\b", re.I)))
_TARGET = {"te": re.compile(r"\bte\b\s*(?:=|:|of|to|at|is|be)?\s*(\d+(?:\.\d+)?)\s*ms\b|(\d+(?:\.\d+)?)\s*ms\s+te\b",
                            re.I),
           "esp": re.compile(r"(\d+(?:\.\d+)?)\s*ms\s+echo[- ]spacing\b|\becho[- ]spacing\s*(?:=|:|of|to|is|be|at)?\s*"
                             r"(\d+(?:\.\d+)?)\s*ms\b", re.I)}


def _up(t: float, raster: float) -> float:
    return math.ceil(round(t / raster, 6)) * raster


def _excitation_tail(v: dict[str, float], system: Any) -> tuple[float, Any]:
    """Time from the excitation's centre to the end of its block, and its slice gradient (None for a hard pulse)."""
    import pypulseq as pp

    flip = math.radians(v.get("flip_deg", 90.0))
    if v.get("excitation_hard") or "slice_thickness" not in v:
        rf = pp.make_block_pulse(flip, duration=v["pulse_duration"], system=system)
        return pp.calc_duration(rf) - (rf.delay + v["pulse_duration"] / 2), None
    rf, gz, _ = pp.make_sinc_pulse(flip, duration=v["pulse_duration"], time_bw_product=v.get("tbw", 4.0),
                                   slice_thickness=v["slice_thickness"], return_gz=True, system=system)
    return pp.calc_duration(rf, gz) - (rf.delay + pp.calc_rf_center(rf)[0]), gz


def _refocusing(v: dict[str, float], system: Any) -> tuple[float, float]:
    """(block start to the pulse's centre, centre to the block's end) of a hard refocusing pulse."""
    import pypulseq as pp

    rf = pp.make_block_pulse(math.pi, duration=v["refocus_duration"], system=system, use="refocusing")
    before = rf.delay + v["refocus_duration"] / 2
    return before, pp.calc_duration(rf) - before


def _lobe(area: float, duration: Optional[float], system: Any) -> float:
    import pypulseq as pp

    if duration:
        rounded = _up(duration, system.grad_raster_time)
        return pp.calc_duration(pp.make_trapezoid(channel="x", area=area, duration=rounded, system=system))
    return pp.calc_duration(pp.make_trapezoid(channel="x", area=area, system=system))


def _target(prose: str, key: str) -> Optional[float]:
    m = _TARGET[key].search(prose)
    return float(next(g for g in m.groups() if g)) * 1e-3 if m else None


def echo_minimum(values: dict[str, float], prose: str) -> list[str]:
    """The shortest TE (gradient or spin echo) or echo spacing (echo train) for the user's events, and whether the
    value asked for fits."""
    if "readout_time" not in values and "dwell" in values and "n_x" in values:  # "256 samples at a 10 us dwell"
        values = {**values, "readout_time": values["dwell"] * values["n_x"]}
    kind = next((k for k, pattern in _KIND if pattern.search(prose)), None)
    if kind is None and "refocus_duration" in values:
        kind = "tse" if "pe_duration" in values else "se"
    if kind is None or not all(k in values for k in ("fov", "n_x", "readout_time")):
        return []
    key = "esp" if kind == "tse" else "te"
    asked = _target(prose, key)
    if asked is None or ("refocus_duration" not in values and kind != "gre") or \
            ("pulse_duration" not in values and kind != "tse"):
        return []
    import pypulseq as pp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            system = system_object(values)
            raster = system.grad_raster_time
            flat = _up(values["readout_time"], raster)
            gx = pp.make_trapezoid(channel="x", flat_area=values["n_x"] / values["fov"], flat_time=flat, system=system)
        except (ValueError, AssertionError):
            return []  # the readout itself cannot be played: the readout calculator says so, with its minimum
        to_centre = gx.rise_time + flat / 2
        if kind == "tse":
            before, after = _refocusing(values, system)
            blip = values.get("pe_duration") or _lobe(values["n_x"] / 2 / values["fov"], None, system)
            whole = before + after + 2 * blip + pp.calc_duration(gx)
            centred = 2 * max(after + blip + to_centre, to_centre + blip + before)
            minimum, parts = whole, (f"refocusing block {_ms(before + after)} + phase-encoding blip {_ms(blip)} + "
                                     f"readout {_ms(pp.calc_duration(gx))} + rewinder {_ms(blip)}")
            extra = f"; with the echo centred between the refocusing pulses, at least **{centred * 1e3:.3g} ms**"
        else:
            tail, gz = _excitation_tail(values, system)
            shortest_pre = _lobe(-gx.area / 2, None, system)
            pre = _lobe(-gx.area / 2, values.get("prephaser_duration"), system)
            if gz is not None:
                pre = max(pre, _lobe(-gz.area / 2, None, system))
            if kind == "gre":
                minimum = tail + pre + to_centre
                parts = f"excitation after its centre {_ms(tail)} + prephaser {_ms(pre)} + readout to its centre " \
                        f"{_ms(to_centre)}"
                alt = tail + max(shortest_pre, _lobe(-gz.area / 2, None, system) if gz is not None else 0) + to_centre
            else:
                before, after = _refocusing(values, system)
                crusher = values.get("crusher_duration", 0.0)
                first, second = tail + pre + crusher + before, after + crusher + to_centre
                minimum = 2 * max(first, second)
                parts = f"TE/2 must hold {_ms(first)} before the refocusing centre and {_ms(second)} after it"
                alt = minimum
            extra = f"; with the shortest prephaser, **{alt * 1e3:.3g} ms**" if alt < minimum - 1e-7 else ""
    label = "echo spacing" if kind == "tse" else "TE"
    head = (f"**{label[:1].upper() + label[1:]} {asked * 1e3:g} ms is too short** for these events: the minimum is "
            f"**{minimum * 1e3:.3g} ms**" if asked < minimum - 1e-9 else
            f"{label[:1].upper() + label[1:]} {asked * 1e3:g} ms fits these events (minimum {minimum * 1e3:.3g} ms)")
    return [head + extra + f" ({parts}; built with pypulseq on your limits)."]
