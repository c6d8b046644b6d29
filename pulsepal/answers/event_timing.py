"""Timings worked out from the user's own events, built with pypulseq and placed as it places them.

"TI 5 ms after a 10 ms hypsec, can I do that?" has an exact answer once the events are known: the inversion time
runs from the inversion pulse's centre to the excitation's, so it cannot be shorter than the rest of the inversion
block after its centre (half the pulse and the RF ringdown), the spoiler, and the start of the excitation block up
to its centre (the RF dead time, or the slice gradient's ramp, and half the pulse). In the same way a gradient
echo's shortest TR is its excitation block, its prephasers and its readout, with the user's pulse and ADC window,
and a T2 preparation's delays follow from its prep time and refocusing pulses. Each number here comes from events
pypulseq builds with the user's values (never from a formula with guessed defaults); when an event is missing,
the answer says which.
"""

from __future__ import annotations

import math
import re
import warnings
from typing import Any, Optional

from .toolbox_values import SECONDS_PER

_ASKS_FEASIBLE = re.compile(r"\b(minimum|minimal|shortest|possible|feasible|can i|could i|will (it|this) work|"
                            r"work|too short|enough|allowed|achievable|at least|how short|short as)\b|\?", re.I)


def system_object(values: dict[str, float]) -> Any:
    """The user's limits as a pypulseq system object (the toolbox defaults where a limit is not given)."""
    import pypulseq as pp

    return pp.Opts(max_grad=values.get("max_grad", 40.0), grad_unit="mT/m", max_slew=values.get("max_slew", 170.0),
                   slew_unit="T/m/s", rf_dead_time=values.get("rf_dead_time", 0.0),
                   rf_ringdown_time=values.get("rf_ringdown_time", 0.0),
                   adc_dead_time=values.get("adc_dead_time", 0.0),
                   grad_raster_time=values.get("grad_raster", 10e-6))


def as_ms(x: float) -> str:
    return f"{x * 1e3:.4g} ms"


def defaults_note(values: dict[str, float]) -> str:
    """What was taken as the toolbox's default because the user did not give it (said, never passed off)."""
    missing = [name for key, name in (("rf_dead_time", "RF dead time"), ("rf_ringdown_time", "RF ringdown"))
               if key not in values]
    return f" ({' and '.join(missing)} not given: taken as 0, the toolbox default)" if missing else ""


# "a z crusher of area 4/slice thickness", "spoiler area 500 1/m": a spoiler given by its area (the shortest lobe)
_SPOILER_AREA = re.compile(r"\b(?:spoil\w*|crush\w*)\b[^.;]{0,30}?\barea\s*(?:of\s*|=\s*)?(\d+(?:\.\d+)?)\s*"
                           r"(?:/\s*(?:the\s+)?(?:slice[- ]?thickness|thickness|slice)\b|(1/m|/m|m\^-1)(?![\w/]))",
                           re.I)
_ADIABATIC = re.compile(r"\bhyp(?:erbolic)?[- ]?sec\w*|\badiabatic\b", re.I)
# the inversion's own slice gradient, said of it ("hypsec inversion with its slice gradient", "slice-selective
# inversion"): a slice given for the excitation alone does not make the inversion selective
_SELECTIVE_INVERSION = re.compile(r"\b(?:hyp(?:erbolic)?[- ]?sec\w*|adiabatic|inversion)\b[^;]{0,40}?\b"
                                  r"(?:with (?:its|a) slice(?:[- ]select\w*)? gradient|slice[- ]selective)\b|"
                                  r"\bslice[- ]selective (?:hyp(?:erbolic)?[- ]?sec\w*|adiabatic|inversion)\b", re.I)


