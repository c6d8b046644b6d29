"""What one vendor's interpreter needs where it differs from the toolboxes' defaults: "gradient raster on GE?",
"rfDeadTime for GE?", "ADC raster on a Siemens Prisma?".

The defaults of `pp.Opts()` / `mr.opts` are the Siemens interpreter's; GE's pge2 interpreter publishes its own
rasters and RF/ADC gaps (HarmonizedMRI/SequenceExamples-GE). A question that names the vendor gets that vendor's
value, in the system object's spelling of the dialect asked for.
"""

from __future__ import annotations

import re

# what a vendor's interpreter needs where it differs from the defaults (Siemens'), as published with it: GE's
# pge2 interpreter (HarmonizedMRI/SequenceExamples-GE): gradient raster a multiple of 4 µs, RF and ADC rasters of
# 2 µs, block durations best on 4 µs
_VENDOR = re.compile(r"\bGE\b|(?i:general electric|\bpge2\b|\btoppe\b|\bpulceq\b)")
_VENDOR_RASTERS: list[tuple[str, str, str, str]] = [  # (prose pattern, what, python, MATLAB)
    (r"\bgrad\w*\b.{0,20}\braster|\braster\b.{0,20}\bgrad", "gradient raster: a multiple of **4 µs**",
     "grad_raster_time=4e-6", "'gradRasterTime', 4e-6"),
    (r"\brf\b.{0,20}\braster|\braster\b.{0,20}\brf\b", "RF raster: a multiple of **2 µs**", "rf_raster_time=2e-6",
     "'rfRasterTime', 2e-6"),
    (r"\badc\b.{0,20}\braster|\braster\b.{0,20}\badc\b|\bdwell\b", "ADC raster: a multiple of **2 µs**",
     "adc_raster_time=2e-6", "'adcRasterTime', 2e-6"),
    (r"\bblock\b.{0,20}\braster|\braster\b.{0,20}\bblock", "block duration raster: best **4 µs**",
     "block_duration_raster=4e-6", "'blockDurationRaster', 4e-6"),
]


# the gaps the same interpreter needs around RF and ADC events, and what it adds at the end of a segment
_VENDOR_GAPS: list[tuple[str, str, str, str]] = [
    (r"\brf[ _-]?dead|\brf\b.{0,30}\bdead|\bdead\b.{0,30}\brf\b|\bamplifier\b.{0,20}\bon\b|\bbefore\b.{0,15}\brf\b",
     "RF dead time (amplifier on) at least **72 µs**", "rf_dead_time=72e-6", "'rfDeadTime', 72e-6"),
    (r"ring[ -]?down|\bafter\b.{0,15}\brf\b|\bamplifier\b.{0,20}\boff\b",
     "RF ringdown (amplifier off) at least **54 µs**", "rf_ringdown_time=54e-6", "'rfRingdownTime', 54e-6"),
    (r"\badc[ _-]?dead|\badc\b.{0,30}\bdead|\bdead\b.{0,30}\badc\b|\bbefore\b.{0,15}\badc\b",
     "ADC dead time (ADC on) at least **40 µs**", "adc_dead_time=40e-6", "'adcDeadTime', 40e-6"),
]


def _vendor_gaps(prose: str, lang: str) -> list[str]:
    low = prose.lower()
    opts = "mr.opts" if lang == "matlab" else "pp.Opts"
    out = [f"{what} (`{ml if lang == 'matlab' else py}` in `{opts}`)" for pattern, what, py, ml in _VENDOR_GAPS
           if re.search(pattern, low)]
    if re.search(r"\bsegments?\b|\btrid\b", low) and re.search(r"\bdead|\bgap|\bend\b|\bextra\b|\badd", low):
        out.append("the interpreter adds **116 µs** of dead time at the end of every segment (a TRID-labelled "
                   "block group)")
    if not out and re.search(r"\bdead[ -]?times?\b|\bgaps?\b", low):
        out = [f"{what} (`{ml if lang == 'matlab' else py}` in `{opts}`)" for _, what, py, ml in _VENDOR_GAPS]
    return ["On GE (the pge2 interpreter): " + "; ".join(out) + "."] if out else []


def vendor_lines(prose: str, lang: str = "python") -> list[str]:
    """A raster or a dead time asked for one vendor's scanner: that vendor's value, in the system object's
    spelling."""
    # "grad_raster_time", "gradRasterTime": the words of an identifier count as words
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", prose).replace("_", " ")
    siemens = bool(_SIEMENS.search(words)) and not _VENDOR.search(words)
    if not (_VENDOR.search(words) or siemens):
        return []
    if not re.search(r"\braster|\bdwell\b", words, re.I):
        return [] if siemens else _vendor_gaps(words, lang)
    low = words.lower()
    table = _SIEMENS_RASTERS if siemens else _VENDOR_RASTERS
    found = [(what, ml if lang == "matlab" else py) for pattern, what, py, ml in table
             if re.search(pattern, low)] or [(what, ml if lang == "matlab" else py) for _, what, py, ml in table]
    opts = "mr.opts" if lang == "matlab" else "pp.Opts"
    who = "On Siemens (the toolboxes' defaults)" if siemens else "On GE (the pge2 interpreter)"
    return [f"{who}: " + "; ".join(f"{what} (`{code}` in `{opts}`)" for what, code in found) + "."]


_SIEMENS = re.compile(r"\bsiemens\b|\bprisma\b|\bskyra\b|\bvida\b|\btrio\b|\bverio\b|\bterra\b|\blumina\b|"
                      r"\bcima\.?x\b|\bfree\.?max\b", re.I)
# the toolboxes' defaults are the Siemens interpreter's rasters (pypulseq Opts() / mr.opts)
_SIEMENS_RASTERS: list[tuple[str, str, str, str]] = [
    (_VENDOR_RASTERS[0][0], "gradient raster **10 µs**", "grad_raster_time=10e-6", "'gradRasterTime', 10e-6"),
    (_VENDOR_RASTERS[1][0], "RF raster **1 µs**", "rf_raster_time=1e-6", "'rfRasterTime', 1e-6"),
    (_VENDOR_RASTERS[2][0], "ADC raster **100 ns**", "adc_raster_time=100e-9", "'adcRasterTime', 100e-9"),
    (_VENDOR_RASTERS[3][0], "block duration raster **10 µs**", "block_duration_raster=10e-6",
     "'blockDurationRaster', 10e-6"),
]
