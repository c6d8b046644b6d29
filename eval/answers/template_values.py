"""Every template x the values users give in a follow-up (issue 10, round 10): is each value used, or said plainly
to be one the template cannot take?

The first turn asks for the template; the second gives one value the way users write it after an answer ("TE 7 ms",
"make it 30 degrees"). A cell is right when the answer stays on that template, in the asked dialect, and either
fills the value into its parameters block (or the parameter it implies: a bSSFP's TE is half its TR) or says in a
sentence that this template has no such parameter and why. A value that is neither used nor named is the defect
this matrix counts: the user's value silently dropped.

    python eval/answers/template_values.py [--cells]
"""

from __future__ import annotations

import argparse
import re
import sys
import warnings
from pathlib import Path
from typing import Optional

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pulsepal.answers import AnswerRequest, get_offline_responder  # noqa: E402
from pulsepal.answers.sequences import TEMPLATES  # noqa: E402

# (column, follow-up, regexes of a code line that uses the value: Python, MATLAB)
VALUES = [
    ("TE", "TE 7 ms", r"^\s*te\s*=\s*7e-3\b|^\s*tr\s*=\s*14e-3\b", r"^\s*TE\s*=\s*7e-3\b|^\s*TR\s*=\s*14e-3\b"),
    ("TR", "what if TR is 40 ms", r"^\s*tr\s*=\s*40e-3\b", r"^\s*TR\s*=\s*40e-3\b"),
    ("flip", "make it 30 degrees", r"^\s*flip_deg\s*=\s*30\b", r"^\s*flipDeg\s*=\s*30\b"),
    ("flip 20", "with a 20 degree flip", r"^\s*flip_deg\s*=\s*20\b", r"^\s*flipDeg\s*=\s*20\b"),
    ("FOV", "FOV 200 mm", r"^\s*fov\s*=\s*200e-3\b", r"^\s*fov\s*=\s*200e-3\b"),
    ("matrix", "and a 96x96 matrix", r"^\s*n_x\s*=\s*96\b", r"^\s*Nx\s*=\s*96\b"),
    ("thickness", "with 3 mm slices", r"^\s*(slice|slab)_thickness\s*=\s*3e-3\b",
     r"^\s*(slice|slab)Thickness\s*=\s*3e-3\b"),
]
# an answer that says the template cannot take the value: a sentence naming what it has no parameter for
# (a bare list of internal names, "Not used by this template: te.", says nothing a user can act on, and does not count)
SAYS_NOT = re.compile(r"\b(has no|no parameter|cannot take|can't take|is fixed|are fixed|not a parameter|"
                      r"does not take|doesn't take|cannot work)\b", re.I)


# the words a sentence must use to be about the value (a plain name, not the template's variable)
NAMES = {"TE": r"\bTE\b|echo time", "TR": r"\bTR\b|repetition time", "flip": r"\bflip",
         "flip 20": r"\bflip", "FOV": r"\bFOV\b|field of view",
         "matrix": r"\bmatrix\b", "thickness": r"\bslices?\b|\bthickness\b"}


def cell(responder, stem: str, lang: str, column: str, follow: str, uses: str) -> tuple[bool, str]:
    first = f"Give me the {TEMPLATES[stem]['title']} template"
    a = responder.answer(AnswerRequest(first, [], lang, None))
    history = [{"role": "user", "content": first, "metadata": {}},
               {"role": "assistant", "content": a.text, "metadata": {"topic": a.topic, "confident": a.confident}}]
    b = responder.answer(AnswerRequest(follow, history, lang, None))
    fence = "matlab" if lang == "matlab" else "python"
    if not b.confident:
        return False, f"unsure ({b.route})"
    if f"### Template: {TEMPLATES[stem]['title']}" not in b.text:
        return False, f"template lost ({b.route} {b.subject})"
    if f"```{fence}" not in b.text:
        return False, f"no {fence} code"
    if re.search(uses, b.text, re.M):
        return True, ""
    said = NAMES[column]
    if any(SAYS_NOT.search(ln) and re.search(said, ln, re.I) for ln in b.text.split("```", 1)[0].splitlines()):
        return True, ""  # a line before the code says this template cannot take it (and names it)
    return False, f"value dropped ({b.route})"


def matrix(responder) -> dict[str, dict[str, tuple[bool, str]]]:
    out: dict[str, dict[str, tuple[bool, str]]] = {}
    for stem in TEMPLATES:
        for lang in ("python", "matlab"):
            out[f"{stem} [{lang[:2]}]"] = {col: cell(responder, stem, lang, col, follow, py if lang == "python" else ml)
                                           for col, follow, py, ml in VALUES}
    return out


def main(argv: Optional[list[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cells", action="store_true", help="say why each failing cell failed")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore")  # pypulseq's notes on raised RF delays, printed once per build
    m = matrix(get_offline_responder())
    total = sum(ok for row in m.values() for ok, _ in row.values())
    print(f"== template values: {total}/{sum(len(r) for r in m.values())} cells right")
    print("columns:", ", ".join(f"{c} {sum(m[r][c][0] for r in m)}/{len(m)}" for c, *_ in VALUES))
    for name, row in m.items():
        marks = "".join("." if ok else "X" for ok, _ in row.values())
        print(f"  {sum(ok for ok, _ in row.values())}/{len(row)} {marks}  {name}")
        if args.cells:
            for c, (ok, why) in row.items():
                if not ok:
                    print(f"        {c}: {why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
