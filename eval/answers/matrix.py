"""Follow-ups and sequence requests checked as a matrix built from the product's own inventory (issue 10, round 9).

Rows are subjects taken from what the responder knows (its functions in both dialects, its how-to notes, its
templates, a calculation, a code check; for sequences every `sequences.KINDS` entry and names users say that no
kind holds yet); columns are the ways users continue or ask. No eval question is used: a failing column or row
points at a mechanism (how the subject is kept, how a form is recognised, which route wins), not at one item.

A follow-up's history is built as score.py builds it: the responder answers the first turn, and its text and
metadata (topic, confident) are the history. Each cell is scored from what it must hold:
the subject's name in the asked dialect, the new value used, a switch answered on its own terms.

    python eval/answers/matrix.py [--part followups|sequences|all] [--cells] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pulsepal.answers import AnswerRequest, get_offline_responder  # noqa: E402
from pulsepal.answers.render_api import name_of  # noqa: E402
from pulsepal.answers.sequences import KINDS, TEMPLATES  # noqa: E402

OTHER = {"python": "matlab", "matlab": "python"}
LABEL = {"python": "Python", "matlab": "MATLAB"}


@dataclass
class Row:
    name: str
    lang: str
    first: str  # the first turn
    marks: dict[str, list[str]] = field(default_factory=dict)  # dialect -> regexes, one of which names the subject
    kind: str = "function"
    takes: frozenset = frozenset()  # the values a change of value can set here: deg, samples, mm, te


def _name_re(name: str) -> str:
    return r"(?<![\w.])" + re.escape(name) + r"(?!\w)"


def fences(text: str) -> list[str]:
    return [f.lower() for f in re.findall(r"^```(\w+)", text, re.M)]


def _takes(e) -> frozenset:
    names = {p.name for p in e.params}
    out = set()
    if names & {"flip_angle", "angle"}:
        out.add("deg")
    if "num_samples" in names:
        out.add("samples")
    if "slice_thickness" in names:
        out.add("mm")
    return frozenset(out)


DESCRIBED = [("How do I make a trapezoidal gradient?", "make_trapezoid"),
             ("How do I create a slice-selective sinc pulse?", "make_sinc_pulse"),
             ("How do I create an ADC readout event?", "make_adc"),
             ("How do I add a delay between blocks?", "make_delay"),
             ("How do I make a hard rectangular RF pulse?", "make_block_pulse"),
             ("How do I make a Gaussian RF pulse?", "make_gauss_pulse"),
             ("How do I get the duration of a block?", "calc_duration"),
             ("How do I make a gradient from arbitrary corner points?", "make_extended_trapezoid"),
             ("How do I add a label for the line counter?", "make_label"),
             ("How do I wait for an ECG trigger?", "make_trigger"),
             ("How do I play an arbitrary gradient waveform?", "make_arbitrary_grad"),
             ("How do I rotate a gradient for a radial spoke?", "rotate"),
             ("How do I align events in a block to the right?", "align"),
             ("How do I find the centre of an RF pulse?", "calc_rf_center"),
             ("How do I scale a gradient by a factor?", "scale_grad"),
             ("How do I add two gradients together?", "add_gradients"),
             ("How do I split a gradient at a time point?", "split_gradient_at"),
             ("How do I send an output trigger pulse?", "make_digital_output_pulse"),
             ("How do I make an adiabatic inversion pulse?", "make_adiabatic_pulse"),
             ("How do I add a block to the sequence?", "seq.add_block"),
             ("How do I check the timing of my sequence?", "seq.check_timing"),
             ("How do I plot the sequence?", "seq.plot"),
             ("How do I store the FOV in the file header?", "seq.set_definition")]


def described_rows(r) -> list[Row]:
    """First turns that describe the function without naming it: the subject then comes from the ranker."""
    rows = []
    for i, (q, key) in enumerate(DESCRIBED):
        e = r.index.api.get(key)
        lang = ("python", "matlab")[i % 2]
        marks = {d: [_name_re(name_of(e, d))] for d in ("python", "matlab")}
        rows.append(Row(f"described {name_of(e, lang)}", lang, q, marks, "function", _takes(e)))
    return rows


def function_rows(r) -> list[Row]:
    keys = ["make_trapezoid", "make_sinc_pulse", "make_adc", "make_delay", "make_block_pulse", "make_gauss_pulse",
            "calc_duration", "make_extended_trapezoid", "make_label", "make_trigger", "make_arbitrary_grad",
            "rotate", "align", "calc_rf_center", "scale_grad", "add_gradients", "split_gradient_at",
            "make_digital_output_pulse", "make_adiabatic_pulse", "seq.add_block", "seq.write", "seq.check_timing",
            "seq.plot", "seq.calculate_kspace", "seq.set_definition"]
    rows = []
    for key in keys:
        e = r.index.api.get(key)
        marks = {lang: [_name_re(name_of(e, lang))] for lang in ("python", "matlab")}
        for lang in ("python", "matlab"):
            rows.append(Row(f"{name_of(e, lang)}", lang, f"What does {name_of(e, lang)} do?", marks, "function",
                            _takes(e)))
    return rows


HOWTOS = [  # (first turn, note title words, main functions: python, matlab, values it takes)
    ("How do I add fat saturation before the excitation?", "Fat saturation", "pp.make_gauss_pulse",
     "mr.makeGaussPulse", {"deg"}),
    ("How do I plot the k-space trajectory?", "k-space trajectory", "seq.calculate_kspace", "seq.calculateKspacePP",
     set()),
    ("How do I spoil the leftover transverse magnetisation?", "Spoiling", "pp.make_trapezoid", "mr.makeTrapezoid",
     set()),
    ("How do I set TE and TR with delays?", "Setting TE and TR", "pp.make_delay", "mr.makeDelay", {"te"}),
    ("How do I do slice selection?", "Slice selection", "pp.make_sinc_pulse", "mr.makeSincPulse", {"deg", "mm"}),
    ("How do I set the scanner limits?", "Scanner limits", "pp.Opts", "mr.opts", set()),
]


def howto_rows() -> list[Row]:
    rows = []
    for q, title, py, ml, takes in HOWTOS:
        marks = {"python": [re.escape(title), _name_re(py)], "matlab": [re.escape(title), _name_re(ml)]}
        for lang in ("python", "matlab"):
            rows.append(Row(f"howto: {title}", lang, q, marks, "howto", frozenset(takes)))
    return rows


TEMPLATE_ASKS = [("tse_2d", "Give me a TSE template", r"TSE|turbo spin"), ("gre_2d", "Give me a GRE template",
                 r"GRE|gradient echo"), ("epi_2d", "Give me an EPI template", r"EPI|echo[- ]planar"),
                 ("bssfp_2d", "Give me a bSSFP template", r"bSSFP|balanced"),
                 ("se_2d", "Give me a spin echo template", r"spin echo|\bSE\b"),
                 ("dwi_se_epi", "Give me a diffusion template", r"diffusion|DWI")]


def template_rows() -> list[Row]:
    rows = []
    for stem, q, mark in TEMPLATE_ASKS:
        marks = {"python": [mark], "matlab": [mark]}
        for lang in ("python", "matlab"):
            rows.append(Row(f"template: {stem}", lang, q, marks, "template",
                            frozenset({"deg", "samples", "mm", "te"})))
    return rows


def other_rows() -> list[Row]:
    adc = {"python": [_name_re("pp.make_adc"), r"readout duration|dwell"],
           "matlab": [_name_re("mr.makeAdc"), r"readout duration|dwell"]}
    chk = {"python": [_name_re("seq.add_block")], "matlab": [_name_re("seq.addBlock")]}
    return [Row("calc: ADC duration", "python", "What is the readout duration of an ADC with 128 samples and a 10 us "
                "dwell?", adc, "calc", frozenset({"samples"})),
            Row("calc: ADC duration", "matlab", "What is the readout duration of an ADC with 128 samples and a 10 us "
                "dwell?", adc, "calc", frozenset({"samples"})),
            Row("check: addblock", "matlab", "Check my code:\n```matlab\nseq=mr.Sequence();\nseq.addblock(rf, gz);\n"
                "```", chk, "check"),
            Row("check: addBlock", "python", "Check my code:\n```python\nseq = pp.Sequence()\nseq.addBlock(rf, gz)\n"
                "```", chk, "check")]


# --- follow-up forms ----------------------------------------------------------------------------------------------


@dataclass
class Form:
    key: str
    text: Callable[[Row], str]
    lang: Callable[[Row], str]  # the dialect the answer must be in
    value: Optional[str] = None  # a regex the answer must hold (the new value used) where the subject takes it
    takes: str = ""  # which value (Row.takes); where the subject takes none, the subject must still be kept
    holds: Optional[str] = None  # a regex the answer must hold whatever the subject (what the form asks about)
    switch: Optional[Callable[[Row], tuple[str, str]]] = None  # (question, regex its answer must hold)
    code: bool = False  # a code block in the asked dialect
    part: bool = False  # names a part of a sequence: the answer is about that part, the old subject need not stay
    fresh: bool = False  # an answer of its own (round 10): not the first answer's page shown again


def _same(row: Row) -> str:
    return row.lang


def _other(row: Row) -> str:
    return OTHER[row.lang]


def _switch_fn(row: Row) -> tuple[str, str]:
    if "add_block" in row.name or "addBlock" in row.name or "write" in row.name.lower():
        return ("How do I create an ADC event with 256 samples and a 10 us dwell?",
                _name_re("pp.make_adc" if row.lang == "python" else "mr.makeAdc"))
    return ("How do I write the finished sequence to a .seq file?", _name_re("seq.write"))


def _switch_template(row: Row) -> tuple[str, str]:
    if "bssfp" in row.name:
        return ("Give me an EPI template", r"^### Template: 2D single-shot gradient-echo EPI")
    return ("Give me a bSSFP template", r"^### Template: 2D balanced SSFP")


FORMS = [
    Form("its params", lambda r: "what are its parameters?", _same),
    Form("returns", lambda r: "what does it return", _same, holds=r"\breturn|\boutput"),
    Form("default", lambda r: "default for that?", _same, holds=r"\bdefault"),
    Form("units", lambda r: "what units does it use?", _same, holds=r"\b(Hz|s|seconds?|T/m|mT/m|rad\w*|units?)\b"),
    Form("use it", lambda r: "how do I use it?", _same),
    Form("in other", lambda r: f"and in {LABEL[OTHER[r.lang]]}?", _other),
    Form("other one", lambda r: f"and the {LABEL[OTHER[r.lang]]} one?", _other),
    Form("same readout", lambda r: "same for the readout", _same, holds=r"readout|\badc\b|read-out",
         part=True),
    Form("slice grad", lambda r: "what about the slice gradient?", _same, holds=r"slice", part=True),
    Form("with 3 mm", lambda r: "and with 3 mm?", _same, r"\b3\s*mm\b|3e-3|0\.003\b", "mm"),
    Form("45 deg", lambda r: "make it 45 degrees", _same, r"\b45\b|pi\s*/\s*4", "deg"),
    Form("256 samp", lambda r: "now with 256 samples", _same, r"\b256\b", "samples"),
    Form("TE 7 ms", lambda r: "what if TE is 7 ms", _same, r"\b7\s*ms\b|7e-3|0\.007\b", "te"),
    Form("example", lambda r: "show an example", _same, code=True),
    Form("full code", lambda r: "full code please", _same, code=True),
    Form("why", lambda r: "why?", _same, fresh=True),
    Form("correct?", lambda r: "is that correct?", _same, fresh=True),
    Form("sure?", lambda r: "are you sure?", _same, fresh=True),
    Form("explain", lambda r: "can you explain that?", _same),
    Form("more", lambda r: "tell me more", _same, fresh=True),
    Form("switch fn", lambda r: "", _same, switch=_switch_fn),
    Form("switch tpl", lambda r: "", _same, switch=_switch_template),
]


def first_turn(responder, row: Row) -> list[dict]:
    ans = responder.answer(AnswerRequest(row.first, [], row.lang, None))
    return [{"role": "user", "content": row.first, "metadata": {}},
            {"role": "assistant", "content": ans.text, "metadata": {"topic": ans.topic, "confident": ans.confident}}]


def score_followup(responder, row: Row, form: Form, history: list[dict]) -> tuple[bool, str]:
    """(right, why not) for one cell."""
    if form.switch is not None:
        q, must = form.switch(row)
    else:
        q, must = form.text(row), ""
    ans = responder.answer(AnswerRequest(q, history, row.lang, None))
    text, want = ans.text, form.lang(row)
    if not ans.confident:
        return False, f"unsure ({ans.route})"
    fs = [f for f in fences(text) if f in ("python", "matlab")]
    if fs and want not in fs:
        return False, f"fences {fs} ({ans.route})"
    if form.switch is not None:
        return (bool(re.search(must, text, re.M)), f"switch missed ({ans.route} {ans.subject})")
    if not form.part and not any(re.search(m, text, re.M) for m in row.marks[want]):
        return False, f"subject lost ({ans.route} {ans.subject})"
    if form.fresh and text.split("\n", 1)[0] == (history[-1]["content"] or "").split("\n", 1)[0]:
        return False, f"the first answer's page again ({ans.route} {ans.subject})"
    if form.holds and not re.search(form.holds, text, re.I):
        return False, f"does not answer the form ({ans.route} {ans.subject})"
    if form.value and form.takes in row.takes and not re.search(form.value, text):
        return False, f"value not used ({ans.route} {ans.subject})"
    if form.code and want not in fs:
        return False, f"no {want} code ({ans.route})"
    if form.code and row.kind == "function":
        # a call with real arguments, not the signature line ("=None", "system*", "'Name', value", "*args")
        calls = [ln for ln in text.splitlines() for m in row.marks[want] if re.search(m + r"\((?!\s*\))", ln)
                 and not re.search(r"=None|=0\.0\b|\w\*|'Name', value|\*args|\.\.\.", ln)]
        if not calls:
            return False, f"no call with values ({ans.route})"
    return True, ""


def followup_matrix(responder, cells: bool) -> dict:
    rows = function_rows(responder) + described_rows(responder) + howto_rows() + template_rows() + other_rows()
    result: dict[str, dict[str, tuple[bool, str]]] = {}
    for row in rows:
        history = first_turn(responder, row)
        result[f"{row.name} [{row.lang[:2]}]"] = {f.key: score_followup(responder, row, f, history) for f in FORMS}
    return result


# --- sequence requests --------------------------------------------------------------------------------------------

# names users say that no KINDS entry held when round 9 started (MRI knowledge, not eval questions)
EXTRA_SEQUENCES = ["FLAIR", "T2-FLAIR", "SPAIR fat-sat GRE", "CHESS fat saturation", "water excitation GRE",
                   "saturation band", "navigator-gated GRE", "MOLLI", "ShMOLLI", "SASHA", "qDESS", "GRE-EPI",
                   "SE-EPI", "multi-shot EPI", "segmented EPI", "readout-segmented EPI", "PROPELLER", "spiral-in/out",
                   "rosette", "wave-CAIPI", "CAIPIRINHA", "compressed-sensing GRE", "PC-bSSFP", "MT-prepared GRE",
                   "T2-prepared bSSFP", "inversion-prepared EPI", "SWI", "DANTE", "velocity-selective ASL", "STIR",
                   "DIR", "MPRAGE", "HASTE", "GRASE", "MP2RAGE", "TrueFISP", "FLASH", "RARE", "pCASL", "UTE",
                   "ZTE", "TOF", "Dixon", "CEST", "MRF", "QSM", "B0 map", "DESS", "SPACE", "VIBE", "bSSFP cine",
                   "double echo GRE", "IR-FLASH", "saturation recovery", "4D flow", "PSIF", "EPSI", "PRESS"]
REQUESTS = ["give me a {X} template", "I need {X} in {lib}", "how do I program a {X} sequence",
            "{X} example in {other} please", "can pulseq do {X}?", "modify the GRE into {X}",
            "can I do {X} with pulseq?", "could pulseq make a {X} trajectory?"]  # round 10: the "can ...?" forms


def sequence_rows() -> list[tuple[str, str]]:
    """(label, name as a user says it): each KINDS entry by its label's first name, then the extra names."""
    rows = []
    for kind in KINDS:
        said = re.split(r"[(/,]", kind.label)[0].strip()
        rows.append((kind.key, said))
    rows += [("extra", x) for x in EXTRA_SEQUENCES]
    return rows


