"""An event's option set from a value the user states in words: a gradient capped at a fraction of the scanner's
limit ("spoilers at 80% of max grad", "at 1/sqrt(3) of the gradient limit"), a trigger that lasts or starts at a
given time ("the trigger should block for 10 ms", "start 10 us into the block").

These are asked as "how do I cap that?" or "and if it should block for 10 ms?", and the page of the function alone
leaves the user to find the option and convert the value. Here the option is named in the user's dialect, the value
is worked out (a fraction of the limit in mT/m and in the Hz/m the toolbox holds) and shown in the call.
"""

from __future__ import annotations

import math
import re

from .toolbox_values import GAMMA

_NUM = r"(\d+(?:\.\d+)?)"
# "80%", "80 percent", "1/sqrt(3)", "1/√3", "0.8", "half", "a third", "two thirds" (of the limit)
_FRACTION = re.compile(r"(?:(?P<pct>\d+(?:\.\d+)?)\s*(?:%|percent)|(?P<num>\d+(?:\.\d+)?)\s*/\s*(?P<root>sqrt\(?\s*|√)?"
                       r"(?P<den>\d+(?:\.\d+)?)\)?|(?P<dec>0?\.\d+|0)|(?P<word>half|a third|one third|a quarter|"
                       r"one quarter|two thirds|three quarters))\s*(?:times\s+)?(?:of\s+)?"
                       r"(?:the\s+|my\s+|our\s+|its\s+)?"
                       r"(?P<what>(?:(?:scanner|system|hardware)'?s?\s+)?(?:max(?:imum)?[._ ]?(?:grad\w*|slew\w*)|"
                       r"(?:grad\w*|slew\w*)(?:[- ](?:rate|amplitude|strength))?(?:[- ](?:limit|max(?:imum)?))?|"
                       r"limit|max(?:imum)?))", re.I)
_WORDS = {"half": 0.5, "a third": 1 / 3, "one third": 1 / 3, "a quarter": 0.25, "one quarter": 0.25,
          "two thirds": 2 / 3, "three quarters": 0.75}


def _fraction(m: re.Match) -> tuple[float, str]:
    """(the fraction, how the code writes it)."""
    if m.group("pct"):
        f = float(m.group("pct")) / 100
        return f, f"{f:.6g}"
    if m.group("den"):
        num, den = float(m.group("num")), float(m.group("den"))
        if m.group("root"):
            return num / math.sqrt(den), f"{num:g}/sqrt({den:g})"
        return num / den, f"{num:g}/{den:g}"
    if m.group("dec"):
        f = float(m.group("dec"))
        return f, f"{f:g}"
    f = _WORDS[m.group("word").lower()]
    return f, {0.5: "0.5", 0.25: "0.25", 0.75: "0.75"}.get(f, "1/3" if f < 0.5 else "2/3")


def capped_gradient(values: dict[str, float], prose: str, matlab: bool) -> list[str]:
    """A gradient (a spoiler, a crusher, any trapezoid) limited to a fraction of the scanner's gradient or slew
    limit: the value it comes to and the option that caps that one event (`maxGrad` / `max_grad`)."""
    m = _FRACTION.search(prose)
    if not m or not re.search(r"\b(grad\w*|slew\w*|spoil\w*|crush\w*|trapez\w*|limit|max\w*)\b", prose, re.I):
        return []
    what = m.group("what").lower()
    slew = "slew" in what
    if not slew and not re.search(r"grad|limit|max", what):
        return []
    f, written = _fraction(m)
    said = f"{m.group('pct')}%" if m.group("pct") else written
    if not 0 < f <= 1:
        return []
    key, unit, hz = ("max_slew", "T/m/s", "Hz/m/s") if slew else ("max_grad", "mT/m", "Hz/m")
    given = key in values
    limit = values[key] if given else (170.0 if slew else 40.0)
    capped = f * limit
    in_hz = capped * GAMMA * (1.0 if slew else 1e-3)
    source = f"your {limit:g} {unit} limit" if given else \
        f"the default {limit:g} {unit} limit (no limit of yours given)"
    if matlab:
        opt, field = ("maxSlew", "sys.maxSlew") if slew else ("maxGrad", "sys.maxGrad")
        scaled = f"{field}/{written[2:]}" if written.startswith("1/") else f"{field}*{written}"
        call = f"mr.makeTrapezoid('z', sys, 'Area', area, '{opt}', {scaled})"
    else:
        opt, field = ("max_slew", "system.max_slew") if slew else ("max_grad", "system.max_grad")
        py = written.replace("sqrt", "np.sqrt")
        scaled = f"{field} / {py[2:]}" if py.startswith("1/") else f"{field} * {py}"
        call = f"pp.make_trapezoid(channel='z', area=area, {opt}={scaled}, system=system)"
    return [f"{said} of {source} is **{capped:.4g} {unit}** ({in_hz:.4g} {hz}, the unit the system object holds): "
            f"cap the event with the `{opt}` option, `{call}`; it overrides the system's limit for that one "
            "gradient, which then reaches its area with a longer flat top (the system's limit stays as it is for the "
            "other events)."]


_TIME = _NUM + r"\s*(ms|us|µs|μs|s)\b"
_SCALE = {"ms": 1e-3, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "s": 1.0}


def trigger_timing(prose: str, matlab: bool) -> list[str]:
    """A trigger's duration ("block for 10 ms", "lasting 10 ms") or its delay ("start 10 us into the block"), put
    into the call: `duration` is how long the trigger event lasts, `delay` when it starts in its block."""
    if not re.search(r"\b(trigger\w*|ecg|cardiac|r[- ]wave|physio\w*)\b", prose, re.I):
        return []
    found: dict[str, float] = {}
    for m in re.finditer(_TIME, prose, re.I):
        before, after = prose[max(0, m.start() - 40):m.start()].lower(), prose[m.end():m.end() + 30].lower()
        if re.search(r"\b(start|begin|delay|offset)\w*\b", before) or re.match(r"\s*(into|after the start)\b", after):
            found.setdefault("delay", float(m.group(1)) * _SCALE[m.group(2).lower()])
        elif re.search(r"\b(block|wait|last|hold|take|duration|long|for)\w*\s*(?:for\s+)?(?:about\s+)?$", before):
            found.setdefault("duration", float(m.group(1)) * _SCALE[m.group(2).lower()])
    if not found:
        return []

    def sec(x: float) -> str:
        return f"{x * 1e3:g}e-3" if x >= 1e-3 else f"{x * 1e6:g}e-6"

    if matlab:
        opts = "".join(f", '{k}', {sec(v)}" for k, v in found.items())
        call = f"trig = mr.makeTrigger('physio1', 'system', sys{opts});"
    else:
        opts = "".join(f", {k}={sec(v)}" for k, v in found.items())
        call = f"trig = pp.make_trigger(channel='physio1'{opts}, system=system)"
    said = []
    if "duration" in found:
        said.append(f"`duration` {found['duration'] * 1e3:g} ms is how long the trigger event lasts (its block is "
                    "at least that long)")
    if "delay" in found:
        said.append(f"`delay` {found['delay'] * 1e6:g} µs is where it starts in its block")
    return [f"`{call}`: " + "; ".join(said) + "."]
