"""Readout numbers worked out from the user's own words, where the question or the settings panel describes the
readout rather than naming its parameters: the dwell of "1000 points over 2 ms" (and whether it is on the raster),
an oversampled ADC with extra samples either side for a console's decimation filter ("40 useful samples over
4.2 ms, 6x oversampling, 10 extra points before and 10 after"), and whether a readout of N samples across a FOV in
a given time fits the scanner's gradient limit.

The last two read the settings text as well as the question (the oversampling factor and the extra samples are no
value of any template, so the settings parser keeps no field for them); low-field consoles' receivers (MaRCoS and
the like) are where such questions come from.
"""

from __future__ import annotations

import math
import re

from .toolbox_values import GAMMA, METRES_PER, SECONDS_PER
from .toolbox_values import NUMBER as _NUM

_TIME = r"\s*(ms|us|µs|μs)\b"
_SAMPLES_IN = re.compile(r"\b(\d+)\s+(?:useful\s+|readout\s+)?(?:samples|points)\b[^.;?]{0,20}?\b(?:over|in|during|"
                         r"within|across)\s+" + _NUM + _TIME, re.I)
_OVERSAMPLING = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:x|×|-?fold|times)\s*(?:over-?sampl\w*|os)\b|\bover-?sampl\w*"
                           r"(?:\s+(?:factor|ratio|rate))?\s*(?:of|=|:|by|is)?\s*(\d+(?:\.\d+)?)\b"
                           r"(?!\s*(?:samples|points|[.\d]))", re.I)  # "oversampled 512 samples" is a count
_EXTRA = re.compile(r"\b(\d+)\s+(?:extra|dummy|additional)\b[^.;?]{0,40}?\b(?:points|samples)\b[^.;?]{0,15}?\bbefore\b"
                    r"[^.;?]{0,10}?\b(?:and\s+)?(\d+)\s+after\b|\b(\d+)\s+(?:extra|dummy|additional)\s+(?:points|"
                    r"samples)\s+(?:on\s+)?(?:each|either|both)\s+sides?\b", re.I)
_ACROSS = re.compile(r"\b(\d+)\s+(?:samples|points|pixels)\s+(?:across|over|covering|for)\s+(?:an?\s+|the\s+)?"
                     + _NUM + r"\s*(mm|cm)\b", re.I)
# right after the samples and their FOV: "..., sampled in 0.5 ms", "... read in 1 ms", "... in 2 ms"
_SAMPLED_IN = re.compile(r"^[\s,]*(?:(?:sampled|acquired|read(?: out)?)\s+)?(?:in|within|over)\s+" + _NUM + _TIME, re.I)
_FEASIBLE = re.compile(r"\b(possible|feasible|can i|could i|will it|does (it|that) (fit|work)|fit|achievable|doable)\b"
                       r"|\?\s*$", re.I)


def sampling(prose: str) -> list[str]:
    """ "1000 points over 2 ms": the dwell, and whether it lies on the raster of that kind of event."""
    if _OVERSAMPLING.search(prose) and _SAMPLES_IN.search(prose):
        return []  # oversampled_adc gives the dwell the ADC takes; the plain one would contradict it
    m = re.search(r"\b(\d+)\s*(points|samples|sample points)\b.{0,30}?\b(over|in|during|across|within|of)\s+" + _NUM
                  + r"\s*(ms|us|µs|s)\b", prose, re.I)
    if not m or re.search(r"\b(dwell|sampling interval|raster|every)\b", m.group(0), re.I):
        return []  # "256 samples with a dwell of 10 us": the time is the dwell, not the window they fill
    n = int(m.group(1))
    total = float(m.group(4)) * {"ms": 1e-3, "us": 1e-6, "µs": 1e-6, "s": 1.0}[m.group(5).lower()]
    dwell = total / n
    low = prose.lower()
    if re.search(r"\brf\b|\bpulse|\bshape", low):
        raster, what = 1e-6, "RF raster (1 µs)"
    elif re.search(r"\bgradient|\bwaveform", low):
        raster, what = 10e-6, "gradient raster (10 µs)"
    else:
        raster, what = 100e-9, "ADC raster (100 ns)"
    steps = dwell / raster
    on = abs(steps - round(steps)) < 1e-6
    shown = f"{dwell * 1e9:.4g} ns** ({dwell * 1e6:.4g} µs)" if dwell < 1e-6 else f"{dwell * 1e6:.4g} µs**"
    line = f"{n} samples over {total * 1e3:g} ms is a dwell of **{shown}"  # below 1 µs in ns, as rasters are given
    line += f", a whole multiple of the {what}." if on else f", not a multiple of the {what}: use " \
        f"{math.ceil(steps) * raster * 1e6:.4g} µs (or change the number of samples)."
    return [line]


