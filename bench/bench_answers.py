"""Start-up and answer latency of the offline responder, each next to a reference measured in the same run.

Absolute times depend on the machine, so every figure is also printed as a ratio against a reference taken on the
same machine in the same run:

* start-up: a fresh interpreter that imports `pulsepal.answers` and builds the offline responder (pypulseq
  introspection, alias table, both BM25 indexes), against a fresh interpreter that only runs `import pypulseq`.
  pypulseq's own import is the floor we cannot go below, so the ratio shows what our index adds on top of it.
* latency: `OfflineResponder.answer` over every question of the eval set, against one plain BM25 query of the API
  index for the same question. The BM25 query is the irreducible core of retrieval; the ratio shows the cost of
  intent detection, alias lookup and Markdown rendering around it.
* long questions: the answer time of a question of 20,000 characters (the longest a chat message may be) against
  one of 2,000 characters of the same shape (prose, numbers and units, one long word, a pasted code block). Reading
  a question should be linear in its length: about 10x. A pattern that retries from every position is quadratic
  (100x: a 19,000-character question once took a minute of CPU on the event loop).
* quality: the answer scorer (eval/answers/score.py, method in eval/answers/README.md) on the dev split and the
  nine sealed sets (heldout, heldout2, ..., heldout9) of the evaluation set: correct / unsure / wrong %,
  invented calls, honest-unsure rate. Quality targets (issue 10): held-out >= 85 % correct, 0 invented calls,
  <= 5 % wrong, on every sealed set. `--dev-only` leaves the sealed sets out, for whoever tunes the responder (they
  must not look at them).

Targets: start-up <= 2 s, p50 answer latency <= 20 ms. Run: `.venv/bin/python bench/bench_answers.py [--dev-only]`.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "answers" / "eval_questions.json"
SCORER = ROOT / "eval" / "answers" / "score.py"
SEALED = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8", "heldout9")
LONG = 20_000
SHAPES = {  # one unit of each shape, repeated to the length measured
    "prose": "how do I make a sinc pulse with a slice gradient and a spoiler, TE 5 ms, TR 10 ms, 3 mm slice? ",
    "numbers and units": "1 2 3 4.5 ms 40 mT/m 10 us 200 T/m/s ",
    "values with names": "TE 5 ms, a 3 mm slice, dwell 4 us, a 200 T/m/s slew ",
    "one long word": "a",
    "code": "gx = pp.make_trapezoid(channel='x', area=1000, duration=2e-3, system=system)\nseq.add_block(gx)\n",
}
RUNS = 3
ROUNDS = 5


def fresh(code: str) -> float:
    """Seconds reported by a new interpreter; the interpreter's own start-up is excluded by timing inside it."""
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    k = min(len(s) - 1, max(0, round(p / 100 * (len(s) - 1))))
    return s[k]


def load_scorer():
    """eval/answers/score.py is a script beside its helper module, not a package: load it by path."""
    spec = importlib.util.spec_from_file_location("answer_score", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["answer_score"] = module
    spec.loader.exec_module(module)
    return module


def quality(responder, splits: list[str]) -> None:
    scorer = load_scorer()
    dialects = scorer.Dialects.load()
    print("answer quality (eval/answers, scored by eval/answers/score.py):")
    for split in splits:
        items = scorer.load_items(SCORER.parent / f"{split}.jsonl")
        s = scorer.summary(scorer.run(items, responder, dialects))
        print(f"  {split:8} {s['items']:3} items: correct {s['correct_pct']:5.1f}%  unsure {s['unsure_pct']:5.1f}%  "
              f"wrong {s['wrong_pct']:5.1f}%  invented calls {s['invented_calls']}  "
              f"honest unsure {s['honest_unsure']}/{s['unsure_with_expected_function']}")
    if any(split in SEALED for split in splits):
        print(f"  targets on the sealed sets ({', '.join(SEALED)}): correct >= 85%, invented calls 0, wrong <= 5%")


def long_questions(responder) -> None:
    from pulsepal.answers import AnswerRequest

    def seconds(text: str) -> float:
        req = AnswerRequest(text, [], "python", None)
        best = float("inf")
        for _ in range(2):
            t = time.perf_counter()
            responder.answer(req)
            best = min(best, time.perf_counter() - t)
        return best

    print(f"long questions: {LONG:,} characters against {LONG // 10:,} of the same shape (linear: about 10x):")
    def of(name: str, unit: str, n: int) -> str:
        text = (unit * (n // len(unit) + 1))[:n]
        return f"```python\n{text}\n```\nis this right?" if name == "code" else text

    for name, unit in SHAPES.items():
        short, long = seconds(of(name, unit, LONG // 10)), seconds(of(name, unit, LONG))
        print(f"  {name:18} {short * 1000:8.1f} ms -> {long * 1000:8.1f} ms: ratio {long / short:5.1f}x "
              f"{'OK' if long / short <= 25 else 'SUPERLINEAR'}")


def main() -> None:
    ap = argparse.ArgumentParser(description="Start-up, latency and answer quality of the offline responder.")
    ap.add_argument("--dev-only", action="store_true",
                    help="score the dev split only, not the sealed sets (for whoever tunes)")
    args = ap.parse_args()
    ref_code = "import time; t = time.perf_counter(); import pypulseq; print(time.perf_counter() - t)"
    our_code = ("import time; t = time.perf_counter(); from pulsepal.answers import get_offline_responder; "
                "get_offline_responder(); print(time.perf_counter() - t)")
    ref_times, our_times = [], []
    for _ in range(RUNS):  # interleaved so disk cache and CPU frequency affect both alike
        ref_times.append(fresh(ref_code))
        our_times.append(fresh(our_code))
    ref_start, our_start = statistics.median(ref_times), statistics.median(our_times)

    warnings.filterwarnings("ignore")
    from pulsepal.answers import AnswerRequest, get_offline_responder

    responder = get_offline_responder()
    index = responder.index
    cases = json.loads(EVAL.read_text())
    reqs = [AnswerRequest(c["query"], c.get("history", []), c["language"], None) for c in cases]
    for r in reqs:  # warm-up: first reads of template files
        responder.answer(r)
    ours, refs = [], []
    for _ in range(ROUNDS):
        for r in reqs:
            t = time.perf_counter()
            index.search_api(r.query, 5)
            refs.append(time.perf_counter() - t)
            t = time.perf_counter()
            responder.answer(r)
            ours.append(time.perf_counter() - t)

    p50, p99 = percentile(ours, 50), percentile(ours, 99)
    r50, r99 = percentile(refs, 50), percentile(refs, 99)
    print(f"start-up (fresh process, import + index build): {our_start * 1000:.0f} ms "
          f"(median of {RUNS}; target <= 2000 ms) {'OK' if our_start <= 2 else 'OVER TARGET'}")
    print(f"  reference `import pypulseq` alone:          {ref_start * 1000:.0f} ms "
          f"-> ratio {our_start / ref_start:.2f}x")
    print(f"answer latency over {len(reqs)} eval questions x {ROUNDS} rounds:")
    print(f"  p50 {p50 * 1000:.2f} ms (target <= 20 ms) {'OK' if p50 <= 0.02 else 'OVER TARGET'}; "
          f"p99 {p99 * 1000:.2f} ms")
    print(f"  reference plain BM25 API query: p50 {r50 * 1000:.3f} ms, p99 {r99 * 1000:.3f} ms "
          f"-> ratio p50 {p50 / r50:.1f}x, p99 {p99 / r99:.1f}x")
    long_questions(responder)
    quality(responder, ["dev"] if args.dev_only else ["dev", *SEALED])


if __name__ == "__main__":
    main()
