"""Units, defaults and system limits checked as a matrix built from the facts (issue 10, round 10).

Rows are every parameter of a function of both dialects that has a unit or a default: pypulseq 1.5.0's signatures
(introspected here) and the MATLAB options of `pulsepal/answers/data/matlab_api.json`, plus the system limits of
`pp.Opts` / `mr.opts`. Columns are the ways users ask about one of them. No eval question is used.

The truth is written here, apart from the responder, so that the audit does not grade the product against itself:
a unit by the parameter's name (the toolboxes' conventions: SI, radians, Hz/m, checked against the docstrings and
source of pypulseq 1.5.0 and the MATLAB v1.5.1 source), a default as the signature or the facts file gives it, and,
where that default is only a marker (`None`, `0`, `[]`) the code replaces, what the code puts in its place (read
from the source: `if dwell == 0: dwell = system.rf_raster_time`). A cell is

* right    when the answer is confident, names the function in the asked dialect, and states the true unit (or
           the default's value, or what the marker stands for);
* wrong    when it is confident and states another unit or value, or names only the other dialect's function;
* not sure otherwise (an honest "not sure", or a confident answer that does not state the fact: "silent").

    python eval/answers/matrix_units.py [--cells] [--rows] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pulsepal.answers import AnswerRequest, get_offline_responder  # noqa: E402

# --- units: how each is recognised in an answer, and a false one to offer in a question ---------------------------

UNIT_RE = {
    "s": r"\bseconds?\b|\*\*s\*\*|\bin s\b|(?<=\d) s\b",
    "rad": r"\bradians?\b|\brad\b",
    "Hz": r"\bHz\b(?![/·])",
    "Hz/m": r"\bHz/m\b(?!/)",
    "Hz/m/s": r"\bHz/m/s\b",
    "1/m": r"\b1/m\b|\bm\^-1|\bm⁻¹|per metre|per meter|cycles/m\b",
    "m": r"\bmetres?\b|\bmeters?\b",
    "ppm": r"\bppm\b",
    "T": r"\btesla\b|\*\*T\*\*|\d\s*T\b(?!/)",
    "Hz/T": r"\bHz/T\b",
    "rad/s": r"\brad/s\b|\b1/s\b",
    "none": r"\bdimensionless\b|\bno unit\b|\bunitless\b|\bhas no units?\b|\bfraction\b",
}
FALSE_UNIT = {"s": "ms", "rad": "degrees", "Hz": "kHz", "Hz/m": "mT/m", "Hz/m/s": "T/m/s", "1/m": "1/cm", "m": "mm",
              "ppm": "Hz", "T": "gauss", "Hz/T": "rad/s/T", "rad/s": "Hz",
              "none": "Hz"}
SAID = {"s": "seconds", "rad": "radians", "Hz": "Hz", "Hz/m": "Hz/m", "Hz/m/s": "Hz/m/s", "1/m": "1/m",
        "m": "metres", "ppm": "ppm", "T": "tesla", "Hz/T": "Hz/T", "rad/s": "rad/s",
        "none": "no unit"}

# parameter (pypulseq spelling) -> unit; first match wins (checked against pypulseq 1.5.0 docstrings and source)
UNIT_OF = [
    (r"flip_angle|phase_offset|angle", "rad"),
    (r"freq_ppm|phase_ppm", "ppm"),
    (r"freq_offset|bandwidth|max_frequency|dw", "Hz"),
    (r"time_bw_product|apodization|center_pos|adiabaticity|n_fac|mu|factor|scale|cutoff|frequency_oversampling",
     "none"),
    (r"delay|duration|dwell|rise_time|fall_time|flat_time|time_point|d|raster_time|grad_raster_time|dt|times|"
     r"default_duration|offset|trajectory_delay|window_width|adc_dead_time|rf_dead_time|rf_ringdown_time|"
     r"adc_raster_time|rf_raster_time|block_duration_raster", "s"),
    (r"beta", "rad/s"),  # make_adiabatic_pulse._hypsec: cosh(beta * t) with t in seconds
    (r"max_slew", "Hz/m/s"),
    (r"amplitude|amplitudes|max_grad|grad_start|grad_end|first|last|waveform|gradient_offset", "Hz/m"),
    (r"area|flat_area|k|k0|k_end", "1/m"),
    (r"slice_thickness", "m"),
    (r"B0", "T"),
    (r"gamma", "Hz/T"),
]

# what a marker default stands for, from the source (pypulseq 1.5.0; MATLAB v1.5.1 behaves the same unless keyed
# with its own name): a regex one of whose spellings a right answer holds
SYSTEM_LIMIT = r"\bsystem\b|\bpp\.Opts\b|\bmr\.opts\b|\bOpts\(\)|\bsys\b|40 ?mT/m|170 ?T/m/s"
RF_RASTER = r"rf[ _]?raster|rfRasterTime|\b1 ?µs\b|\b1 ?us\b|\b1e-6\b"
GRAD_RASTER = r"grad\w*[ _]?raster|gradRasterTime|\b10 ?µs\b|\b10 ?us\b|\b1e-5\b|\b10e-6\b"
REQUIRED = r"\brequired\b|\bmust (be )?(give|given|set|pass|supplied|positive|defined)|\bno (usable )?default\b|" \
           r"\byou (must|have to) give\b|\bneeds? (a|to be given)\b|\beither\b"
MARKERS: dict[tuple[str, str], str] = {
    ("*", "max_grad"): SYSTEM_LIMIT,
    ("*", "max_slew"): SYSTEM_LIMIT,
    ("*", "dwell"): RF_RASTER,
    ("make_adc", "dwell"): r"\beither\b|\bone of\b|from (the )?(duration|dwell)|num_?samples|numSamples|" + REQUIRED,
    ("make_adc", "duration"): r"\beither\b|\bone of\b|from (the )?(duration|dwell)|num_?samples|numSamples|" +
                              REQUIRED,
    ("make_trapezoid", "rise_time"): r"shortest|fastest|\bslew\b|maxSlew|computed|calculated",
    ("make_trapezoid", "fall_time"): r"rise[ _]?time|riseTime|shortest|fastest|\bslew\b",
    ("make_trapezoid", "duration"): r"shortest|fastest|computed|calculated|" + REQUIRED,
    ("make_trapezoid", "flat_time"): r"shortest|fastest|computed|calculated|" + REQUIRED,
    ("make_trapezoid", "amplitude"): r"computed|calculated|from (the )?area|" + REQUIRED,
    ("make_trapezoid", "area"): r"computed|calculated|" + REQUIRED,
    ("make_trapezoid", "flat_area"): r"computed|calculated|" + REQUIRED,
    ("make_block_pulse", "duration"): r"\b4 ?ms\b|\b0\.004\b|\b4e-3\b",
    ("mr.makeBlockPulse", "duration"): r"bandwidth|" + REQUIRED,
    ("mr.makeSincPulse", "duration"): REQUIRED,
    ("mr.makeGaussPulse", "duration"): REQUIRED,
    ("make_trigger", "duration"): GRAD_RASTER,
    ("mr.makeDigitalOutputPulse", "duration"): GRAD_RASTER,
    ("*", "slice_thickness"): r"no slice|without (a )?slice|only (with|when)|gz|slice[- ]select|\berror\b|" + REQUIRED,
    ("make_gauss_pulse", "bandwidth"): r"time[_ ]?bw|timeBwProduct|\btbw\b|/ ?duration",
    ("traj_to_grad", "raster_time"): GRAD_RASTER,
    ("calc_rf_bandwidth", "dt"): RF_RASTER,
    ("Opts", "rise_time"): r"not set|\bunset\b|\bnone\b|no rise|from (the )?(max(imum)?[ _]?)?slew|maxSlew",
    ("make_arbitrary_grad", "first"): r"extrapolat|from the (first|last)|waveform",
    ("make_arbitrary_grad", "last"): r"extrapolat|from the (first|last)|waveform",
    ("make_arbitrary_rf", "center"): r"\bpeak\b|calc_rf_center|calcRfCenter",
    ("make_extended_trapezoid", "times"): REQUIRED,
    ("make_extended_trapezoid", "amplitudes"): REQUIRED,
}


def unit_of(name: str) -> Optional[str]:
    for pattern, unit in UNIT_OF:
        if re.fullmatch(pattern, name):
            return unit
    return None


# --- rows ---------------------------------------------------------------------------------------------------------

FUNCTIONS = ["Opts", "make_trapezoid", "make_sinc_pulse", "make_gauss_pulse", "make_block_pulse", "make_arbitrary_rf",
             "make_adiabatic_pulse", "make_adc", "make_delay", "make_trigger", "make_digital_output_pulse",
             "make_extended_trapezoid", "make_extended_trapezoid_area", "make_arbitrary_grad", "make_soft_delay",
             "add_gradients", "calc_ramp", "calc_rf_bandwidth", "traj_to_grad", "rotate", "split_gradient_at",
             "scale_grad", "points_to_waveform", "seq.calculate_kspace", "seq.plot"]


@dataclass
class Row:
    key: str  # the API entry
    lang: str
    func: str  # the function as the dialect spells it
    param: str  # pypulseq spelling (the truth's key)
    said: str  # the parameter as the dialect spells it
    unit: Optional[str]
    default: Optional[str]  # as the dialect's signature writes it; None: required


def _literal(text: Optional[str]):
    if text is None:
        return None
    t = text.strip().strip("'\"")
    try:
        return float(t)
    except ValueError:
        return t


def _py_default(key: str, name: str, default: Optional[str]) -> Optional[str]:
    """pp.Opts's None defaults are what Opts() holds (the system limits), as the object itself reports them."""
    if key == "Opts" and default == "None":
        import pypulseq as pp

        value = getattr(pp.Opts(), name, None)
        return "None" if value is None else repr(value)
    return default


