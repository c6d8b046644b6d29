"""The call the user asked for, with the values they gave: "a 2 ms sinc pulse, 30 degrees, 4 mm slice" answered
with `pp.make_sinc_pulse(flip_angle=30 * np.pi / 180, duration=2e-3, slice_thickness=4e-3, ...)`.

A function's reference page names the right call but leaves the user's numbers out (its example uses our own), so
the user still has to work out which parameter each of their values belongs to and in which unit. Every value in the
question that belongs to a parameter of the function is put in, converted to the toolbox's units (seconds, radians,
metres, Hz/m), and what stays unknown keeps the example's placeholder. A value is tied to a parameter by its unit
first (a time, an angle, a length, a gradient amplitude, a count of samples) and, when the function takes several
parameters of that unit, by the words next to it ("flat top", "rise", "delay", "dwell"), so nothing is guessed
from the number alone.
"""

from __future__ import annotations

import re
from typing import Optional

from . import quantities
from .pulse_math import flip_degrees
from .pulseq_api import ApiEntry
from .toolbox_values import GAMMA, SECONDS_PER

_NUM = r"(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
_TIME = re.compile(_NUM + r"\s*(milliseconds?|microseconds?|seconds?|usec|msec|sec|ms|us|µs|μs|s)\b", re.I)
_ANGLE = re.compile(_NUM + r"\s*(°|degrees?|deg)(?!\w)|\bflip(?:[- ]angle)?\s*(?:of|=|:)?\s*" + _NUM + r"\b(?!\s*(?:ms|"
                    r"us|µs|s|mm|rad)\b)", re.I)
_RADIANS = re.compile(r"\bflip(?:[- ]angle)?\s*(?:of|=|:)?\s*(pi\s*/\s*\d+|" + _NUM + r"\s*rad(?:ians?)?)\b", re.I)
_LENGTH = re.compile(_NUM + r"\s*(mm|cm)\b", re.I)
_GRAD = re.compile(_NUM + r"\s*(mT/m|Hz/m|G/cm)(?![/\w])", re.I)
_SAMPLES = re.compile(r"\b(\d+)\s*(?:adc )?(samples|points|sample points)\b", re.I)
_AREA = re.compile(r"\b(flat[- ]?(?:top )?area|area)\s*(?:of|=|:)?\s*(-?" + _NUM[1:-1] + r")\b|(-?" + _NUM[1:-1]
                   + r")\s+(?:1/m|m\^-1)(?![\w/*])", re.I)
_CHANNEL = re.compile(r"\b(?:on|along|in) (?:the )?([xyz])(?:[- ](?:axis|channel|direction|gradient))?\b|"
                      r"\b([xyz])[- ](?:axis|channel|direction|gradient)\b", re.I)
_TBW = re.compile(r"\b(?:time[- ]bandwidth(?:[- ]product)?|tbw|tbp)\s*(?:of|=|:)?\s*" + _NUM, re.I)
_APOD = re.compile(r"\bapodi[sz]ation\s*(?:of|=|:)?\s*" + _NUM, re.I)
_FREQ = re.compile(_NUM + r"\s*(hz|khz)\b(?!\s*/)(?=.{0,25}\b(?:offset|off-?resonan\w*|shift\w*)\b)|"
                   r"\b(?:frequency )?offset (?:of )?" + _NUM + r"\s*(hz|khz)\b", re.I)
# words next to a time that name which time parameter it is (parameter-name tokens count by themselves)
_TIME_WORDS = {"flat_time": r"flat[- ]?(?:top|time)|plateau", "rise_time": r"rise|ramp(?:[- ]up)?|ramps",
               "fall_time": r"fall|ramp[- ]down", "delay": r"delay|after|wait|start(?:s|ing)? at|offset",
               "dwell": r"dwell|sampling (?:time|interval)|per sample|(?:samples|points)(?: per \w+)?(?= at)",
               "duration": r"duration|long|lasting|total"}


