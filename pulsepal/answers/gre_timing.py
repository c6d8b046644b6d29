"""A gradient echo's shortest TE and TR built with pypulseq from the events the user describes: their excitation
(pulse, time-bandwidth product, slice or slab), readout (samples over a FOV in a flat time, or a dwell), the
prephasers (shortest, or the duration they give: "read prephaser and slice rephaser 1.8 ms each") and the spoilers
(a duration, or areas: "2 cycles over the pixel in x and 4/slab in z").

Why: "can this GRE run at a 10 ms TR?" is answered by the user's own events, not by a template's. The gradient echo
may be named in the question or only in the settings panel ("2D GRE for GE, ..." then "I'd like TE = 4 ms"). TE
runs from the RF centre to the middle of the readout; TR is one repetition of excitation, prephasers, readout and,
when the user describes them, spoilers.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any, Optional

from .event_timing import ASKS_LIMIT as _ASKS_LIMIT
from .event_timing import OWN_VALUE as _OWN_VALUE
from .event_timing import as_ms, asks_limit, defaults_note, excitation, system_object
from .toolbox_values import GAMMA

_GRE = re.compile(r"\b(gradient[- ]echo|gre|flash|spoiled gradient|fl2d)\b", re.I)
_BALANCED = re.compile(r"\b(bssfp|b-ssfp|balanced|true-?fisp|trufi|fiesta|balanced ssfp)\b", re.I)


def _readout(values: dict[str, float]) -> Optional[float]:
    """The ADC window: given, or samples times dwell, or 1 / bandwidth per pixel (a few Hz/pixel is a misread
    time-bandwidth product, not a readout of hundreds of ms)."""
    if values.get("readout_time"):
        return values["readout_time"]
    if values.get("dwell") and values.get("n_x"):
        return values["dwell"] * values["n_x"]
    bandwidth = values.get("bandwidth", 0.0)
    return 1 / bandwidth if bandwidth >= 50 else None


def _lobe(area: float, duration: Optional[float], system: Any) -> float:
    """The duration of a prephaser of `area`: the user's own when it is long enough, else the shortest."""
    import pypulseq as pp

    shortest = pp.calc_duration(pp.make_trapezoid(channel="x", area=area, system=system))
    return max(duration, shortest) if duration else shortest


def _spoilers(values: dict[str, float], n: int, fov: float, thickness: float, system: Any) -> Optional[float]:
    """The spoiler block's duration: the one given, else the longer of the shortest x and z spoilers of the areas
    given; None when the user describes none."""
    import pypulseq as pp

    if values.get("spoiler_duration"):
        return values["spoiler_duration"]
    areas = [a for a in (values.get("spoil_x_factor", 0) * n / fov, values.get("spoil_z_cycles", 0) / thickness)
             if a > 0]
    if not areas:
        return None
    return max(pp.calc_duration(pp.make_trapezoid(channel="x", area=a, system=system)) for a in areas)


# sequences of another family: a GRE's or a bSSFP's events say nothing of their TE/TR
_SPIN_ECHOES = re.compile(r"spin echo|\btse\b|\bfse\b|\bepi\b|diffusion|haste|\brare\b|grase|inversion recovery", re.I)


def _asked(prose: str, family: re.Pattern, settings: str) -> bool:
    """A TE/TR question about this sequence: it is named in the question or the settings, no sequence of another
    family is named in the question ("what TR does this TSE give?" with a GRE in the settings), and a limit is
    asked."""
    from .sequences import requested

    kind = requested(prose)
    other = _SPIN_ECHOES.pattern + ("|spoiled|flash" if family is _BALANCED else "|balanced|bssfp|trufi")
    if kind is not None and re.search(other, kind.label + " " + kind.key, re.I):
        return False
    return bool((family.search(prose) or family.search(settings)) and asks_limit(prose))