MATLAB_OPTS_DEFAULTS = {"maxGrad": str(40 * 42576.0), "maxSlew": str(170 * 42576000.0), "maxB1": str(20 * 42.576)}


def rows(responder) -> list[Row]:
    from pulsepal.answers.render_api import name_of

    api = responder.index.api
    out = []
    for key in FUNCTIONS:
        e = api.get(key)
        for p in e.params:
            if p.kind not in ("keyword", "positional") or p.name in ("system", "channel"):
                continue
            unit = unit_of(p.name)
            if p.name in ("grad_unit", "slew_unit"):
                unit = None
            default = _py_default(key, p.name, p.default)
            if unit is None and default is None:
                continue
            out.append(Row(key, "python", name_of(e, "python"), p.name, p.name, unit, default))
            m = e.matlab
            if m is None:
                continue
            mname = m.matlab_for(p.name)
            if mname is None:
                continue
            arg = m.option(mname) or m.arg(mname)
            mdefault = None if arg is None or arg.required else arg.default
            if key == "Opts" and mname in MATLAB_OPTS_DEFAULTS:
                mdefault = MATLAB_OPTS_DEFAULTS[mname]
            if key == "Opts" and mdefault and mdefault.startswith("defaultOpts"):
                mdefault = default
            out.append(Row(key, "matlab", name_of(e, "matlab"), p.name, mname, unit, mdefault))
    return out