# the name quantities.py ties a time to -> the time parameter it is
_PARAM_OF = {"dwell": "dwell", "flat_time": "flat_time", "rise_time": "rise_time", "delay": "delay",
             "duration": "duration", "pulse_duration": "duration", "readout_time": "duration"}


def _sec(value: str, unit: str) -> str:
    seconds = float(value) * SECONDS_PER[unit.lower()]
    return _seconds_text(seconds)


def _seconds_text(seconds: float) -> str:
    for exp, scale in ((-6, 1e6), (-3, 1e3)):
        x = seconds * scale
        if 1 <= abs(x) < 1000 and abs(x - round(x, 3)) < 1e-9:
            return f"{round(x, 3):g}e{exp}"
    return f"{seconds:g}"


# "TI 5 ms", "a TE of 4 ms": a time of the sequence's, never one of an event's own parameters
_SEQUENCE_TIME = re.compile(r"\b(ti|te|tr|esp|echo spacing|inversion time|echo time|repetition time|repetition)\W*"
                            r"(?:of|is|=|:)?\s*$", re.I)


def _time_param(e: ApiEntry, prose: str, start: int, end: int, taken: set[str]) -> Optional[str]:
    if _SEQUENCE_TIME.search(prose[max(0, start - 30):start]):
        return None
    names = [p.name for p in e.params if p.name in _TIME_WORDS and p.name not in taken]
    if not names:  # `make_delay(d)`: its one time
        return "d" if e.param("d") is not None and "d" not in taken else None
    claimed = _PARAM_OF.get(quantities.owner_at(prose, start) or "")
    if claimed in names:  # "a 4 us dwell: readout duration?": the name next to the number decides, either side
        return claimed
    before, after = prose[max(0, start - 30):start].lower(), prose[end:end + 25].lower()
    near = [n for n in names if re.search(rf"(?:{_TIME_WORDS[n]}|{n.replace('_', '[ _]')})\W*(?:\w+\W+)?(?:of|is|=|:|"
                                          rf"to|at)?\s*$", before) or re.match(
        rf"\W*(?:\w+\W+){{0,2}}(?:{_TIME_WORDS[n]})\b", after)]
    if len(near) >= 1:
        return near[0]
    return "duration" if "duration" in names else ("d" if e.param("d") is not None else None)


def values_for(e: ApiEntry, prose: str) -> list[tuple[str, str]]:
    """(parameter, Python value) for every value in the question that belongs to one of `e`'s parameters."""
    has = {p.name for p in e.params}
    out: dict[str, str] = {}
    if "flip_angle" in has:
        m = _ANGLE.search(prose)
        r = _RADIANS.search(prose)
        if r:
            text = r.group(1).replace(" ", "")
            out["flip_angle"] = ("np." + text) if text.startswith("pi") else re.sub(r"rad\w*$", "", text)
        elif m:
            # "90 deg now, I want 45 deg instead": the angle the worked-out amplitude uses, not the first one
            wanted = flip_degrees(prose.lower()) if m.group(1) else None
            out["flip_angle"] = f"{wanted:g} * np.pi / 180" if wanted is not None else \
                f"{m.group(1) or m.group(3)} * np.pi / 180"
    if "channel" in has and (m := _CHANNEL.search(prose)):
        out["channel"] = f"'{(m.group(1) or m.group(2)).lower()}'"
    if "num_samples" in has and (m := _SAMPLES.search(prose)):
        out["num_samples"] = m.group(1)
    if "slice_thickness" in has and (m := _LENGTH.search(prose)):
        out["slice_thickness"] = _seconds_text(float(m.group(1)) * (1e-3 if m.group(2).lower() == "mm" else 1e-2))
    if "amplitude" in has and (m := _GRAD.search(prose)):
        unit = m.group(2).lower()
        hz = float(m.group(1)) * {"mt/m": GAMMA * 1e-3, "hz/m": 1.0, "g/cm": GAMMA * 1e-2}[unit]
        out["amplitude"] = f"{hz:.6g}" + (f"  # {m.group(1)} {m.group(2)} in Hz/m" if unit != "hz/m" else "")
    if (m := _AREA.search(prose)) and ("area" in has or "flat_area" in has):
        flat = bool(m.group(1) and m.group(1).lower().startswith("flat"))
        name = "flat_area" if flat and "flat_area" in has else "area"
        if name in has:
            out[name] = m.group(2) or m.group(3)
    if "time_bw_product" in has and (m := _TBW.search(prose)):
        out["time_bw_product"] = m.group(1)
    if "apodization" in has and (m := _APOD.search(prose)):
        out["apodization"] = m.group(1)
    if "freq_offset" in has and (m := _FREQ.search(prose)):
        value, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        out["freq_offset"] = f"{float(value) * (1e3 if unit.lower() == 'khz' else 1):g}"
    for t in _TIME.finditer(prose):
        slot = _time_param(e, prose, t.start(), t.end(), set(out))
        if slot:
            out[slot] = _sec(t.group(1), t.group(2))
    order = [p.name for p in e.params]
    return sorted(out.items(), key=lambda kv: order.index(kv[0]))


