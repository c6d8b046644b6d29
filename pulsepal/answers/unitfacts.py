"""Units, defaults and rasters asked about directly: "is phase_offset in degrees or radians?", "FOV in mm or m?",
"what is the default max B1?", "what grid must block durations sit on?".

These questions are about one fact, and the function an answer would otherwise be built around (the spoiler note
for an RF-spoiling phase, `seq.write` for a block that fails to write) does not state it. Each fact here is a line
put at the top of the answer. Units are the toolboxes' conventions (SI, angles in radians, gradients in Hz/m); the
defaults are read from the installed pypulseq's `Opts` (MATLAB's `mr.opts` has the same ones, plus a B1 limit).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Optional

from . import label_facts, seqfile_units
from .toolbox_values import METRES_PER, SECONDS_PER, pulseq_value_lines, sample_time_lines
from .vendor_facts import vendor_lines

# parameter (lower case, no underscores) -> (how people write it in prose, unit, a conversion hint)
UNITS: dict[str, tuple[str, str, str]] = {
    "flipangle": (r"flip[ _-]?angles?|\bflip\b|\bfa\b", "radians", "90° is `pi/2`; degrees × π/180"),
    "phaseoffset": (r"phase[ _-]?offsets?", "radians", "`rf_phase_deg * pi/180`"),
    "freqoffset": (r"freq(uency)?[ _-]?offsets?", "Hz", "a slice offset of z metres is `gz.amplitude * z` Hz"),
    "freqppm": (r"freq[ _-]?ppm", "ppm of the Larmor frequency", "the toolbox multiplies it by γ·B0 of the system "
                "object, so set `B0` there; fat is about -3.45 ppm"),
    "phaseppm": (r"phase[ _-]?ppm", "ppm of the Larmor frequency", ""),
    "slicethickness": (r"slice[ _-]?thickness", "metres", "5 mm is `5e-3`"),
    "fov": (r"\bfov\b|field[ -]of[ -]view", "metres", "`[fov fov thickness]` with fov = 256e-3 for 256 mm"),
    "duration": (r"\bdurations?\b", "seconds", "3 ms is `3e-3`"),
    "delay": (r"\bdelays?\b", "seconds", "0.5 ms is `0.5e-3`"),
    "dwell": (r"\bdwell(?:[ _-]?time)?\b", "seconds", "10 µs is `10e-6`"),
    "flattime": (r"flat[ _-]?time", "seconds", ""),
    "risetime": (r"rise[ _-]?time|ramp[ _-]?time", "seconds", ""),
    "area": (r"\b(flat[ _-]?)?areas?\b|\bmoment\b", "1/m (cycles per metre: the k-space extent it covers)",
             "a readout of N samples over a FOV needs a flat area of N/FOV"),
    "rfamplitude": (r"\b(rf|pulse|b1)\b \w+ (signal|amplitude)s?\b|\b(rf|pulse|b1)(\.| )(signal|amplitude|"
                    r"waveform|shape)s?\b|\bamplitudes? of (the |an |my )?(rf|pulse)\b|"
                    r"\b(b1|rf)\b.{0,40}\bamplitudes?\b|\d\s*(µt|ut|microtesla)\b.{0,40}\bamplitudes?\b",
                    "Hz (γ·B1: the RF amplitude is stored as a frequency; divide by 42.576e6 Hz/T for tesla)", ""),
    "amplitude": (r"\bamplitudes?\b", "Hz/m (multiply mT/m by 42.576e3)", ""),
    "maxgrad": (r"max[ _-]?grad\w*", "Hz/m unless a gradient unit is given (`grad_unit` / 'gradUnit' defaults to "
                "'Hz/m', so a bare 30 means 30 Hz/m); the system object converts the unit you give",
                "give the unit: `'MaxGrad', 30, 'GradUnit', 'mT/m'` / `max_grad=30, grad_unit='mT/m'`"),
    "maxslew": (r"max[ _-]?slew\w*|slew[ _-]?rate", "Hz/m/s unless a slew unit is given (`slew_unit` / 'slewUnit' "
                "defaults to 'Hz/m/s'); the system object converts the unit you give",
                "give the unit: `'SlewUnit', 'T/m/s'` / `slew_unit='T/m/s'`"),
    "gamma": (r"\bgamma\b|gyromagnetic", "Hz/T (42.576e6 for protons, not rad/s/T)", ""),
    "b0": (r"\bb0\b|field strength", "tesla", ""),
    "bandwidth": (r"\bbandwidth\b", "Hz", ""),
    "angle": (r"rotation angle|\bangle\b", "radians", ""),
    "tbw": (r"time[ _-]?bw[ _-]?product|time[- ]bandwidth(?:[ _-]product)?|\btbw\b", "no unit: it is dimensionless "
            "(pulse duration × bandwidth)", "4 is a common sinc value; a higher one gives a sharper profile"),
    "ktraj": (r"k-?space|trajector", "1/m (the time integral of Hz/m gradients)", ""),
    # fields of the events themselves ("rf.t", "grad.tt", "gx.first", "rf.shape_dur", "rf.dead_time")
    "timepoints": (r"\b\w+\.(t|tt)\b|\btime points\b", "seconds (from the start of the event, its delay not "
                   "included)", ""),
    "edges": (r"\b\w+\.(first|last)\b", "Hz/m (the gradient's amplitude at its first and last time point)", ""),
    "shapedur": (r"shape[ _]?dur(ation)?", "seconds", ""),
    "deadtime": (r"dead[ _-]?times?|ring[ _-]?down[ _-]?times?", "seconds", "100 µs is `100e-6`"),
    "gradwaveform": (r"\b(grad\w*|g[xyz])\.waveform\b|\bgradient waveforms?\b|\bwaveforms? of (the |a |my )?gradients?",
                     "Hz/m (gradient samples; multiply mT/m by 42.576e3)", ""),
    "timing": (r"\b(te|tr|ti|echo time|repetition time|inversion time|times|timings?|everything)\b", "seconds",
               "TE = 5 ms is `5e-3`; frequencies are in Hz, gradients in Hz/m, angles in radians"),
}
# how units are written, for "X or Y?" between two of them ("Hz or Hz/m?", "ms or s?", "per metre or per cm?")
_U = (r"(?:hz/m/s|hz/m|khz|mhz|hz|mt/m/ms|mt/m|t/m/s|t/m|g/cm|1/m|rad/s|radians?|rad|degrees?|deg|ppm|teslas?|µt|"
      r"gauss|mm|cm|metres?|meters?|m|seconds?|secs?|s|ms|milliseconds?|us|µs|microseconds?|ns|nanoseconds?|"
      r"cycles|samples|raster (?:steps|units)|per (?:metre|meter|second|millisecond|m|s|cm))")
# "shorter than two ms?" asks about a duration, "TE: ms?" about a unit
_NOT_A_COUNT = "".join(f"(?<!{w} )" for w in  # "... of its adc samples?" asks for the samples, not their unit
                       "one two three four five six seven eight nine ten few some more less adc its the".split())
_ASKS_UNIT = re.compile(r"\bdimensionless\b|\bunitless\b|\bha(s|ve) (a |any )?units?\b|"
                        r"\bwhat units?\b|\bwhich units?\b|\bin what\b|\bunits? (of|for|does|is|are|used)\b|"
                        r"\bunits?\s*\?|\b(what|which) are the units\b|"
                        r"\bmeasured in\b|\bin which (unit|scale)|\b(with|given|having) no units?\b|"
                        r"\bwithout (a |any )?units?\b|\bwithout (setting |giving |passing |a |the )*"
                        r"(grad|slew|b1)[ _]?unit\b|(?<![\d.] )(?<![\d./])" + _NOT_A_COUNT + r"\b" + _U + r"\s*\?\s*$|"
                        r"(?<![\d.] )(?<![\d.])\b" + _U + r"\s+or\s+(in\s+)?" + _U + r"(?![\w/])|"
                        r"\bper (metre|meter|second|millisecond)\b.{0,20}\?|"
                        r"\bis (it|that|this) in\b|\bgiven in\b|\bexpressed in\b|"
                        r"\b(relative|with respect) to (what|which)\b|"
                        r"\b(is|are) (it|that|this|they|these|those) (relative|with respect) to\b|"
                        r"\bin [\w/]+ or (in )?[\w/]+\s*\?|"
                        r"\b(in|as) (degrees?|radians?|hz|mm|cm|metres?|meters?|seconds?|ms|us|µs|microseconds?|"
                        r"milliseconds?)\b(?=.*\?)|\b(in|as) (hz/m|mt/m|t/m/s|1/m|rad/s|ppm|tesla)(?![\w/])", re.I)


# "do I pass 800 or 0.8?", "117 or do I convert it first?": a value offered in two scalings, or a conversion
_OR_CONVERT = re.compile(r"\d\s*(?:\w+\s+){0,2}or\s+(?:do|should|must|would|shall)?\s*(?:i|we|you)?\s*"
                         r"(?:have to\s+|need to\s+)?(?:convert|scale|multiply|divide)\b", re.I)
_NUM = r"(\d+(?:\.\d+)?(?:e-?\d+)?)"
_TWO_NUMBERS = re.compile(r"(?<![\w.])" + _NUM + r"(?:[\s,]+\w+){0,3}[\s,]+or\s+(?:[a-z]+\s+){0,4}?" + _NUM +
                          r"(?![\w.])", re.I)
# "10 what?", "that's mm, right?", "is that µs?": the unit of a value the user already has
_THAT_UNIT = re.compile(r"\b\d+(?:\.\d+)?\s+what\s*\?|\b(that'?s|that is|is that|is it|are they|those are|these "
                        r"are)\s+(in\s+)?" + _U + r"(?![\w/])", re.I)


def scalings(prose: str) -> Optional[tuple[str, str]]:
    """Two numbers offered as alternatives that differ by a power of a thousand (800 or 0.8, 10 or 1e-5): the
    question is which unit the value is in, not which value to pick."""
    for m in _TWO_NUMBERS.finditer(prose):
        a, b = float(m.group(1)), float(m.group(2))
        if a > 0 and b > 0 and a != b:
            ratio = math.log10(max(a, b) / min(a, b))
            if abs(ratio / 3 - round(ratio / 3)) < 0.01:
                return m.group(1), m.group(2)
    return None


def asks_unit(prose: str) -> bool:
    """The question asks what unit something is in, by its shape: "what unit", "measured in", "Hz or Hz/m?",
    "per metre?", "is it in ...", "800 or 0.8?", "117 or do I convert it?", whatever the something is."""
    return bool(_ASKS_UNIT.search(prose) or _OR_CONVERT.search(prose) or _THAT_UNIT.search(prose) or
                scalings(prose))


_UNIT_CHOICE = re.compile(r"(?<![\d.] )(?<![\d.])\b" + _U + r"\s+or\s+(in\s+)?" + _U + r"(?![\w/])", re.I)


def without_unit_choices(prose: str) -> str:
    """The question without its "tesla or gauss" alternatives: those words are units, not what it is about (the
    Gaussian pulse is not what "B0, tesla or gauss?" asks about)."""
    return _UNIT_CHOICE.sub(" ", prose)


def unit_lines(prose: str) -> list[str]:
    """The unit of each parameter the question asks the unit of."""
    if not asks_unit(prose):
        return []
    if seqfile_units.about_file(prose):  # the file's integers: rasters, µs, ns, not the toolbox's seconds
        return seqfile_units.lines(prose)
    low = prose.lower()
    specific = [m.span() for k in ("slicethickness", "phaseoffset", "freqoffset", "flipangle", "flattime", "risetime",
                                   "rfamplitude", "timepoints", "edges", "shapedur", "deadtime", "gradwaveform")
                for m in re.finditer(UNITS[k][0], low)]
    out = []
    for key, (pattern, unit, hint) in UNITS.items():
        found = [m.span() for m in re.finditer(pattern, low)]
        if key in ("duration", "delay", "area", "amplitude", "bandwidth", "angle", "ktraj", "fov", "timing") and all(
                any(a <= s and e <= b for a, b in specific) for s, e in found):
            continue  # a generic word inside a more specific name ("flip angle", "flat time")
        if found:
            name = _display(key, prose)
            verb = "has" if unit.startswith("no unit") else ("are in" if key == "timepoints" else "is in")
            out.append(f"{name} {verb} **{unit}**" + (f" ({hint})." if hint else ".") + _users_value(prose, unit))
    if not out and re.search(r"\b(pulseq|pypulseq|toolbox|internal\w*|convention\w*)\b", low) and not re.search(
            r"\d\s*[a-zµ°]", low):
        out.append(_ALL_UNITS)  # "which units does Pulseq use?": all of them
    return out[:3]


_ALL_UNITS = ("Pulseq's units: times in **seconds**, gradient amplitudes in **Hz/m**, slew rates in **Hz/m/s**, RF "
              "amplitudes in **Hz** (γ·B1), angles and phases in **radians**, gradient areas and k-space in **1/m**, "
              "lengths (FOV, slice thickness) in **metres**, frequencies in Hz.")


# a number with the unit the user wrote next to it ("500 us", "2 mm"): what it is in the toolbox's unit
_WRITTEN = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?(?:e-?\d+)?)\s*(ms|msec|milliseconds?|us|µs|μs|usec|microseconds?|"
                      r"ns|nanoseconds?|s|secs?|seconds?|mm|cm|µm|um|m|metres?|meters?)(?![\w/])", re.I)
_TO_BASE = {"s": SECONDS_PER, "m": METRES_PER}


def _written(prose: str, base: str) -> Optional[tuple[str, str, float]]:
    """The first number the user wrote with a unit of this kind: (number, unit as written, value in `base`)."""
    for m in _WRITTEN.finditer(prose):
        scale = _TO_BASE[base].get(m.group(2).lower())
        if scale is not None:
            return m.group(1), m.group(2), float(m.group(1)) * scale
    return None


def _users_value(prose: str, unit: str) -> str:
    """The user's own number in that unit: "500 us, do I pass 500 or 0.5?" for a time, "117 deg" for an angle. The
    unit the user wrote decides; without one, two numbers a power of a thousand apart say only that one of them
    is scaled, so the answer says which reading it assumes."""
    pair = scalings(prose)
    if unit.startswith("seconds") or unit.startswith("metres"):
        base = "s" if unit.startswith("seconds") else "m"
        written = _written(prose, base)
        if written is not None:
            number, spelled, value = written
            if pair is None and float(number) == value:
                return ""
            text = f" Your {number} {spelled} is `{value:g}`"
            match = [x for x in pair or () if math.isclose(float(x), value, rel_tol=1e-6)]
            if match:
                return text + f": pass `{match[0]}`."
            return text + (f"; neither `{pair[0]}` nor `{pair[1]}` is that in {base}." if pair else ".")
        if pair is not None:
            big, small = sorted(pair, key=float, reverse=True)
            scale = round(math.log10(float(big) / float(small)))
            prefix = {3: "m" + base, 6: "µ" + base}.get(scale)
            if prefix:
                return (f" If your {big} is in {prefix}, it is `{float(big) * 10 ** -scale:g}` (`{big}e-{scale}`); "
                        f"`{big}` would mean {big} {base}.")
    deg = re.search(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:°|deg\b|degrees?\b)", prose, re.I)
    if deg and unit.startswith("radians"):
        x = float(deg.group(1))
        return f" Your {deg.group(1)}° is `{deg.group(1)} * pi / 180` = {math.radians(x):.4g} rad."
    return ""


def _display(key: str, prose: str) -> str:
    m = re.search(r"['\"`]?([A-Za-z_]*" + "".join(f"{c}_?" for c in key[:-1]) + key[-1] + r"[A-Za-z_]*)['\"`]?",
                  prose, re.I)
    if m and ("_" in m.group(1) or re.search(r"[a-z][A-Z]", m.group(1))):
        return f"`{m.group(1)}`"
    return {"flipangle": "The flip angle", "phaseoffset": "The phase offset", "freqoffset": "The frequency offset",
            "slicethickness": "The slice thickness", "fov": "The FOV (a definition: `[x y z]`)",
            "b0": "B0", "maxgrad": "The gradient limit", "maxslew": "The slew-rate limit",
            "ktraj": "The k-space trajectory", "amplitude": "A gradient amplitude",
            "rfamplitude": "The RF amplitude (`rf.signal`)", "area": "A gradient area",
            "duration": "A duration", "delay": "A delay", "dwell": "The dwell time", "gamma": "Gamma",
            "bandwidth": "A bandwidth", "angle": "A rotation angle", "tbw": "The time-bandwidth product",
            "timing": "Every time (TE, TR, durations, delays)",
            "timepoints": "An event's time points (`rf.t`, `grad.tt`)", "edges": "A gradient's `first` / `last`",
            "shapedur": "The shape duration (`shape_dur`)", "deadtime": "A dead or ringdown time",
            "gradwaveform": "A gradient waveform"}.get(key, f"`{key}`")


# --- defaults ---------------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def defaults() -> dict[str, str]:
    """What the system object holds when nothing is given, from pypulseq's own `Opts()`."""
    import pypulseq as pp

    o = pp.Opts()
    g = o.gamma
    return {
        "maxgrad": f"{o.max_grad / g * 1e3:.0f} mT/m",
        "maxslew": f"{o.max_slew / g:.0f} T/m/s",
        "maxb1": "20 µT (MATLAB `mr.opts` only: 'maxB1'; pypulseq has no B1 limit)",
        "gradraster": f"{o.grad_raster_time * 1e6:g} µs",
        "rfraster": f"{o.rf_raster_time * 1e6:g} µs",
        "adcraster": f"{o.adc_raster_time * 1e9:g} ns",
        "blockraster": f"{o.block_duration_raster * 1e6:g} µs",
        "gamma": f"{g:.6g} Hz/T (42.576 MHz/T)",
        "b0": f"{o.B0:g} T",
        "deadtimes": "0 s (RF dead time, RF ringdown time and ADC dead time)",
        "adcdivisor": f"{o.adc_samples_divisor}",
    }