def marker(row: Row) -> Optional[str]:
    """The regex for what a marker default stands for, or None when the default is a plain value."""
    own = MARKERS.get((row.func, row.param)) if row.lang == "matlab" else None
    found = own or MARKERS.get((row.key, row.param)) or MARKERS.get(("*", row.param))
    value = _literal(row.default)
    if found and (value in (0.0, "None", "[]", "NaN") or row.default in ("None", "[]", "0", "0.0", "NaN")):
        return found
    if own:
        return own
    return None


# --- columns ------------------------------------------------------------------------------------------------------


def words(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ").lower()


UNIT_FORMS = {
    "u:what unit": lambda r: f"What unit is the {words(r.said)} of {r.func} in?",
    "u:X or Y": lambda r: (f"Is {r.said} in {r.func} in {SAID[r.unit]} or {FALSE_UNIT[r.unit]}?" if len(r.said) % 2
                           else f"Is {r.said} in {r.func} in {FALSE_UNIT[r.unit]} or {SAID[r.unit]}?"),
    "u:give": lambda r: f"In what unit do I give {r.said} to {r.func}?",
    "u:does it take": lambda r: f"Does {r.func} take {r.said} in {FALSE_UNIT[r.unit]}?",
    "u:fn units": lambda r: f"What units does {r.func} use?",
    "u:short": lambda r: f"{r.func} {r.said} unit?",
    "u:value": lambda r: f"I pass {r.said}=5 to {r.func}, is that 5 {FALSE_UNIT[r.unit]}?",
    "u:no fn": lambda r: f"In {TOOLBOX[r.lang]}, what unit is the {words(r.said)} in?",
    "u:described": lambda r: f"In {TOOLBOX[r.lang]}, for the function that {_described(r)}, in what unit do I "
                             f"give the {words(r.said)}?",
    "u:page": lambda r: f"What are the parameters of {r.func}?",
}
TOOLBOX = {"python": "pypulseq", "matlab": "the MATLAB Pulseq toolbox"}


def _described(row: Row) -> str:
    """The function by what it does, not by its name: our one-line summary, its verb made plain."""
    e = get_offline_responder().index.api.get(row.key)
    text = re.split(r"[;:(]", e.summary_text)[0].strip().rstrip(".")
    return text[:1].lower() + text[1:]


DEFAULT_FORMS = {
    "d:default of": lambda r: f"What is the default {words(r.said)} of {r.func}?",
    "d:by default": lambda r: f"What is {r.said} by default in {r.func}?",
    "d:leave out": lambda r: f"What does {r.func} use for {r.said} if I leave it out?",
    "d:short": lambda r: f"{r.func} {r.said} default?",
    "d:not passed": lambda r: f"If I don't pass {r.said} to {r.func}, what value does it take?",
    "d:described": lambda r: f"In {TOOLBOX[r.lang]}, for the function that {_described(r)}, what is the default "
                             f"{words(r.said)}?",
}
BARE_FORMS = {  # system limits asked without the object's name
    "b:default": lambda r: f"What is the default {words(r.said)}?",
    "b:by default": lambda r: f"What is {r.said} by default?",
}
NA = "n/a"


def head(text: str) -> str:
    """What the answer says before its signature or reference: where a fact asked for is stated."""
    return text.split("```", 1)[0]


def _param_lines(text: str, row: Row) -> str:
    pat = re.escape(row.said) + "|" + re.escape(row.param) + "|" + r"[ _-]?".join(
        re.escape(w) for w in words(row.said).split())
    found = [ln for ln in text.splitlines() if re.search(pat, ln, re.I)]
    return "\n".join(found)


_SCALE = {"ms": 1e-3, "µs": 1e-6, "us": 1e-6, "ns": 1e-9, "s": 1.0, "seconds": 1.0, "mt/m": 42576.0,
          "t/m/s": 42576000.0, "µt": 42.576, "ut": 42.576, "mm": 1e-3, "khz": 1e3}
_NUMBER = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(ms|µs|us|ns|seconds|s|mT/m|T/m/s|µT|uT|mm|kHz)?"
                     r"(?![\w.])", re.I)


