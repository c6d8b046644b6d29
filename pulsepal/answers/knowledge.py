"""The user's sequence knowledge (the settings panel's free text), read tolerantly into numbers with units.

People write "TR 12 ms", "TR=0.012 s", "repetition time: 12ms", "FOV 25.6 cm", "matrix 256 x 256", "max slew rate
130 T/m/s". Each value is converted to the unit the templates use (metres, seconds, mT/m, T/m/s, degrees), and
every part of the text that holds a number we could not place is reported back, so the user knows what was used
and what was not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from . import quantities
from .event_words import LABELS as EVENT_LABELS
from .event_words import read_events
from .knowledge_text import read_counts, read_series, spelled_out
from .sequences import Kind, requested
from .toolbox_values import METRES_PER, SECONDS_PER

_NUM = r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
_TIME, _LENGTH = SECONDS_PER, METRES_PER


@dataclass
class Knowledge:
    values: dict[str, float] = field(default_factory=dict)
    kind: Optional[Kind] = None
    unparsed: list[str] = field(default_factory=list)
    focus: str = ""
    series: dict[str, list[float]] = field(default_factory=dict)  # "TI 50 100 200 ms": every value, in order

    def __bool__(self) -> bool:
        return bool(self.values) or self.kind is not None


def _time(value: str, unit: Optional[str], default: str) -> float:
    return float(value) * _TIME.get((unit or default).lower(), _TIME[default])


def _length(value: str, unit: Optional[str], default: str) -> float:
    return float(value) * _LENGTH.get((unit or default).lower(), _LENGTH[default])


def _grad(value: str, unit: Optional[str]) -> float:
    """To mT/m (templates pass grad_unit='mT/m')."""
    v = float(value)
    u = (unit or "mT/m").lower().replace(" ", "")
    if u in ("g/cm",):
        return v * 10
    if u in ("hz/m",):
        return v / 42.576e6 * 1e3
    if u in ("t/m",):
        return v * 1e3
    return v


def _slew(value: str, unit: Optional[str]) -> float:
    """To T/m/s (mT/m/ms is the same number)."""
    v = float(value)
    u = (unit or "T/m/s").lower().replace(" ", "")
    if u in ("hz/m/s",):
        return v / 42.576e6
    if u in ("g/cm/ms",):
        return v * 10
    return v


_T_UNIT = r"\s*(s|sec|ms|msec|us|µs|μs|usec)?\b"
_L_UNIT = r"\s*(mm|cm|m)?\b"
_D_UNIT = r"\s*(ms|us|µs|μs)\b"  # an event's duration: the unit is required (a bare number is no duration)
_INVERSION = (r"(?:(?:hypsec|hyperbolic[- ]secant|adiabatic|wurst)(?:[- ](?:inversion|pulse|rf))*|"
              r"inversion[- ](?:pulse|rf))")
_SPOILER = r"(?:spoil(?:er|ing)?|crusher)"
# The events of a preparation, for the timings worked out from them (event_timing.py): "hypsec inversion 10.24 ms",
# "a 10 ms adiabatic inversion", "spoiler 9.6 ms", "spoiler ramp 0.6 ms flat 8.4 ms", "refocusing pulses 2 ms",
# "gradient raster 10 us". An inversion pulse's duration is not the excitation's (`pulse_duration`, see _read_clause).
_EVENT_FIELDS: list[tuple[str, re.Pattern, object]] = [
    ("inversion_duration", re.compile(r"\b" + _INVERSION + r"(?:[- ](?:duration|length))?\s*(?:=|:|of|is)?\s*" + _NUM
                                      + _D_UNIT, re.I), lambda v, u: _time(v, u, "ms")),
    ("inversion_duration", re.compile(_NUM + _D_UNIT + r"\s+(?:long\s+)?" + _INVERSION + r"?\s*inversion\b", re.I),
     lambda v, u: _time(v, u, "ms")),
    ("spoiler_duration", re.compile(r"\b" + _SPOILER + r"(?:[- ](?:gradients?|grads?|duration|length))*\s*"
                                    r"(?:=|:|of|is)?\s*" + _NUM + _D_UNIT, re.I), lambda v, u: _time(v, u, "ms")),
    ("spoiler_rise", re.compile(r"\b" + _SPOILER + r"\b[^,;]{0,30}?\b(?:ramps?|rise(?:[- ]time)?)\s*(?:=|:|of|is)?\s*"
                                + _NUM + _D_UNIT, re.I), lambda v, u: _time(v, u, "ms")),
    ("spoiler_flat", re.compile(r"\b" + _SPOILER + r"\b[^,;]{0,40}?\bflat(?:[- ]?(?:top|time))?\s*(?:=|:|of|is)?\s*"
                                + _NUM + _D_UNIT, re.I), lambda v, u: _time(v, u, "ms")),
    # a crusher beside a refocusing pulse (a spin echo's TE counts it) is read as one too, whatever its number
    ("crusher_duration", re.compile(r"\bcrushers?\b\s*(?:of\s+)?" + _NUM + _D_UNIT, re.I),
     lambda v, u: _time(v, u, "ms")),
    ("refocus_duration", re.compile(r"\brefocus\w*(?:[- ](?:pulses?|rf))?(?:[- ](?:duration|length))?\s*"
                                    r"(?:=|:|of|is|are)?\s*" + _NUM + _D_UNIT, re.I), lambda v, u: _time(v, u, "ms")),
    ("t2prep", re.compile(r"\bt2[- ]?prep\w*(?:[- ](?:times?|durations?|te))?\s*(?:=|:|of|is)?\s*" + _NUM + _D_UNIT,
                          re.I), lambda v, u: _time(v, u, "ms")),
    ("grad_raster", re.compile(r"\b(?:gradient|grad|block)[- ]raster(?:[- ]time)?\s*(?:=|:|of|is)?\s*" + _NUM + _D_UNIT,
                               re.I), lambda v, u: _time(v, u, "us")),
]
# (name, pattern, converter); the first group is the number, the second (if any) the unit.
_FIELDS: list[tuple[str, re.Pattern, object]] = [
    ("te", re.compile(r"\b(?:te|echo[- ]time)\b\s*(?:=|:|of|is|to|at|down to)?\s*" + _NUM + _T_UNIT, re.I),
     lambda v, u: _time(v, u, "ms")),
    ("tr", re.compile(r"\b(?:tr|repetition[- ]time)\b\s*(?:=|:|of|is|to|at|down to)?\s*" + _NUM + _T_UNIT, re.I),
     lambda v, u: _time(v, u, "ms")),
    # "2.5 ms repetition", "a 3 ms TR": the value before its name
    ("tr", re.compile(_NUM + r"\s*(s|ms)\s+(?:repetition(?:[- ]time)?|tr)\b(?!\s*(?:=|:|of|is)?\s*\d)", re.I),
     lambda v, u: _time(v, u, "ms")),
    ("ti", re.compile(r"\b(?:ti|inversion[- ]time)\b\s*(?:=|:|of|is|to|at)?\s*" + _NUM + _T_UNIT, re.I),
     lambda v, u: _time(v, u, "ms")),
    ("flip_deg", re.compile(r"\b(?:flips?(?:[- ]angles?)?|fa|alpha)\b\s*(?:=|:|of|is)?\s*" + _NUM
                            + r"\s*(deg|degrees|°|rad)?", re.I),
     lambda v, u: float(v) * (57.29577951308232 if (u or "").lower() == "rad" else 1.0)),
    ("fov", re.compile(r"\b(?:fov|field[- ]of[- ]view)\b\s*(?:=|:|of|is)?\s*" + _NUM
                       + r"(?:\s*[x×*]\s*" + _NUM + r")?" + r"(?:\s*[x×*]\s*" + _NUM + r")?" + _L_UNIT, re.I), None),
    ("matrix", re.compile(r"\b(?:matrix|resolution|matrix size)\b\s*(?:=|:|of|is)?\s*(\d+)(?:\s*[x×*]\s*(\d+))?"
                          r"(?:\s*[x×*]\s*(\d+))?|^\s*(\d{2,4})\s*[x×*]\s*(\d{2,4})(?:\s*[x×*]\s*(\d{1,4}))?\s*$"
                          # "a 96x96 matrix": the size written before its name
                          r"|\b(\d{2,4})\s*[x×*]\s*(\d{2,4})(?:\s*[x×*]\s*(\d{1,4}))?\s*"
                          r"(?:acquisition |image |imaging )?matri(?:x|ces)\b"
                          # "a 176 matrix": one number, a square matrix (the empty groups keep the triples aligned)
                          r"|\b(\d{2,4})()()\s*(?:acquisition |image |imaging )?matri(?:x|ces)\b", re.I), None),
    ("slab_thickness", re.compile(r"\bslab(?:[- ]thickness)?\b\s*(?:=|:|of|is)?\s*" + _NUM + r"\s*(mm|cm|m)\b", re.I),
     lambda v, u: _length(v, u, "mm")),
    ("slice_thickness", re.compile(r"\b(?:slice[- ]?thickness|slice|thickness)\b\s*(?:=|:|of|is)?\s*" + _NUM
                                   + r"\s*(mm|cm|m)\b", re.I), lambda v, u: _length(v, u, "mm")),
    ("n_z", re.compile(r"\b(\d+)\s*(?:partitions|kz (?:lines|steps)|slice encod\w*(?: steps)?)\b", re.I),
     lambda v, u: float(v)),
    ("n_x", re.compile(r"\b(\d+)\s*(?:adc |readout )?(?:samples|points|readout points)\b", re.I),
     lambda v, u: float(v)),
    ("pulse_duration", re.compile(r"\b(?:sinc|gauss\w*|block|hard|rf|excitation|refocusing)?\s*pulse\b[^,;]{0,20}?"
                                  r"(?:duration\s*)?" + _NUM + r"\s*(ms|us|µs)\b", re.I),
     lambda v, u: _time(v, u, "ms")),
    ("pulse_duration", re.compile(r"\b(?:sinc|gauss\w*|rf|excitation|block|hard)(?: pulse)?(?:[- ](?:duration|length))?"
                                  r"\s*(?:=|:|of|is)?\s*" + _NUM + r"\s*(ms|us|µs)\b", re.I),
     lambda v, u: _time(v, u, "ms")),
    ("n_x", re.compile(r"\b(?:nx|n_x|readout (?:points|samples)|frequency[- ]encod\w*(?: steps)?)\s*(?:=|:|of|is)?\s*"
                       r"(\d+)\b", re.I), lambda v, u: float(v)),
    ("n_y", re.compile(r"\b(?:ny|n_y|phase[- ]encod\w*(?: steps| lines)?|pe (?:steps|lines))\s*(?:=|:|of|is)?\s*"
                       r"(\d+)\b|\b(\d+)\s*(?:phase[- ]encod\w*(?: steps| lines)?|pe (?:steps|lines)|k-?space lines|"
                       r"lines\b(?!\s+of\b))\b",
                       re.I), None),
    ("b_value", re.compile(r"\bb[- ]?(?:value|factor)?\s*(?:=|:|of)?\s*(\d{2,5})\s*(s/mm2|s/mm²|s/mm\^2|s/mm)?", re.I),
     lambda v, u: float(v)),
    ("tbw", re.compile(r"\b(?:time[- ]bandwidth(?:[- ]product)?|tbw|tbp)\b\s*(?:=|:|of|is)?\s*" + _NUM, re.I),
     lambda v, u: float(v)),
    ("n_slices", re.compile(r"\b(\d+)\s*slices\b|\b(?:number of slices|slices|n_?slices)\s*(?:=|:)?\s*(\d+)", re.I),
     None),
    ("n_echoes", re.compile(r"\b(?:etl|echo[- ]train(?:[- ]length)?|turbo[- ]factor|n_?echoes|echoes)\b\s*"
                            r"(?:=|:|of|is)?\s*(\d+)\b(?!\s*(?:samples|points))|\b(\d+)\s*echoes\b", re.I), None),
    ("max_grad", re.compile(r"\b(?:max(?:imum)?[._]?\s*grad(?:ient)?(?:[- ](?:amplitude|strength))?|gmax|grad(?:ient)? "
                            r"(?:limit|strength|amplitude))\b\s*(?:=|:|of|is)?\s*" + _NUM
                            + r"\s*(mT/m|G/cm|Hz/m|T/m)?", re.I), lambda v, u: _grad(v, u)),
    ("max_slew", re.compile(r"\b(?:max(?:imum)?[._]?\s*slew(?:[- ]?rate)?|slew(?:[- ]?rate)?(?: limit)?|smax)\b\s*"
                            r"(?:=|:|of|is)?\s*" + _NUM + r"\s*(T/m/s|mT/m/ms|Hz/m/s|G/cm/ms)?", re.I),
     lambda v, u: _slew(v, u)),
    ("rf_dead_time", re.compile(r"\brf[- ]dead[- ]?time\b\s*(?:=|:|of|is)?\s*" + _NUM + _T_UNIT, re.I),
     lambda v, u: _time(v, u, "us")),
    ("rf_ringdown_time", re.compile(r"\b(?:rf[- ])?ring[- ]?down(?:[- ]time)?\b\s*(?:=|:|of|is)?\s*" + _NUM + _T_UNIT,
                                    re.I), lambda v, u: _time(v, u, "us")),
    ("adc_dead_time", re.compile(r"\badc[- ]dead[- ]?time\b\s*(?:=|:|of|is)?\s*" + _NUM + _T_UNIT, re.I),
     lambda v, u: _time(v, u, "us")),
    ("b0", re.compile(r"\b(?:b0|field strength)\b\s*(?:=|:|of|is)?\s*" + _NUM + r"\s*t\b|\b" + _NUM + r"\s*t\b"
                      r"(?=\s*(?:scanner|system|magnet|,|$))|\b(?:at|on)\s+(?:an?\s+)?" + _NUM + r"\s*t\b(?![/\w])",
                      re.I), None),
    ("bandwidth", re.compile(r"\b(?:bandwidth|bw)\b\s*(?:=|:|of|is)?\s*" + _NUM + r"\s*(hz/px|hz/pixel|hz|khz)?",
                             re.I), None),
    ("bandwidth", re.compile(_NUM + r"\s*(hz/px|hz/pixel|hz per pixel)", re.I), None),
    # "200 kHz bandwidth", "a 100 kHz receiver bw": the value before its name (a kHz figure is a total bandwidth)
    ("bandwidth", re.compile(_NUM + r"\s*(khz|hz)\s+(?:(?:receiver|readout|adc|acquisition|total|sampling)\s+)?"
                             r"(?:bandwidth|bw)\b", re.I), None),
    ("dwell", re.compile(r"\bdwell(?:[- ]time)?\b\s*(?:=|:|of|is)?\s*" + _NUM + _T_UNIT, re.I),
     lambda v, u: _time(v, u, "us")),
    ("dwell", re.compile(r"\b\d+\s*(?:samples|points)(?: per \w+)?\s+at\s+" + _NUM + r"\s*(us|µs|ns)\b", re.I),
     lambda v, u: float(v) * (1e-9 if u.lower() == "ns" else 1e-6)),
    ("readout_time", re.compile(r"\breadout\s*(?:=|:|of|is|be|to)?\s*" + _NUM + r"\s*(s|ms|us|µs)\b", re.I),
     lambda v, u: _time(v, u, "ms")),
    ("readout_time", re.compile(r"\b(?:readout|acquisition)(?:[- ](?:time|duration|window))\b\s*(?:=|:|of|is)?\s*"
                                + _NUM + _T_UNIT, re.I), lambda v, u: _time(v, u, "ms")),
    # "acquisition 3.2 ms", "ADC 2.56 ms": the ADC window, when a time unit says it is one (not "acquisition 5 min")
    ("readout_time", re.compile(r"\b(?:acquisition|adc(?:[- ](?:duration|window|length))?)\s*(?:=|:|of|is)?\s*"
                                + _NUM + r"\s*(ms|us|µs)\b", re.I), lambda v, u: _time(v, u, "ms")),
    # the rest of the system object: another nucleus's gamma, the other rasters, the ADC's sample limit
    ("gamma", re.compile(r"\b(?:gamma|gyromagnetic ratio)\b\s*(?:=|:|of|is)?\s*" + _NUM + r"\s*(mhz/t|hz/t)?",
                         re.I),
     lambda v, u: float(v) * (1.0 if (u or "").lower() == "hz/t" or float(v) > 1e5 else 1e6)),
    ("rf_raster_time", re.compile(r"\brf(?:\s*/\s*grad\w*)?[- ]raster(?:[- ]time)?\s*(?:=|:|of|is)?\s*" + _NUM
                                  + _D_UNIT, re.I), lambda v, u: _time(v, u, "us")),
    ("adc_raster_time", re.compile(r"\badc[- ]raster(?:[- ]time)?\s*(?:=|:|of|is)?\s*" + _NUM + r"\s*(us|µs|ns)\b",
                                   re.I),
     lambda v, u: float(v) * (1e-9 if u.lower() == "ns" else 1e-6)),
    ("esp", re.compile(r"\becho[- ]spacing\b\s*(?:=|:|of|is)?\s*" + _NUM + _D_UNIT, re.I),
     lambda v, u: _time(v, u, "ms")),
    ("echoes_centred", re.compile(r"\b(?:cent(?:er|re)d?|symmetric\w*)\b.{0,20}?\b(tr) ?/ ?2()", re.I),
     lambda v, u: 1.0),  # "5 echoes centred on TR/2": a multi-echo bSSFP's layout
    ("n_spokes", re.compile(r"\b(\d+)\s*(?:radial )?(?:spokes|projections)\b", re.I), lambda v, u: float(v)),
    ("n_avg", re.compile(r"\b(\d+)\s*(?:averages|avgs?|nex|nsa|signal averages)\b|\b(?:averages|avgs?|nex|nsa|"
                         r"n_?avg|number of averages)\s*(?:=|:|of|is)?\s*(\d+)\b", re.I), None),
    ("adc_samples_limit", re.compile(r"\badc[- ]samples?[- ]limit\s*(?:=|:|of|is)?\s*(\d+)()", re.I),
     lambda v, u: float(v)),
    *_EVENT_FIELDS,
]


# In the settings panel's text a value is a scanner limit by its unit alone ("Prisma: 80 mT/m, 200 T/m/s"): a
# gradient amplitude unit can only be the gradient limit there, a slew unit only the slew limit. Not in a question,
# where "20 mT/m" is as likely the amplitude of the gradient being asked about.
_LIMITS_BY_UNIT: list[tuple[str, re.Pattern, object]] = [
    ("max_grad", re.compile(_NUM + r"\s*(mT/m|G/cm|T/m)(?![/\w])", re.I), lambda v, u: _grad(v, u)),
    ("max_slew", re.compile(_NUM + r"\s*(T/m/s|mT/m/ms|G/cm/ms)\b", re.I), lambda v, u: _slew(v, u)),
]


# A clause that asks for a limit rather than stating the scanner's ("I want max_slew 250 T/m/s", "use 60 mT/m"):
# when the scanner's limit is given too, the request is kept apart (`wanted_max_slew`) so it can be judged against it.
_LIMIT_KEYS = ("max_grad", "max_slew")
_REFOCUSING = re.compile(r"^\s*(?:(?:two|three|four|both|the|\d+)\s+)?(?:(?:hard|block|rect\w*|sinc)\s+)?180(?:°|\s*deg"
                         r"\w*)?(?!\w)(?:\s*(?:hard|block|rect\w*|sinc|gauss\w*|refocus\w*|pulses?))*\s*(?:of|is)?\s*"
                         r"\d+(?:\.\d+)?\s*(?:ms|us|µs)\b", re.I)
_WANTS = re.compile(r"\b(i(?:'d| would)? (?:want|like|need|plan|hope|intend)|i'?m (?:planning|going|trying)|"
                    r"want(?:ed)? to|wants?|would like|please use|let'?s use|use|set (?:it )?to|try|request(?:ed)?|"
                    r"target|aim(?:ing)? (?:for|at))\b", re.I)


def parse(text: Optional[str], *, settings_text: bool = False) -> Knowledge:
    """Everything we can read from the text; placeholder lines like "(what you are working on ...)" are skipped.
    settings_text: the text is the settings panel's, where a value's unit alone can name a scanner limit."""
    k = Knowledge()
    wanted: dict[str, float] = {}
    if not text:
        return k
    for raw_line in text.splitlines():
        line = read_counts(read_series(spelled_out(raw_line.strip()), k), k)
        if not line:
            continue
        head, _, rest = line.partition(":")
        if re.match(r"\s*(current )?focus\b", head, re.I):
            if not re.match(r"\s*\(", rest):
                k.focus = rest.strip()
            continue
        if re.match(r"\s*sequence( type)?\b", head, re.I) and rest:
            k.kind = requested(rest) or k.kind
            continue
        for clause in re.split(r"[,;]|\band\b", line):
            before = {key: k.values[key] for key in _LIMIT_KEYS if key in k.values}
            # "180 sinc 3 ms" is the refocusing pulse, not the excitation: left to the events (event_words.py)
            read = not _REFOCUSING.match(clause) and _read_clause(clause, k, _FIELDS)
            if settings_text:  # "on a 5 T system: 80 mT/m": a limit by its unit, beside what the clause named
                read = _read_clause(clause, k, [f for f in _LIMITS_BY_UNIT if f[0] not in k.values]) or read
            if not read and re.search(r"\d", clause) and not (requested(clause) and re.fullmatch(
                    r"\s*(?:[23]-?d\s+)?[a-z][\w /-]*", clause, re.I)):  # "3D bSSFP" names the sequence: read
                k.unparsed.append(clause.strip())
            if read and _WANTS.search(clause):
                for key in _LIMIT_KEYS:  # "I want max_slew 250": what is asked for, not (yet) the scanner's limit
                    if key in k.values and k.values[key] != before.get(key):
                        wanted[key] = k.values.pop(key)
                        if key in before:
                            k.values[key] = before[key]
    for key, value in wanted.items():
        if key in k.values and value > k.values[key]:
            k.values["wanted_" + key] = value  # above the scanner's: that stays the limit, the request is judged
        else:  # within it (or no limit given): the value asked for is the one to use
            k.values[key] = value
    events, taken = read_events(k.unparsed)  # "hard 90 of 100 us", "prephaser 1 ms": a kernel's events
    for key, value in events.items():
        k.values.setdefault(key, value)
    k.unparsed = [u for u in k.unparsed if u not in taken]
    if settings_text and "gamma" not in k.values:  # "13C" in the settings: that nucleus's gamma for the system object
        from .unit_calcs import nucleus_of

        nucleus = nucleus_of(text, metabolites=False)
        if nucleus is not None:
            k.values["gamma"] = nucleus[1] * 1e6
            k.unparsed = [u for u in k.unparsed if u.lower() != nucleus[0].lower()]
    if k.kind is None:
        k.kind = requested(text)
    return k


# A number right after a parameter's name is that parameter's value: in "TE 5ms TR 12ms" the 5 ms is the TE's, not
# the TR's, although "5ms TR" reads like "a 5 ms TR". Patterns that take the number before the name skip it then.
_NAMED_JUST_BEFORE = re.compile(r"\b(?:te|tr|ti|echo[- ]time|repetition[- ]time|inversion[- ]time|"
                                r"flip(?:[- ]angle)?|fa|fov|dwell(?:[- ]time)?|readout|bandwidth|bw|duration|delay)"
                                r"\s*(?:=|:|of|is)?\s*$", re.I)


# values a quantity's name decides wherever its number stands ("a 200 mm FOV", "a 4 us dwell", "a 200 T/m/s slew"):
# read by quantities.py; the name-first patterns above then override what they also read
_BY_NAME = ("te", "tr", "ti", "fov", "slice_thickness", "dwell", "readout_time", "pulse_duration", "max_grad",
            "max_slew")


def _read_clause(clause: str, k: Knowledge, fields: list) -> bool:
    general = {key: v for key, v in quantities.named(clause).items() if key in _BY_NAME} if fields is _FIELDS else {}
    excitation = k.values.get("pulse_duration")
    k.values.update(general)
    found = bool(general)
    for name, pattern, conv in fields:
        m = pattern.search(clause)
        if m and pattern.pattern.startswith(_NUM) and _NAMED_JUST_BEFORE.search(clause[:m.start()]):
            m = None
        if not m:
            continue
        found = True
        groups = [g for g in m.groups()]
        if name == "fov" and len(groups) == 4:
            unit = groups[3]
            k.values["fov"] = _length(groups[0], unit, "mm")
            if groups[2]:  # "256x256x160 mm": the third is the extent along z, the 3D slab
                k.values["slab_thickness"] = _length(groups[2], unit, "mm")
        elif name == "matrix":
            g = next(groups[i:i + 3] for i in (0, 3, 6, 9) if groups[i])
            k.values["n_x"] = float(g[0])
            k.values["n_y"] = float(g[1] or g[0])
            if g[2]:
                k.values["n_z"] = float(g[2])
        elif name == "n_y":
            k.values["n_y"] = float(next(g for g in groups if g))
        elif name in ("n_slices", "n_echoes", "n_avg"):
            k.values[name] = float(next(g for g in groups if g))
        elif name == "b0":
            k.values["b0"] = float(next(g for g in groups if g))
        elif name == "bandwidth":
            unit = (groups[1] or "hz/px").lower().replace("hz per pixel", "hz/px")
            value = float(groups[0]) * (1e3 if unit == "khz" else 1.0)
            k.values["bandwidth" if unit in ("hz/px", "hz/pixel") else "bandwidth_total"] = value
        elif callable(conv):
            k.values[name] = float(f"{conv(groups[0], groups[1] if len(groups) > 1 else None):.12g}")
    if fields is _FIELDS and re.search(r"\b(inversion|hypsec|adiabatic|spoil\w*|crusher)\b", clause, re.I) \
            and not re.search(r"\b(excitation|sinc|gauss\w*)\b", clause, re.I):
        # "inversion pulse 10 ms": that pulse's duration, not the excitation's (a pattern for "pulse 10 ms" reads both)
        if excitation is None:
            k.values.pop("pulse_duration", None)
        else:
            k.values["pulse_duration"] = excitation
    return found


def describe(k: Knowledge) -> str:
    """One line of what was read, in the units people use."""
    v = k.values
    parts = []
    fmt = {"te": ("TE", 1e3, "ms"), "tr": ("TR", 1e3, "ms"), "ti": ("TI", 1e3, "ms"),
           "flip_deg": ("flip", 1, "°"), "fov": ("FOV", 1e3, "mm"), "slice_thickness": ("slice", 1e3, "mm"),
           "max_grad": ("max gradient", 1, "mT/m"), "max_slew": ("max slew", 1, "T/m/s"),
           "rf_dead_time": ("RF dead time", 1e6, "µs"), "adc_dead_time": ("ADC dead time", 1e6, "µs"),
           "rf_ringdown_time": ("RF ringdown", 1e6, "µs"), "b0": ("B0", 1, "T"),
           "n_echoes": ("echo train", 1, ""), "n_slices": ("slices", 1, ""), "bandwidth": ("bandwidth", 1, "Hz/px"),
           "dwell": ("dwell", 1e6, "µs"), "readout_time": ("readout", 1e3, "ms"),
           "pulse_duration": ("pulse", 1e3, "ms"), "tbw": ("time-bandwidth product", 1, ""),
           "b_value": ("b-value", 1, "s/mm²"), "bandwidth_total": ("receiver bandwidth", 1e-3, "kHz"),
           "slab_thickness": ("slab", 1e3, "mm"), "inversion_duration": ("inversion pulse", 1e3, "ms"),
           "spoiler_duration": ("spoiler", 1e3, "ms"), "spoiler_rise": ("spoiler ramp", 1e3, "ms"),
           "spoiler_flat": ("spoiler flat top", 1e3, "ms"), "refocus_duration": ("refocusing pulse", 1e3, "ms"),
           "grad_raster": ("gradient raster", 1e6, "µs"), "rf_raster_time": ("RF raster", 1e6, "µs"),
           "adc_raster_time": ("ADC raster", 1e6, "µs"), "gamma": ("gamma", 1e-6, "MHz/T"),
           "adc_samples_limit": ("ADC sample limit", 1, ""), "esp": ("echo spacing", 1e3, "ms"),
           "n_avg": ("averages", 1, ""), "n_rep": ("repetitions", 1, ""), "n_spokes": ("spokes", 1, ""), **EVENT_LABELS}
    if "n_x" in v:
        parts.append(f"matrix {int(v['n_x'])}×{int(v.get('n_y', v['n_x']))}" +
                     (f"×{int(v['n_z'])}" if "n_z" in v else ""))
    elif "n_y" in v:
        parts.append(f"{int(v['n_y'])} phase-encoding lines")
    if "n_z" in v and "n_x" not in v:
        parts.append(f"{int(v['n_z'])} partitions")
    for key, (label, scale, unit) in fmt.items():
        if key in v:
            parts.append(f"{label} {v[key] * scale:g}{(' ' + unit) if unit and unit != '°' else unit}")
    prep = [v[key] for key in sorted(v, key=lambda x: (len(x), x)) if re.fullmatch(r"t2prep(_\d+)?", key)]
    if prep:
        parts.append("T2-prep " + ("time " if len(prep) == 1 else "times ") + ", ".join(f"{x * 1e3:g}" for x in prep)
                     + " ms")
    if k.kind is not None:
        parts.insert(0, k.kind.label)
    return ", ".join(parts)


def merged(settings: Optional[Knowledge], question: Knowledge) -> Optional[Knowledge]:
    """The settings panel's values with the question's own on top (None when neither has any); a gradient or slew
    limit the question asks for above the settings' scanner limit stays beside it as `wanted_<key>`."""
    if not settings and not question:
        return None
    asked = dict(question.values)
    for key in _LIMIT_KEYS:  # a limit asked for above the scanner's (settings) is judged, never used (see parse)
        limit = settings.values.get(key) if settings else None
        if limit is not None and asked.get(key, 0) > limit:
            asked["wanted_" + key] = asked.pop(key)
    out = Knowledge(values={**(settings.values if settings else {}), **asked},
                    kind=(settings.kind if settings else None),
                    unparsed=(settings.unparsed if settings else []), focus=settings.focus if settings else "",
                    series={**(settings.series if settings else {}), **question.series})
    return out
