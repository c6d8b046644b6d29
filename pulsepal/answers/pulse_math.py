"""Three numbers users ask for in their own units and the toolboxes leave to them: a block pulse's amplitude, the
slice-select gradient for a pulse bandwidth, and the dwell and bandwidths of a readout given by its length.

Each is one line of textbook arithmetic, but answering "what amplitude is a 90° 1 ms hard pulse?" with the unit
the toolbox stores (Hz) and no number is a confident answer that misses the question. Like calculators.py, each
function returns the lines it can work out from the values the question gives, and nothing when one is missing.
"""

from __future__ import annotations

import re

from .toolbox_values import GAMMA, SECONDS_PER
from .toolbox_values import NUMBER as _NUM

_TIME = r"\s*(ms|us|µs|s)\b"


def _flip_degrees(low: str) -> float | None:
    m = re.search(_NUM + r"\s*(?:°|deg\b|degrees?\b)", low)
    return float(m.group(1)) if m else None


# a time that belongs to another parameter: "TR of 5 ms", "TE 5 ms", "a 2 ms gap", "echo spacing 0.5 ms"
_LABEL_BEFORE = re.compile(r"\b(tr|te|ti|gap|spacing|esp|delay|wait|dead ?time|ringdown|rise ?time|ramps?|"
                           r"flat ?time|tau)\b[^\d,;]{0,12}$")
_LABEL_AFTER = re.compile(r"^\s*(gap|delay|wait|pause|tr|te|ti|echo|spacing|dead|ramp|rise)\b")
_PULSE_BW = re.compile(r"\b(pulse|rf|excitation|sinc|selective|refocusing)\b[^.?;]{0,25}\b(bandwidth|bw)\b|"
                       r"\b(bandwidth|bw)\b[^.?;]{0,15}\b(of|for) (the |my |a |this )?(rf|pulse|excitation|sinc)\b")


def says_pulse_bandwidth(prose: str) -> bool:
    """A bandwidth that is the RF pulse's, not the receiver's ("a 2 kHz pulse bandwidth")."""
    low = prose.lower()
    return bool(_PULSE_BW.search(low)) and not re.search(r"\b(receiver|readout|adc|acquisition)\b[^.?;]{0,15}"
                                                         r"\b(bandwidth|bw)\b", low)


def _duration(low: str, cues: str) -> float | None:
    """The time written nearest to one of the `cues`, among the times no other parameter's name claims."""
    marks = [m.start() for m in re.finditer(rf"\b(?:{cues})", low)]
    best: tuple[int, float] | None = None
    for m in re.finditer(_NUM + _TIME, low):
        if _LABEL_BEFORE.search(low[max(0, m.start() - 16):m.start()]) or _LABEL_AFTER.match(low[m.end():]):
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
    flip, dur = _flip_degrees(low), _duration(low, r"pulse|lasting|long|duration|hard|block|rect")
    if not flip or not dur:
        return []
    amp = flip / 360.0 / dur
    return [f"A {flip:g}° block pulse of {dur * 1e3:g} ms has an amplitude of flip / (360° × duration) = "
            f"**{amp:.4g} Hz** (`rf.signal`, the toolboxes' unit), i.e. B1 = {amp / GAMMA * 1e6:.3g} µT."]


def slice_gradient(values: dict[str, float], prose: str) -> list[str]:
    """The slice-select amplitude that makes a pulse of bandwidth BW excite a slice of thickness d: BW / d (Hz/m)."""
    low = prose.lower()
    thk = values.get("slice_thickness")
    m = re.search(_NUM + r"\s*(khz|hz)\b(?!/)", low)
    if not thk or not m or not says_pulse_bandwidth(prose) or not re.search(r"\bgradient|\bslice", low):
        return []
    bw = float(m.group(1)) * (1e3 if m.group(2) == "khz" else 1.0)
    g = bw / thk
    return [f"A {bw:g} Hz pulse bandwidth over a {thk * 1e3:g} mm slice needs a slice-select gradient of BW / "
            f"thickness = **{g:.0f} Hz/m** ({g / (GAMMA * 1e-3):.3g} mT/m)."]


def readout_from_length(values: dict[str, float], prose: str) -> list[str]:
    """ "my readout lasts 3.2 ms with 128 samples": dwell = length / samples, bandwidth 1/dwell, per pixel 1/length
    (calculators.sampling covers "N samples over T")."""
    low = prose.lower()
    n = values.get("n_x")
    m = re.search(r"\b(\d+)\s*(samples|points)\b", low)
    n = float(m.group(1)) if m else n
    length = _duration(low, r"readout|adc|acquisition|lasts?|window|sampling")
    if values.get("readout_time") or not n or not length or not re.search(r"\b(dwell|bandwidth|bw)\b", low):
        return []  # a readout the knowledge parser read is calculators.readout's
    if re.search(r"\b(samples|points)\b.{0,30}?\b(over|in|during|across|within)\s+\d", low):
        return []  # calculators.sampling's
    dwell = length / n
    return [f"{n:.0f} samples in a {length * 1e3:g} ms readout: dwell = length / samples = **{dwell * 1e6:.4g} µs**, "
            f"receiver bandwidth 1/dwell = **{1 / dwell / 1e3:.4g} kHz**, {1 / length:.4g} Hz per pixel."]
