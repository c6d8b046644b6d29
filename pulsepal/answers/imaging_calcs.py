"""Textbook imaging values worked out from the user's numbers: how far fat moves in pixels, the TI that nulls a
tissue, a b-value or a VENC, the spokes radial sampling needs, the golden angle, a gradient's area, the phase an
off-resonance accrues, how much signal relaxation leaves, the frequency offset that moves a slice.

Why: these are the questions people ask beside their Pulseq code ("what b-value do these lobes give?", "how many
spokes do I need?"), each a one-line formula that is easy to get wrong by a unit (gamma in Hz/T or rad/s/T, ms or
s). A list of related functions does not answer them; the number does. Like the other calculators, each rule fires
only when the question asks for that quantity and carries every number it needs, and every figure is computed here.
"""

from __future__ import annotations

import math
import re
from typing import Optional

from .toolbox_values import GAMMA, METRES_PER, SECONDS_PER
from .toolbox_values import NUMBER as _NUM
from .unit_calcs import field_strength, nucleus_of

_GAMMA_RAD = 2 * math.pi * GAMMA  # rad/s/T, protons
_FAT_PPM = 3.45  # the fat-water shift the toolboxes' fat-sat examples use (-3.45 ppm)
_PHI = (1 + math.sqrt(5)) / 2
_TIME = r"\s*(ms|s|us|µs|sec|seconds?|milliseconds?)\b"


def _seconds(value: str, unit: str) -> float:
    return float(value) * SECONDS_PER[unit.lower()]


def _timed(low: str, names: str) -> Optional[float]:
    """A time written after one of `names` ("T1 = 800 ms", "t1 of 1.2 s"), in seconds."""
    m = re.search(r"\b(?:" + names + r")(?!\w)(?:\s+(?:of|for|in)(?:\s+[a-z]+){1,2}?)?\s*(?:=|:|of|is|~|≈)?\s*"
                  + _NUM + _TIME, low)
    return _seconds(m.group(1), m.group(2)) if m else None


def _gamma(low: str) -> float:
    """Hz/T of the nucleus the text names (protons unless another is named)."""
    nucleus = nucleus_of(low)
    return nucleus[1] * 1e6 if nucleus else GAMMA


def _gradient_hz(low: str) -> Optional[float]:
    """A gradient amplitude written with its unit, in Hz/m (with the named nucleus's gamma for a T/m figure)."""
    m = re.search(_NUM + r"\s*(mt/m|g/cm|khz/m|hz/m|t/m)(?![/\w])", low)
    if m is None:
        return None
    g = _gamma(low)
    per = {"mt/m": g * 1e-3, "g/cm": g * 1e-2, "khz/m": 1e3, "hz/m": 1.0, "t/m": g}
    return float(m.group(1)) * per[m.group(2)]


def fat_ppm(prose: str) -> float:
    """The fat shift the user gives ("fat at -3.35 ppm": a ppm figure in fat's range, or written next to "fat"), else
    the toolboxes' -3.45 ppm; a shim or another offset in ppm is not fat's."""
    for m in re.finditer(r"(-?\d+(?:\.\d+)?)\s*ppm\b", prose, re.I):
        value = abs(float(m.group(1)))
        near = re.search(r"\bfat\b", prose[max(0, m.start() - 25):m.end() + 10], re.I)
        if 2.5 <= value <= 4.5 and (near or not re.search(r"\b(shim|water|offset|drift|error)\b", prose, re.I)):
            return -value
    return -_FAT_PPM


