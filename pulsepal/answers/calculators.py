"""Numbers worked out from the user's values, so an answer says "1.28 ms, 781 Hz/pixel" rather than a formula.

Each calculator looks at the question and the values known for this turn (the sequence knowledge, overridden by
values written in the question itself) and returns sentences only when it has everything it needs: unit
conversions, readout duration and bandwidth, whether a slice is thin enough for the gradients, a limit asked for
above the scanner's, a duration rounded onto the raster, the fat frequency at the user's field strength.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Optional

from . import (
    cardiac_calcs,
    echo_timing,
    event_options,
    event_timing,
    gradient_math,
    gre_timing,
    hardware_calcs,
    imaging_calcs,
    pulse_math,
    readout_calcs,
    seqfile_units,
    unit_calcs,
    unitfacts,
    uservalues,
    value_math,
)
from .toolbox_values import GAMMA
from .toolbox_values import NUMBER as _NUM

_GRAD = {"hz/m": 1.0, "khz/m": 1e3, "mt/m": GAMMA * 1e-3, "t/m": GAMMA, "g/cm": GAMMA * 1e-2}
_SLEW = {"hz/m/s": 1.0, "t/m/s": GAMMA, "mt/m/ms": GAMMA, "g/cm/ms": GAMMA * 10, "mt/m/s": GAMMA * 1e-3}
_SPELL = {"hz/m/s": "Hz/m/s", "t/m/s": "T/m/s", "mt/m/ms": "mT/m/ms", "g/cm/ms": "G/cm/ms", "mt/m/s": "mT/m/s",
          "khz/m": "kHz/m", "hz/m": "Hz/m", "mt/m": "mT/m", "t/m": "T/m", "g/cm": "G/cm"}
_UNIT = r"(hz/m/s|t/m/s|mt/m/ms|g/cm/ms|mt/m/s|khz/m|hz/m|mt/m|t/m|g/cm)"


def _fmt(x: float) -> str:
    if x == 0:
        return "0"
    if 1e3 <= abs(x) < 1e5:
        return f"{x:.6g}"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        mant, exp = f"{x:.4g}".split("e") if "e" in f"{x:.4g}" else (f"{x:.4g}", "0")
        return f"{float(mant):g}e{int(exp)}"
    return f"{x:.4g}"


def conversions(prose: str) -> list[str]:
    """ "150 T/m/s in Hz/m/s", "40 mT/m to Hz/m", "convert 2 G/cm into mT/m". """
    out = []
    low = prose.lower()
    low = re.sub(r"\s*(->|→|=>)\s*", " to ", low)
    low = re.sub(r"how (many|much) " + _UNIT + r" (is|are|in|=|does|do|makes?) " + _NUM + r"\s*" + _UNIT,
                 lambda m: f" {m.group(4)} {m.group(5)} to {m.group(2)} ", low)
    low = re.sub(r"\b(in|to|into) (pulseq'?s?|pypulseq'?s?|the toolbox'?s?|internal|toolbox) (internal )?units?\b",
                 lambda m: " to hz/m", low)
    for m in re.finditer(_NUM + r"\s*" + _UNIT + r"\b.{0,25}?\b(?:in|to|into|as)\s+" + _UNIT, low):
        value, src, dst = float(m.group(1)), m.group(2), m.group(3)
        if src in _SLEW and dst == "hz/m":
            dst = "hz/m/s"  # "in Pulseq units" of a slew rate
        table = _SLEW if src in _SLEW and dst in _SLEW else _GRAD if src in _GRAD and dst in _GRAD else None
        if table is None:
            continue
        result = value * table[src] / table[dst]
        gamma_text = "γ = 42.576 MHz/T"
        nucleus = unit_calcs.nucleus_of(prose)
        if nucleus and (src.startswith(("hz", "khz")) != dst.startswith(("hz", "khz"))):
            # Hz/m is γ times T/m: for another nucleus its own γ, not the proton's
            ratio = nucleus[1] * 1e6 / GAMMA
            result = result * ratio if dst.startswith(("hz", "khz")) else result / ratio
            gamma_text = f"γ of {nucleus[0]} = {nucleus[1]:g} MHz/T, not the proton's 42.576"
        plain = f" = {result:.0f} {_SPELL[dst]}" if result >= 1e5 and abs(result - round(result)) < 1e-6 else ""
        out.append(f"{m.group(1)} {_SPELL[src]} = **{_fmt(result)} {_SPELL[dst]}**{plain} ({gamma_text}).")
    if not out:
        out += _same_quantity(low)
    # an RF amplitude: B1 in µT is γ·B1 in Hz, the unit rf.signal is kept in
    for m in re.finditer(_NUM + r"\s*(µt|ut|μt|microtesla)\b.{0,40}?\b(?:in|to|into|as)\s+(hz|pulseq)\b", low):
        value = float(m.group(1))
        out.append(f"B1 {m.group(1)} µT = **{_fmt(value * GAMMA * 1e-6)} Hz** (γ·B1, γ = 42.576 MHz/T): the RF "
                   "amplitude as `rf.signal` holds it.")
    return out


# what the system object holds is asked: "I print sys.max_slew and get a giant number", "what does it store?"
_STORED = re.compile(r"\b(print\w*|stor\w*|internal\w*|giant|huge|large|big|weird|strange) (number|value)s?\b|"
                     r"\bwhat (exactly )?(should|does|will|would) (it|that|this) (read|show|say|be|hold|contain)\b|"
                     r"\b(sys|system|opts)\.max_?(slew|grad)\b|\bstored (as|in)\b")


def _same_quantity(low: str) -> list[str]:
    """A value given in one unit beside another unit of the same quantity ("is 200 mT/m/ms the same as 200 T/m/s?",
    "slew_unit='mT/m/ms' ... 200 T/m/s"), or beside a question about what the system object stores: the value in
    the other units named and in the toolboxes' own (Hz/m, Hz/m/s), so the equivalence is a number, not a claim."""
    units = list(dict.fromkeys(u for u in re.findall(r"(?<![\w/])" + _UNIT + r"(?![\w/])", low)))
    stored = bool(_STORED.search(low))
    out = []
    for m in re.finditer(_NUM + r"\s*" + _UNIT + r"(?![\w/])", low):
        value, src = float(m.group(1)), m.group(2)
        table = _SLEW if src in _SLEW else _GRAD
        others = [u for u in units if u != src and u in table]
        if not others and not stored:
            continue
        own = "hz/m/s" if table is _SLEW else "hz/m"
        dsts = list(dict.fromkeys(others + ([own] if own != src else [])))
        parts = [f"**{_fmt(value * table[src] / table[d])} {_SPELL[d]}**" for d in dsts]
        line = f"{m.group(1)} {_SPELL[src]} = " + " = ".join(parts)
        if stored:
            line += f" (the system object holds limits in {_SPELL[own]}: that is the number it shows)"
        out.append(line + ".")
    return out


