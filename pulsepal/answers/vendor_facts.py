"""What one vendor's interpreter needs where it differs from the toolboxes' defaults: "gradient raster on GE?",
"rfDeadTime for GE?", "ADC raster on a Siemens Prisma?".

The defaults of `pp.Opts()` / `mr.opts` are the Siemens interpreter's; GE's pge2 interpreter publishes its own
rasters and RF/ADC gaps (HarmonizedMRI/SequenceExamples-GE). A question that names the vendor gets that vendor's
value, in the system object's spelling of the dialect asked for.
"""

from __future__ import annotations

import re

# what a vendor's interpreter needs where it differs from the defaults (Siemens'), as published with it: GE's
# pge2 interpreter (HarmonizedMRI/SequenceExamples-GE@642948b, pge2/docs/pge2-sequence-design-rules.md, read
# 2026-12): gradient raster a multiple of 4 µs, RF and ADC rasters of 2 µs (ADC 1 µs on MAGNUS), block durations a
# multiple of 4 µs; 117 µs added after each segment (116 µs before Oct 2025). The document changes: re-read it
# when these are touched.
# "GE" alone is also gradient echo ("a GE-EPI on our Prisma"): only a scanner word makes it the vendor for sure
_GE_SURE = re.compile(r"(?i:general electric|\bpge2\b|\btoppe\b|\bpulceq\b|\bsigna\b|\bmagnus\b)|"
                      r"\bGE\b[ -]?(?i:scanners?|healthcare|systems?|mri?\b|signa|premier|discovery|architect|"
                      r"interpreter|hardware|machines?)|(?i:\b(on|for|with|at) (a |an |our |my |the )?)GE\b(?![ -]?"
                      r"(?i:epi|se\b|sequences?|readouts?|images?|echo|based|type))")
_GE_BARE = re.compile(r"\bGE\b(?![ -]?(?i:epi|se\b|sequences?|readouts?|images?|echo|based|type))")
_VENDOR_RASTERS: list[tuple[str, str, str, str]] = [  # (prose pattern, what, python, MATLAB)
    (r"\bgrad\w*\b.{0,20}\braster|\braster\b.{0,20}\bgrad", "gradient raster: a multiple of **4 µs**",
     "grad_raster_time=4e-6", "'gradRasterTime', 4e-6"),
    (r"\brf\b.{0,20}\braster|\braster\b.{0,20}\brf\b", "RF raster: a multiple of **2 µs**", "rf_raster_time=2e-6",
     "'rfRasterTime', 2e-6"),
    (r"\badc\b.{0,20}\braster|\braster\b.{0,20}\badc\b|\bdwell\b",
     "ADC raster: a multiple of **2 µs** (1 µs on MAGNUS)",
     "adc_raster_time=2e-6", "'adcRasterTime', 2e-6"),
    (r"\bblock\b.{0,20}\braster|\braster\b.{0,20}\bblock", "block durations: a multiple of **4 µs** (required)",
     "block_duration_raster=4e-6", "'blockDurationRaster', 4e-6"),
]


# the gaps around RF and ADC events on the same hardware: the switching times it publishes, which are NOT what
# rf_dead_time & co. must be set to (its own examples use 100/60/40 µs, or 0); the rule is that the RF-amplifier
# and ADC intervals of consecutive events do not overlap
_GE_GAPS = ("the hardware switches the RF amplifier on in 72 µs and off in 54 µs and needs 40 µs before an ADC; "
            "the interpreter requires only that these intervals of consecutive events do not overlap, so "
            "{names} need not equal them (its examples use 100, 60 and 40 µs, or 0)")
_GAP_WORDS = re.compile(r"\brf[ _-]?dead|\bdead[ -]?times?\b|ring[ -]?down|\bamplifier\b|\badc[ _-]?dead|\bgaps?\b",
                        re.I)


def _vendor_gaps(prose: str, lang: str) -> list[str]:
    low = prose.lower()
    out = []
    segment = re.search(r"\bsegments?\b|\btrid\b", low)
    if re.search(r"\brf\b|\badc\b|ring[ -]?down|\bamplifier\b", low) and _GAP_WORDS.search(low) or (
            not segment and _GAP_WORDS.search(low)):
        names = ("`'rfDeadTime'`, `'rfRingdownTime'` and `'adcDeadTime'`" if lang == "matlab" else
                 "`rf_dead_time`, `rf_ringdown_time` and `adc_dead_time`")
        out.append(_GE_GAPS.format(names=names))
    if segment and re.search(r"\bdead|\bgap|\bend\b|\bextra\b|\badd", low):
        out.append("the interpreter adds **117 µs** of dead time at the end of every segment (a TRID-labelled "
                   "block group)")
    return ["On GE (the pge2 interpreter, as its design rules say): " + "; ".join(out) + "."] if out else []


# GE's interpreter runs the sequence as segments: a segment starts at a block that carries a TRID label, one id
# per distinct segment (pge2 design rules, as above); the toolbox's default branch (after v1.5.1) adds seq.addTRID
_TRID = re.compile(r"\btrid\b|\b(tag|mark|label|id|number)\w*\b.{0,50}\bsegments?\b|\bsegments?\b.{0,50}\b(tag|mark|"
                   r"label|ids?)\b", re.I)


def _trid_line(lang: str) -> list[str]:
    label = "mr.makeLabel('SET', 'TRID', id)" if lang == "matlab" else \
        "pp.make_label(type='SET', label='TRID', value=id)"
    add = "seq.addBlock" if lang == "matlab" else "seq.add_block"
    return [f"On GE (the pge2 interpreter) a segment starts at a block that carries a **TRID** label: make "
            f"`trid = {label}` and add it to the first block of each segment (`{add}(..., trid)`), one id per "
            "distinct segment, reused each time that segment repeats"
            + ("; the toolbox's default branch (newer than v1.5.1) also has `seq.addTRID` for this (not in the release "
               "PulsePal records, so its arguments are not checked here)." if lang == "matlab" else ".")]


def vendor_lines(prose: str, lang: str = "python") -> list[str]:
    """A raster or a dead time asked for one vendor's scanner: that vendor's value, in the system object's
    spelling."""
    # "grad_raster_time", "gradRasterTime": the words of an identifier count as words
    words = re.sub(r"([a-z])([A-Z])", r"\1 \2", prose).replace("_", " ")
    if re.search(r"\btrid\b", words, re.I) or (_GE_SURE.search(words) and _TRID.search(words)):
        return _trid_line(lang)  # segments tagged for GE's interpreter
    ge = bool(_GE_SURE.search(words)) or (bool(_GE_BARE.search(words)) and not _SIEMENS.search(words))
    siemens = bool(_SIEMENS.search(words)) and not ge
    if not (ge or siemens):
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
