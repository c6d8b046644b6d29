"""The evaluation set is well-formed, cited, big enough, split as committed, and disjoint from our own test questions.

Why: the held-out score is only evidence if the split is the seeded one made before tuning, every item says where it
came from, and no question was copied between this set and tests/answers/eval_questions.json (in either direction).
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "eval" / "answers"
SOURCE = re.compile(r"^(https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+"
                    r"|[\w.-]+/[\w.-]+@[0-9a-f]{40}:[\w./+@-]+)$")


def _score_module():
    sys.path.insert(0, str(EVAL))
    spec = importlib.util.spec_from_file_location("eval_score_ds", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_score_ds"] = module
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


score = _score_module()


def _read(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict]]:
    return {"dev": _read("dev.jsonl"), "heldout": _read("heldout.jsonl")}


def _norm(q: str) -> str:
    return re.sub(r"[^a-z0-9_.]+", " ", q.lower()).strip()


def test_sizes_and_ids(splits):
    dev, held = splits["dev"], splits["heldout"]
    assert len(dev) + len(held) >= 170 and len(held) >= 60
    ids = [i["id"] for i in dev + held]
    assert len(ids) == len(set(ids))


def test_every_item_is_valid_and_its_names_are_real():
    dialects = score.Dialects.load()
    for name in ("dev.jsonl", "heldout.jsonl"):
        for item in _read(name):
            assert score.validate_item(item, dialects) == [], item["id"]


def test_every_item_cites_a_source(splits):
    for item in splits["dev"] + splits["heldout"]:
        prov = item["provenance"]
        assert SOURCE.match(prov["source"]), (item["id"], prov["source"])
        assert prov["where"].strip(), item["id"]


def test_every_kind_is_covered_in_both_splits(splits):
    for name, items in splits.items():
        kinds = Counter(i["kind"] for i in items)
        assert set(kinds) == set(score.KINDS), (name, kinds)
    total = Counter(i["kind"] for i in splits["dev"] + splits["heldout"])
    assert min(total.values()) >= 10, total


def test_split_is_the_seeded_one():
    out = subprocess.run([sys.executable, str(EVAL / "split.py"), "--check"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr


def test_no_question_shared_with_our_own_tests(splits):
    ours = json.loads((ROOT / "tests" / "answers" / "eval_questions.json").read_text(encoding="utf-8"))
    own = [_norm(c["query"]) for c in ours]
    for item in splits["dev"] + splits["heldout"]:
        q = _norm(item["question"])
        for o in own:
            assert difflib.SequenceMatcher(None, q, o).ratio() < 0.75, (item["id"], o)
