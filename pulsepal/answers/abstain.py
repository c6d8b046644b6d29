"""When a sure-of-itself answer path should say "not sure" instead: a rule fitted on questions nobody tuned for.

Six tuning rounds showed that rules written from failing questions fix those questions and their paraphrases, and
that about a fifth of questions from a fresh source are then answered confidently and wrongly. Each answer path
(a template, "no template for that", a function's page, a follow-up, a code check ...) decides confidence by its
own logic and none knows how often it is right on questions it has never seen. This module does: the paths are
grouped into families (`FAMILY`), and for each family the fitted rule (`data/abstain.json`, written by
`abstain_fit.py` from first-time scores of calibration sets) says whether its answers stand, are all turned into
"not sure", or stand only when the answer is about what the question's words describe (a question that names
one function and asks about another was, on every calibration set, mostly answered wrongly).

A turned answer keeps its content under an explicit "not sure" line: the best reading is still the most useful
thing to show, and a user reading it knows to check it. Nothing here changes which answer is built.

No rule is in force today: the round-7 fit (a how-to note chosen by the ranker, a named function the words do not
describe) was measured on the sealed sets no fit sees and cost right answers there without removing wrong ones;
`data/abstain.json` records the fitted rules, the measurement and the decision.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional

from .ranking import Ranking, note_functions
from .render_api import name_of
from .types import Answer

RULE_FILE = Path(__file__).with_name("data") / "abstain.json"

# answer path -> family the rule is fitted per (a hundred-odd calibration questions cannot fit twenty paths)
FAMILY = {
    "template": "template", "variant_template": "template", "knowledge_template": "template",
    "knowledge_gre": "template", "template_change": "template", "ranked_template": "template",
    "no_template": "no_template", "no_template_unknown": "no_template",
    "followup": "followup", "followup_getter": "followup", "followup_example": "followup",
    "followup_unit": "followup", "followup_pick": "followup",
    "named": "named", "translate_name": "named", "both": "named", "aside": "named", "property": "property",
    "ranked_api": "ranked", "ranked_howto": "howto", "named_howto": "howto",
    "check": "check", "translate_code": "translate", "computed": "computed", "not_sure": "not_sure",
}
FAMILIES = tuple(sorted(set(FAMILY.values())))


@dataclass(frozen=True)
class Features:
    """What the rule looks at, and what a calibration dump records (the ranker's figures are kept for the next
    fit: thresholds on them did not hold up across calibration sets this time)."""

    family: str
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


def features(ans: Answer, ranking: Optional[Ranking], has_code: bool, lang: str = "python") -> Features:
    top = ranking.top if ranking is not None else None
    agrees = top is None or top.vocab < 0.8 or top.id == ans.subject or (
        top.entry is not None and top.entry.key == ans.topic) or (
        top.doc is not None and ans.topic is not None and ans.topic in note_functions(top.doc))
    described = ""
    if top is not None and not agrees:
        described = f"`{name_of(top.entry, lang)}`" if top.entry is not None else (
            f"our note \"{top.doc.title}\"" if top.doc is not None else "")
    return Features(family=FAMILY.get(ans.route or "", "other"), top_vocab=round(top.vocab, 3) if top else 0.0,
                    top_score=round(top.score, 3) if top else 0.0,
                    lead=round(ranking.lead, 3) if ranking is not None else 0.0, has_code=has_code, agrees=agrees,
                    described=described)


@dataclass(frozen=True)
class Rule:
    """Per family: "keep" (answers stand), "abstain" (all become not sure), or "agree" (stand only when the answer is
    about what the question's words describe)."""

    action: str = "keep"

    def stands(self, f: Features) -> bool:
        return self.action == "keep" or (self.action == "agree" and f.agrees)


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


HOWTO_LINE = ("*This is our general note on the topic. Questions answered with a note were often after one specific "
              "function, so I'm not sure it answers yours: if it does not, name the function you need.*\n\n")


def judge(ans: Answer, f: Features, table: Optional[dict[str, Rule]] = None) -> Answer:
    """`ans`, turned into a "not sure" when its family's rule says it does not stand for these features. When the
    words describe another function than the answer is about, that one is named first: it is the likelier fit."""
    rule = (rules() if table is None else table).get(f.family)
    if not ans.confident or rule is None or rule.stands(f):
        return ans
    if f.described and not f.agrees:
        ask = "ask for it by its topic" if f.described.startswith("our note") else "ask about it by name"
        head = (f"*I'm not sure this answers what you asked: what you describe sounds more like {f.described} than "
                f"what is below; {ask} to get it.*\n\n")
    elif f.family == "howto":
        head = HOWTO_LINE
    else:
        head = NOT_SURE_LINE
    ans.text, ans.confident = head + ans.text, False
    return ans