def _numbers(text: str) -> list[float]:
    out = []
    for m in _NUMBER.finditer(text):
        x = float(m.group(1))
        out.append(x * _SCALE.get((m.group(2) or "").lower(), 1.0))
        out.append(x)
    return out


def _named(text: str, row: Row) -> Optional[str]:
    """None when the answer names the function in the asked dialect; else why not."""
    from pulsepal.answers.render_api import name_of

    e = get_offline_responder().index.api.get(row.key)
    own = name_of(e, row.lang)
    other = name_of(e, "matlab" if row.lang == "python" else "python")
    if re.search(r"(?<![\w.])" + re.escape(own) + r"(?!\w)", text):
        return None
    if re.search(r"(?<![\w.])" + re.escape(other) + r"(?!\w)", text):
        return "other dialect's name"
    return "function not named"


def _other_param(said: str, row: Row) -> Optional[str]:
    """The parameter the answer's fact line is about, when it is another one than asked ("The default `use` of ..."
    for a question about the delay)."""
    m = re.search(r"The default [`']+(\w+)[`']+ of|^[`']+(\w+)[`']+ of `", said, re.M)
    if m is None:
        return None
    name = (m.group(1) or m.group(2)).lower()
    return None if name in (row.said.lower(), row.param.lower()) else name


def score_page(text: str, confident: bool, row: Row) -> tuple[str, str]:
    """The reference page's line for the parameter: the unit its description states, if it states one."""
    if not confident:
        return "unsure", "not sure"
    line = next((ln for ln in text.splitlines() if re.match(r"- `'?" + re.escape(row.said) + r"'?`", ln, re.I)), None)
    if line is None:
        return "unsure", "parameter not on the page"
    described = line.split(":", 1)[-1]
    if re.search(UNIT_RE[row.unit], described, re.I if row.unit != "T" else 0):
        return "right", ""
    others = [u for u, pat in UNIT_RE.items() if u not in (row.unit, "none") and re.search(pat, described)]
    return ("wrong", f"states {others[0]}") if others else ("unsure", "silent")


def score_unit(text: str, confident: bool, row: Row, bare: bool = False, whole: bool = False) -> tuple[str, str]:
    """`whole`: the question asked for every unit of the function, so only a line naming this parameter counts."""
    if not confident:
        return "unsure", "not sure"
    why = None if bare else _named(text, row)
    if why == "other dialect's name":
        return "wrong", why
    said = head(text)
    lines = _param_lines(said, row) or ("" if whole else said)
    true = UNIT_RE[row.unit]
    if re.search(true, lines if whole else said, re.I if row.unit not in ("T",) else 0):
        return ("right", "") if why is None else ("unsure", why)
    bold = " ".join(re.findall(r"\*\*(.+?)\*\*", lines))
    others = [u for u, pat in UNIT_RE.items() if u != row.unit and re.search(pat, bold)]
    if others:
        return "wrong", f"states {others[0]}"
    return "unsure", "silent"


