"""When a sure-of-itself answer path should say "not sure" instead: a rule fitted on questions nobody tuned for.

Six tuning rounds showed that rules written from failing questions fix those questions and their paraphrases, and
that about a fifth of questions from a fresh source are then answered confidently and wrongly. Each answer path
(a template, "no template for that", a function's page, a follow-up, a code check ...) decides confidence by its
own logic and none knows how often it is right on questions it has never seen. This module does: the paths are
grouped into families (`FAMILY`), and for each family the fitted rule (`data/abstain.json`, written by
`abstain_fit.py` from first-time scores of a calibration set) says whether its answers stand, are all turned into
"not sure", or stand only when the question is well understood (few of its words are unknown to everything we
ship, and the ranker's best candidate has enough evidence).

A turned answer keeps its content under an explicit "not sure" line: the best reading is still the most useful
thing to show, and a user reading it knows to check it. Nothing here changes which answer is built.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from .ranking import Ranking, note_functions
from .render_api import name_of
from .search import Index, terms
from .types import Answer

RULE_FILE = Path(__file__).with_name("data") / "abstain.json"

# answer path -> family the rule is fitted per (a hundred-odd calibration questions cannot fit twenty paths)
FAMILY = {
    "template": "template", "variant_template": "template", "knowledge_template": "template",
    "knowledge_gre": "template", "template_change": "template", "ranked_template": "template",
    "no_template": "no_template", "no_template_unknown": "no_template",
    "followup": "followup", "followup_getter": "followup", "followup_example": "followup",
    "followup_unit": "followup", "followup_pick": "followup",
    "named": "named", "translate_name": "named", "both": "named", "aside": "named", "property": "named",
    "ranked_api": "ranked", "ranked_howto": "ranked", "named_howto": "ranked",
    "check": "check", "translate_code": "translate", "computed": "computed", "not_sure": "not_sure",
}
FAMILIES = tuple(sorted(set(FAMILY.values())))

# words every question may hold that no fact text needs to know ("hey, I am trying to ...")
_COMMON = frozenset("""
    about after again all also am an any anyone anything are around because been before being best between both but
    bit by can cannot could did does doing done dont each else even ever every exactly fine first from get gets
    getting go going good got had has have having hello help here hey hi how however if im into is isnt it just keep
    kind know like likely look looking lot made many maybe me mean might mine more most much must my need needed new
    no not now of off ok okay on once one only or other our out over own please possible probably quite rather
    really right same say see seems should since so some something still such sure take tell than thank thanks that
    the their them then there these they thing things think this those though through thus to too try trying two
    under understand until up us very via wanted was way we well were what whats when where whether which while who
    why will with without work working works would wrong yes yet you your
""".split())


@dataclass(frozen=True)
class Features:
    """What the rule looks at. `unknown` is the share of the question's content words found in none of the texts
    the responder reads (function texts, how-to notes, vocabulary patterns, sequence names): a question in words we
    do not know is one we are likely to have misread, whatever path answered it."""

    family: str
    unknown: float
    words: int
    top_vocab: float
    top_score: float
    lead: float
    has_code: bool
    # the function the answer is about is the one the question's words describe best (or they describe none
    # clearly): "I use make_trapezoid for the spoiler, but how do I play it on two axes at once?" names one
    # function and asks about another
    agrees: bool = True
    # when it does not agree: what the words describe ("`pp.make_trigger`", "our note \"...\""), as shown to the user
    described: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=1)
def _known(index: Index) -> frozenset[str]:
    from . import sequences, vocabulary
    from .phrasings import MORE_TERMS

    known: set[str] = set(index.api_bm25.idf)
    if index.howto_bm25 is not None:
        known |= set(index.howto_bm25.idf)
    patterns = [t.pattern.pattern for t in (*vocabulary.TERMS, *MORE_TERMS)]
    patterns += [k.pattern.pattern for k in sequences.KINDS]
    for p in patterns:  # the literal words of the patterns: "hard", "rectangular", "crusher", "mprage"
        known |= set(terms(" ".join(re.findall(r"[a-z]{3,}", p))))
    return frozenset(known)


def unknown_share(prose: str, index: Index) -> tuple[float, int]:
    """(share of content words unknown, number of content words)."""
    known = _known(index)
    words = [t for t in terms(prose) if len(t) > 2 and not t.isdigit() and t not in _COMMON]
    if not words:
        return 0.0, 0
    return sum(1 for w in words if w not in known) / len(words), len(words)


def features(prose: str, ans: Answer, ranking: Optional[Ranking], index: Index, has_code: bool,
             lang: str = "python") -> Features:
    unknown, words = unknown_share(prose, index)
    top = ranking.top if ranking is not None else None
    agrees = top is None or top.vocab < 0.8 or top.id == ans.subject or (
        top.entry is not None and top.entry.key == ans.topic) or (
        top.doc is not None and ans.topic is not None and ans.topic in note_functions(top.doc))
    described = ""
    if top is not None and not agrees:
        described = f"`{name_of(top.entry, lang)}`" if top.entry is not None else (
            f"our note \"{top.doc.title}\"" if top.doc is not None else "")
    return Features(family=FAMILY.get(ans.route or "", "other"), unknown=round(unknown, 3), words=words,
                    top_vocab=round(top.vocab, 3) if top else 0.0, top_score=round(top.score, 3) if top else 0.0,
                    lead=round(ranking.lead, 3) if ranking is not None else 0.0, has_code=has_code, agrees=agrees,
                    described=described)


@dataclass(frozen=True)
class Rule:
    """Per family: "keep" (answers stand), "abstain" (all become not sure), or "understood": stand only when at most
    `max_unknown` of the words are unknown, the top candidate's vocabulary evidence is at least `min_vocab`, the
    question has at most `max_words` content words, and (with `agree`) the answer is about what the words describe."""

    action: str = "keep"
    max_unknown: float = 1.0
    min_vocab: float = 0.0
    max_words: int = 999
    agree: bool = False

    def stands(self, f: Features) -> bool:
        if self.action == "abstain":
            return False
        if self.action == "understood":
            return (f.unknown <= self.max_unknown and f.top_vocab >= self.min_vocab and f.words <= self.max_words
                    and (f.agrees or not self.agree))
        return True


@lru_cache(maxsize=1)
def rules() -> dict[str, Rule]:
    """The fitted rules; every answer stands when the file has not been produced (the behaviour before it)."""
    try:
        data = json.loads(RULE_FILE.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {fam: Rule(**spec) for fam, spec in data.get("rules", {}).items()}


NOT_SURE_LINE = ("*I'm not sure this answers what you asked: questions like it are often misread. Here is my best "
                 "reading; check it against your question.*\n\n")


def judge(ans: Answer, f: Features, table: Optional[dict[str, Rule]] = None) -> Answer:
    """`ans`, turned into a "not sure" when its family's rule says it does not stand for these features. When the
    words describe another function than the answer is about, that one is named first: it is the likelier fit."""
    rule = (rules() if table is None else table).get(f.family)
    if not ans.confident or rule is None or rule.stands(f):
        return ans
    if f.described and not f.agrees:
        head = (f"*I'm not sure this answers what you asked: what you describe sounds more like {f.described} than "
                "what is below. Ask about it by name to get it.*\n\n")
    else:
        head = NOT_SURE_LINE
    ans.text, ans.confident = head + ans.text, False
    return ans