def readout(values: dict[str, float], prose: str) -> list[str]:
    if not re.search(r"\b(readout|bandwidth|dwell|acquisition (time|window|duration)|bw|sampling (time|rate))\b",
                     prose, re.I):
        return []
    n, dwell, bw_px = values.get("n_x"), values.get("dwell"), values.get("bandwidth")
    if seqfile_units.raw_dwell(prose):  # the file's ns, not the toolbox's seconds: seqfile_units.raw_values
        return []
    readout_time = values.get("readout_time")
    if dwell and n:
        t = dwell * n
        return [f"{int(n)} samples × {dwell * 1e6:g} µs dwell = **{t * 1e3:.4g} ms** readout; bandwidth per pixel "
                f"1/{t * 1e3:.4g} ms = **{1 / t:.0f} Hz/pixel** ({1 / t / 1e3:.3g} kHz), total bandwidth 1/dwell = "
                f"{1 / dwell / 1e3:.4g} kHz."]
    if readout_time and not dwell:
        text = (f"A {readout_time * 1e3:.4g} ms readout gives **{1 / readout_time:.0f} Hz/pixel** "
                f"(bandwidth per pixel = 1/readout time)")
        if n:
            text += f"; with {int(n)} samples the dwell is {readout_time / n * 1e6:.4g} µs"
            grid = re.search(r"\b(?:whole|multiple of|grid of|raster of|on an?|round(?:ed)? to)\s+(?:an?\s+)?" + _NUM +
                             r"\s*(us|µs|ns)\b", prose, re.I)
            if grid:
                step = float(grid.group(1)) * (1e-9 if grid.group(2).lower() == "ns" else 1e-6)
                dwell = max(1, round(readout_time / n / step)) * step
                text += (f"; on the {grid.group(1)} {grid.group(2)} grid that is a dwell of **{dwell * 1e6:.4g} µs**"
                         f" ({n * dwell * 1e3:.4g} ms for the {int(n)} samples)")
        return [text + "."]
    bw_total = values.get("bandwidth_total")
    if bw_total and not dwell and not pulse_math.says_pulse_bandwidth(prose) and not (re.search(
            r"\b(block|hard|rect\w*|sinc|gauss\w*)\b[^.?]{0,20}\bpulse", prose, re.I) and not re.search(
            r"\b(receiver|adc|readout|dwell|sampl\w*|acquisition)\b", prose, re.I)):  # a pulse's is no receiver's
        dw = 1 / bw_total
        line = f"A receiver bandwidth of {bw_total / 1e3:g} kHz is a dwell of 1/bandwidth = **{dw * 1e6:.4g} µs**"
        if n:
            line += f"; {int(n)} samples then take {n * dw * 1e3:.4g} ms ({1 / (n * dw):.0f} Hz/pixel)"
        return [line + "."]
    if bw_px and n:
        t = 1 / bw_px
        return [f"{bw_px:g} Hz/pixel means a **{t * 1e3:.4g} ms** readout: dwell = {t / n * 1e6:.5g} µs for "
                f"{int(n)} samples (round it to the 100 ns ADC raster)."]
    return []