def score_sequence(responder, said: str, form: str, lang: str) -> tuple[bool, str]:
    from pulsepal.answers.sequences import requested

    other = "matlab" if lang == "python" else "python"
    asked_lang = other if "{other}" in form else lang
    q = form.format(X=said, lib="pypulseq" if lang == "python" else "MATLAB", other=LABEL[other])
    kind = requested(q.replace("modify the GRE into ", ""))
    ans = responder.answer(AnswerRequest(q, [], lang, None))
    text = ans.text
    m = re.search(r"^### Template: (.+?) \((MATLAB|Octave|Python)", text, re.M)
    gave = next((s for s, meta in TEMPLATES.items() if m and meta["title"] == m.group(1)), None)
    says_none = bool(re.search(r"\b(don't|do not) have a (checked )?template|\bno (checked )?template\b", text, re.I))
    honest_variant = bool(re.search(r"does not implement|won't pass the plain one off", text, re.I))
    fs = fences(text)
    if kind is not None and kind.template and gave == kind.template and not says_none:
        from pulsepal.answers.sequences import missing_variant

        if missing_variant(q, kind):
            return False, f"variant {missing_variant(q, kind)!r} handed the plain template"
        return (asked_lang in fs, f"template not in {asked_lang}" if asked_lang not in fs else "")
    if says_none or honest_variant:
        if kind is not None and kind.template and gave != kind.template and not honest_variant:
            return False, f"we have {kind.template} but it says none ({ans.route})"
        if gave is not None and asked_lang not in fs:
            return False, f"closest template not in {asked_lang}"
        if not re.search(r"closest|start from|starting point|nearest", text, re.I):
            return False, f"no closest named ({ans.route})"
        if kind is not None and kind.how and kind.how.split("`")[0][:30] not in text and not honest_variant:
            return False, f"no one-line how ({ans.route})"
        return True, ""
    if gave is not None:
        return False, f"silently handed {gave} ({ans.route}; kind {kind.key if kind else None})"
    return False, f"neither template nor 'none' ({ans.route} {ans.subject})"


