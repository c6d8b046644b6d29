"""Small worked values users ask for with their own numbers: a flip angle passed in degrees where radians are
expected, the FOV a readout gradient and bandwidth give, a chemical shift in ppm or Hz for a nucleus, how a long ADC
is split into segments, the phase of the n-th pulse under quadratic RF spoiling, and what a system object stores for
a limit written inline.

Why: each is a one-line formula a user gets wrong by a unit (90 passed as a flip angle is 90 radians; gamma of
carbon is not proton's), and an answer that names the right function without the number leaves the question open.
Every value is computed here (gamma from the nucleus named, pypulseq's own `calc_adc_segments` for the split), never
looked up from an example. Each rule fires only when the question carries all the numbers it needs.
"""

from __future__ import annotations

import math
import re
from typing import Optional

from . import value_math
from .toolbox_values import GAMMA, METRES_PER, SECONDS_PER
from .toolbox_values import NUMBER as _NUM

# gyromagnetic ratio / 2 pi in MHz/T, by the words a user names the nucleus with (CODATA / the usual NMR tables)
_GAMMA_MHZ: tuple[tuple[re.Pattern, str, float], ...] = (
    (re.compile(r"\b(13c|c-?13|carbon|pyruvate|lactate|bicarbonate|alanine)\b", re.I), "13C", 10.7084),
    (re.compile(r"\b(31p|p-?31|phosphorus)\b", re.I), "31P", 17.235),
    (re.compile(r"\b(19f|f-?19|fluorine)\b", re.I), "19F", 40.078),
    (re.compile(r"\b(23na|na-?23|sodium)\b", re.I), "23Na", 11.262),
    (re.compile(r"\b(2h|h-?2|deuterium)\b", re.I), "2H", 6.536),
    (re.compile(r"\b(129xe|xe-?129|xenon)\b", re.I), "129Xe", 11.777),
)
_METABOLITES = re.compile(r"\b(pyruvate|lactate|bicarbonate|alanine)\b", re.I)
_PROTONS = re.compile(r"\b(1h|protons?|hydrogen|water)\b", re.I)
_PROTON = GAMMA / 1e6  # MHz/T


def nucleus_of(text: str, metabolites: bool = True) -> Optional[tuple[str, float]]:
    """The nucleus other than the proton a text names (its symbol and gamma/2pi in MHz/T), else None. A metabolite
    ("lactate 395 Hz from pyruvate") names carbon in a question about a shift; in the settings it does not (a proton
    spectroscopy protocol names lactate too), so there only the nucleus itself counts."""
    text = text if metabolites else _METABOLITES.sub(" ", text)
    return next(((name, g) for pattern, name, g in _GAMMA_MHZ if pattern.search(text)), None)


def field_strength(low: str) -> Optional[float]:
    """B0 in tesla as written ("3T", "50 mT"), or None."""
    m = re.search(_NUM + r"\s*(t|tesla|mt|millitesla)\b(?!/)", low)
    return float(m.group(1)) * (1e-3 if m.group(2) in ("mt", "millitesla") else 1) if m else None


def flip_in_degrees(prose: str) -> list[str]:
    """`flip_angle=90` (or `mr.makeBlockPulse(90, ...)`): the toolboxes read radians, so 90 is 90 rad."""
    m = re.search(r"\bflip_?angle\s*=\s*" + _NUM + r"(?!\s*\*|\s*/|\s*(?:deg|°)|\w)", prose, re.I) or re.search(
        r"\bmr\.make(?:Block|Sinc|Gauss|ArbitraryRf|Adiabatic)\w*\(\s*" + _NUM + r"\s*[,)]", prose)
    if m is None:
        return []
    value = float(m.group(1))
    if value <= 2 * math.pi + 1e-9:
        return []
    degrees = math.degrees(value)
    return [f"Flip angles are in **radians** (one radian is 57.3°): {value:g} is {value:g} rad = {degrees:.1f}° "
            f"({degrees % 360:.1f}° modulo a full turn), not {value:g}°. For {value:g}° pass {value:g} × π/180 = "
            f"{math.radians(value):.4f} rad (`{value:g} * np.pi / 180`, MATLAB `{value:g} * pi / 180`)."]


