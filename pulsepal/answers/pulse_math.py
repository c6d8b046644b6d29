"""Three numbers users ask for in their own units and the toolboxes leave to them: a block pulse's amplitude, the
slice-select gradient for a pulse bandwidth, and the dwell and bandwidths of a readout given by its length.

Each is one line of textbook arithmetic, but answering "what amplitude is a 90° 1 ms hard pulse?" with the unit
the toolbox stores (Hz) and no number is a confident answer that misses the question. Like calculators.py, each
function returns the lines it can work out from the values the question gives, and nothing when one is missing.
"""

from __future__ import annotations

import re

from . import quantities
from .toolbox_values import GAMMA, SECONDS_PER
from .toolbox_values import NUMBER as _NUM

_TIME = r"\s*(ms|us|µs|s)\b"


_FLIP = re.compile(_NUM + r"\s*(?:°|deg\b|degrees?\b)")
# the flip the user wants, not the one they have: "90 deg now, I want 45 deg instead", "change it to 30°", "90 -> 45°"
_WANT_BEFORE = re.compile(r"(\b(want|need|instead(?!\s+of)|new|change[sd]?(\s+\w+){0,2}\s+to|make\s+it|"
                          r"set\s+it\s+to|into|to)\b|->|→|=>)[^\d.,;?]{0,12}$")
_WANT_AFTER = re.compile(r"^[^\d.,;?]{0,12}\binstead\b")


def flip_degrees(low: str) -> float | None:
    """The flip angle to compute for: the one the user says they want when they also give the one they have, else
    the only (or first) one. "from 90 to 30 deg" wants 30; "90 deg in 1 ms, I want 45 deg instead" wants 45.
    Public: usercall's example call must put in the same angle the worked-out numbers use."""
    found = list(_FLIP.finditer(low))
    ranged = re.search(r"\bfrom\s+" + _NUM + r"\s*(?:°|deg\b|degrees?\b)?\s*(?:to|->|→)\s*" + _NUM +
                       r"\s*(?:°|deg\b|degrees?\b)", low)
    if ranged:
        return float(ranged.group(2))
    for m in found:
        if _WANT_BEFORE.search(low[max(0, m.start() - 40):m.start()]) or _WANT_AFTER.match(low[m.end():]):
            return float(m.group(1))
    if found:
        return float(found[0].group(1))
    # "hard 90 of 100 us", "a block 180 pulse": an angle written as a pulse's name, without its unit
    bare = re.search(r"\b(?:hard|block|rect\w*|square)\s+(?:pulse\s+)?(90|180|45|30|60|120|270|360)\s+(?:pulse|of|in|"
                     r"with|for|lasting)\b", low)
    return float(bare.group(1)) if bare else None


# a time that belongs to another parameter: "TR of 5 ms", "TE 5 ms", "a 2 ms gap", "echo spacing 0.5 ms"
_LABEL_BEFORE = re.compile(r"\b(tr|te|ti|gap|spacing|esp|delay|wait|dead ?time|ringdown|rise ?time|ramps?|"
                           r"flat ?time|tau)\b[^\d,;]{0,12}$")
_LABEL_AFTER = re.compile(r"^\s*(gap|delay|wait|pause|tr|te|ti|echo|spacing|dead|ramp|rise)\b")
_PULSE_BW = re.compile(r"\b(pulse|rf|excitation|sinc|selective|refocusing)\b[^.?;]{0,25}\b(bandwidth|bw)\b|"
                       r"\b(bandwidth|bw)\b[^.?;]{0,15}\b(of|for) (the |my |a |this )?(rf|pulse|excitation|sinc)\b")
_RECEIVER_BW = re.compile(r"\b(receiver|readout|adc|acquisition)\b[^.?;]{0,15}\b(bandwidth|bw)\b|hz ?/ ?pix\w*|"
                          r"\bper pixel\b")
