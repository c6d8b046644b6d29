"""Which function or how-to note a question is about, on one scale, and whether the best one is clearly ahead.

Every candidate (an API entry, a how-to note, a template) gets one score: the vocabulary's votes (MRI words mapped
to functions, see vocabulary.py) plus a BM25 match normalised to [0, 1] by the best score the question's words
could reach. Normalising is what puts a one-line function summary and a page-long how-to note on the same scale:
raw BM25 grows with the number of matching words, so long notes used to win every question they shared words with.

When a function is on top, its neighbours near it (same kind of event, or a name word in common) are then told
apart by the question words only some of them hold in their facts (family.py): neighbours share most words, so
without it the family's most general member wins questions that describe a more specific one.

The answer is given only when the top candidate is clearly ahead: its score is at least `FLOOR` and at least
`MARGIN` above the runner-up. Both numbers are calibrated on the development questions (see calibration.py and
`data/ranker.json`), not chosen by hand; otherwise the responder says it is not sure and lists the candidates in
rank order, so the right one is usually first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Optional

from . import family
from .glossary import SUMMARIES
from .pulseq_api import ApiEntry
from .search import BM25, Doc, Index, singular, tokenize
from .unitfacts import without_unit_choices
from .vocabulary import votes

CALIBRATION_FILE = Path(__file__).parent / "data" / "ranker.json"
DEFAULT_FLOOR = 0.9
DEFAULT_MARGIN = 0.3
BM25_WEIGHT = 1.0
UNIQUE_PARAM_VOTE = 1.5  # as much as a specific phrase: the parameter is that function's
# Words that say nothing about which function is meant but appear in every question.
_NOISE = frozenset("pulseq pypulseq matlab python octave mr pp seq sequence function code make create using need want "
                   "way there any some example set value values call".split())
# The unit of a value the question gives ("a delay of 5 ms", "40 mT/m") says how big, not what about: as a BM25 term
# it is rare in the function texts, so it raised the ceiling every function is measured against and pushed the one
# the question names below the "clearly ahead" line. A unit asked about ("in ms or s?") has no number and stays.
_VALUE_UNIT = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e-?\d+)?\s*(ms|us|µs|ns|s|mm|cm|m|mt|t|hz|khz|mhz|deg|ut|µt|px|g)"
                         r"(?![a-z])", re.I)


@dataclass
class Candidate:
    id: str  # "api:<key>", "howto:<stem>", "template:<stem>"
    score: float
    vocab: float = 0.0
    bm25: float = 0.0
    entry: Optional[ApiEntry] = None
    doc: Optional[Doc] = None

    @property
    def kind(self) -> str:
        return self.id.split(":", 1)[0]


@dataclass
class Ranking:
    candidates: list[Candidate] = field(default_factory=list)
    floor: float = DEFAULT_FLOOR
    margin: float = DEFAULT_MARGIN

    @property
    def top(self) -> Optional[Candidate]:
        return self.candidates[0] if self.candidates else None

    @property
    def runner_up(self) -> Optional[Candidate]:
        """The best candidate that competes with the top one: a how-to note built around the top function (or the
        function a top note is built around) agrees with it rather than competing."""
        top = self.top
        if top is None:
            return None
        return next((c for c in self.candidates[1:] if not related(top, c)), None)

    @property
    def lead(self) -> float:
        """How far the top candidate is ahead of the runner-up (its whole score when there is none)."""
        top, second = self.top, self.runner_up
        if top is None:
            return 0.0
        return top.score - (second.score if second is not None else 0.0)

    @property
    def confident(self) -> bool:
        top = self.top
        return top is not None and top.score >= self.floor and self.lead >= self.margin


@lru_cache(maxsize=1)
def calibration() -> tuple[float, float]:
    """(floor, margin) from the calibration file, or the defaults when it has not been produced yet."""
    try:
        data = json.loads(CALIBRATION_FILE.read_text(encoding="utf-8"))
        return float(data["floor"]), float(data["margin"])
    except (OSError, ValueError, KeyError, TypeError):
        return DEFAULT_FLOOR, DEFAULT_MARGIN


def _api_text(e: ApiEntry) -> str:
    """Names, our summary, pypulseq's and the MATLAB facts' summaries (each toolbox describes a function in its own
    words, and a function pypulseq leaves undocumented still has the MATLAB sentence), parameter names."""
    words = [e.python_name or "", e.matlab_name or "", SUMMARIES.get(e.key, ""), e.summary,
             e.matlab.summary if e.matlab is not None and e.matlab.summary != e.summary else ""]
    words += [p.name for p in e.params if p.name not in ("system", "args", "kwargs")]
    return " ".join(words)


class Ranker:
    """Built once per index: two BM25 indexes (functions; notes and templates), each normalised separately."""

    override: Optional[tuple[float, float]] = None  # (floor, margin) while calibrating

    def __init__(self, index: Index):
        self.index = index
        self.api_docs = [e for e in index.api.entries if e.python_name != "calculate_kspacePP"]
        self.api_bm25 = BM25([_api_text(e) for e in self.api_docs])
        self.notes = list(index.howto_docs)
        self.note_bm25 = BM25([d.text for d in self.notes]) if self.notes else None
        # a parameter name only one function takes ("FlatArea", "time_point") points at that function
        owners: dict[str, set[str]] = {}
        for e in self.api_docs:
            names = [p.name for p in e.params] + ([o.name for o in e.matlab.options] if e.matlab else [])
            for n in names:
                if len(n) > 4 and re.search(r"[A-Z_]", n):
                    owners.setdefault(n.replace("_", "").lower(), set()).add("api:" + e.key)
        self.unique_params = {k: next(iter(v)) for k, v in owners.items() if len(v) == 1 and k not in index.aliases}
        self.by_id: dict[str, tuple[Optional[ApiEntry], Optional[Doc]]] = {}
        for e in self.api_docs:
            self.by_id["api:" + e.key] = (e, None)
        for d in self.notes:
            self.by_id[d.id] = (None, d)

    @staticmethod
    def _normalised(bm: BM25, query_tokens: list[str], scores: dict[int, float]) -> dict[int, float]:
        """Divide by the score a document containing every query word (once, at average length) would get."""
        ceiling = sum(bm.idf.get(t, 0.0) for t in {singular(t) for t in query_tokens}) * (bm.k1 + 1)
        if ceiling <= 0:
            return {}
        return {i: s / ceiling for i, s in scores.items()}

    def rank(self, text: str, k: int = 8, exclude: tuple[str, ...] = (), lang: Optional[str] = None) -> Ranking:
        """`lang` damps functions the requested toolbox lacks: they can still be the answer ("only in MATLAB"),
        but should not outvote one the user can call."""
        floor, margin = self.override or calibration()
        text = without_unit_choices(text)  # "tesla or gauss?" is about a unit, not the Gaussian pulse
        units_of_values = {m.group(1).lower() for m in _VALUE_UNIT.finditer(text)}
        tokens = [t for t in tokenize(text) if t not in _NOISE and t not in units_of_values]
        query = " ".join(tokens)
        scores: dict[str, Candidate] = {}

        def add(cid: str, vocab: float = 0.0, bm: float = 0.0) -> None:
            if cid in exclude or cid not in self.by_id:
                return
            c = scores.get(cid)
            if c is None:
                entry, doc = self.by_id[cid]
                c = scores[cid] = Candidate(cid, 0.0, entry=entry, doc=doc)
            c.vocab = max(c.vocab, vocab)
            c.bm25 = max(c.bm25, bm)
            c.score = c.vocab + BM25_WEIGHT * c.bm25

        asked, purpose = purpose_split(text)
        voted = votes(asked)
        for cid, w in (votes(purpose).items() if purpose else ()):
            voted[cid] = max(voted.get(cid, 0.0), PURPOSE_WEIGHT * w)
        for cid, w in voted.items():
            add(cid, vocab=w)
        for word in compound_words(text):
            owner = self.unique_params.get(word.replace("_", "").lower())
            if owner is not None:
                add(owner, vocab=UNIQUE_PARAM_VOTE)
        if tokens:
            for i, s in self._normalised(self.api_bm25, tokens, self.api_bm25.scores(query)).items():
                add("api:" + self.api_docs[i].key, bm=s)
            if self.note_bm25 is not None:
                for i, s in self._normalised(self.note_bm25, tokens, self.note_bm25.scores(query)).items():
                    add(self.notes[i].id, bm=s)
        if lang is not None:
            matlab = lang in ("matlab", "octave")
            for c in scores.values():
                if c.entry is not None and (c.entry.matlab_name if matlab else c.entry.python_name) is None:
                    c.score *= 0.75
        ranked = sorted(scores.values(), key=lambda c: (-c.score, c.id))
        if ranked and ranked[0].entry is not None and ranked[0].score > 0:  # neighbours of the function on top
            near = [c for c in ranked if c.entry is not None and c.score >= family.WINDOW * ranked[0].score]
            extra = family.bonuses(text, [c.entry for c in near[:family.MAX_FAMILY] if c.entry is not None])
            for c in near[:family.MAX_FAMILY]:
                c.score += extra.get(c.entry.key, 0.0) if c.entry is not None else 0.0
            ranked.sort(key=lambda c: (-c.score, c.id))
        return Ranking(ranked[:k], floor, margin)


# "how do I get the waveforms out of my sequence, I want to run my own Bloch simulation on them": what the user
# will do with the answer names a topic too, but the question is the clause before it
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_COMPOUND = re.compile(r"_[A-Za-z0-9]|[a-z][A-Z]")


def compound_words(text: str) -> list[str]:
    """The snake_case and camelCase words (parameter names the user typed). One pass over the identifiers: a
    single pattern with the compound part after a greedy run backtracked through every word from every letter,
    quadratic in a long word (19,000 letters took 12 s)."""
    return [w for w in _IDENT.findall(text) if _COMPOUND.search(w)]


_PURPOSE = re.compile(r"[,;:.]\s*(?:(?:and|because|since|as)\s+)?(?:i want to|i'd like to|i would like to|i need "
                      r"to|i plan to|i'm going to|so (?:that )?(?:i|we) can|so i could|in order to)\b", re.I)
_ASKING = re.compile(r"\b(how|what|which|where|is there|can i|could i)\b", re.I)
PURPOSE_WEIGHT = 0.5


def purpose_split(text: str) -> tuple[str, str]:
    """(the question, the purpose clause after it) when a question is followed by what it is for."""
    m = _PURPOSE.search(text)
    if m is None or not _ASKING.search(text[:m.start()]):
        return text, ""
    return text[:m.start()], text[m.start():]


def related(a: Candidate, b: Candidate) -> bool:
    """A note and one of the functions it teaches, or the function and method of one name (`mr.calcRfPower` for a
    pulse, `seq.calcRfPower` for the sequence; `check_timing` and `seq.check_timing`): answering either is answering
    the question."""
    if a.entry is not None and b.entry is not None and _stem(a.entry) == _stem(b.entry):
        return True
    for note, api in ((a, b), (b, a)):
        if note.doc is not None and note.kind == "howto" and api.entry is not None:
            if api.entry.key in note_functions(note.doc) or api.entry.python_name in note_functions(note.doc):
                return True
    return False


def _stem(e: ApiEntry) -> str:
    name = (e.python_name or (e.matlab_name or "").split(".", 1)[-1]).replace("_", "").lower()
    return re.sub(r"pp$", "", name)


def note_functions(doc: Doc) -> list[str]:
    """The function keys a how-to note lists in its `functions:` line."""
    raw = doc.meta.get("functions", "")
    return [f.strip() for f in re.split(r"[,\s]+", raw) if f.strip()]
