"""Start-up and answer latency of the offline responder, each next to a reference measured in the same run.

Absolute times depend on the machine, so every figure is also printed as a ratio against a reference taken on the
same machine in the same run:

* start-up: a fresh interpreter that imports `pulsepal.answers` and builds the offline responder (pypulseq
  introspection, alias table, both BM25 indexes), against a fresh interpreter that only runs `import pypulseq`.
  pypulseq's own import is the floor we cannot go below, so the ratio shows what our index adds on top of it.
* latency: `OfflineResponder.answer` over every question of the eval set, against one plain BM25 query of the API
  index for the same question. The BM25 query is the irreducible core of retrieval; the ratio shows the cost of
  intent detection, alias lookup and Markdown rendering around it.

Targets: start-up <= 2 s, p50 answer latency <= 20 ms. Run: `.venv/bin/python bench/bench_answers.py`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
EVAL = ROOT / "tests" / "answers" / "eval_questions.json"
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


def main() -> None:
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
    print(f"  reference `import pypulseq` alone:          {ref_start * 1000:.0f} ms -> ratio {our_start / ref_start:.2f}x")
    print(f"answer latency over {len(reqs)} eval questions x {ROUNDS} rounds:")
    print(f"  p50 {p50 * 1000:.2f} ms (target <= 20 ms) {'OK' if p50 <= 0.02 else 'OVER TARGET'}; p99 {p99 * 1000:.2f} ms")
    print(f"  reference plain BM25 API query: p50 {r50 * 1000:.3f} ms, p99 {r99 * 1000:.3f} ms "
          f"-> ratio p50 {p50 / r50:.1f}x, p99 {p99 / r99:.1f}x")


if __name__ == "__main__":
    main()