def fat_shift_pixels(values: dict[str, float], prose: str) -> list[str]:
    """"at 3T with 200 Hz/pixel, how many pixels does fat shift?": Δf / bandwidth per pixel."""
    low = prose.lower()
    if not re.search(r"\bfat\b", low) or not re.search(r"\bpixels?\b|\bvoxels?\b", low) or not re.search(
            r"\b(shift\w*|displac\w*|mov\w*|offset|misregist\w*)\b", low):
        return []
    b0 = values.get("b0") or field_strength(low)
    per_pixel = values.get("bandwidth")
    if not per_pixel and values.get("bandwidth_total") and values.get("n_x"):
        per_pixel = values["bandwidth_total"] / values["n_x"]
    if not b0 or not per_pixel:
        return []
    ppm = -fat_ppm(prose)
    hz = ppm * 1e-6 * GAMMA * b0
    return [f"At {b0:g} T fat is {ppm:g} ppm × 42.576 MHz/T × {b0:g} T = {hz:.1f} Hz from water; at "
            f"{per_pixel:g} Hz/pixel it is displaced by {hz:.1f} / {per_pixel:g} = **{hz / per_pixel:.2f} pixels** "
            "along the readout (more bandwidth per pixel, less shift)."]


def null_ti(prose: str) -> list[str]:
    """The inversion time that nulls a tissue: TI = T1 ln 2 after full recovery, T1 ln(2 / (1 + e^(-TR/T1))) with
    a TR."""
    low = prose.lower()
    if not re.search(r"\b(null\w*|suppress\w*|zero[- ]crossing|cross(es)? zero|black|stir|flair)\b", low):
        return []
    t1 = _timed(low, r"t1")
    if t1 is None or not re.search(r"\b(ti|inversion|invert\w*|flair|stir)\b", low):
        return []
    tr = _timed(low, r"tr|repetition time")
    out = f"TI = T1 × ln 2 = {t1 * 1e3:g} ms × 0.693 = **{t1 * math.log(2) * 1e3:.1f} ms** (full recovery before " \
          "each inversion, TR ≫ T1)"
    if tr:
        ti = t1 * math.log(2 / (1 + math.exp(-tr / t1)))
        out += f"; with TR {tr * 1e3:g} ms, TI = T1 × ln(2 / (1 + e^(−TR/T1))) = **{ti * 1e3:.1f} ms**"
    return [out + "."]


_RAMP = re.compile(r"\b(?:ramps?(?:[ _-]?times?)?|rise[- ]?times?|slopes?)\s*(?:=|:|of|is)?\s*" + _NUM + _TIME)


def _lobe_times(prose: str) -> tuple[Optional[float], Optional[float], Optional[float]]:
    """(δ lobe duration, Δ separation, ramp) in seconds, from "delta 20 ms, Delta 30 ms" (the capital is Δ), "δ=20ms
    Δ=30ms", "small delta", "big delta", "lobe duration", "separation"; two plain deltas are δ < Δ by physics."""
    text = prose.replace("Δ", " big delta ").replace("δ", " small delta ")
    text = re.sub(r"\bDelta\b", "big delta", text)  # the capital is the separation
    low = text.lower()
    small = re.search(r"(?:\bsmall delta|\blobe (?:duration|length|width)|\bduration of (?:each|the) lobe|\bgradient "
                      r"duration|(?<!big )(?<!large )\bdelta(?!\s*(?:t\b|k\b)))\s*(?:=|:|of|is)?\s*" + _NUM + _TIME,
                      low)
    big = re.search(r"(?:\bbig delta|\blarge delta|\blobe separation|\bseparation|\bdiffusion time|\bdelta_?2)\s*"
                    r"(?:=|:|of|is)?\s*" + _NUM + _TIME, low)
    ramp = _RAMP.search(low)
    ramp_s = _seconds(ramp.group(1), ramp.group(2)) if ramp else None
    if big is None:
        both = re.findall(r"(?<!big )(?<!large )\bdelta\s*(?:=|:|of|is)?\s*" + _NUM + _TIME, low)
        if len(both) == 2:
            a, b = sorted((_seconds(*both[0]), _seconds(*both[1])))
            return a, b, ramp_s
    return (_seconds(small.group(1), small.group(2)) if small else None,
            _seconds(big.group(1), big.group(2)) if big else None, ramp_s)