def _spoiler_from_area(values: dict[str, float], text: str) -> Optional[float]:
    """The duration of the shortest trapezoid with the spoiler's area on the user's limits (None when no area is
    written, or it is per slice thickness and none is given)."""
    m = _SPOILER_AREA.search(text)
    if not m or (not m.group(2) and "slice_thickness" not in values):
        return None
    import pypulseq as pp

    area = float(m.group(1)) if m.group(2) else float(m.group(1)) / values["slice_thickness"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return float(pp.calc_duration(pp.make_trapezoid(channel="z", area=area, system=system_object(values))))


def _selective_inversion(values: dict[str, float], text: str) -> bool:
    """A hyperbolic secant said to have its own slice gradient, with a slice to select."""
    return bool(_ADIABATIC.search(text) and _SELECTIVE_INVERSION.search(text)) and "slice_thickness" in values


def _inversion(values: dict[str, float], text: str, system: Any) -> tuple[Any, float]:
    """The user's inversion as pypulseq builds it and its block's duration: a hyperbolic secant with its slice
    gradient when the text says so and gives a slice (beta and mu as written, else pypulseq's 800 and 4.9), else a
    block pulse."""
    import pypulseq as pp

    if _selective_inversion(values, text):
        beta = re.search(r"\bbeta\s*(?:=|of)?\s*(\d+(?:\.\d+)?)", text, re.I)
        mu = re.search(r"\bmu\s*(?:=|of)?\s*(\d+(?:\.\d+)?)", text, re.I)
        inv, gz, _ = pp.make_adiabatic_pulse(pulse_type="hypsec", duration=values["inversion_duration"],
                                             beta=float(beta.group(1)) if beta else 800.0,
                                             mu=float(mu.group(1)) if mu else 4.9, return_gz=True,
                                             slice_thickness=values["slice_thickness"], system=system)
        return inv, float(pp.calc_duration(inv, gz))
    inv = pp.make_block_pulse(flip_angle=math.pi, duration=values["inversion_duration"], system=system,
                              use="inversion")
    return inv, float(pp.calc_duration(inv))


def minimum_ti(values: dict[str, float], prose: str, settings: str = "") -> list[str]:
    """The shortest inversion time the user's inversion pulse, spoiler and excitation allow, each in its own block
    as pypulseq places them, and whether the TI asked for fits; what is missing when an event is not given."""
    if not re.search(r"\b(ti|inversion[- ]time|inversion|inversion[- ]recovery|ir)\b", prose, re.I) or \
            "inversion_duration" not in values or not (_ASKS_FEASIBLE.search(prose) or "ti" in values):
        return []
    text = prose + "\n" + settings
    spoiler = values.get("spoiler_duration")
    if spoiler is None and "spoiler_flat" in values:
        spoiler = values["spoiler_flat"] + 2 * values.get("spoiler_rise", 0.0)
    if spoiler is None:
        spoiler = _spoiler_from_area(values, text)
    missing = [what for what, have in (("the spoiler's duration (or its ramp and flat top)", spoiler is not None),
                                       ("the excitation pulse's duration", "pulse_duration" in values)) if not have]
    if missing:
        return ["To work out the shortest TI from your events I also need " + " and ".join(missing) + ": the TI runs "
                "from the inversion's centre to the excitation's, over the rest of the inversion block, the spoiler "
                "and the start of the excitation block."]
    import pypulseq as pp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "delay increased to the dead time": that is what is worked out here
        system = system_object(values)
        raster = system.grad_raster_time
        inv, inv_block = _inversion(values, text, system)
        after_inv = inv_block - (inv.delay + pp.calc_rf_center(inv)[0])
        spoil = math.ceil(round(spoiler / raster, 6)) * raster
        exc, gz = excitation(values, system)
        before_exc = exc.delay + pp.calc_rf_center(exc)[0]
    total = after_inv + spoil + before_exc
    ends = "its slice gradient's ramp" if _selective_inversion(values, text) else "RF ringdown"
    start = "slice gradient ramp" if gz is not None and exc.delay > values.get("rf_dead_time", 0.0) + 1e-9 else \
        "RF dead time"
    parts = (f"rest of the inversion block after its centre {as_ms(after_inv)} (half the "
             f"{as_ms(values['inversion_duration'])} pulse + {ends}) + spoiler {as_ms(spoil)} + excitation block "
             f"up to its centre {as_ms(before_exc)} ({start} {exc.delay * 1e6:.4g} µs + half the "
             f"{as_ms(values['pulse_duration'])} pulse)")
    shown = as_ms(total) + (f" (about {total * 1e3:.3g} ms)" if f"{total * 1e3:.3g}" != f"{total * 1e3:.4g}" else "")
    line = f"The shortest TI with your events is **{shown}**: {parts}{defaults_note(values)}"
    ti = values.get("ti")
    if ti is not None and ti < total - 1e-9:
        return [f"**TI {as_ms(ti)} is too short**: it cannot be done with these events. " + line + ". Shorten the "
                "spoiler or the inversion pulse, or use a TI of at least that."]
    if ti is not None:
        return [line + f"; your TI {as_ms(ti)} fits: put a delay of {as_ms(ti - total)} between the spoiler and the "
                "excitation (`make_delay`, on the gradient raster)."]
    return [line + "."]


def excitation(values: dict[str, float], system: Any) -> tuple[Any, Optional[Any]]:
    """The user's excitation as pypulseq builds it: a sinc (TBW 4 unless given), with its slice gradient when a
    slice thickness is given (the RF then starts after the gradient's ramp)."""
    import pypulseq as pp

    args = dict(flip_angle=math.radians(values.get("flip_deg", 90.0)), duration=values["pulse_duration"],
                time_bw_product=values.get("tbw", 4.0), apodization=0.5, system=system, use="excitation")
    if "slice_thickness" in values:
        rf, gz, _ = pp.make_sinc_pulse(slice_thickness=values["slice_thickness"], return_gz=True, **args)
        return rf, gz
    return pp.make_sinc_pulse(**args), None


def t2prep_delays(values: dict[str, float], prose: str, matlab: bool = False) -> list[str]:
    """The free-precession delays of a T2 preparation (90° – τ – 180° – 2τ – 180° – τ – -90°, two refocusing
    pulses unless another count is given) for each prep time the user gave: the prep time counts the refocusing
    pulses and the delays, so τ = (T − n·d) / (2n) for n pulses of duration d, on the gradient raster."""
    if not re.search(r"\bt2[- ]?prep\w*|\bt2[- ]preparation\b", prose, re.I):
        return []
    times = [values[k] for k in sorted(values, key=lambda x: (len(x), x)) if re.fullmatch(r"t2prep(_\d+)?", k)]
    d = values.get("refocus_duration")
    if not times or d is None:
        need = [w for w, have in (("the prep time(s)", bool(times)), ("the refocusing pulses' duration", d is not None))
                if not have]
        return ["For the T2-prep delays I need " + " and ".join(need) + ": each delay is (prep time − refocusing "
                "pulses) / (2 × their number), between the 90° pulses."]
    m = re.search(r"\b(\d+)\s*(?:composite\s+)?(?:refocusing|180)", prose, re.I)
    n = int(m.group(1)) if m else 2
    raster = values.get("grad_raster", 10e-6)
    out = []
    for t in times:
        tau = round((t - n * d) / (2 * n) / raster) * raster
        if tau <= 0:
            out.append(f"A {t * 1e3:g} ms prep time is shorter than its {n} refocusing pulses of {d * 1e3:g} ms: it "
                       "cannot be built.")
            continue
        delay = "mr.makeDelay" if matlab else "pp.make_delay"
        out.append(f"T2 prep {t * 1e3:g} ms with {n} refocusing pulses of {d * 1e3:g} ms: τ = ({t * 1e3:g} − "
                   f"{n} × {d * 1e3:g}) / {2 * n} = **{tau * 1e3:.5g} ms** (on the {raster * 1e6:g} µs raster); the "
                   f"delays are τ, 2τ = {2 * tau * 1e3:.5g} ms" + (", 2τ" * (n - 2)) + f", τ: `{delay}("
                   f"{tau * 1e3:.5g}e-3)` and `{delay}({2 * tau * 1e3:.5g}e-3)`.")
    if out:
        out.append("The prep time here counts the refocusing pulses and the delays between the 90° tip-down and the "
                   "tip-up (the 90° pulses themselves not included); if yours counts them too, subtract their "
                   "durations first.")
    return out


# the question asks whether a TE/TR works, or for the shortest: a value of its own or a word that asks it ("what
# does TR mean?" asks neither, and a "?" alone is no such word)
ASKS_LIMIT = re.compile(r"\b(minimum|minimal|shortest|possible|feasible|reachable|achievable|doable|can i|could i|"
                         r"can (it|this|the|my|we)|will (it|this)|work|ok|okay|too short|at least|how short|short as|"
                         r"enough|allowed|get (it |te |tr )?down)\b", re.I)
ASKS_TIME = re.compile(r"\b(tr|te|repetition( time)?|echo time)\b", re.I)
OWN_VALUE = re.compile(r"\b(tr|te|repetition( time)?|echo time)\b[^.;?]{0,25}?\d|\d+(?:\.\d+)?\s*(?:ms|s)\s+(?:tr|te|"
                        r"repetition)\b", re.I)


def asks_limit(prose: str) -> bool:
    """A TE/TR limit asked of the user's events: a TE/TR word, and a value of the question's own or a word that asks
    for the limit; a how-to question that mentions its TR in passing ("how do I add a spoiler? my TR is 10 ms")
    asks none."""
    if not ASKS_TIME.search(prose):
        return False
    if ASKS_LIMIT.search(prose):
        return True
    return bool(OWN_VALUE.search(prose)) and not re.search(r"^\W*how (do|can|would|should|to)\b", prose, re.I)


_MPRAGE = re.compile(r"\b(mp2?rage|mprage|magneti[sz]ation[- ]prepared rapid)\b", re.I)
_TRAIN = re.compile(r"\b(?:each\s+)?train\s+(?:of\s+|with\s+|has\s+)?(\d+)\s+(?:excitations|readouts|pulses|lines|"
                    r"alphas?)\b|\b(\d+)\s+(?:excitations|readouts|pulses|lines)\s+(?:per|each|in each|a)\s+train\b",
                    re.I)
_CENTRE = re.compile(r"\bcent(?:re|er)\s+(?:after|at|is)\s+(?:the\s+)?(\d+)", re.I)
_ESP = re.compile(r"\b(?:echo[- ]spacing|esp|inner tr)\s*(?:of|=|:|is)?\s*(\d+(?:\.\d+)?)\s*(ms)\b|\b(\d+(?:\.\d+)?)\s*"
                  r"(ms)\s+(?:echo[- ]spacing|esp|inner tr)\b", re.I)
_LAST_TI = re.compile(r"\bti\s*2\b\s*(?:at|=|:|of|is)?\s*(\d+(?:\.\d+)?)\s*(s|ms)\b", re.I)


def mprage_outer_tr(values: dict[str, float], prose: str, settings: str = "") -> list[str]:
    """An MP(2)RAGE's shortest outer TR for the last inversion time asked: from the inversion block's start to its
    centre, then the last TI (to the centre of the last train), then the rest of that train, (N - centre) echo
    spacings."""
    text = f"{settings}\n{prose}"
    if not _MPRAGE.search(text) or not re.search(r"\b(outer )?tr\b|\brepetition time\b", prose, re.I) or \
            not asks_limit(prose) or re.search(r"\binner\b|\becho spacing\b|\besp\b", prose, re.I):
        return []
    esp, train, ti = _ESP.search(text), _TRAIN.search(text), _LAST_TI.search(text)
    inv = values.get("inversion_duration")
    if not (esp and train and (ti or values.get("ti")) and inv):
        return []
    spacing = float(esp.group(1) or esp.group(3)) * 1e-3
    n = int(train.group(1) or train.group(2))
    centre = int(c.group(1)) if (c := _CENTRE.search(text)) else n // 2
    last_ti = float(ti.group(1)) * SECONDS_PER[ti.group(2).lower()] if ti else float(values["ti"])
    to_centre = values.get("rf_dead_time", 0.0) + inv / 2
    minimum = to_centre + last_ti + (n - centre) * spacing
    shown = f"{minimum:.3g} s ({minimum:.4g} s)"  # seconds: a few ms of how the inversion is counted
    out = [f"**TR {values['tr']:g} s is too short** for TI {last_ti:g} s: at least {shown}."] if \
        values.get("tr") and values["tr"] < minimum - 1e-9 else []
    return out + [f"The outer TR holds the inversion up to its centre ({to_centre * 1e3:.4g} ms), the TI to the "
                  f"centre of the last train ({last_ti:g} s) and the rest of that train ({n - centre} × "
                  f"{spacing * 1e3:g} ms = {(n - centre) * spacing * 1e3:.4g} ms): the shortest outer TR is "
                  f"**{shown}**" + defaults_note(values) + "."]