# the question asks how to make something (then the call with its values answers it), not whether a value it
# gives is right or what a value is (then a call holding that value would pass it off as fine)
_BUILD = re.compile(r"\b(how (do|can|would|should|to) (i|we|you)?|how to|which (function|call|command|method)|what "
                    r"(function|call|command|method|do i (call|use))|make|create|build|set up|define|generate|need|"
                    r"want|give me|write|i'?d like|get|the same|same but|instead|now with|but with|change it|"
                    r"make it|with)\b", re.I)
_JUDGE = re.compile(r"\b(ok|okay|possible|valid|allowed|legal|feasible|raster|mean|means|too (long|short|fast)|"
                    r"units?|wrong|correct|right)\b|^\W*(what|whats|is|are|does|do|can|could)\b(?! (i|we) )"
                    r"|\b(what'?s|what is|whats) the\b|\bhow (long|much|many|fast)\b", re.I)


def call_with_values(e: ApiEntry, prose: str, matlab: bool, text: str = "", earlier: str = "") -> Optional[str]:
    """A Markdown code block: the call with the user's values, or None when the question gives none (or asks to
    judge a value rather than to build something), or when the answer is not the function's own page. `earlier`
    is the previous question about the same function: its values stay unless this one gives the parameter anew."""
    from .render_api import _EVENT_DEFAULT, _py_value_to_matlab, name_of

    if e.python_name is None or e.kind not in ("function", "method") or (matlab and e.matlab is None):
        return None
    # "ok, how do I make one of 25 ms?": a leading "ok" is an interjection, not "is it ok?"
    judged = re.sub(r"^\W*(?:(?:ok|okay|alright|right|so|and)\b[,!.]?\s*)+", "", prose, flags=re.I)
    if not _BUILD.search(prose) or _JUDGE.search(judged) or (text and not re.search(
            rf"^### `{re.escape(name_of(e, 'matlab' if matlab else 'python'))}`", text, re.M)):
        return None
    given = values_for(e, prose)
    if not given or (len(given) == 1 and given[0][0] == "channel"):
        return None
    if earlier and not re.search(r"\b(instead|only|just)\b", prose, re.I):  # "instead of the area": not kept
        given = list({**dict(values_for(e, re.sub(r"```.*?```", " ", earlier, flags=re.S))), **dict(given)}.items())
    names = {k for k, _ in given}
    gz = "slice_thickness" in names and e.param("return_gz") is not None
    kws, refused = _runnable(e, given, gz)
    if kws is None:
        return None
    target = "rf, gz, gzr" if gz else _EVENT_DEFAULT.get(e.key, "out")
    if target == "gx" and "channel" in names:
        target = "g" + dict(given)["channel"].strip("'")
    if matlab:
        from .callmap import python_to_matlab

        assert e.matlab is not None
        keywords = [(k, _py_value_to_matlab(v.split("  #")[0])) for k, v in kws]
        if e.param("system") is not None:
            keywords.append(("system", "sys"))
        outs = [x.strip() for x in target.split(",")]
        conv = python_to_matlab(e, e.matlab, [], keywords, outs)
        lhs = ("[" + ", ".join(conv.outputs) + "]" if len(conv.outputs) > 1 else conv.outputs[0]) if conv.outputs \
            else ""
        code = f"{lhs} = {conv.call};" if lhs else conv.call + ";"
        fence = "matlab"
    else:
        parts = [f"{k}={v.split('  #')[0]}" for k, v in kws]
        if gz:
            parts.append("return_gz=True")
        if e.param("system") is not None:
            parts.append("system=system")
        comments = [v.split("  # ", 1)[1] for _, v in kws if "  # " in v]
        code = f"{target} = {e.python_call}({', '.join(parts)})" + (f"  # {'; '.join(comments)}" if comments else "")
        fence = "python"
    shown = ", ".join(f"`{k}`" for k, _ in given)
    text = f"With your values ({shown}):\n\n```{fence}\n{code}\n```"
    if refused:
        text += ("\n\n**These values cannot work with the toolbox's default limits (40 mT/m, 170 T/m/s)**: pypulseq "
                 f"refuses them with \"{refused}\" (raise the limits in the system object only as far as your "
                 "scanner allows, or relax the values).")
    return text