_DEFAULT_TOPICS: list[tuple[str, str, str]] = [
    ("maxgrad", r"max(imum)?[ _-]?grad\w*|gradient (limit|strength|amplitude)", "maximum gradient"),
    ("maxslew", r"max(imum)?[ _-]?slew|slew[ -]?rate", "maximum slew rate"),
    ("maxb1", r"\bb1\b|max[ _-]?b1", "maximum B1"),
    ("gradraster", r"grad\w* raster", "gradient raster time"),
    ("rfraster", r"\brf raster", "RF raster time"),
    ("adcraster", r"\badc raster|dwell raster", "ADC raster time"),
    ("blockraster", r"block[ _-]?duration[ _-]?raster|block raster", "block duration raster"),
    ("gamma", r"\bgamma\b|gyromagnetic", "gamma"),
    ("b0", r"\bb0\b|field strength", "B0"),
    ("deadtimes", r"dead[ -]?times?|ring[ -]?down", "dead and ringdown times"),
]


def default_lines(prose: str) -> list[str]:
    if re.search(r"\b(grad|slew|b1)[ _]?unit\b", prose, re.I):
        return []  # "max_grad without grad_unit": the unit it is read in, not the limit's default
    if not re.search(r"\bdefaults?\b|\bassume[sd]?\b|if i (don'?t|do not) (give|set|pass)|\bout of the box\b|"
                     r"when (nothing|none) is given", prose, re.I):
        return []
    low = prose.lower()
    vals = defaults()
    return [f"Default {label}: **{vals[key]}**." for key, pattern, label in _DEFAULT_TOPICS if re.search(pattern, low)]


