"""Numbers about the gradient and receiver hardware worked out from the user's own words: the slew rate of a
vendor's "33 mT/m reached in 276 us", the receive bandwidth of "the ADC samples every 2 us", and the limits that
keep every oblique orientation within the hardware ("a 1/sqrt(3) margin on 50 mT/m and 200 T/m/s").

Why these: vendors publish gradients as an amplitude and the time to reach it, not as a slew rate; a dwell time is
often all a spiral or low-field script states; and a rotated gradient can put the full logical amplitude on all
three physical axes at once, which is why scripts derate both limits by sqrt(3) (the largest factor by which one
axis of a rotated unit vector (1, 1, 1)/sqrt(3) grows; said the other way, a logical limit L on three axes at once
is a vector of length L*sqrt(3), which a rotation may put on one physical axis).
"""

from __future__ import annotations

import math
import re

from .toolbox_values import NUMBER as _NUM
from .toolbox_values import SECONDS_PER

_TIME = r"\s*(ms|us|µs|μs)\b"
# the time is a ramp's: "reached in", "ramps up in", "a rise time of", "with a 200 us rise" (a flat top's or a
# readout's "over 3 ms" is not)
_RAMP = re.compile(_NUM + r"\s*mt/m\b[^.;?]{0,25}?\b(?:reached|reach(?:es)?|ramp\w*(?: up)?|rises?|(?:with )?(?:a )?"
                   r"rise[- ]time(?: of)?)\s+(?:in\s+|to\s+|of\s+)?" + _NUM + _TIME + r"|" + _NUM +
                   r"\s*mt/m\b[^.;?]{0,25}?\b(?:with|and) an?\s+" + _NUM + _TIME + r"\s+(?:rise|ramp)", re.I)
_ASKS_SLEW = re.compile(r"\bslew\w*\b|\bt/m/s\b", re.I)
_DWELL = re.compile(r"\b(?:samples?|sampl\w*|adc|reads?)\b[^.;?]{0,20}?\bevery\s+" + _NUM + r"\s*(ns|us|µs|μs|ms)\b|"
                    r"\bdwell(?:[- ]time)?\s*(?:of|=|:|is)?\s*" + _NUM + r"\s*(ns|us|µs|μs|ms)\b", re.I)
_ASKS_BANDWIDTH = re.compile(r"\b(receive\w*|receiver|sampling|readout|adc|total|full)?\s*band[- ]?width\b|"
                             r"\bbw\b|\bnyquist\b", re.I)
_OBLIQUE = re.compile(r"\boblique\w*|\bany (orientation|rotation|direction)|\brotat\w* (slices?|planes?|fov|"
                      r"gradients?)|\b1\s*/\s*(sqrt\s*\(?\s*3\s*\)?|√3)|\bsqrt\s*\(?\s*3\s*\)?\s*margin", re.I)
_DERATE = re.compile(r"\b(lower|reduce|derat\w*|margin|scale|exceed|stay\w* within|within (the )?(limits|hardware)|"
                     r"how much|limits?|mr\.opts|pp\.opts|opts|give)\b", re.I)
_LIMIT = re.compile(_NUM + r"\s*(mt/m/ms|t/m/s|mt/m)(?![\w/])", re.I)


def slew_from_ramp(prose: str, matlab: bool) -> list[str]:
    """ "33 mT/m reached in 276 us, what slew rate": the amplitude over the ramp time."""
    m = _RAMP.search(prose)
    if not m or not _ASKS_SLEW.search(prose):
        return []
    g = [x for x in m.groups() if x is not None]
    amplitude, ramp = float(g[0]) * 1e-3, float(g[1]) * SECONDS_PER[g[2].lower()]
    if ramp <= 0:
        return []
    slew = amplitude / ramp
    return [f"{g[0]} mT/m in {g[1]} {g[2]} is a slew rate of {amplitude * 1e3:g} mT/m / "
            f"{ramp * 1e6:g} µs = **{slew:.4g} T/m/s** (" + (f"`'MaxSlew', {slew:.4g}, 'SlewUnit', 'T/m/s'` in "
            "`mr.opts`" if matlab else f"`max_slew={slew:.4g}, slew_unit='T/m/s'` in `pp.Opts`") +
            "); put a little less in the system object to keep a margin."]


def bandwidth_from_dwell(prose: str) -> list[str]:
    """ "the ADC samples every 2 us; what receive bandwidth": 1/dwell in total, half of it either side."""
    m = _DWELL.search(prose)
    if re.search(r"\b(rf|pulses?|sinc|gauss\w*|excitation|shape|waveform|gradient)\b", prose, re.I):
        return []  # an RF or gradient shape's sample spacing: no receiver is involved
    if not m or not _ASKS_BANDWIDTH.search(prose) or re.search(r"\b\d+\s*(samples|points)\b|per[- ]pixel|/pixel|"
                                                               r"hz/px", prose, re.I):
        return []  # with a sample count, `sampling` and the readout calculators give the per-pixel figures
    value, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    dwell = float(value) * {"ns": 1e-9, "ms": 1e-3}.get(unit.lower(), 1e-6)
    if dwell <= 0:
        return []
    bw = 1 / dwell
    return [f"A dwell of {value} {unit} samples at 1/dwell = **{_hz(bw)}** receive bandwidth in total, i.e. "
            f"±{_hz(bw / 2)} about the centre frequency (the Nyquist limit of that sampling)."]


def _hz(value: float) -> str:
    return f"{value / 1e6:.4g} MHz" if value >= 1e6 else f"{value / 1e3:.4g} kHz" if value >= 1e3 else f"{value:.4g} Hz"


def oblique_limits(prose: str, settings: str = "") -> list[str]:
    """Limits that keep any rotation within the hardware: each hardware limit divided by sqrt(3)."""
    text = f"{settings}\n{prose}"
    if not _OBLIQUE.search(text) or not _DERATE.search(prose) or not re.search(
            r"\b(grad\w*|slew|limits?|hardware|opts)\b", prose, re.I):
        return []
    if re.search(r"\balready\b|\b(is|are) the\b[^;,]{0,20}\blimits?\b", text, re.I):
        return []  # the values given are the derated ones: nothing to divide
    # the hardware's limits: the first gradient and the first slew value given ("my readout uses 25 mT/m" is none)
    found = list({u.lower(): (float(v), u.lower()) for v, u in reversed(_LIMIT.findall(text))}.values())[::-1]
    s3 = math.sqrt(3)
    if not found:
        return ["To keep every oblique orientation within the hardware, divide the gradient and slew limits by "
                "**√3** (× 0.577: a rotation can put the full amplitude of all three logical axes on one physical "
                "axis) and give the results to the system object (`mr.opts` / `pp.Opts`)."]
    unit_name = {"mt/m": "mT/m", "t/m/s": "T/m/s", "mt/m/ms": "mT/m/ms"}
    parts = [f"{v:g} {unit_name[u]} / √3 = **{v / s3:.4g} {unit_name[u]}**" for v, u in dict.fromkeys(found)]
    return ["With a 1/√3 margin (any oblique orientation stays within each axis's limit): " + ", ".join(parts) +
            "; these are the values for the system object (`mr.opts` / `pp.Opts`)."]


def lines(prose: str, settings: str = "", matlab: bool = False) -> list[str]:
    return slew_from_ramp(prose, matlab) + bandwidth_from_dwell(prose) + oblique_limits(prose, settings)