def gre_minimum(values: dict[str, float], prose: str, settings: str = "") -> list[str]:
    """The shortest TE and TR of the user's gradient-echo events, and whether the TE/TR asked for fits."""
    if not _asked(prose, _GRE, settings if not _GRE.search(prose) else "") or _CENTRE_OUT.search(f"{settings} {prose}"):
        return []  # a spiral or UTE counts its TE to the first sample and has no read prephaser: centre_out_minimum
    thickness = values.get("slice_thickness") or values.get("slab_thickness")
    readout = _readout(values)
    if not ("pulse_duration" in values or readout) or not (values.get("fov") and values.get("n_x") and thickness):
        return []
    import pypulseq as pp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        system = system_object(values)
        raster = system.grad_raster_time
        n, fov = int(values["n_x"]), values["fov"]
        pulse = {**values, "slice_thickness": thickness, "pulse_duration": values.get("pulse_duration", 2e-3)}
        try:
            rf, gz = excitation(pulse, system)
        except (ValueError, AssertionError):
            return []  # the slice gradient itself is over the limit: the template's check says so
        readout = readout or 3.2e-3
        if n / fov / readout / (GAMMA * 1e-3) > values.get("max_grad", 40.0):
            return []  # the readout itself cannot be played: the template's own check says so with its minimum
        flat = math.ceil(round(readout / raster, 6)) * raster
        gx = pp.make_trapezoid(channel="x", flat_area=n / fov, flat_time=flat, system=system)
        given = values.get("prephaser_duration")
        fov_z = values.get("fov_z") or thickness  # a 3D scan's partition encoding rides on the slab rephaser
        partitions = int(values.get("n_z", 1)) / 2 / fov_z if values.get("n_z", 1) > 1 else 0.0
        pre = max(_lobe(gx.area / 2, given, system),
                  _lobe(int(values.get("n_y", n)) / 2 / values.get("fov_y", fov), given, system),
                  _lobe((gz.area / 2 if gz is not None else 0.0) + partitions, given, system))
        spoil = _spoilers(values, n, fov, thickness, system)
        block = pp.calc_duration(rf, gz)
        readout_block = pp.calc_duration(gx)
        min_te = block - (rf.delay + pp.calc_rf_center(rf)[0]) + pre + readout_block / 2
    min_tr = block + pre + readout_block + (spoil or 0.0)
    has_readout = _readout(values) is not None
    told = [w for w, have in (("pulse", "pulse_duration" in values), ("readout", has_readout)) if have]
    assumed = [f"{w} not given: the template's {d}" for w, k, d in (("pulse", "pulse_duration", "2 ms"),
                                                                   ("ADC window", "readout_time", "3.2 ms"))
               if k not in values and not (k == "readout_time" and has_readout)]
    spoiled = f" + spoilers {as_ms(spoil)}" if spoil else ""
    line = (f"With your {' and '.join(told)}, the events of one TR take excitation block {as_ms(block)} + "
            f"prephasers {as_ms(pre)} + readout {as_ms(readout_block)}{spoiled}: the shortest TR is "
            f"**{min_tr * 1e3:.4g} ms**" + ("" if spoil else " before any spoiler") +
            f", and the shortest TE **{min_te * 1e3:.4g} ms**" + (f" ({'; '.join(assumed)})" if assumed else "") +
            (f" (your {as_ms(given)} prephasers cannot carry their areas: the shortest is {as_ms(pre)})" if given and
             pre > given + 1e-9 else "") + defaults_note(values))
    out = []
    for key, label, minimum in (("tr", "TR", min_tr), ("te", "TE", min_te)):
        if key in values and values[key] < minimum - 1e-9:
            out.append(f"**{label} {as_ms(values[key])} is too short** for these events: at least "
                       f"{minimum * 1e3:.4g} ms.")
    tail = "." if spoil else "; a spoiler after the readout (as in the template below) adds its own duration to the TR."
    return out + [line + tail]


def balanced_minimum(values: dict[str, float], prose: str, settings: str = "") -> list[str]:
    """A balanced SSFP's shortest TR from the user's events, every lobe as short as it can be: excitation block,
    prephasers (readout dephaser, phase and partition encoding with the slab rephaser), readout, and the rewinders
    that undo them (as long as the prephasers); TE is half of it. The template uses one common lobe duration with
    a margin, so its minimum can be a little longer: both are said."""
    if not _asked(prose, _BALANCED, settings):
        return []
    hard = bool(values.get("excitation_hard")) or bool(re.search(r"\b(block|hard|rect\w*) (pulse|excitation)",
                                                                  f"{settings} {prose}", re.I))
    thickness = values.get("slab_thickness") or values.get("slice_thickness") or values.get("fov_z")
    readout = _readout(values)
    if "pulse_duration" not in values or not readout or not (values.get("fov") and values.get("n_x") and (
            thickness or hard)):
        return []
    import pypulseq as pp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        system = system_object(values)
        n, fov = int(values["n_x"]), values["fov"]
        try:  # a hard pulse excites the whole volume: no slab gradient to rephase
            rf, gz = (pp.make_block_pulse(flip_angle=math.radians(values.get("flip_deg", 10.0)),
                                          duration=values["pulse_duration"], system=system, use="excitation"), None) \
                if hard else excitation({**values, "slice_thickness": float(thickness or 0.0)}, system)
        except (ValueError, AssertionError):
            return []
        if n / fov / readout / (GAMMA * 1e-3) > values.get("max_grad", 40.0):
            return []
        raster = system.grad_raster_time
        gx = pp.make_trapezoid(channel="x", flat_area=n / fov, flat_time=math.ceil(round(readout / raster, 6)) * raster,
                               system=system)
        rephase = gz.area / 2 if gz is not None else 0.0
        fov_z = values.get("fov_z") or thickness
        partitions = int(values.get("n_z", 1)) / 2 / fov_z if values.get("n_z", 1) > 1 and fov_z else 0.0
        pre = max(_lobe(gx.area / 2, None, system),
                  _lobe(int(values.get("n_y", n)) / 2 / values.get("fov_y", fov), None, system),
                  _lobe(partitions + rephase, None, system))
        block = pp.calc_duration(rf, gz) if gz is not None else pp.calc_duration(rf)
        readout_block = pp.calc_duration(gx)
    min_tr = block + 2 * pre + readout_block
    out = [f"**TR {as_ms(values['tr'])} is too short** for these events: at least {min_tr * 1e3:.4g} ms."] if \
        "tr" in values and values["tr"] < min_tr - 1e-9 else []
    return out + [f"With your events, each lobe as short as it can be, one TR takes excitation block {as_ms(block)} + "
                  f"prephasers {as_ms(pre)} + readout {as_ms(readout_block)} + rewinders {as_ms(pre)}: the shortest "
                  f"TR is **{min_tr * 1e3:.4g} ms** (TE = TR/2 = {min_tr * 1e3 / 2:.4g} ms)" + defaults_note(values) +
                  "; the template below gives all lobes one duration with a small margin, so its minimum can be a "
                  "little longer."]


