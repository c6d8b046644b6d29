"""Score a responder on the evaluation set: each item is correct, unsure (an honest "not sure") or wrong.

Why: the unit tests in tests/answers pin behaviour on questions we wrote for it; this measures quality on questions
written from real sources (see README.md here for the method). Run:

    python eval/answers/score.py --split dev            # the set the responder may be tuned on
    python eval/answers/score.py --split heldout --json # the lead's check; never tune on it
    python eval/answers/score.py --split heldout2       # the second sealed set; never tune on it either
    python eval/answers/score.py --split heldout3       # the third, from a pool no dev set draws on
    python eval/answers/score.py --split heldout4       # the fourth, from another fresh pool
    python eval/answers/score.py --split heldout5       # the fifth, from the pulseq teaching repositories' pool
    python eval/answers/score.py --split heldout6       # the sixth, from low-field consoles and other fresh sources
    python eval/answers/score.py --split heldout7       # the seventh, from another fresh pool (owners N-Z)
    python eval/answers/score.py --split heldout8       # the eighth, from yet another fresh pool (owners N-Z)
    python eval/answers/score.py --split heldout9       # the ninth (owners N-Z again; only the lead scores it)

`--items FILE` scores any JSONL file of items; `--responder module:callable` scores another responder (the callable
returns an object with `answer(req)` or `async respond(req)`); the default is PulsePal's offline responder.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import re
import sys
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # a script beside its helper module, not a package

from dialects import Dialects, first_candidate, mentions, name_pattern, negated_at, normalise  # noqa: E402
from expressions import same_value_present  # noqa: E402

KINDS = ("api", "params", "described", "in_language", "translate", "template", "no_template", "followup", "check",
         "units", "knowledge")
LANGUAGES = ("python", "matlab")
# 2-8: written after tuning had begun (3 to 8: from fresh pools)
SEALED = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9")
SPLITS = ("dev", *SEALED)
ID = re.compile(r"^[a-z0-9][a-z0-9-]{2,80}$")
ARTICLE = r"(?:a|an|the)(?!\w)"


@dataclass
class Result:
    id: str
    kind: str
    verdict: str  # correct | unsure | wrong
    flags: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    offered_wrong: list[str] = field(default_factory=list)
    findings_missed: list[str] = field(default_factory=list)
    first_candidate: str | None = None
    honest_unsure: bool | None = None  # unsure items only: the expected function is the first candidate named
    topic: str | None = None
    seconds: float = 0.0


# --- items ------------------------------------------------------------------------------------------------------


def validate_item(item: dict[str, Any], dialects: Dialects | None = None) -> list[str]:
    """Problems with one item (empty when it is well-formed); the expected names must be real in their dialect."""
    problems = []
    if not ID.match(str(item.get("id", ""))):
        problems.append("id must be lowercase letters, digits and dashes")
    if item.get("kind") not in KINDS:
        problems.append(f"kind must be one of {KINDS}")
    if not isinstance(item.get("question"), str) or not item["question"].strip():
        problems.append("question is required")
    for key in ("language", "answer_language"):
        if key in item and item[key] not in LANGUAGES:
            problems.append(f"{key} must be python or matlab")
    if "language" not in item:
        problems.append("language is required")
    prov = item.get("provenance") or {}
    if not prov.get("source") or not prov.get("where"):
        problems.append("provenance needs source and where")
    expect = item.get("expect") or {}
    if not (expect.get("functions") or expect.get("text") or expect.get("findings")):
        problems.append("expect needs functions, text or findings")
    for group in expect.get("functions", []) + expect.get("text", []):
        if not isinstance(group, list) or not group or not all(isinstance(x, str) and x for x in group):
            problems.append("functions/text are lists of non-empty lists of strings")
    for f in expect.get("findings", []):
        right = f.get("right") if isinstance(f, dict) else None
        if not (isinstance(right, str) and right) and not (isinstance(right, list) and right
                                                           and all(isinstance(r, str) and r for r in right)):
            problems.append("each finding needs 'right': a string or a list of alternatives")
    for msg in item.get("history", []):
        if msg.get("role") not in ("user", "assistant") or ("content" in msg and msg["content"] is not None
                                                            and not isinstance(msg["content"], str)):
            problems.append("history messages need role user|assistant and string (or null) content")
    if dialects is not None:
        rights = [r for f in expect.get("findings", []) if isinstance(f, dict)
                  for r in (f.get("right") if isinstance(f.get("right"), list) else [f.get("right")])]
        names = [n for g in expect.get("functions", []) for n in g] + [
            r for r in rights if isinstance(r, str) and re.match(r"^(mr|pp|seq)\.\w+$", r)]
        for n in names:
            if not real_name(n, item, dialects):
                problems.append(f"expected name {n} is not real in its dialect")
    return problems


def answer_language(item: dict[str, Any]) -> str:
    return item.get("answer_language") or item["language"]


def real_name(name: str, item: dict[str, Any], dialects: Dialects) -> bool:
    prefix, _, rest = name.partition(".")
    base, _, more = rest.partition(".")
    lang = "matlab" if prefix == "mr" else "python" if prefix == "pp" else answer_language(item)
    if lang == "matlab":
        return dialects.real_matlab(prefix, base, f".{more}" if more else "")
    return dialects.real_python(prefix, base, f".{more}" if more else "", False)


def load_items(path: Path) -> list[dict[str, Any]]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON ({exc.msg})") from None
    return items


# --- scoring one answer -------------------------------------------------------------------------------------------


def score_answer(item: dict[str, Any], text: str, confident: bool, dialects: Dialects,
                 topic: str | None = None) -> Result:
    """The verdict and flags for one answer to one item (pure: no responder involved, so it is unit-testable)."""
    expect = item.get("expect") or {}
    lang = answer_language(item)
    res = Result(item["id"], item["kind"], "wrong", topic=topic)
    found, fences = mentions(text)
    for m in found:
        dialects.settle_spelling(m)

    for m in found:
        if not m.negated and not dialects.is_real(m) and m.full not in res.invented:
            res.invented.append(m.full)

    for group in expect.get("functions", []):
        if not any(name_pattern(n).search(text) for n in group):
            res.missing.append(" | ".join(group))
    for group in expect.get("text", []):
        if not any(phrase_pattern(alt).search(text) for alt in group):
            res.missing.append(" | ".join(group))
    for f in expect.get("findings", []):
        rights = f["right"] if isinstance(f["right"], list) else [f["right"]]
        if not any(spelling_pattern(r).search(text) or same_value_present(r, text) for r in rights):
            res.findings_missed.append(f"{f.get('wrong', '?')} -> {' | '.join(rights)}")

    for bad in expect.get("must_not", []):
        pat = name_pattern(bad) if re.match(r"^(mr|pp|seq)\.\w+$", bad) else phrase_pattern(bad)
        offered = any(not negated_at(line, m.start(), m.end()) for line in text.splitlines()
                      for m in pat.finditer(line))
        if offered:
            res.offered_wrong.append(bad)

    if not language_ok(lang, fences, found, item["kind"]):
        res.flags.append("wrong_language")
    if res.invented:
        res.flags.append("invented_call")
    if res.missing:
        res.flags.append("expected_missing")
    if res.findings_missed:
        res.flags.append("findings_missed")
    if res.offered_wrong:
        res.flags.append("wrong_name_offered")

    res.first_candidate = first_candidate(text, dialects)
    if not confident:
        res.verdict = "unsure"
        groups = expect.get("functions", [])
        if groups:
            first = normalise(res.first_candidate) if res.first_candidate else None
            res.honest_unsure = first is not None and first in {normalise(n) for n in groups[0]}
    elif not res.flags:
        res.verdict = "correct"
    return res


def spelling_pattern(right: str) -> re.Pattern[str]:
    """A finding's right spelling, exactly as written (case-sensitive) but standing alone: no word character glued
    to either end, so 'seq.check_timing' is not found inside 'pypulseq.check_timing', nor 'seq.write' inside
    'seq.write_v141'."""
    left = r"(?<!\w)" if right[:1].isalnum() or right[:1] == "_" else ""
    end = r"(?!\w)" if right[-1:].isalnum() or right[-1:] == "_" else ""
    return re.compile(left + re.escape(right) + end)


def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """Case-insensitive phrase match that respects word edges ('tse' must not match 'itself', 'gre' not 'degree');
    a space and a hyphen are the same ('spin echo' = 'spin-echo'), and so are the articles a/an/the ('after the
    pulse' = 'after a pulse'): neither decides whether an answer covers a topic."""
    left = r"(?<!\w)" if phrase[:1].isalnum() else ""
    right = r"(?!\w)" if phrase[-1:].isalnum() else ""
    parts = re.split(r"[\s-]+", phrase)
    # only a lower-case a/an/the before another word is an article ('channel, Gs, Ge, A' ends in an argument name)
    body = r"[\s-]+".join(ARTICLE if p in ("a", "an", "the") and i < len(parts) - 1 else re.escape(p)
                          for i, p in enumerate(parts))
    return re.compile(left + body + right, re.I)


def language_ok(lang: str, fences: list[tuple[str, str]], found: list, kind: str) -> bool:
    """Code fences in the requested language (a translation may echo its source); with no code, the first
    dialect-specific name in the answer is in the requested dialect."""
    other = "matlab" if lang == "python" else "python"
    langs = [f for f, _ in fences if f != "neutral"]
    if langs:
        return lang in langs and (kind == "translate" or other not in langs)
    styled = [m.dialect for m in found if not m.in_code and not m.negated and m.dialect != "either"]
    return not styled or styled[0] == lang


# --- running a responder ------------------------------------------------------------------------------------------


def make_request(item: dict[str, Any], history: list[dict[str, Any]]):
    from pulsepal.answers import AnswerRequest

    return AnswerRequest(item["question"], history, item["language"], item.get("sequence_knowledge"))


def ask(responder, req):
    if hasattr(responder, "answer"):
        return responder.answer(req)
    return asyncio.run(responder.respond(req))


def build_history(item: dict[str, Any], responder) -> list[dict[str, Any]]:
    """The item's history; an assistant turn with null content is answered by the responder itself, as in a chat."""
    history: list[dict[str, Any]] = []
    for msg in item.get("history", []):
        if msg["role"] == "assistant" and msg.get("content") is None:
            prev_user = next(m for m in reversed(history) if m["role"] == "user")
            sub = {**item, "question": prev_user["content"]}
            ans = ask(responder, make_request(sub, history[:-1]))
            history.append({"role": "assistant", "content": ans.text,
                            "metadata": {"topic": ans.topic, "confident": ans.confident}})
        else:
            history.append({"role": msg["role"], "content": msg["content"], "metadata": msg.get("metadata", {})})
    return history


def run(items: list[dict[str, Any]], responder, dialects: Dialects) -> list[Result]:
    results = []
    for item in items:
        t = time.perf_counter()
        try:
            ans = ask(responder, make_request(item, build_history(item, responder)))
        except Exception as exc:  # noqa: BLE001 - a crashing answer is a wrong answer, and the run goes on
            r = Result(item["id"], item["kind"], "wrong", flags=[f"error: {type(exc).__name__}: {exc}"])
        else:
            r = score_answer(item, ans.text, ans.confident, dialects, ans.topic)
        r.seconds = time.perf_counter() - t
        results.append(r)
    return results


def summary(results: list[Result]) -> dict[str, Any]:
    n = len(results)
    counts = Counter(r.verdict for r in results)
    unsure = [r for r in results if r.verdict == "unsure" and r.honest_unsure is not None]
    per_kind: dict[str, Counter] = defaultdict(Counter)
    for r in results:
        per_kind[r.kind][r.verdict] += 1

    def pct(k: int, total: int) -> float:
        return round(100.0 * k / total, 1) if total else 0.0

    return {
        "items": n,
        **{v: counts.get(v, 0) for v in ("correct", "unsure", "wrong")},
        **{f"{v}_pct": pct(counts.get(v, 0), n) for v in ("correct", "unsure", "wrong")},
        "invented_calls": sum(len(r.invented) for r in results),
        "items_with_invented_calls": sum(1 for r in results if r.invented),
        "honest_unsure": sum(1 for r in unsure if r.honest_unsure),
        "unsure_with_expected_function": len(unsure),
        "honest_unsure_pct": pct(sum(1 for r in unsure if r.honest_unsure), len(unsure)),
        "per_kind": {k: {"items": sum(c.values()), **{v: c.get(v, 0) for v in ("correct", "unsure", "wrong")},
                         "correct_pct": pct(c.get("correct", 0), sum(c.values()))}
                     for k, c in sorted(per_kind.items())},
    }


def print_report(name: str, s: dict[str, Any], results: list[Result], verbose: bool) -> None:
    print(f"split {name}: {s['items']} items")
    print(f"  correct {s['correct']} ({s['correct_pct']}%)  unsure {s['unsure']} ({s['unsure_pct']}%)  "
          f"wrong {s['wrong']} ({s['wrong_pct']}%)")
    print(f"  invented calls: {s['invented_calls']} in {s['items_with_invented_calls']} items")
    print(f"  honest unsure (expected function named first): {s['honest_unsure']} of "
          f"{s['unsure_with_expected_function']} ({s['honest_unsure_pct']}%)")
    print("  per kind:")
    for kind, c in s["per_kind"].items():
        print(f"    {kind:12} {c['items']:3} items: correct {c['correct']:3} ({c['correct_pct']:5.1f}%)  "
              f"unsure {c['unsure']:3}  wrong {c['wrong']:3}")
    if verbose:
        for r in results:
            if r.verdict != "correct":
                detail = "; ".join(filter(None, [", ".join(r.flags), "missing " + ", ".join(r.missing) if r.missing
                                                 else "", "invented " + ", ".join(r.invented) if r.invented else ""]))
                print(f"  {r.verdict:7} {r.id}: {detail} (first: {r.first_candidate})")


def load_responder(spec: str | None):
    if not spec:
        from pulsepal.answers import get_offline_responder

        return get_offline_responder()
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr or "get_responder")()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score a PulsePal responder on the evaluation set.")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--split", choices=SPLITS)
    src.add_argument("--items", type=Path, help="a JSONL file of items")
    ap.add_argument("--json", action="store_true", help="print the summary and per-item results as JSON")
    ap.add_argument("--verbose", action="store_true", help="list every item that is not correct")
    ap.add_argument("--responder", help="module:callable returning the responder (default: offline responder)")
    a = ap.parse_args(argv)
    path = a.items or HERE / f"{a.split}.jsonl"
    if not path.is_file():
        print(f"error: no items file {path}", file=sys.stderr)
        return 2
    warnings.filterwarnings("ignore")
    dialects = Dialects.load()
    try:
        items = load_items(path)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    bad = {it.get("id", "?"): p for it in items if (p := validate_item(it, dialects))}
    dupes = [i for i, c in Counter(it.get("id") for it in items).items() if c > 1]
    bad.update({i: ["id used more than once"] for i in dupes})
    if bad:
        for item_id, problems in bad.items():
            print(f"error: item {item_id}: {'; '.join(problems)}", file=sys.stderr)
        return 2
    results = run(items, load_responder(a.responder), dialects)
    s = summary(results)
    clean = sealed_without_dev_matches(a.split, items, results)
    if a.json:
        print(json.dumps({"split": a.split or str(path), "summary": s, "summary_without_dev_matches": clean,
                          "results": [asdict(r) for r in results]}, indent=1))
    else:
        print_report(a.split or str(path), s, results, a.verbose)
        if clean is not None:
            print(f"  without the {s['items'] - clean['items']} item(s) nearly the same as a later dev item "
                  f"(split.py KNOWN_LATER_OVERLAPS*): {clean['items']} items, correct {clean['correct']} "
                  f"({clean['correct_pct']}%)  unsure {clean['unsure']} ({clean['unsure_pct']}%)  "
                  f"wrong {clean['wrong']} ({clean['wrong_pct']}%)")
    return 0


def sealed_without_dev_matches(split: str | None, items: list[dict], results: list[Result]) -> dict | None:
    """A sealed split's summary without the items a later dev set nearly repeats (None for dev splits): those were
    tuned on through their twin, so the figure without them is the fairer one."""
    if split not in SEALED:
        return None
    from split import later_dev_files, near_later_dev, read

    matched = near_later_dev(items, [d for path in later_dev_files() for d in read(path)])
    return summary([r for r in results if r.id not in matched])


if __name__ == "__main__":
    raise SystemExit(main())