def slice_limit(values: dict[str, float], prose: str) -> list[str]:
    if not re.search(r"\bslice|\bslab|\bthickness", prose, re.I):
        return []
    thk, gmax = values.get("slice_thickness"), values.get("max_grad")
    if not thk or not gmax:
        return []
    dur = values.get("pulse_duration", 3e-3)
    tbw = values.get("tbw", 4.0)
    assumed = [what for what, key in (("a 3 ms pulse", "pulse_duration"), ("a time-bandwidth product of 4", "tbw"))
               if key not in values]
    need = tbw / dur / thk / (GAMMA * 1e-3)  # mT/m
    thinnest = tbw / dur / (gmax * GAMMA * 1e-3)
    line = (f"A {dur * 1e3:g} ms pulse with time-bandwidth product {tbw:g} has a bandwidth of {tbw / dur:.0f} Hz; a "
            f"{thk * 1e3:g} mm slice needs a slice gradient of **{need:.1f} mT/m**")
    if assumed:  # say what was not given rather than pass a default off as the user's value
        line = "Assuming " + " and ".join(assumed) + " (not given): " + line[0].lower() + line[1:]
    if need > gmax:
        return [line + f", which is **above your {gmax:g} mT/m limit: it cannot work**. The thinnest slice with "
                f"these settings is {thinnest * 1e3:.2f} mm; make the pulse longer or lower its time-bandwidth "
                "product for thinner slices."]
    return [line + f", within your {gmax:g} mT/m limit (the thinnest possible is {thinnest * 1e3:.2f} mm)."]


def limits(asked: dict[str, float], scanner: dict[str, float]) -> list[str]:
    """A limit asked for above the scanner's: in the question against the settings, or both in one text (the
    knowledge keeps a request beside the scanner's limit as `wanted_<key>`)."""
    out = []
    for key, label, unit in (("max_slew", "slew rate", "T/m/s"), ("max_grad", "gradient amplitude", "mT/m")):
        a = asked.get("wanted_" + key) or scanner.get("wanted_" + key) or asked.get(key)
        s = asked.get(key) if asked.get("wanted_" + key) else scanner.get(key)
        if a and s and a > s:
            out.append(f"The {label} you ask for, {a:g} {unit}, is **above your scanner's {s:g} {unit} limit**: "
                       f"use at most {s:g} {unit} in the system limits (higher values make events the hardware "
                       "cannot play).")
    return out


def raster(prose: str) -> list[str]:
    """A time the question gives, checked against the raster of the event it belongs to (an ADC's delay and RF
    samples on 1 µs, an ADC dwell on 100 ns, blocks and gradients on 10 µs)."""
    if not re.search(r"\braster|timing check|check_?timing|checktiming|fails?|error|multiple|allowed|valid|legal|"
                     r"\bok\b|okay|possible|work|\bcan\b.{0,40}\bbe\b", prose, re.I):
        return []
    low = prose.lower()
    if re.search(r"\badc\b.{0,20}\bdelay|\bdelay\b.{0,20}\badc\b|\brf\b", low):
        raster_s, what = 1e-6, "1 µs RF raster"
    elif re.search(r"\bdwell\b", low):
        raster_s, what = 100e-9, "100 ns ADC raster"
    else:
        raster_s, what = 10e-6, "10 µs block raster"
    out = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(ms|us|µs)\b", prose):
        value = float(m.group(1)) * (1e-3 if m.group(2) == "ms" else 1e-6)
        steps = value / raster_s
        if abs(steps - round(steps)) < 1e-6:
            continue
        up = math.ceil(steps) * raster_s
        out.append(f"{m.group(1)} {m.group(2)} is not a multiple of the {what}: round it up to "
                   f"**{up * 1e3:.5g} ms** ({up * 1e6:.6g} µs; `ceil(d/raster)*raster`).")
    return out