def score_default(text: str, confident: bool, row: Row, bare: bool = False) -> tuple[str, str]:
    if not confident:
        return "unsure", "not sure"
    why = None if bare else _named(text, row)
    if why == "other dialect's name":
        return "wrong", why
    said = head(text)
    lines = _param_lines(said, row) or said
    other = _other_param(said, row)
    if other:
        return "wrong", f"answers about {other}"
    mark = marker(row)
    if row.default is None:
        ok = re.search(REQUIRED, lines, re.I) is not None
        return ("right" if ok and why is None else "unsure", why or ("" if ok else "silent")) if ok or not re.search(
            r"\bdefault\b.{0,40}\d", lines, re.I) else ("wrong", "states a default for a required parameter")
    if mark is not None:
        if re.search(mark, lines, re.I):
            return ("right", "") if why is None else ("unsure", why)
        literal = re.search(r"\bis `?(0|0\.0|None|\[\])`?(\s*(seconds|s|Hz/m|Hz/m/s|Hz))?\b", lines)
        if literal and literal.group(2):
            return "wrong", f"states the marker {literal.group(0)!r} as the value"
        return "unsure", "marker not explained"
    value = _literal(row.default)
    if isinstance(value, float):
        nums = _numbers(lines)
        if any(math.isclose(n, value, rel_tol=1e-6, abs_tol=1e-12) for n in nums):
            return ("right", "") if why is None else ("unsure", why)
        if re.search(r"\bdefault\b", lines, re.I) and nums:
            return "wrong", f"states another value (true {row.default})"
        return "unsure", "silent"
    if str(value).lower() in lines.lower():
        return ("right", "") if why is None else ("unsure", why)
    return "unsure", "silent"


def cell(responder, row: Row, key: str, form) -> tuple[str, str]:
    q = form(row)
    try:
        ans = responder.answer(AnswerRequest(q, [], row.lang, None))
    except Exception as exc:  # noqa: BLE001 - a crash is a wrong cell, reported
        return "wrong", f"raised {type(exc).__name__}"
    bare = key.startswith("b:") or key == "u:no fn"
    if key == "u:page":
        return score_page(ans.text, ans.confident, row)
    if key.startswith("u:"):
        return score_unit(ans.text, ans.confident, row, bare, whole=key == "u:fn units")
    return score_default(ans.text, ans.confident, row, bare)


def matrix(responder) -> dict[str, dict[str, tuple[str, str]]]:
    result: dict[str, dict[str, tuple[str, str]]] = {}
    for row in rows(responder):
        cells: dict[str, tuple[str, str]] = {}
        for key, form in UNIT_FORMS.items():
            cells[key] = cell(responder, row, key, form) if row.unit else (NA, "")
        for key, form in DEFAULT_FORMS.items():
            usable = row.default is not None or row.unit is not None
            cells[key] = cell(responder, row, key, form) if usable else (NA, "")
        for key, form in BARE_FORMS.items():
            cells[key] = cell(responder, row, key, form) if row.key == "Opts" and row.default else (NA, "")
        result[f"{row.func} {row.said} [{row.lang[:2]}]"] = cells
    return result


def _counts(verdicts) -> str:
    v = [x for x, _ in verdicts if x != NA]
    return f"{v.count('right')}/{v.count('unsure')}/{v.count('wrong')}"


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cells", action="store_true", help="say why each cell that is not right is not")
    ap.add_argument("--rows", action="store_true", help="print every row")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    responder = get_offline_responder()
    m = matrix(responder)
    if args.json:
        print(json.dumps({r: {c: v for c, (v, _) in row.items() if v != NA} for r, row in m.items()}))
        return 0
    every = [c for row in m.values() for c in row.values()]
    print(f"== units, defaults and limits: right/not sure/wrong {_counts(every)} over {len(m)} rows")
    cols = list(next(iter(m.values())).keys())
    print("columns:", ", ".join(f"{c} {_counts([m[r][c] for r in m])}" for c in cols))
    for lang in ("python", "matlab"):
        print(f"  {lang}: {_counts([c for r, row in m.items() if r.endswith(f'[{lang[:2]}]') for c in row.values()])}")
    for name, row in m.items():
        marks = "".join({"right": ".", "unsure": "?", "wrong": "X", NA: " "}[v] for v, _ in row.values())
        if args.rows or "X" in marks or "?" in marks:
            print(f"  {_counts(row.values()):>8} {marks}  {name}")
        if args.cells:
            for c, (v, why) in row.items():
                if v in ("unsure", "wrong"):
                    print(f"        {c}: {v} ({why})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