# --- rasters ----------------------------------------------------------------------------------------------------

# most specific first: an ADC's delay, RF samples, ADC dwell, blocks, gradients
_RASTERS: list[tuple[str, str]] = [
    (r"\badc\b.{0,20}\bdelay|\bdelay\b.{0,20}\badc\b", "An ADC's delay must lie on the RF raster (**1 µs**), its dwell "
     "on the ADC raster (100 ns)."),
    (r"\brf\b(?!.*\badc\b)|\bpulse shape|\brf shape", "RF samples lie on the RF raster (**1 µs** by default): an RF "
     "dwell must be a whole multiple of it."),
    (r"\bdwell\b|\badc\b", "ADC dwell times must be multiples of the ADC raster (**100 ns** by default); on Siemens "
     "the ADC duration should also fit the gradient raster."),
    (r"\bblocks?\b|block duration|\bdelays?\b", "Block durations must be whole multiples of the block duration "
     "raster (`blockDurationRaster` / `block_duration_raster`, **10 µs** by default): round a computed duration up "
     "with `ceil(d / raster) * raster`."),
    (r"\bgradient|\bramp|\bcorner", "Gradient corner points and arbitrary-gradient samples lie on the gradient raster "
     "(**10 µs** by default)."),
]


def direct(prose: str, lang: str = "python") -> list[str]:
    """The facts that answer the question by themselves (a unit, a vendor's raster, a value in the toolbox's
    unit), not facts said in passing."""
    rasters = raster_lines(prose) if _ASKS_RASTER.search(prose) else []
    return unit_lines(prose) + vendor_lines(prose, lang) + pulseq_value_lines(prose) + sample_time_lines(prose) + \
        rasters + label_facts.direct(prose, lang == "matlab")


