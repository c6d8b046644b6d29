"""Fit the abstention rule (abstain.py) on first-time scores of questions nobody tuned the responder on.

    python -m pulsepal.answers.abstain_fit dump eval/answers/cal7.jsonl > cal7.features.jsonl
    python -m pulsepal.answers.abstain_fit fit cal7.features.jsonl heldout2.features.jsonl ...  # data/abstain.json

`dump` answers each item with the rule switched off and records, per item, only its id, the answer's route, the
features the rule sees and the scorer's verdict: no question text, so whoever fits reads no question (the sets it
runs on must stay untuned-on). `fit` picks, per family of routes, the rule maximising correct - PENALTY x wrong
over the answers it lets stand (a turned answer is an honest "not sure", worth 0); a family keeps its answers
unless another rule gains at least MIN_GAIN on the calibration questions and turns at least MIN_WRONG wrong
answers, so a handful of questions cannot flip it. It is a development tool: the app only reads the file it writes.
`fit` puts what it picks under `rules`, in force: measure the responder on the sealed sets before committing it,
and record a rule that does not hold up there under `fitted_rules` with the `decision` (as round 7's is).

Which sets may be used: questions the responder was never tuned on, scored the first time (cal7), and the sealed
sets that earlier rounds declared spent (heldout2, heldout3: scored in aggregate only, never read by a tuner, and
no longer used as a measure once they calibrate). The sets that measure the result (heldout, heldout4 .. heldout7
and every round's transfer check: dev6x, dev8x, dev11x, dev12x, dev13x, dev14x) are refused.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .abstain import FAMILIES, RULE_FILE, Features, Rule
from .calibration import _scorer

PENALTY = 4.0  # as the ranker's calibration: a wrong answer costs four "not sure"s (the target is <= 5 % wrong)
MIN_GAIN = 2.0
MIN_WRONG = 3  # a rule must turn at least this many wrong answers: two questions are no evidence
MIN_ITEMS = 8
# the sealed sets and every round's transfer check (dev6x, dev8x, dev11x, dev12x, dev13x, dev14x): aggregate only,
# never fit on; heldout7 is the sealed set written beside round 13, heldout8 the one beside round 14, heldout9 beside 15
MEASURING = ("heldout.jsonl", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9", "dev6x", "dev8x",
             "dev11x", "dev12x", "dev13x", "dev14x", "dev15x", "dev16x")
RANKED = ("ranked", "howto")


def dump(items_path: str) -> list[dict[str, Any]]:
    if any(m in Path(items_path).name for m in MEASURING):
        raise SystemExit(f"{items_path} measures the result: never fit on it")
    from . import get_offline_responder

    score = _scorer()
    dialects = score.Dialects.load()
    responder = get_offline_responder()
    responder.abstention = {}
    out = []
    try:
        for item in score.load_items(Path(items_path)):
            req = score.make_request(item, score.build_history(item, responder))
            ans = responder.answer(req)
            verdict = score.score_answer(item, ans.text, ans.confident, dialects, ans.topic).verdict
            assert responder.last_features is not None
            out.append({"id": item["id"], "route": ans.route, "verdict": verdict,
                        **responder.last_features.as_dict()})
    finally:
        responder.abstention = None
    return out


def _objective(rows: list[dict[str, Any]], rule: Rule) -> float:
    total = 0.0
    for r in rows:
        if r["verdict"] == "unsure":
            continue
        if rule.stands(_features(r)):
            total += 1.0 if r["verdict"] == "correct" else -PENALTY
    return total


def choose(rows: list[dict[str, Any]]) -> tuple[Rule, float, float]:
    """(rule, its objective, the objective of keeping every answer) for one family's rows."""
    keep = Rule()
    base = _objective(rows, keep)
    if len(rows) < MIN_ITEMS:
        return keep, base, base
    family = rows[0]["family"]
    # Turning a whole family was unstable across calibration sets (the code check was right on 40 % of one set's
    # questions and 95 % of another's), and so were thresholds on the ranker's evidence: only the ranker's own
    # choices, poor on every set, may be turned wholesale; any family may require agreement.
    options = [Rule("agree")] + ([Rule("abstain")] if family in RANKED else [])
    best, value = keep, base
    for rule in options:  # ties go to the earlier, simpler rule
        obj = _objective(rows, rule)
        if obj > value + (MIN_GAIN if best is keep else 0.0) and _turned_wrong(rows, rule) >= MIN_WRONG:
            best, value = rule, obj
    return best, value, base


def _turned_wrong(rows: list[dict[str, Any]], rule: Rule) -> int:
    return sum(1 for r in rows if r["verdict"] == "wrong" and not rule.stands(_features(r)))


def _features(row: dict[str, Any]) -> Features:
    """A dump row's features (rows from an older dump may hold fields since dropped)."""
    return Features(**{k: row[k] for k in Features.__dataclass_fields__ if k in row})


def fit(paths: list[str]) -> dict[str, Any]:
    rows = [json.loads(line) for p in paths for line in Path(p).read_text(encoding="utf-8").splitlines()
            if line.strip()]
    if any(any(m in r["id"] for m in ("heldout4", "heldout5", "heldout6", "h4-", "h5-", "h6-")) for r in rows):
        raise SystemExit("rows from a measuring set: never fit on them")
    rules, report = {}, {}
    for fam in FAMILIES:
        mine = [r for r in rows if r["family"] == fam]
        rule, value, base = choose(mine)
        verdicts = Counter(r["verdict"] for r in mine)
        report[fam] = {"items": len(mine), **verdicts, "keep": base, "chosen": value}
        if rule.action != "keep":
            rules[fam] = asdict(rule)
    data = {"penalty": PENALTY, "min_gain": MIN_GAIN, "fitted_on": [Path(p).name for p in paths],
            "questions": len(rows), "rules": rules, "families": report}
    RULE_FILE.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return data


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "dump":
        for row in dump(argv[1]):
            print(json.dumps(row))
    elif len(argv) >= 2 and argv[0] == "fit":
        data = fit(argv[1:])
        print(json.dumps({k: data[k] for k in ("questions", "rules", "families")}, indent=1), file=sys.stderr)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