def _runnable(e: ApiEntry, given: list[tuple[str, str]], gz: bool) -> tuple[Optional[list[tuple[str, str]]], str]:
    """The user's values plus as many of the example's other arguments as still make a call pypulseq accepts
    (a dwell given drops the example's duration, an area its flat area): each candidate is run on stand-in
    values for the example's placeholders. When even the user's values alone do not run, they are returned with
    the error pypulseq raises on them (a ramp too steep for the slew limit), unless that error is about the call
    itself rather than the values (then None)."""
    from itertools import combinations

    from .render_api import EXAMPLE_KWARGS

    names = {k for k, _ in given}
    example = [(k, v) for k, v in EXAMPLE_KWARGS.get(e.key, []) if k not in names]
    required = [p.name for p in e.params if p.required and p.kind in ("positional", "keyword")]
    order = [p.name for p in e.params]
    last: Optional[list[tuple[str, str]]] = None
    for n in range(len(example), -1, -1):
        for extra in combinations(example, n):
            kws = list(given) + list(extra)
            have = {k for k, _ in kws}
            if any(r not in have for r in required):
                continue
            kws.sort(key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order))
            if e.kind == "method":
                return kws, ""
            error = _runs(e, kws, gz)
            if not error:
                return kws, ""
            last = kws
    if last is None:
        return None, ""
    error = _runs(e, last, gz)
    return (last, error) if error and not error.startswith(("TypeError", "NameError")) else (None, "")


def _runs(e: ApiEntry, kws: list[tuple[str, str]], gz: bool) -> str:
    """"" when the call runs, else the error it raises ("TypeError: ..." names the kind for call errors)."""
    import warnings

    import numpy as np
    import pypulseq as pp

    system = pp.Opts()
    space = {"np": np, "pp": pp, "system": system, "n_x": 256, "fov": 0.256, "waveform": np.zeros(10),
             "gx": pp.make_trapezoid("x", flat_area=1000, flat_time=3e-3, system=system)}
    args = ", ".join(f"{k}={v.split('  #')[0]}" for k, v in kws) + (", return_gz=True" if gz else "")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eval(f"pp.{e.python_name}({args}, system=system)" if e.param("system") is not None else  # noqa: S307
                 f"pp.{e.python_name}({args})", space)  # our own call text, of numbers and placeholders
    except (TypeError, NameError, AttributeError, SyntaxError) as exc:  # the call, not the values
        return f"TypeError: {exc}"
    except Exception as exc:  # noqa: BLE001 - whatever pypulseq raises on the values is what the user meets
        return str(exc).split("\n")[0] or type(exc).__name__
    return ""