def fov_from_gradient(prose: str) -> list[str]:
    """"readout gradient 48 mT/m and 100 kHz bandwidth, what FOV?": FOV = BW / (gamma G)."""
    low = prose.lower()
    if not re.search(r"\bfov\b|field of view", low):
        return []
    g = re.search(_NUM + r"\s*mt/m\b(?!/)", low)
    bw = re.search(_NUM + r"\s*(khz|hz)\b", low)
    if g is None or bw is None or re.search(r"\bfov\b[^.?]{0,15}" + _NUM + r"\s*(mm|cm|m)\b", low):
        return []
    hz = float(bw.group(1)) * (1e3 if bw.group(2) == "khz" else 1)
    fov = hz / (_PROTON * 1e6 * float(g.group(1)) * 1e-3)
    return [f"FOV = bandwidth / (γ × G) = {hz:g} Hz / (42.576 MHz/T × {g.group(1)} mT/m) = **{fov * 1e3:.1f} mm** "
            f"({fov:.4f} m), for protons; the full receiver bandwidth (1/dwell) is meant."]


def chemical_shift(prose: str) -> list[str]:
    """"395 Hz at 3T for carbon, how many ppm?" (or ppm to Hz): with the nucleus's gamma."""
    low = prose.lower()
    b0 = field_strength(low)
    hz = re.search(_NUM + r"\s*hz\b", low)
    ppm = re.search(_NUM + r"\s*ppm\b", low)
    if b0 is None or not re.search(r"\bppm\b", low) or not re.search(r"\bhz\b", low) or (hz is None) == (ppm is None):
        return []
    nucleus, gamma = next(((name, g) for pattern, name, g in _GAMMA_MHZ if pattern.search(low)), ("1H", _PROTON))
    if nucleus == "1H" and re.search(r"\b(fat|lipids?|water)\b", low):
        return []  # the fat offset is calculators.fat_frequency's
    larmor = gamma * b0  # MHz
    if hz is not None:
        value = float(hz.group(1)) / larmor
        return [f"{hz.group(1)} Hz at {b0:g} T for {nucleus} (γ/2π = {gamma} MHz/T, Larmor {larmor:.3f} MHz) is "
                f"{hz.group(1)} / {larmor:.3f} = **{value:.2f} ppm**."]
    assert ppm is not None
    value = float(ppm.group(1)) * larmor
    return [f"{ppm.group(1)} ppm at {b0:g} T for {nucleus} (γ/2π = {gamma} MHz/T, Larmor {larmor:.3f} MHz) is "
            f"**{value:.1f} Hz** (`freq_ppm` / `'freqPPM'` takes the ppm value and lets the system's B0 and gamma "
            "do this)."]


def nucleus_gamma(prose: str, lang: str) -> list[str]:
    """"Larmor frequency of 13C at 3T?", "what gamma do I give Opts for sodium?": the nucleus's gamma, and the
    frequency at the field named, with how the system object takes it (its default is the proton's)."""
    low = prose.lower()
    hit = nucleus_of(low) or (("1H", _PROTON) if _PROTONS.search(low) or "larmor" in low else None)
    if hit is None or not re.search(r"\b(larmor|gamma|gyromagnetic|γ|(cent(er|re)|resonance|rf|carrier) "
                                    r"frequency)\b", low):
        return []
    name, gamma = hit
    how = f"`mr.opts('gamma', {gamma}e6)`" if lang in ("matlab", "octave") else f"`pp.Opts(gamma={gamma}e6)`"
    line = (f"γ/2π of {name} is **{gamma} MHz/T** ({gamma * 1e6:.6g} Hz/T; the toolboxes' default is the proton's "
            f"42.576 MHz/T): give it as {how} so every Hz/m and ppm value uses it") if name != "1H" else \
        f"γ/2π of protons is **{gamma} MHz/T** (the toolboxes' default `gamma`, {gamma * 1e6:.6g} Hz/T)"
    b0 = field_strength(low)
    if name == "1H" and b0 is None and not re.search(r"\b(gamma|gyromagnetic|γ)\b", low):
        return []  # "the larmor frequency" alone: nothing to compute
    return [line + (f"; at {b0:g} T the Larmor frequency is {gamma:g} × {b0:g} = **{gamma * b0:.6g} MHz** "
                    f"({gamma * b0 * 1e6:.6g} Hz)." if b0 else ".")]


