"""Telling neighbouring functions apart: `make_trapezoid` from `make_extended_trapezoid_area`, `make_sinc_pulse`
from `make_block_pulse`, `calc_duration` from `calc_rf_center`.

The ranker's vocabulary and BM25 reward words a question shares with a function; neighbours share most of them
("gradient", "area", "amplitude" are in every trapezoid's facts), so the family's most general member, with the
richest vocabulary, tends to win a question that describes a more specific one. What tells them apart is a word
only some of them hold in the facts we ship (their docstrings, parameter names and descriptions, outputs, the
MATLAB facts' summary, options and outputs, our one-line summary): "shortest", "start", "end" are in
`make_extended_trapezoid_area`'s facts and not in `make_trapezoid`'s. So the candidates that compete at the top
form the family, and each question word counts by its inverse document frequency within that family: a word all
of them hold counts nothing, a word only one holds counts most. Nothing here names a function or a phrasing.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

from .glossary import SUMMARIES

if TYPE_CHECKING:
    from .pulseq_api import ApiEntry

WINDOW = 0.6  # a candidate competes when its score is within this share of the top one's
MAX_FAMILY = 5
WEIGHT = 0.5  # per unit of log(n/df) x rarity: a rare word only one of two neighbours holds adds about 0.25
CAP = 0.6  # at most this much from discriminating words, so they re-order neighbours rather than outvote evidence
# words that say which kind of thing, not which one; and the words every question carries
_GENERIC = frozenset("the and for with from that this into given give gives which what when where how does make makes "
                     "made create creates using use used need want get can will would should could one two each "
                     "also only any all not are was were has have its it is be in on of to or by at as an a my "
                     "i do event events object value values function functions call pulseq pypulseq matlab python "
                     "seq mr pp system limit limits opts sequence".split())


def _stem(word: str) -> str:
    """Crude and enough: "amplitudes"/"amplitude", "starts"/"starting"/"started" meet."""
    w = word.lower()
    for suffix in ("ing", "ed"):
        if len(w) > len(suffix) + 3 and w.endswith(suffix):
            w = w[: -len(suffix)]
            break
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("s") and not w.endswith("ss") and len(w) > 3:
        w = w[:-1]
    return w[:-1] if w.endswith("e") and len(w) > 3 else w


def words(text: str) -> set[str]:
    """Stemmed words, with snake_case and camelCase split into their parts too."""
    out: set[str] = set()
    for raw in re.findall(r"[A-Za-z][A-Za-z0-9_]*", text):
        parts = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", raw.replace("_", " "))
        for w in [raw.replace("_", ""), *parts]:
            if len(w) > 2 and w.lower() not in _GENERIC:
                out.add(_stem(w))
    return out


def _fact_text(e: "ApiEntry") -> str:
    # the docstring's description, not its parameter list (those are read from the parameters themselves)
    intro = re.split(r"\n\s*(Parameters|See Also|Returns|Raises|Examples?|Notes)\s*\n\s*-{3,}", e.doc)[0]
    parts: list[str] = [e.python_name or "", e.matlab_name or "", SUMMARIES.get(e.key, ""), e.summary, intro]
    parts += [f"{p.name} {p.description}" for p in e.params]
    parts += [f"{r[0]} {r[2]}" for r in e.returns]
    if e.matlab is not None:
        parts += [e.matlab.summary, e.matlab.inputs, *e.matlab.outputs]
        parts += [a.name for a in (*e.matlab.args, *e.matlab.options)]
    return " ".join(parts)


@lru_cache(maxsize=1024)
def _facts_of(key: str, text: str) -> frozenset[str]:
    return frozenset(words(text))


def facts(e: "ApiEntry") -> frozenset[str]:
    return _facts_of(e.key, _fact_text(e))


@lru_cache(maxsize=1)
def _rarity() -> tuple[dict[str, float], float]:
    """How rare each word is over every function's facts (0..1): "time" or "trapezoid", in most docstrings'
    parameter lists, tells neighbours apart less than "register" or "shortest"."""
    from .pulseq_api import get_api

    held = [facts(e) for e in get_api().entries]
    df: dict[str, int] = {}
    for f in held:
        for w in f:
            df[w] = df.get(w, 0) + 1
    top = math.log(len(held) + 1)
    return {w: math.log((len(held) + 1) / n) / top for w, n in df.items()}, top


_VERBS = frozenset("make get set add seq mr to from".split())


def _name_words(e: "ApiEntry") -> set[str]:
    name = e.python_name or (e.matlab_name or "").split(".", 1)[-1]
    return {w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+", name.replace("_", " "))} - _VERBS


def _output(e: "ApiEntry") -> str:
    if e.returns:
        return e.returns[0][0].lower()
    return e.matlab.outputs[0].lower() if e.matlab is not None and e.matlab.outputs else ""


def neighbours(a: "ApiEntry", b: "ApiEntry") -> bool:
    """Members of one family: the same kind of thing made (their first output: `rf`, `grad`) or a word of their
    names in common (`make_sinc_pulse`, `make_block_pulse`; `calc_duration`, `calc_rf_center`)."""
    out = _output(a)
    return bool(out and out == _output(b)) or bool(_name_words(a) & _name_words(b))


def bonuses(question: str, family: Iterable["ApiEntry"]) -> dict[str, float]:
    """`family`: the top function first, then the others that compete with it (only its neighbours count).
    Each member's score for the question words that tell it from the others (by key): the word's inverse document
    frequency within the family, times how rare it is over all functions."""
    members = list(family)
    members = members[:1] + [e for e in members[1:] if neighbours(members[0], e)] if members else []
    if len(members) < 2:
        return {}
    held = {e.key: facts(e) for e in members}
    rarity = _rarity()[0]
    n = len(members)
    out = {e.key: 0.0 for e in members}
    for w in words(question):
        having = [k for k, f in held.items() if w in f]
        if 0 < len(having) < n:
            for k in having:
                out[k] += WEIGHT * math.log(n / len(having)) * rarity.get(w, 1.0)
    return {k: min(CAP, v) for k, v in out.items() if v > 0}