def fat_frequency(values: dict[str, float], prose: str) -> list[str]:
    if not re.search(r"\bfat", prose, re.I):
        return []
    b0 = values.get("b0")
    if not b0:
        return []
    ppm = imaging_calcs.fat_ppm(prose)  # the user's own figure for fat, when given
    hz = ppm * 1e-6 * GAMMA * b0
    return [f"At {b0:g} T fat sits at {ppm:g} ppm, about **{hz:.1f} Hz** from water (`freq_ppm={ppm:g}`)."]


def geometry(values: dict[str, float], prose: str) -> list[str]:
    """Resolution, k-space step and extent, the readout gradient, and the scan time of a Cartesian 2D scan."""
    out = []
    fov, n = values.get("fov"), values.get("n_x")
    if fov and n and re.search(r"\bresolution|pixel size|voxel size|\bdelta ?k\b|k-?space (step|extent)", prose, re.I):
        out.append(f"FOV {fov * 1e3:g} mm / {int(n)} = **{fov / n * 1e3:.3g} mm** resolution; Δk = 1/FOV = "
                   f"{1 / fov:.4g} 1/m, k-space extent {n / fov:.4g} 1/m.")
    readout_time = values.get("readout_time") or (values["dwell"] * n if values.get("dwell") and n else None)
    wants_readout = re.search(r"\b(readout|frequency[- ]encod\w*) gradient|gradient (amplitude|strength)|"
                              r"\bflat[ _-]?area", prose, re.I)
    if fov and n and wants_readout:
        line = f"The readout's flat area is N/FOV = {int(n)}/{fov * 1e3:g} mm = **{n / fov:.4g} 1/m**"
        if readout_time:
            g = n / fov / readout_time  # Hz/m
            line += (f"; over a {readout_time * 1e3:g} ms flat top that needs an amplitude of {g:.4g} Hz/m = "
                     f"**{g / (GAMMA * 1e-3):.3g} mT/m**")
        out.append(line + ".")
    tr, ny = values.get("tr"), values.get("n_y")
    if tr and ny and re.search(r"\bscan time|acquisition time|\bhow long for\b|how long (will|does|is|would) "
                               r"(the |my |this )?([\w-]+ ){0,3}(scan|sequence|acquisition|measurement|protocol|take)"
                               r"|total (duration|time)|\btake in total\b", prose, re.I):
        nz = values.get("n_z", 1)  # a 3D scan repeats every phase-encoding line for each partition
        etl = int(values.get("n_echoes", 1))
        # a turbo spin echo reads `etl` lines per excitation: the scan needs ceil(lines / etl) TRs, not one per line
        train = etl > 1 and bool(re.search(r"\b(tse|fse|turbo|rare|haste|echo[- ]train|etl)\b", prose, re.I))
        shots = math.ceil(ny / etl) if train else int(ny)
        # slices interleaved within each TR cost no time of their own; sequential ones repeat the whole scan
        interleaved = bool(re.search(r"(?<!not )(?<!non-)\binterleav\w*|\b(in|within|per) (one|each|a|the) tr\b",
                                     prose, re.I)) and not re.search(r"\bnot interleav|\bnon-?interleav", prose, re.I)
        slices = 1 if interleaved else values.get("n_slices", 1)
        averages, scans = values.get("n_avg", 1), int(values.get("n_ti", 1))  # one scan per inversion time
        reps = int(values.get("n_rep", 1))  # "repeated three times": the whole scan again
        t = tr * shots * nz * slices * averages * scans * reps
        what = f"{shots} shots ({int(ny)} lines / echo train {etl})" if train else f"{int(ny)} lines"
        out.append(f"TR {tr * 1e3:g} ms × {what}" + (f" × {int(nz)} partitions" if nz > 1 else "") + (
            f" × {int(values['n_slices'])} slices (sequential)" if slices > 1 else "") +
            (f" × {int(averages)} averages" if averages > 1 else "") +
            (f" × {scans} inversion times" if scans > 1 else "") +
            (f" × {reps} repetitions" if reps > 1 else "") +
            f" = **{t:.4g} s** of acquisition" + (f" ({t / 60:.3g} min)" if t >= 60 else "") +
            (f"; the {int(values['n_slices'])} slices are interleaved within each TR, so they add no time."
             if interleaved and values.get("n_slices", 1) > 1 else "."))
        if etl > 1 and not train:
            alt = tr * math.ceil(ny / etl) * nz * slices * averages
            out.append(f"If your {etl} echoes are a turbo spin echo's echo train (one line each), it is "
                       f"{math.ceil(ny / etl)} shots: **{alt:.4g} s**.")
    return out