def ernst_angle(prose: str) -> list[str]:
    """"Ernst angle for TR 8 ms and T1 1200 ms": arccos(exp(-TR/T1))."""
    low = prose.lower()
    if "ernst" not in low and not re.search(r"\b(optimal|best|maximum signal) flip\b", low):
        return []
    tr = re.search(r"\btr\b\D{0,10}" + _NUM + r"\s*(ms|s)\b", low)
    t1 = re.search(r"\bt1\b\D{0,10}" + _NUM + r"\s*(ms|s)\b", low)
    if tr is None or t1 is None:
        return []
    tr_s = float(tr.group(1)) * SECONDS_PER[tr.group(2)]
    t1_s = float(t1.group(1)) * SECONDS_PER[t1.group(2)]
    angle = math.degrees(math.acos(math.exp(-tr_s / t1_s)))
    return [f"Ernst angle = arccos(exp(−TR/T1)) = arccos(exp(−{tr_s * 1e3:g} ms / {t1_s * 1e3:g} ms)) = "
            f"**{angle:.1f}°** ({math.radians(angle):.4f} rad for `flip_angle`)."]


def clock_ticks(prose: str) -> list[str]:
    """"sequencer clock 122.88 MHz, which raster near 10 us is a whole number of ticks?": ceil(t × f) ticks."""
    low = prose.lower()
    clock = re.search(r"\b(?:clock|sequencer|console|timebase|time base)\b[^.?;]{0,30}?" + _NUM + r"\s*mhz\b|" + _NUM +
                      r"\s*mhz\s+(?:clock|sequencer|timebase)\b", low)
    near = re.search(r"\b(?:near|about|around|close to|of|at)\s+" + _NUM + r"\s*(us|µs|ns|ms)\b", low)
    if clock is None or near is None or not re.search(r"\b(ticks?|whole|integer|multiple|cycles?)\b", low):
        return []
    f = float(clock.group(1) or clock.group(2)) * 1e6
    t = float(near.group(1)) * SECONDS_PER[near.group(2)]
    ticks = math.ceil(t * f - 1e-9)
    return [f"At {f / 1e6:g} MHz one tick is {1e9 / f:.4g} ns: {near.group(1)} {near.group(2)} is {t * f:.6g} ticks, "
            f"so the raster is **{ticks} ticks = {ticks / f * 1e6:.6g} µs** (rounded up; {ticks - 1} ticks = "
            f"{(ticks - 1) / f * 1e6:.6g} µs rounded down)."]


def readout_amplitude(prose: str) -> list[str]:
    """"200 samples across 10 mm in 3 ms: how many mT/m?": G = N / (extent × time) / gamma."""
    low = prose.lower()
    m = re.search(r"\b(\d+)\s*(?:samples|points|pixels)\b[^.?;]{0,20}?\b(?:across|over|covering|for)\s+(?:an?\s+)?"
                  + _NUM + r"\s*(mm|cm)\b[^.?;]{0,20}?\b(?:in|over|within)\s+" + _NUM + r"\s*(ms|us|µs)\b", low)
    if m is None or not re.search(r"\b(mt/m|gradient|amplitude|hz/m|strength)\b", low):
        return []
    n, extent = int(m.group(1)), float(m.group(2)) * METRES_PER[m.group(3)]
    t = float(m.group(4)) * SECONDS_PER[m.group(5)]
    hz = n / extent / t
    return [f"{n} samples over {m.group(2)} {m.group(3)} (a flat area of N/FOV = {n / extent:g} 1/m) in {m.group(4)} "
            f"{m.group(5)}: G = {hz:.4g} Hz/m = **{hz / (_PROTON * 1e3):.4g} mT/m**."]