# what else the question gives decides whose an unqualified bandwidth is: a slice (thickness, slice-select gradient)
# makes it the pulse's, samples / a dwell / a readout the receiver's
_SLICE_CUE = re.compile(r"\b(slice|slab)[- ]?(select\w*|thickness|gradient|profile|width)|\bthickness\b|"
                        r"\d\s*mm\s+(thick\s+)?(slices?|slabs?)\b|\b(slices?|slabs?)\s+(of\s+|is\s+|=\s*)?\d")
_RECEIVER_CUE = re.compile(r"\b(samples?|points|dwell|readout|adc|receiver|acquisition|pixels?)\b")


def bandwidth_owner(prose: str) -> tuple[str, bool]:
    """Whose bandwidth the question gives, 'pulse' or 'receiver', and whether both readings had a cue (then the
    answer says which one it used): said outright ("pulse bandwidth", "receiver bandwidth") decides; else a slice
    without samples/dwell/readout makes it the pulse's, and anything else stays the receiver's."""
    low = prose.lower()
    if _RECEIVER_BW.search(low):
        return "receiver", False
    if _PULSE_BW.search(low):
        return "pulse", False
    slice_cue, receiver_cue = bool(_SLICE_CUE.search(low)), bool(_RECEIVER_CUE.search(low))
    return ("pulse" if slice_cue and not receiver_cue else "receiver"), slice_cue and receiver_cue


def says_pulse_bandwidth(prose: str) -> bool:
    """A bandwidth that is the RF pulse's, not the receiver's ("a 2 kHz pulse bandwidth", "bandwidth 1500 Hz, slice
    3 mm, what slice-select gradient?")."""
    return bandwidth_owner(prose)[0] == "pulse"


def _duration(low: str, cues: str, own: tuple[str, ...] = ("duration",)) -> float | None:
    """The time written nearest to one of the `cues`, among the times no other parameter's name claims (a name of
    quantities.py other than `own` and "duration", before or after the number: "a 4 us dwell" is no readout's)."""
    marks = [m.start() for m in re.finditer(rf"\b(?:{cues})", low)]
    owners = {q.start: q.key for q in quantities.read(low)}
    best: tuple[int, float] | None = None
    for m in re.finditer(_NUM + _TIME, low):
        if _LABEL_BEFORE.search(low[max(0, m.start() - 16):m.start()]) or _LABEL_AFTER.match(low[m.end():]) or \
                owners.get(m.start()) not in (None, "duration") + own:
            continue
        distance = min((abs(m.start() - at) for at in marks), default=None)
        if distance is not None and distance <= 40 and (best is None or distance < best[0]):
            best = (distance, float(m.group(1)) * SECONDS_PER[m.group(2)])
    return best[1] if best else None


def block_amplitude(prose: str) -> list[str]:
    """A block pulse turns the magnetisation by 360° x amplitude x duration: amplitude = flip / (360° x duration),
    in Hz as the toolboxes store it (rf.signal), and B1 = amplitude / gamma."""
    low = prose.lower()
    if not re.search(r"\b(block|hard|rect\w*|square)\b", low) or not re.search(r"\b(amplitude|b1|strength|hz|"
                                                                                r"how (strong|big|high))\b", low):
        return []
    flip, dur = flip_degrees(low), _duration(low, r"pulse|lasting|long|duration|hard|block|rect",
                                          ("pulse_duration",))
    if not flip or not dur:
        return []
    amp = flip / 360.0 / dur
    return [f"A {flip:g}° block pulse of {dur * 1e3:g} ms has an amplitude of flip / (360° × duration) = "
            f"**{amp:.4g} Hz** (`rf.signal`, the toolboxes' unit), i.e. B1 = {amp / GAMMA * 1e6:.3g} µT."]