def b_value(prose: str) -> list[str]:
    """The Stejskal-Tanner b-value of a pair of lobes: b = γ²G²δ²(Δ − δ/3), with the trapezoid terms for ramps ε
    (+ ε³/30 − δε²/6); or, given b, the amplitude it needs."""
    low = prose.replace("Δ", " big delta ").replace("δ", " small delta ").lower()
    if not re.search(r"\bb[- ]?(value|factor)\b|\bb\s*=|\bwhat b\b|\bb (do|does|would|will|is)\b", low):
        return []
    delta, sep, ramp = _lobe_times(prose)
    if not delta or not sep or sep <= delta / 3:
        return []
    ramp = ramp or 0.0
    shape = delta * delta * (sep - delta / 3) + ramp ** 3 / 30 - delta * ramp * ramp / 6  # s³
    how = (f"δ = {delta * 1e3:g} ms, Δ = {sep * 1e3:g} ms" + (f", ramps ε = {ramp * 1e3:g} ms" if ramp else
                                                                  ", rectangular lobes"))
    formula = "γ²G²[δ²(Δ − δ/3) + ε³/30 − δε²/6]" if ramp else "γ²G²δ²(Δ − δ/3)"
    g = _gradient_hz(low)
    wanted = re.search(r"\bb[- ]?(?:value|factor)?\s*(?:=|:|of)?\s*(\d{2,5})\b(?!\s*(?:mt|ms|us|hz|t/|g/))", low)
    limit = re.search(r"\b(max\w*|limit\w*|gmax|scanner'?s?|system'?s?|up to|at most)\b[^.;?\d]{0,25}?" + _NUM +
                      r"\s*(?:mt/m|g/cm)", low)
    if g is not None and not (wanted and limit):
        tesla_per_m = g / GAMMA
        b = _GAMMA_RAD ** 2 * tesla_per_m ** 2 * shape  # s/m²
        return [f"b = {formula} with γ = 2π × 42.576 MHz/T, G = {tesla_per_m * 1e3:g} mT/m, {how}: "
                f"**b = {b * 1e-6:.0f} s/mm²** ({b:.4g} s/m²)."]
    if wanted is None:
        return []
    b = float(wanted.group(1)) * 1e6
    tesla_per_m = math.sqrt(b / shape) / _GAMMA_RAD
    line = (f"G = √(b / (γ² [δ²(Δ − δ/3){' + ε³/30 − δε²/6' if ramp else ''}])) with {how}: b = {wanted.group(1)} "
            f"s/mm² needs **G = {tesla_per_m * 1e3:.1f} mT/m** ({tesla_per_m * GAMMA:.4g} Hz/m in Pulseq's unit)")
    if limit:
        cap = float(limit.group(2))
        line += (f", within your {cap:g} mT/m limit" if tesla_per_m * 1e3 <= cap else
                 f", **above your {cap:g} mT/m limit**: lengthen δ or Δ")
    return [line + "."]