def kspace_extent(prose: str) -> list[str]:
    """"for 256 mm and 256 pixels what is kmax?": kmax = N / (2 FOV) = 0.5 / resolution, and the step 1/FOV."""
    low = prose.lower()
    if not re.search(r"\bk[- _]?max\b|\bmax(imum)? k\b|\bk-?space (extent|radius)\b|\brmax\b", low):
        return []
    fov = re.search(_NUM + r"\s*(mm|cm)\b", low)
    n = re.search(r"\b(\d+)\s*(?:pixels?|samples|matrix|points)\b|\bmatrix (?:of |size )?(\d+)\b", low)
    res = re.search(_NUM + r"\s*(mm|cm)\s*(?:isotropic\s*)?(?:resolution|pixels?|voxels?|in-?plane)\b|\b(?:resolution|"
                    r"pixel size|voxel size)\s*(?:of|=|:|is)?\s*" + _NUM + r"\s*(mm|cm)\b", low)
    if n is None and res is not None:  # "kmax for 1 mm resolution": 0.5 / resolution, no FOV needed
        size = float(res.group(1) or res.group(3)) * METRES_PER[res.group(2) or res.group(4)]
        return [f"A resolution of {size * 1e3:g} mm needs **kmax = 1/(2 × resolution) = {0.5 / size:.4g} 1/m** (the "
                f"whole k-space extent 1/resolution = {1 / size:.4g} 1/m)."]
    if fov is None or n is None:
        return []
    extent = float(fov.group(1)) * METRES_PER[fov.group(2)]
    count = int(n.group(1) or n.group(2))
    return [f"FOV {fov.group(1)} {fov.group(2)}, {count} pixels: resolution {extent / count * 1e3:.4g} mm, k-space "
            f"step Δk = 1/FOV = {1 / extent:.4g} 1/m, **kmax = N/(2·FOV) = 0.5/resolution = {count / extent / 2:.4g} "
            "1/m**."]


def adc_segments(prose: str) -> list[str]:
    """"20000 samples at 4 us dwell with an 8192 sample limit": the split pypulseq's calc_adc_segments makes."""
    low = prose.lower()
    n = re.search(r"\b(\d{4,6})\s*(?:adc )?(?:samples|points)\b", low)
    dwell = re.search(_NUM + r"\s*(us|µs|ns)\s*(?:dwell|sampling)|\bdwell (?:of |time )?" + _NUM + r"\s*(us|µs|ns)",
                      low)
    limit = re.search(r"\b(\d{3,5})[- ]sample(?:s)? limit\b|\blimit (?:of |is )?(\d{3,5})\b", low)
    if n is None or dwell is None or not re.search(r"\bsegment|\bsplit|\bchop|\blimit\b", low):
        return []
    value, unit = (dwell.group(1), dwell.group(2)) if dwell.group(1) else (dwell.group(3), dwell.group(4))
    seconds = float(value) * SECONDS_PER[unit]
    cap = int(next(g for g in limit.groups() if g)) if limit else 8192
    import pypulseq as pp

    try:
        count, each = pp.calc_adc_segments(int(n.group(1)), seconds, pp.Opts(adc_samples_limit=cap))
    except (ValueError, AssertionError, ZeroDivisionError) as exc:
        return [f"pypulseq's `calc_adc_segments` refuses {n.group(1)} samples at {value} {unit}: {exc}"]
    return [f"{n.group(1)} samples at {value} {unit} with a limit of {cap} per ADC: `pp.calc_adc_segments` "
            f"(with `adc_samples_limit={cap}` in `pp.Opts`) gives **{count} segments of {each} samples** "
            f"({count * each} in all)."]