def rf_bandwidth(values: dict[str, float], prose: str) -> list[str]:
    """A pulse's bandwidth from its duration and time-bandwidth product (4, the sinc and Gauss default, when not
    given): bandwidth = TBW / duration."""
    dur = values.get("pulse_duration")
    if not dur or not re.search(r"\bbandwidth|\bbw\b", prose, re.I) or values.get("dwell") or values.get("n_x"):
        return []
    tbw = values.get("tbw")
    line = (f"A {dur * 1e3:g} ms pulse with time-bandwidth product {tbw or 4:g} has a bandwidth of TBW / duration = "
            f"**{(tbw or 4) / dur:.0f} Hz**")
    return [line + ("." if tbw else " (TBW 4 assumed: the default of the sinc and Gaussian pulses; give yours).")]


def spoiler_area(values: dict[str, float], prose: str) -> list[str]:
    """The area a spoiler or crusher needs for the user's slice: one cycle of phase across the slice is
    1/thickness; the toolboxes' examples and our templates use 4 cycles (`area=4 / slice_thickness`)."""
    if not re.search(r"\b(spoil\w*|crush\w*|dephas\w*)\b", prose, re.I) or not re.search(
            r"\b(area|how (big|large|strong|much)|size|moment|cycles?)\b", prose, re.I):
        return []
    thk = values.get("slice_thickness")
    if not thk:
        return []
    one = 1 / thk
    return [f"Across a {thk * 1e3:g} mm slice one full cycle of phase (2π) needs an area of 1/thickness = "
            f"**{one:.4g} 1/m**; a spoiler or crusher usually dephases 2 to 4 cycles: 4/thickness = **{4 * one:.4g} "
            "1/m** (`area=4 / slice_thickness` on the slice axis, as in the examples)."]


_FEASIBLE = re.compile(r"\b(dwell|bandwidth|bw|readout|sampl\w*|feasib\w*|possible|work|limits?|max(?:imum)? "
                       r"grad\w*|gradient (?:amplitude|strength)|too (?:fast|short|high|strong)|can (?:i|we|it|my))\b",
                       re.I)


def readout_gradient(values: dict[str, float], prose: str) -> list[str]:
    """The readout gradient a FOV and a dwell need, 1 / (FOV * dwell) in Hz/m, against the scanner's maximum: a
    dwell shorter than the gradient allows cannot image that FOV, and the shortest one that does is named."""
    fov, n = values.get("fov"), values.get("n_x")
    dwell = values.get("dwell")
    if not dwell and values.get("bandwidth_total"):
        dwell = 1 / values["bandwidth_total"]
    if not dwell and n and values.get("bandwidth"):
        dwell = 1 / (values["bandwidth"] * n)
    if not dwell and n and values.get("readout_time"):
        dwell = values["readout_time"] / n
    gmax = values.get("max_grad")
    if re.search(r"\b(te|tr|ti|esp|echo (time|spacing)|repetition time|inversion time)\b", prose, re.I) and not \
            re.search(r"\b(readout|dwell|bandwidth|bw|gradient|sampl\w*|fov|field of view)\b", prose, re.I):
        return []  # "is TE 3 ms possible?": a sequence time, which the readout's own figures do not answer
    # "what gradient amplitude do I need?" asks for the number even without a limit to hold it against
    asks = re.search(r"\b(what|which|how (much|strong|big|large|high))\b[^.?]{0,40}\b(gradient|amplitude|mt/m)\b",
                     prose, re.I)
    if not (fov and dwell) or not _FEASIBLE.search(prose) or (gmax is None and not asks and not re.search(
            r"\b(feasib\w*|possible|work|limits?|too)\b", prose, re.I)):
        return []
    given = gmax is not None
    gmax = gmax or 40.0  # mT/m, both toolboxes' default limit
    amp = 1 / (fov * dwell)  # Hz/m
    amp_mt = amp / (GAMMA * 1e-3)
    shortest = 1 / (fov * gmax * GAMMA * 1e-3)  # s
    limit = f"your {gmax:g} mT/m limit" if given else f"the default {gmax:g} mT/m limit (no scanner limit given)"
    line = (f"The readout gradient for a {fov * 1e3:g} mm FOV at a {dwell * 1e6:.4g} µs dwell is 1/(FOV × dwell) = "
            f"{amp:.4g} Hz/m = **{amp_mt:.3g} mT/m**")
    tail = (f"the shortest dwell at this FOV is {shortest * 1e6:.3g} µs (a receiver bandwidth of at most "
            f"{1 / shortest / 1e3:.4g} kHz" +
            (f", {1 / (shortest * n):.0f} Hz/pixel with {int(n)} samples; the shortest readout is {int(n)} × "
             f"{shortest * 1e6:.3g} µs = **{n * shortest * 1e3:.4g} ms**" if n else "") + ")")
    if amp_mt > gmax * (1 + 1e-9):
        return [line + f", **above {limit}: it cannot work**; {tail}, or make the FOV larger."]
    return [line + f", within {limit}; {tail}."]