def venc(prose: str) -> list[str]:
    """Velocity encoding: a first-moment difference ΔM1 gives VENC = π / (γ ΔM1); in Pulseq's units (gradients in
    Hz/m, so M1 in Hz·s²/m = s/m) VENC = 1 / (2 ΔM1)."""
    low = prose.lower()
    if not re.search(r"\bvenc\b|\bvelocity[- ]encod\w*", low):
        return []
    m1 = re.search(_NUM + r"\s*(t\s*\*?\s*s\^?2/m|t\s*s2/m|t·s²/m|mt\s*\*?\s*ms\^?2/m|mt·ms²/m|mt ms2/m)", low)
    if m1:
        value = float(m1.group(1)) * (1.0 if m1.group(2).startswith("t") else 1e-9)  # T·s²/m
        v = math.pi / (_GAMMA_RAD * value)
        return [f"VENC = π / (γ ΔM1) = π / (2π × 42.576 MHz/T × {value:g} T·s²/m) = **{v * 100:.1f} cm/s** "
                f"({v:.3g} m/s): the velocity that gives a phase difference of π. In Pulseq's units (gradients in "
                f"Hz/m) that ΔM1 is {value * GAMMA:.4g} s/m, and VENC = 1 / (2 ΔM1)."]
    speed = re.search(_NUM + r"\s*(cm/s|m/s|mm/s)\b", low)
    if speed is None:
        return []
    v = float(speed.group(1)) * {"cm/s": 1e-2, "m/s": 1.0, "mm/s": 1e-3}[speed.group(2)]
    hz = 1 / (2 * v)  # Hz·s/m · s = the first moment of a gradient in Hz/m
    return [f"For VENC = {speed.group(1)} {speed.group(2)} the bipolar pair needs a first-moment difference ΔM1 = "
            f"π / (γ × VENC) = **{math.pi / (_GAMMA_RAD * v):.4g} T·s²/m** ({math.pi / (_GAMMA_RAD * v) * 1e9:.4g} "
            f"mT·ms²/m); with Pulseq's gradients in Hz/m that is ΔM1 = 1 / (2 × VENC) = **{hz:.4g} s/m** (Hz/m × s²)."]


def radial_spokes(values: dict[str, float], prose: str) -> list[str]:
    """The spokes a radial scan needs for Nyquist sampling at the edge of k-space: π/2 × N full spokes (through the
    centre, over 180°), π × N half spokes (centre-out, over 360°)."""
    low = prose.lower()
    if not re.search(r"\b(spokes?|projections?|radial)\b", low) or not re.search(
            r"\b(nyquist|how many|number of|fully sampled?|full sampling|enough)\b", low):
        return []
    n = values.get("n_x")
    m = re.search(r"\b(\d{2,4})\s*(?:readout |adc )?(?:samples|points|pixels|matrix|base resolution)\b|"
                  r"\b(?:matrix|resolution|readout)\s*(?:of\s*)?(\d{2,4})\b", low)
    if m:
        n = float(m.group(1) or m.group(2))
    if not n:
        return []
    full, half = math.ceil(math.pi / 2 * n), math.ceil(math.pi * n)
    return [f"For a {int(n)}-point readout Nyquist at the edge of k-space needs π/2 × {int(n)} ≈ **{full} full "
            "spokes** "
            f"(each through the centre, angles over 180°), or π × {int(n)} ≈ **{half} half spokes** (centre-out, as "
            f"in UTE, over 360°); fewer spokes undersample the outer k-space (streaks)."]


def golden_angle(prose: str) -> list[str]:
    """The golden-angle increments radial scans use: 180°/φ for spokes over 180°, 360°/φ² over 360°; with
    "tiny", the tiny golden angles 180°/(φ + N − 1)."""
    low = prose.lower()
    if not re.search(r"\bgolden[- ]?(angle|ratio|means?)\b", low):
        return []
    over180 = 180 / _PHI
    over360 = 360 / _PHI ** 2
    out = [f"Golden-angle increment: **{over180:.3f}°** ({math.radians(over180):.4f} rad) for full spokes over 180° "
           f"(180°/φ, φ = {_PHI:.4f}); for centre-out half spokes over 360°: 360°/φ² = **{over360:.3f}°** "
           f"({math.radians(over360):.4f} rad). Angles go to the rotation in radians."]
    if "tiny" in low:
        tiny = ", ".join(f"N={k}: {180 / (_PHI + k - 1):.2f}°" for k in range(2, 8))
        out.append(f"Tiny golden angles 180°/(φ + N − 1): {tiny}.")
    return out