def spoiling_phase(prose: str) -> list[str]:
    """The phase of the n-th pulse under quadratic RF spoiling, in the two countings examples use."""
    low = prose.lower()
    n = re.search(r"\b(\d+)(?:st|nd|rd|th)? (?:pulse|tr|excitation|repetition)\b", low)
    inc = re.search(_NUM + r"\s*(?:°|deg\w*)", low)
    if n is None or inc is None or not re.search(r"\b(quadratic|rf[- ]spoil\w*|spoiling)\b", low):
        return []
    k, step = int(n.group(1)), float(inc.group(1))
    squared = (step * k * k / 2) % 360
    summed = (step * (k - 1) * k / 2) % 360
    return [f"Quadratic RF spoiling with {step:g}°: φ(n) = ½ × {step:g}° × n² gives n = {k}: **{squared:g}°** "
            f"(modulo 360); counted as pypulseq's gradient-echo example does (the increment grows by {step:g}° after "
            f"each pulse, the first pulse at 0°), the {k}th pulse gets ½ × {step:g}° × {k - 1} × {k} = {summed:g}°. "
            "Give the same phase to the ADC."]


def echo_times(values: dict[str, float], prose: str) -> list[str]:
    """The echo times of a multi-echo readout: from the first TE and the spacing, or centred on TR/2 (a multi-echo
    bSSFP's layout), when the question asks for them."""
    n, esp = values.get("n_echoes"), values.get("esp")
    if not n or not esp or n > 64 or not re.search(r"\b(echo times|tes)\b|\bte of each\b", prose, re.I):
        return []
    count = int(n)
    if (values.get("echoes_centred") or re.search(r"\b(cent(er|re)d?|symmetric\w*)\b.{0,20}\btr ?/ ?2\b", prose,
                                                  re.I)) and values.get("tr"):
        middle = values["tr"] / 2
        tes = [middle + (k - (count - 1) / 2) * esp for k in range(count)]
        how = f"centred on TR/2 = {middle * 1e3:g} ms"
    elif values.get("te"):
        tes = [values["te"] + k * esp for k in range(count)]
        how = f"from the first TE {values['te'] * 1e3:g} ms"
    else:
        return []
    shown = ", ".join(f"{t * 1e3:.4g}" for t in tes)
    return [f"{count} echoes {esp * 1e3:g} ms apart, {how}: TE = **{shown} ms**."]


def lines(prose: str, lang: str, code: Optional[str] = None, values: Optional[dict[str, float]] = None) -> list[str]:
    """Every rule that applies to the question, in order; `values` are the settings' and the question's."""
    out = flip_in_degrees(prose) + fov_from_gradient(prose) + chemical_shift(prose) + adc_segments(prose)
    out += spoiling_phase(prose) + nucleus_gamma(prose, lang) + ernst_angle(prose) + echo_times(values or {}, prose)
    out += clock_ticks(prose) + readout_amplitude(prose) + kspace_extent(prose)
    if not code:  # a limit written inline ("Opts(max_slew=130, slew_unit='mT/m/ms') -> what is stored?")
        inline = prose if re.search(r"\b(opts)\s*\(", prose, re.I) else \
            f"Opts({prose})" if re.search(r"\bmax_(slew|grad)\s*=", prose) else ""  # "max_slew=100 ...": its call
        # "with slew_unit T/m/s": the unit written without its quotes is still the unit
        inline = re.sub(r"\b(slew_unit|grad_unit)\b\s*(?:=|:|of|is|as)?\s*['\"]?([A-Za-z/]+)['\"]?", r"\1='\2'", inline)
        out += list(value_math.opts_stored(inline, lang in ("matlab", "octave")).values()) if inline else []
    return out
