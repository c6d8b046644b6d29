"""How the settings panel's free text is rewritten before its fields are read: lists of values of one parameter
("TI 50 100 200 ms") taken out whole, and phrases the field patterns cannot read spelled out ("150 x 150 over 200
mm" is a matrix and its FOV; "three hard 90s of 500 us" are 90-degree pulses, not ninety seconds).

Why apart from knowledge.py: these work on the whole line before it is cut into clauses at commas and "and", which
would keep only the first value of a list or split a matrix from its FOV.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .toolbox_values import SECONDS_PER

if TYPE_CHECKING:
    from .knowledge import Knowledge

_NUM = r"(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"


# "TI 50 100 200 400 ms", "flips 3 and 15 deg", "TE 5, 10, 15 ms": several values of one parameter (one per scan
# or per echo). Read before the text is cut into clauses at commas and "and", which would keep only the first.
_SERIES = re.compile(r"\b(te|tr|ti|echo[- ]times?|inversion[- ]times?|flips?(?:[- ]angles?)?|fa|b[- ]?values?|"
                     r"t2[- ]?prep\w*(?:[- ](?:times?|durations?|te))?)s?\b\s*"  # "five TIs (50, 100, 500 ms)"
                     r"(?:=|:|of|are|is|\()?\s*(" + _NUM + r"(?:(?:\s*(?:,|/|and|&)\s*|\s+)" + _NUM + r")+)\s*"
                     r"(s|ms|us|µs|deg|degrees|°|s/mm2|s/mm²)(?![\w/])", re.I)  # the unit closes the list
_SERIES_KEY = {"te": "te", "tr": "tr", "ti": "ti", "echo": "te", "inversion": "ti", "flip": "flip_deg",
               "fa": "flip_deg", "b": "b_value", "t2": "t2prep", "t2prep": "t2prep", "t2prep_time": "t2prep"}


# "150 x 150 x 75 over 200 x 200 x 100 mm": a matrix over its FOV, said as one phrase
_MATRIX_OVER = re.compile(r"\b(?:matrix\s*)?(\d{2,4}\s*[x×*]\s*\d{2,4}(?:\s*[x×*]\s*\d{1,4})?)\s+"
                          r"(?:over|across)\s+(?:an?\s+)?"
                          r"(\d+(?:\.\d+)?(?:\s*[x×*]\s*\d+(?:\.\d+)?){0,2}\s*(?:mm|cm|m)\b)", re.I)
# "three hard 90s of 500 us": the plural of a 90° pulse, not ninety seconds
# (only after a word that counts or shapes pulses: "TR 2.90s", "TE 90s", "dummy scans for 90s" are seconds)
_PULSE_PLURAL = re.compile("(?:" + "|".join(f"(?<=\\b{w} )" for w in ("hard", "block", "sinc", "rect", "two", "three",
                                                                        "four", "both", "the", "our")) +
                           r")(90|180)s\b(?=\s+(?:of|each|at|with|,|;|and)\b|\s*$)", re.I)


# "256 samples over 256 mm": the readout's samples and its FOV; "... with a 1.28 ms flat top": the readout's
_SAMPLES_OVER = re.compile(r"\b(\d+)\s*(?:readout\s+|adc\s+|useful\s+)?(samples|points)\s+(?:over|across)\s+(?:an?\s+)?"
                           r"(\d+(?:\.\d+)?\s*(?:mm|cm)\b)", re.I)
# "prephaser and slice rephaser 2 ms each": the duration belongs to both (the line is cut at "and" later)
_EACH = re.compile(r"\b([a-z]+(?:ers?|s))\s+and\s+([a-z ]{0,25}?[a-z]+(?:ers?|s))\s+"
                   r"(\d+(?:\.\d+)?\s*(?:ms|us|µs))\s+each\b", re.I)
_FLAT_OF_SAMPLES = re.compile(r"\b(samples|points)\b([^;,]{0,40}?)\s*\b(?:with|on) an?\s+"
                              r"(\d+(?:\.\d+)?\s*(?:ms|us|µs))\s+flat[- ]?top\b", re.I)


# "gradients 25/40/35 mT/m and 50/80/70 mT/m/ms on x/y/z": one limit per axis; the weakest holds for any direction
# (an oblique or rotated gradient may fall on any axis), so it is the one the system object takes
_PER_AXIS = re.compile(r"\b(\d+(?:\.\d+)?(?:\s*/\s*\d+(?:\.\d+)?){1,2})\s*(mt/m/ms|t/m/s|mt/m|g/cm)(?![\w/])", re.I)
# "rf dead time and ringdown 15 us each": both times are the value
_DEAD_AND_RINGDOWN = re.compile(r"\b(rf |adc )?dead[- ]?times?\s+and\s+(?:rf\s+)?ring[- ]?down(?:[- ]times?)?\s+"
                                r"(\d+(?:\.\d+)?\s*(?:ms|us|µs))\s+each\b", re.I)


def _weakest(m: re.Match) -> str:
    return f"{min(float(x) for x in m.group(1).split('/')):g} {m.group(2)}"


# "hardware 50 mT/m and 200 T/m/s; I keep a 1/sqrt(3) margin": the limits the system object takes are the derated
# ones (hardware_calcs.oblique_limits shows the arithmetic from the text as written)
_SQRT3_MARGIN = re.compile(r"\b1\s*/\s*(?:sqrt\s*\(?\s*3\s*\)?|√3)|\bsqrt\s*\(?\s*3\s*\)?\s*margin|\boblique "
                           r"margin", re.I)
_LIMIT_VALUE = re.compile(r"\b(\d+(?:\.\d+)?)\s*(mt/m/ms|t/m/s|mt/m)(?![\w/])", re.I)
# "64 x 64 phase/partition encodes": lines and partitions; "repeated three times": repetitions of the whole scan
_ENCODES = re.compile(r"\b(\d+)\s*[x×]\s*(\d+)\s+(?:phase\s*/\s*partition|phase and partition|ky\s*/\s*kz)\s+"
                      r"(?:encod\w*|steps|lines)\b", re.I)
_REPEATED = re.compile(r"\brepeated\s+(?:(\d+|two|three|four|five|six|eight|ten)\s+times|(twice|thrice))\b|"
                       r"\b(\d+)\s+repetitions\b", re.I)
_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8, "ten": 10, "twice": 2, "thrice": 3}


# "dead and ringdown times 0", "dead times 0": every gap of the system object is zero
_ZERO_DEAD = re.compile(r"\b(?:rf\s+)?dead(?:\s+and\s+ring[- ]?down)?\s+times\s*(?:are\s+|=\s*|of\s+)?(?:0|zero)"
                        r"(?:\s*(?:us|µs|s))?(?![\w.])", re.I)
# "RF and ADC raster 2 us": the value belongs to both
_TWO_RASTERS = re.compile(r"\b(rf|adc|gradient)\s+and\s+(rf|adc|gradient)\s+rasters?\s*(?:of\s+|=\s*)?"
                          r"(\d+(?:\.\d+)?\s*(?:us|µs|ns))", re.I)
# the value before its name: "100 mm slab", "3 ms spoilers"
_SLAB_FIRST = re.compile(r"\b(\d+(?:\.\d+)?\s*(?:mm|cm))\s+(?:thick\s+)?slab\b", re.I)
_SPOILER_FIRST = re.compile(r"\b(\d+(?:\.\d+)?\s*(?:ms|us|µs))\s+(?:long\s+)?(spoiler|crusher)s?\b", re.I)
_SPOILERS_PLURAL = re.compile(r"\b(spoiler|crusher)s\s+(?:of\s+)?(\d+(?:\.\d+)?\s*(?:ms|us|µs))\b", re.I)
# "67 phase encodes over 120 mm": the phase-encoding FOV, which may differ from the readout's
_PHASE_FOV = re.compile(r"\b(\d+)\s+(phase[- ]encod\w*(?:\s+(?:steps|lines))?)\s+(?:over|across)\s+(\d+(?:\.\d+)?)\s*"
                        r"(mm|cm)\b", re.I)
# the three extents right after "FOV" or "over" (a voxel's "1 x 1 x 5 mm" is no FOV)
_FOV_3D = re.compile(r"\b(?:fov|field[- ]of[- ]view|over)\s*(?:=|:|of|is)?\s*\d+(?:\.\d+)?\s*[x×]\s*"
                     r"(\d+(?:\.\d+)?)\s*[x×]\s*(\d+(?:\.\d+)?)\s*(mm|cm)\b", re.I)
# spoilers given by their areas: "2x readout area on x", "2 cycles over the pixel in x", "4/slab in z"
_SPOIL_X = re.compile(r"\b(\d+(?:\.\d+)?|two|three|four)\s*(?:x|×|times)\s*(?:the\s+)?readout(?:'s)?\s+area\b|"
                      r"\b(\d+(?:\.\d+)?|two|three|four)\s+cycles?\s+(?:over|per|across)\s+(?:the\s+|a\s+)?"
                      r"(?:pixel|voxel)\b", re.I)
_SPOIL_Z = re.compile(r"\b(\d+(?:\.\d+)?)\s*/\s*(?:the\s+)?(?:slab|thickness|slice(?:[- ]thickness)?)\b", re.I)


def read_counts(line: str, k: Knowledge) -> str:
    """What the field patterns have no field for, taken out into k.values: how often the whole scan repeats
    ("repeated three times"), the phase-encoding FOV, and spoilers given by their areas."""
    m = _REPEATED.search(line)
    # "the noise scan is repeated 4 times": a part repeated, not the whole scan
    if m and not re.search(r"\b(noise|calibration|reference|navigator|dummy|prep\w*|prescan|pulse|spoiler|readout|"
                           r"echo|line|block|shot)\w*\b[^;,]{0,20}$", line[:m.start()], re.I):
        word = (m.group(1) or m.group(2) or m.group(3)).lower()
        k.values["n_rep"] = float(_WORDS.get(word) or word)
        line = line[:m.start()] + " " + line[m.end():]
    z = _FOV_3D.search(line)  # the partition direction's FOV, which a slab given apart ("on a 50 mm slab") keeps
    if z:
        scale = 1e-2 if z.group(3).lower() == "cm" else 1e-3
        k.values["fov_z"] = float(z.group(2)) * scale
        k.values.setdefault("fov_y", float(z.group(1)) * scale)
    p = _PHASE_FOV.search(line)
    if p:
        k.values["fov_y"] = float(p.group(3)) * (1e-2 if p.group(4).lower() == "cm" else 1e-3)
        line = line[:p.start()] + f"{p.group(1)} {p.group(2)}" + line[p.end():]
    if re.search(r"\b(spoil\w*|crush\w*)\b", line, re.I):
        x, z = _SPOIL_X.search(line), _SPOIL_Z.search(line)
        if x:
            word = (x.group(1) or x.group(2)).lower()
            k.values["spoil_x_factor"] = float(_WORDS.get(word) or word)
        if z:
            k.values["spoil_z_cycles"] = float(z.group(1))
    return line


def spelled_out(line: str) -> str:
    """The line with phrases the field patterns cannot read rewritten into ones they can."""
    margin = _SQRT3_MARGIN.search(line)
    if margin and re.search(r"\b(margin|derat\w*|oblique|any orientation|keep)\b", line, re.I) and not re.search(
            r"\balready\b|\b(is|are) the\b[^;,]{0,20}\blimits?\b", line, re.I):
        line = _LIMIT_VALUE.sub(lambda m: f"{float(m.group(1)) / 3 ** 0.5:.4g} {m.group(2)}", line)
        # the margin is read: its clause is no longer "not understood"
        line = re.sub(r"\b(?:derat\w*|keep\w*|with|using)?\s*(?:an?\s+)?(?:by\s+)?1\s*/\s*(?:sqrt\s*\(?\s*3\s*\)?|√3)"
                      r"[^,;]*", " ", line, flags=re.I)
    line = _ENCODES.sub(lambda m: f"{m.group(1)} phase encodes, {m.group(2)} partitions", line)
    line = _ZERO_DEAD.sub("rf dead time 0 us, rf ringdown 0 us, adc dead time 0 us", line)
    line = _TWO_RASTERS.sub(lambda m: f"{m.group(1)} raster {m.group(3)}, {m.group(2)} raster {m.group(3)}", line)
    line = _SLAB_FIRST.sub(lambda m: f"slab {m.group(1)}", line)
    line = _SPOILER_FIRST.sub(lambda m: f"{m.group(2).lower()} {m.group(1)}", line)  # a crusher stays a crusher
    line = _SPOILERS_PLURAL.sub(lambda m: f"{m.group(1).lower()} {m.group(2)}", line)
    line = _PER_AXIS.sub(_weakest, line)
    line = re.sub(r"\bno (adc|rf) (dead[- ]?time|ring[- ]?down(?:[- ]time)?)\b", r"\1 \2 0 us", line, flags=re.I)
    line = _DEAD_AND_RINGDOWN.sub(lambda m: f"{m.group(1) or 'rf '}dead time {m.group(2)}, rf ringdown {m.group(2)}",
                                  line)
    line = _MATRIX_OVER.sub(lambda m: f"matrix {m.group(1)}, FOV {m.group(2)}", line)
    line = _FLAT_OF_SAMPLES.sub(lambda m: f"{m.group(1)}{m.group(2)}, readout flat {m.group(3)}", line)
    line = _SAMPLES_OVER.sub(lambda m: f"{m.group(1)} {m.group(2)}, FOV {m.group(3)}", line)
    line = _EACH.sub(lambda m: f"{m.group(1)} {m.group(3)}, {m.group(2)} {m.group(3)}", line)
    return _PULSE_PLURAL.sub(lambda m: f"{m.group(1)}° pulse", line)


def read_series(line: str, k: Knowledge) -> str:
    """Take every value of a list out of the line into k.series (the first also into k.values); the rest of the
    line is returned for the ordinary reading."""
    def take(m: re.Match) -> str:
        key = _SERIES_KEY.get(re.split(r"[- ]", m.group(1).lower().rstrip("s"))[0].rstrip("s") or "b", "t2prep")
        numbers = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", m.group(2))]
        unit = m.group(m.lastindex or 0)
        if key in ("te", "tr", "ti", "t2prep"):
            numbers = [float(x) * SECONDS_PER.get((unit or "ms").lower(), 1e-3) for x in numbers]
        k.series[key] = [float(f"{x:.12g}") for x in numbers]
        if key == "t2prep":  # no template takes them: each is kept as a value, for the delays worked out from them
            k.values.update({f"t2prep_{i}": x for i, x in enumerate(k.series[key][1:], 2)})
        # one scan per value; a diffusion scan's b = 0 images are its references, the weighting is the largest
        k.values[key] = max(k.series[key]) if key == "b_value" else k.series[key][0]
        if key == "ti" and len(k.series[key]) > 1:  # one scan per inversion time: the scan time counts them
            k.values["n_ti"] = float(len(k.series[key]))
        return " "

    return _SERIES.sub(take, line)