def _built(calc: Callable[..., list[str]], *args: Any) -> list[str]:
    """A timing built with pypulseq from the user's events: events pypulseq refuses (a slice gradient over the limit)
    give no line here, never a failed answer; the template's own check reports them."""
    try:
        return calc(*args)
    except (ValueError, AssertionError, TypeError, ZeroDivisionError):
        return []


def compute(prose: str, scanner: dict[str, float], asked: dict[str, float], lang: str = "python",
            code: Optional[str] = None, settings: str = "") -> list[str]:
    """All that applies; `asked` are values written in the question, which take precedence; `code` is a call the
    question pasted (what a system object holds after it is read from there); `settings` the panel's own text."""
    values = {**scanner, **asked}
    lines = unitfacts.lines(prose, "matlab" if lang in ("matlab", "octave") else "python") + conversions(prose)
    lines += gradient_math.ramp_time(values, prose) + readout_calcs.sampling(prose)
    lines += gradient_math.shortest_lobe(values, prose)
    lines += readout(values, prose) + slice_limit(values, prose) + limits(asked, scanner)
    lines += raster(prose) + fat_frequency(values, prose) + geometry(values, prose)
    lines += gradient_math.echo_spacing(values, prose) + readout_gradient(values, prose) + spoiler_area(values, prose)
    lines += gradient_math.trapezoid_amplitude(values, prose, lang in ("matlab", "octave"))
    lines += rf_bandwidth(values, prose) + pulse_math.block_amplitude(prose) + pulse_math.block_flip(prose)
    lines += pulse_math.block_from_bandwidth(prose) + seqfile_units.raw_values(prose)
    lines += pulse_math.slice_gradient(values, prose)
    lines += pulse_math.readout_from_length(values, prose) + uservalues.for_missing_sequence(prose, values)
    lines += value_math.kspace_area(values, prose) + (list(value_math.opts_stored(
        prose + "\n" + code, lang in ("matlab", "octave")).values()) if code else [])
    matlab = lang in ("matlab", "octave")  # the user's own events: timings built from them, options set from words
    lines += _built(event_timing.minimum_ti, values, prose, settings) + gre_timing.lines(values, prose, settings)
    lines += _built(event_timing.mprage_outer_tr, values, prose, settings)
    lines += event_timing.t2prep_delays(values, prose, matlab) + event_options.capped_gradient(values, prose, matlab)
    lines += event_options.trigger_timing(prose, matlab) + _built(echo_timing.echo_minimum, values, prose)
    lines += readout_calcs.lines(values, prose, settings, matlab) + imaging_calcs.lines(values, prose)
    lines += hardware_calcs.lines(prose, settings, matlab) + cardiac_calcs.phases(values, prose, settings)
    return lines + unit_calcs.lines(prose, lang, code, values)


def header(lines: list[str], worked_out: bool = True) -> Optional[str]:
    """The lines above the answer; `worked_out` says whether any was computed from the user's numbers (else they are
    facts only, and "with your numbers" would promise what is not there)."""
    if not lines:
        return None
    title = "**With your numbers:**" if worked_out else "**In short:**"
    return title + "\n\n" + "\n".join(f"- {ln}" for ln in lines) + "\n\n"