_B1 = re.compile(_NUM + r"\s*(µt|ut|μt|microtesla)\b")
_AMPLITUDE_HZ = re.compile(r"\b(?:amplitude|b1|signal)\b[^\d.,;?]{0,12}" + _NUM + r"\s*hz\b|" + _NUM +
                           r"\s*hz\s+(?:amplitude|b1)\b|\b(?:block|hard|rect\w*|square)(?: pulse)?\s+(?:at|of|with)\s+"
                           + _NUM + r"\s*hz\b(?!/)")
_ASKS_FLIP = re.compile(r"\b(what|which|how (big|large|much)( a)?)\b[^.?;]{0,25}\bflip\b|"
                        r"\bflip(?:[- ]angle)?\b[^.?;]{0,30}\b(give|get|gives|result|produce|make|reach)\b|"
                        r"\bhow many degrees\b|[.;,]\s*(?:the |what )?flip(?:[- ]angle)?\s*\?")  # "100 us. flip angle?"


def block_flip(prose: str) -> list[str]:
    """The other way round: the flip angle a block pulse of a given B1 (µT) or amplitude (Hz) and duration gives,
    360° × γ·B1 × duration. Only for a rectangular pulse, whose B1 is constant; a shaped pulse of the same peak
    turns less, by the ratio of its area to peak × duration."""
    low = prose.lower()
    if not re.search(r"\b(block|hard|rect\w*|square)\b", low) or not _ASKS_FLIP.search(low):
        return []
    b1 = _B1.search(low)
    amp_hz = float(b1.group(1)) * 1e-6 * GAMMA if b1 else None
    if amp_hz is None and (m := _AMPLITUDE_HZ.search(low)):
        amp_hz = float(m.group(1) or m.group(2) or m.group(3))
    dur = _duration(low, r"pulse|lasting|long|duration|hard|block|rect", ("pulse_duration",))
    if not amp_hz or not dur:
        return []
    flip = 360.0 * amp_hz * dur
    given = f"B1 {float(b1.group(1)):g} µT (γ·B1 = {amp_hz:.4g} Hz)" if b1 else f"an amplitude of {amp_hz:g} Hz"
    line = (f"A block pulse of {given} lasting {dur * 1e3:g} ms turns the magnetisation by 360° × amplitude × "
            f"duration = **{flip:.4g}°** ({flip * 3.141592653589793 / 180:.4g} rad)")
    if not b1:  # the B1 that amplitude is, for the nucleus named (the amplitude in Hz is γ·B1 whatever the nucleus)
        from .unit_calcs import nucleus_of

        name, mhz = nucleus_of(prose) or ("1H", GAMMA / 1e6)
        line += f"; B1 = amplitude / γ = {amp_hz:g} Hz / {mhz:g} MHz/T = **{amp_hz / mhz:.4g} µT** for {name}"
    return [line + "."]


def block_from_bandwidth(prose: str) -> list[str]:
    """"how long should a block pulse be for 2 kHz bandwidth?": the toolboxes' rule when a block pulse is made from
    its bandwidth, duration = 1 / (4 x bandwidth) (time-bandwidth product / bandwidth when one is given)."""
    low = prose.lower()
    if not re.search(r"\b(block|hard|rect\w*|square)\b", low) or not re.search(r"\bbandwidth|\bbw\b", low) or \
            not re.search(r"\bhow (long|short)\b|\bduration\b|\blength\b", low):
        return []
    bw = re.search(_NUM + r"\s*(khz|hz)\b(?!/)", low)
    if bw is None:
        return []
    hz = float(bw.group(1)) * (1e3 if bw.group(2) == "khz" else 1)
    tbw = re.search(r"\b(?:time[- ]bandwidth(?: product)?|tbw|tbp)\s*(?:of|=|:)?\s*" + _NUM, low)
    if tbw:
        dur = float(tbw.group(1)) / hz
        return [f"A block pulse of bandwidth {hz:g} Hz with time-bandwidth product {tbw.group(1)} lasts TBW / "
                f"bandwidth = **{dur * 1e6:.4g} µs**."]
    return [f"Made from its bandwidth, a block pulse lasts 1 / (4 × bandwidth) = 1 / (4 × {hz:g} Hz) = "
            f"**{1 / (4 * hz) * 1e6:.4g} µs** (the toolboxes' rule when no time-bandwidth product is given; pass "
            "`bandwidth` instead of `duration` and it is applied for you)."]