def oversampled_adc(text: str, matlab: bool) -> list[str]:
    """The ADC a console with a decimation filter needs: every useful sample taken `os` times (the dwell divided
    by `os`), and the extra (not oversampled) samples either side taken too, so the window starts before the
    useful one. The bandwidth per pixel is the useful window's: decimation keeps the useful samples."""
    samples, factor = _SAMPLES_IN.search(text), _OVERSAMPLING.search(text)
    if not samples or not factor:
        return []
    n = int(samples.group(1))
    window = float(samples.group(2)) * SECONDS_PER[samples.group(3).lower()]
    os = float(factor.group(1) or factor.group(2))
    if n <= 0 or window <= 0 or os < 1 or os != int(os):
        return []
    dwell = window / n / os
    line = (f"{n} samples over {window * 1e3:g} ms with {os:g}× oversampling: a dwell of {window * 1e3:g} ms / "
            f"({n} × {os:g}) = **{dwell * 1e6:.6g} µs**, bandwidth per pixel 1/{window * 1e3:g} ms = "
            f"**{1 / window:.4g} Hz/pixel** (decimation keeps the {n} useful samples)")
    extra = _EXTRA.search(text)
    before, after = ((int(extra.group(1)), int(extra.group(2))) if extra and extra.group(1) else
                     (int(extra.group(3)), int(extra.group(3))) if extra else (0, 0))
    total = int((n + before + after) * os)
    lead = before * window / n
    if extra:
        line += (f"; with {before} extra samples before and {after} after: ({n} + {before} + {after}) × {os:g} = "
                 f"**{total} samples**, the window starting {before} × {window / n * 1e6:.4g} µs = "
                 f"{lead * 1e3:.4g} ms before the useful one")
    else:
        line += f"; the ADC takes {n} × {os:g} = **{total} samples**"
    us, start = f"{dwell * 1e6:.6g}e-6", "tStart" if matlab else "t_start"
    delay = f"{start} - {lead * 1e6:.6g}e-6" if lead else start
    call = (f"`adc = mr.makeAdc({total}, sys, 'Dwell', {us}, 'Delay', {delay});`" if matlab else
            f"`adc = pp.make_adc(num_samples={total}, dwell={us}, delay={delay}, system=system)`")
    return [line + ": " + call + (" (`tStart`: when the useful window begins)." if matlab else
                                  " (`t_start`: when the useful window begins).")]


def readout_fits(values: dict[str, float], text: str) -> list[str]:
    """N samples across a FOV read in a time T need a readout gradient of N / (FOV x T) (Hz/m): whether that is
    within the scanner's gradient limit, and if not the shortest flat top that is (on the gradient raster)."""
    across = _ACROSS.search(text)
    if not across or not values.get("max_grad") or not _FEASIBLE.search(text):
        return []
    when = _SAMPLED_IN.search(text[across.end():])
    if not when:
        return []
    n, fov = int(across.group(1)), float(across.group(2)) * METRES_PER[across.group(3).lower()]
    t = float(when.group(1)) * SECONDS_PER[when.group(2).lower()]
    need = n / fov / t  # Hz/m
    limit = values["max_grad"] * GAMMA * 1e-3  # mT/m -> Hz/m
    shown = f"{n} samples across {fov * 1e3:g} mm in {t * 1e3:g} ms need a readout gradient of N/(FOV × T) = " \
            f"{need:.6g} Hz/m = **{need / GAMMA * 1e3:.4g} mT/m**"
    if need <= limit:
        return [shown + f", within your {values['max_grad']:g} mT/m."]
    raster = values.get("grad_raster", 10e-6)  # the user's gradient raster when the settings give one
    shortest = math.ceil(n / fov / limit / raster - 1e-9) * raster
    return [shown + f": that is **not possible** with {values['max_grad']:g} mT/m. The shortest flat top at that "
            f"limit is N/(FOV × Gmax) = {n / fov / limit * 1e3:.4g} ms, **{shortest * 1e3:.4g} ms** on the "
            f"{raster * 1e6:g} µs gradient raster (or fewer samples, or a larger FOV)."]


def lines(values: dict[str, float], prose: str, settings: str = "", matlab: bool = False) -> list[str]:
    text = prose + ("\n" + settings if settings else "")
    return oversampled_adc(text, matlab) + readout_fits(values, text)