def sequence_matrix(responder) -> dict:
    result: dict[str, dict[str, tuple[bool, str]]] = {}
    for i, (label, said) in enumerate(sequence_rows()):
        lang = "python" if i % 2 == 0 else "matlab"
        result[f"{said} ({label}) [{lang[:2]}]"] = {f.split()[0] + " " + f.split()[-1]: score_sequence(
            responder, said, f, lang) for f in REQUESTS}
    return result


# --- printing -----------------------------------------------------------------------------------------------------


def print_matrix(title: str, matrix: dict, cells: bool) -> None:
    cols = list(next(iter(matrix.values())).keys())
    total = sum(ok for row in matrix.values() for ok, _ in row.values())
    n = sum(len(row) for row in matrix.values())
    print(f"\n== {title}: {total}/{n} cells right")
    print("columns:", ", ".join(f"{c} {sum(matrix[r][c][0] for r in matrix)}/{len(matrix)}" for c in cols))
    print("rows:")
    for name, row in matrix.items():
        marks = "".join("." if ok else "X" for ok, _ in row.values())
        print(f"  {sum(ok for ok, _ in row.values()):2}/{len(row)} {marks}  {name}")
        if cells:
            for c, (ok, why) in row.items():
                if not ok:
                    print(f"        {c}: {why}")


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--part", choices=("followups", "sequences", "all"), default="all")
    ap.add_argument("--cells", action="store_true", help="say why each failing cell failed")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    responder = get_offline_responder()
    out = {}
    if args.part in ("followups", "all"):
        out["followups"] = followup_matrix(responder, args.cells)
    if args.part in ("sequences", "all"):
        out["sequences"] = sequence_matrix(responder)
    if args.json:
        print(json.dumps({k: {r: {c: ok for c, (ok, _) in row.items()} for r, row in m.items()}
                          for k, m in out.items()}))
        return 0
    for k, m in out.items():
        print_matrix(k, m, args.cells)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