def slice_gradient(values: dict[str, float], prose: str) -> list[str]:
    """The slice-select amplitude that makes a pulse of bandwidth BW excite a slice of thickness d: BW / d (Hz/m)."""
    low = prose.lower()
    thk = values.get("slice_thickness")
    m = re.search(_NUM + r"\s*(khz|hz)\b(?!/)", low)
    owner, both = bandwidth_owner(prose)
    if thk and not m and values.get("pulse_duration") and values.get("tbw") and re.search(
            r"\b(gradient|amplitude)\b", low):
        return [_from_tbw(thk, values["pulse_duration"], values["tbw"])]  # "a 1 ms sinc with TBW 4, 8 mm slice"
    if not thk or not m or not (owner == "pulse" or both) or not re.search(r"\bgradient|\bslice", low):
        return []
    bw = float(m.group(1)) * (1e3 if m.group(2) == "khz" else 1.0)
    g = bw / thk
    figure = f"BW / thickness = **{g:.0f} Hz/m** ({g / (GAMMA * 1e-3):.3g} mT/m)"
    if both:  # samples/dwell/readout beside a slice: read as the receiver's, and say what the other reading gives
        return [f"{bw:g} Hz is read as the receiver bandwidth (the question also gives samples, a dwell or a "
                f"readout); if it is the RF pulse's bandwidth, a {thk * 1e3:g} mm slice needs a slice-select "
                f"gradient of {figure}."]
    return [f"A {bw:g} Hz pulse bandwidth over a {thk * 1e3:g} mm slice needs a slice-select gradient of {figure}."]


def _from_tbw(thk: float, duration: float, tbw: float) -> str:
    """A pulse given by its duration and time-bandwidth product: its bandwidth TBW / duration, then BW / thickness
    (what `make_sinc_pulse` computes for its slice-select gradient's amplitude)."""
    bw = tbw / duration
    g = bw / thk
    return (f"A {duration * 1e3:g} ms pulse with time-bandwidth product {tbw:g} has a bandwidth of TBW / duration = "
            f"{bw:.0f} Hz; over a {thk * 1e3:g} mm slice the slice-select gradient is BW / thickness = "
            f"**{g:.0f} Hz/m** ({g / (GAMMA * 1e-3):.3g} mT/m).")


def readout_from_length(values: dict[str, float], prose: str) -> list[str]:
    """ "my readout lasts 3.2 ms with 128 samples": dwell = length / samples, bandwidth 1/dwell, per pixel 1/length
    (calculators.sampling covers "N samples over T")."""
    low = prose.lower()
    n = values.get("n_x")
    m = re.search(r"\b(\d+)\s*(samples|points)\b", low)
    n = float(m.group(1)) if m else n
    length = _duration(low, r"readout|adc|acquisition|lasts?|window|sampling", ("readout_time",))
    if values.get("readout_time") or not n or not length or not re.search(r"\b(dwell|bandwidth|bw)\b", low):
        return []  # a readout the knowledge parser read is calculators.readout's
    if re.search(r"\b(samples|points)\b.{0,30}?\b(over|in|during|across|within)\s+\d", low):
        return []  # calculators.sampling's
    dwell = length / n
    return [f"{n:.0f} samples in a {length * 1e3:g} ms readout: dwell = length / samples = **{dwell * 1e6:.4g} µs**, "
            f"receiver bandwidth 1/dwell = **{1 / dwell / 1e3:.4g} kHz**, {1 / length:.4g} Hz per pixel."]