# the raster itself is what is asked for ("what raster must the ADC delay be on?"), not a check that failed on it
_ASKS_RASTER = re.compile(r"\b(what|which) (time )?(raster|grid)\b|\bmultiples? of what\b|\b(on|to) (what|which) "
                          r"(time )?(raster|grid)\b|\b(must|should|has to|have to|needs? to)\b.{0,30}\b(be|sit|lie) on "
                          r"(a|the|some|any) (time )?(raster|grid)\b", re.I)


def raster_lines(prose: str) -> list[str]:
    if re.search(r"\b(number of|how many) (adc )?samples\b", prose, re.I):
        return []  # a count, not a time: see limit_lines
    if not re.search(r"\braster\b|\bmultiples? of\b|\btime grid\b|\bgrid\b|\bgranularity\b|\bsit on\b|"
                     r"\bon (a|the|which|what) (time )?(grid|raster)", prose, re.I):
        return []
    low = prose.lower()
    for pattern, line in _RASTERS:
        if re.search(pattern, low):
            return [line]
    return []


def limit_lines(prose: str, lang: str = "python") -> list[str]:
    """Scanner limits that are facts of the interpreter rather than settings (the ADC sample limit on Siemens)."""
    if re.search(r"\b(number of|how many) (adc )?samples\b.{0,40}\b(multiple|divisible|divide)|\bsamples?\b.{0,20}"
                 r"\b(divisor|divisible)", prose, re.I):
        name = "'adcSamplesDivisor'" if lang == "matlab" else "`adc_samples_divisor`"
        return [f"The number of ADC samples must be a multiple of the samples divisor ({name}, **4** by default); "
                "each segment of a split ADC too."]
    counts = [int(n) for n in re.findall(r"\b(\d{4,6})\s*(?:adc |complex |readout )?samples\b", prose, re.I)]
    if re.search(r"\b(max(imum)?|most|limit|how many|upper bound)\b.{0,30}\b(adc )?samples\b|\bsamples? limit|"
                 r"\bmore than \d+ samples", prose, re.I) or any(n > 8192 for n in counts):
        if re.search(r"\bGE\b|general electric|\bpge2\b|\bphilips\b|\bbruker\b|\bunited imaging\b", prose, re.I):
            return []  # the 8192 is the Siemens interpreter's; other vendors' limits are not facts we hold
        how = ("`mr.calcAdcSeg`, after setting `'adcSamplesLimit', 8192` in `mr.opts`" if lang == "matlab" else
               "`pp.calc_adc_segments`, after setting `adc_samples_limit=8192` in `pp.Opts`")
        return ["On Siemens scanners one ADC may hold at most **8192 samples**; a longer readout is split into equal "
                f"segments on the gradient raster ({how}: the limit defaults to 0, which means no limit and one "
                "segment; the samples divisor applies to each segment)."]
    return []


def lines(prose: str, lang: str = "python") -> list[str]:
    """Every fact the question asks for, in the order units, defaults, rasters, limits."""
    vendor = vendor_lines(prose, lang)
    return unit_lines(prose) + pulseq_value_lines(prose) + sample_time_lines(prose) + default_lines(prose) + \
        (vendor or raster_lines(prose)) + limit_lines(prose, lang) + label_facts.lines(prose, lang == "matlab")


def first_unit(prose: str) -> Optional[str]:
    found = unit_lines(prose)
    return found[0] if found else None