_CENTRE_OUT = re.compile(r"\b(spirals?|cent(?:er|re)[- ]out|ute|ultra-?short te|radial[- ]out|rosette)\b", re.I)
# "a spiral whose ramp-up takes 40 us before the ADC opens": the time from the readout's start to its first sample
_LEAD = re.compile(r"\b(?:ramp[- ]?up|lead[- ]?in|ramp)\b[^.;]{0,20}?\b(?:takes?|of|is|lasts?)?\s*" + r"(\d+(?:\.\d+)?)"
                   r"\s*(us|µs|ms)\b(?=[^.;]{0,30}\b(?:adc|sampl\w*|first sample|opens?|starts?)\b)", re.I)


def centre_out_minimum(values: dict[str, float], prose: str, settings: str = "") -> list[str]:
    """A centre-out readout's (spiral, UTE, radial-out) shortest TE, counted to the first sample: the excitation
    after its centre, the shortest slice rephaser, and the readout's lead-in before the ADC opens."""
    text = f"{settings}\n{prose}"
    if not _CENTRE_OUT.search(text) or not re.search(r"\b(te|echo time|first echo|echo)\b", prose, re.I) or not (
            _OWN_VALUE.search(prose) or _ASKS_LIMIT.search(prose) or re.search(r"\becho\b[^.;?]{0,40}\d", prose)) \
            or "pulse_duration" not in values or not values.get("slice_thickness"):
        return []
    import pypulseq as pp

    lead = _LEAD.search(text)
    lead_s = float(lead.group(1)) * (1e-3 if lead.group(2).lower() == "ms" else 1e-6) if lead else 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        system = system_object(values)
        try:
            rf, gz = excitation(values, system)
        except (ValueError, AssertionError):
            return []
        tail = pp.calc_duration(rf, gz) - (rf.delay + pp.calc_rf_center(rf)[0])
        rephaser = _lobe(gz.area / 2, None, system) if gz is not None else 0.0
    min_te = tail + rephaser + lead_s
    out = [f"**TE {as_ms(values['te'])} is too short** for these events: at least {min_te * 1e3:.4g} ms."] if \
        "te" in values and values["te"] < min_te - 1e-9 else []
    return out + [f"Counted to the first sample of the centre-out readout: excitation after its centre {as_ms(tail)}"
                  f" + shortest slice rephaser {as_ms(rephaser)}" + (f" + the readout's lead-in {as_ms(lead_s)}"
                                                                     if lead else "") +
                  f" = shortest TE **{min_te * 1e3:.4g} ms**" + defaults_note(values) + "."]


def lines(values: dict[str, float], prose: str, settings: str = "") -> list[str]:
    """Every minimum the user's events decide: gradient echo, balanced SSFP, centre-out readout. Events pypulseq
    refuses to build (values no scanner could play) give no line here: the template's own check reports them."""
    out: list[str] = []
    for minimum in (gre_minimum, balanced_minimum, centre_out_minimum):
        try:
            out += minimum(values, prose, settings)
        except (ValueError, AssertionError, TypeError, ZeroDivisionError):
            continue
    return out