def gradient_area(prose: str) -> list[str]:
    """"area of a 10 mT/m gradient held for 2 ms": amplitude × time, in 1/m (the toolboxes' Hz/m × s)."""
    low = prose.lower()
    if not re.search(r"\b(area|moment|m0|zeroth moment|k-?space (?:distance|extent|travel\w*))\b", low):
        return []
    g = _gradient_hz(low)
    t = re.search(r"\b(?:for|held for|lasting|of|over|during)\s+" + _NUM + _TIME, low)
    if g is None or t is None or re.search(r"\b(ramps?|rise|trapez\w*|shortest|fastest|minimum|flat)\b", low):
        return []
    seconds = _seconds(t.group(1), t.group(2))
    return [f"A constant {g:.6g} Hz/m for {seconds * 1e3:g} ms has an area of "
            f"{g:.6g} Hz/m × {seconds:g} s = **{g * seconds:.4g} 1/m** (the k-space distance it moves; Pulseq's "
            "`area`)."]


def trapezoid_area(values: dict[str, float], prose: str) -> list[str]:
    """"make_trapezoid with flat_time 2 ms and amplitude 10 mT/m: what area?": built with pypulseq on the user's
    limits (the default ones otherwise), so the ramps it adds are the ones the toolbox would make."""
    low = prose.lower()
    if not re.search(r"\barea\b", low) or not re.search(r"\btrapez\w*|\blobe\b|\bgradient\b", low):
        return []
    g = _gradient_hz(low)
    flat = re.search(r"\bflat(?:[ _-]?(?:time|top))?\s*(?:=|:|of|is)?\s*" + _NUM + _TIME, low) or re.search(
        r"\b(?:for|held for|lasting|over)\s+" + _NUM + _TIME + r"(?=.{0,40}\bramps?\b)", low)
    ramp = _RAMP.search(low) or re.search(r"\bramps? of\s+" + _NUM + _TIME, low)
    if g is None or flat is None:
        return []
    import pypulseq as pp

    limits = {"max_grad": values.get("max_grad", 40.0), "grad_unit": "mT/m",
              "max_slew": values.get("max_slew", 170.0), "slew_unit": "T/m/s"}
    try:
        rise = {"rise_time": _seconds(ramp.group(1), ramp.group(2))} if ramp else {}
        grad = pp.make_trapezoid(channel="x", amplitude=g, flat_time=_seconds(flat.group(1), flat.group(2)),
                                 system=pp.Opts(**limits), **rise)
    except (ValueError, AssertionError) as exc:
        return [f"pypulseq refuses that trapezoid: {exc}"]
    return [f"`make_trapezoid` with amplitude {g:.6g} Hz/m ({g / (_gamma(low) * 1e-3):g} mT/m) and a "
            f"{grad.flat_time * 1e3:g} ms flat top, at {limits['max_slew']:g} T/m/s, ramps in "
            f"{grad.rise_time * 1e6:.0f} µs: **area = {grad.area:.4g} 1/m** (ramps included), flat area "
            f"{grad.flat_area:.4g} 1/m."]


def offresonance_phase(prose: str) -> list[str]:
    """The phase an off-resonance Δf accrues over a time t: 360° × Δf × t."""
    low = prose.lower()
    if not re.search(r"\bphase\b", low) or not re.search(
            r"\b(off[- ]?resonan\w*|accru\w*|evolv\w*|precess\w*|dephas\w*|frequency offset|b0 offset)\b", low):
        return []
    f = re.search(r"(-?\d+(?:\.\d+)?)\s*(hz|khz)\b(?!/)", low)
    t = re.search(r"\b(?:te|at|after|over|in|of|t)\s*(?:=|:|of)?\s*" + _NUM + _TIME, low)
    if f is None or t is None:
        return []
    hz = float(f.group(1)) * (1e3 if f.group(2) == "khz" else 1)
    seconds = _seconds(t.group(1), t.group(2))
    deg = 360 * hz * seconds
    return [f"Phase = 360° × Δf × t = 360° × {hz:g} Hz × {seconds * 1e3:g} ms = **{deg:.4g}°** "
            f"({math.radians(deg):.4g} rad; {deg % 360:.4g}° modulo a full turn)."]


def relaxation_left(prose: str) -> list[str]:
    """How much signal relaxation leaves: e^(−TE/T2) (or T2*), 1 − e^(−t/T1) recovered, 1 − 2e^(−TI/T1) after an
    inversion."""
    low = prose.lower()
    if not re.search(r"\b(left|remain\w*|decay\w*|signal|fraction|percent|recover\w*|how much|mz|"
                     r"magneti[sz]ation)\b", low):
        return []
    t2 = _timed(low, r"t2\*|t2star|t2 star|t2")
    te = _timed(low, r"te|echo time|at|after")
    if t2 and te:
        name = "T2*" if re.search(r"t2\*|t2 ?star", low) else "T2"
        left = math.exp(-te / t2)
        return [f"Signal left = e^(−TE/{name}) = e^(−{te * 1e3:g} / {t2 * 1e3:g}) = **{left:.3f}** "
                f"({left * 100:.1f} %)."]
    t1 = _timed(low, r"t1")
    ti = _timed(low, r"ti|inversion time")
    if t1 and ti and re.search(r"\binver\w*|\bti\b", low):
        mz = 1 - 2 * math.exp(-ti / t1)
        return [f"After an inversion, Mz(TI) = 1 − 2e^(−TI/T1) = 1 − 2e^(−{ti * 1e3:g} / {t1 * 1e3:g}) = "
                f"**{mz:.3f}** of M0 (full recovery before the inversion)."]
    wait = _timed(low, r"after|tr|wait|delay|in")
    if t1 and wait and re.search(r"\brecover\w*", low):
        back = 1 - math.exp(-wait / t1)
        return [f"Recovered = 1 − e^(−t/T1) = 1 − e^(−{wait * 1e3:g} / {t1 * 1e3:g}) = **{back:.3f}** "
                f"({back * 100:.1f} % of M0, from zero)."]
    return []


def slice_offset_frequency(values: dict[str, float], prose: str) -> list[str]:
    """The RF frequency offset that moves a slice by z: f = G_ss × z, with the slice gradient given or from the
    pulse's bandwidth and the thickness (G = BW / thickness)."""
    low = prose.lower()
    if not re.search(r"\b(freq\w*[ _-]?offset|frequency|freqoffset)\b", low) or not re.search(
            r"\b(off[- ]?cent\w*|offset|shift\w*|position\w*|move\w*|at)\b", low):
        return []
    z = re.search(r"(-?\d+(?:\.\d+)?)\s*(mm|cm)\s*(?:off[- ]?cent\w*|offset|away|from (?:the )?(?:iso|cent)\w*|"
                  r"shift)", low) or re.search(r"\b(?:offset|position|shift(?:ed)?|moved?)\s*(?:of|by|to|=|:)?\s*"
                                               r"(-?\d+(?:\.\d+)?)\s*(mm|cm)\b", low) or (
        re.search(r"\b(?:by|to)\s+(-?\d+(?:\.\d+)?)\s*(mm|cm)\b", low) if re.search(r"\b(shift|move)", low) else None)
    if z is None:
        return []
    metres = float(z.group(1)) * METRES_PER[z.group(2)]
    g = _gradient_hz(low)
    thick = re.search(_NUM + r"\s*(mm|cm)\s*(?:thick\s*)?slices?\b", low)
    thk = float(thick.group(1)) * METRES_PER[thick.group(2)] if thick else values.get("slice_thickness")
    bw = re.search(_NUM + r"\s*(khz|hz)\b(?!/)", low)
    how = ""
    if g is None and thk and bw:
        g = float(bw.group(1)) * (1e3 if bw.group(2) == "khz" else 1) / thk
        how = f" (G = bandwidth / thickness = {g:.6g} Hz/m)"
    if g is None:
        return []
    return [f"freq offset = G × z = {g:.6g} Hz/m{how} × {metres:g} m = **{g * metres:.6g} Hz** "
            "(the pulse's `freqOffset` / `freq_offset`; the examples compute it as `gz.amplitude * offset`)."]


_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
                "twelve": 12, "sixteen": 16}


def echoes_on_one_flat_top(values: dict[str, float], prose: str) -> list[str]:
    """"six echoes of 150 samples at 5 us on one flat top": each echo's window is the echo spacing, the flat top
    (and one long ADC) holds them all."""
    low = prose.lower()
    n, dwell = values.get("n_x"), values.get("dwell")
    m = re.search(r"\b(\d+|" + "|".join(_COUNT_WORDS) + r")\s+echoes\b", low)
    if not (n and dwell and m) or not re.search(r"\b(flat[- ]?top|one (long )?adc|single (long )?adc|one readout|"
                                                r"single readout|echo spacing|per echo)\b", low):
        return []
    echoes = int(m.group(1)) if m.group(1).isdigit() else _COUNT_WORDS[m.group(1)]
    each = n * dwell
    return [f"{int(n)} samples × {dwell * 1e6:g} µs = **{each * 1e3:.4g} ms** per echo (the echo spacing on one "
            f"flat top); {echoes} echoes need a flat top of {echoes} × {each * 1e3:.4g} ms = "
            f"**{echoes * each * 1e3:.4g} ms** and one ADC of {echoes} × {int(n)} = **{echoes * int(n)} samples** "
            "at the same dwell."]


def angle_steps(values: dict[str, float], prose: str) -> list[str]:
    """"phase cycles in 15 degree steps from 0 up to 345": how many, and the step in radians; "180 spokes over 180
    degrees": the angle between spokes."""
    low = prose.lower()
    steps = re.search(_NUM + r"\s*(?:°|deg\w*)\s*(?:steps?|increments?)\b[^.?;]{0,20}?\bfrom\s+" + _NUM +
                      r"\s*(?:°|deg\w*)?\s*(?:up )?to\s+" + _NUM, low)
    if steps:
        step, first, last = (float(g) for g in steps.groups())
        if step > 0 and last >= first:
            count = int(round((last - first) / step)) + 1
            return [f"From {first:g}° to {last:g}° in {step:g}° steps: **{count}** values ({count} acquisitions, one "
                    f"per phase cycle); one step is {step:g} × π/180 = **{math.radians(step):.4f} rad**."]
    spokes = values.get("n_spokes")
    m = re.search(r"\b(\d+)\s*(?:spokes|projections|radial lines|views)\b", low)
    if m:
        spokes = float(m.group(1))
    if not spokes or not re.search(r"\b(angle|step|increment|rotat\w*)\b", low):
        return []
    span = 360.0 if re.search(r"\b(360|full (turn|circle)|2 ?pi|2π)\b", low) else 180.0 if re.search(
        r"\b(180|half (a )?(turn|circle)|pi|π)\b", low) else None
    spans = [span] if span else [180.0, 360.0]
    parts = [f"over {s:g}°: {s:g}° / {int(spokes)} = **{s / spokes:.4g}°** ({math.radians(s / spokes):.5g} rad)"
             for s in spans]
    return [f"Angle between {int(spokes)} spokes " + "; ".join(parts) + " (the rotation takes radians: spoke i is "
            "rotated by i × the step)."]


def lines(values: dict[str, float], prose: str) -> list[str]:
    """Every rule that applies, in order."""
    return (fat_shift_pixels(values, prose) + null_ti(prose) + b_value(prose) + venc(prose) +
            radial_spokes(values, prose) + golden_angle(prose) + gradient_area(prose) + offresonance_phase(prose) +
            trapezoid_area(values, prose) + echoes_on_one_flat_top(values, prose) + angle_steps(values, prose) +
            relaxation_left(prose) + slice_offset_frequency(values, prose))
