"""The evaluation set is well-formed, cited, big enough, split as committed, and disjoint from our own test questions.

Why: the held-out score is only evidence if the split is the seeded one made before tuning, every item says where it
came from, and no question was copied between this set and tests/answers/eval_questions.json (in either direction).
"""

from __future__ import annotations

import difflib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from pools import (  # noqa: F401 - the pools, also read from here by the later rounds' tests
    NOT_POOL4,
    NOT_POOL5,
    NOT_POOL6,
    NOT_POOL8,
    NOT_POOL11,
    NOT_POOL12,
    POOL4,
    POOL5,
    POOL6,
    POOL8,
    POOL11,
    POOL12,
)

ROOT = Path(__file__).resolve().parents[2]


EVAL = ROOT / "eval" / "answers"


SOURCE = re.compile(r"^(https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+"
                    r"|[\w.-]+/[\w.-]+@[0-9a-f]{40}:[\w./+@%-]+)$")  # %20: a space in a path, URL-encoded


def _score_module():
    spec = importlib.util.spec_from_file_location("eval_score_ds", EVAL / "score.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_score_ds"] = module
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


score = _score_module()


def _read(name: str) -> list[dict]:
    return [json.loads(line) for line in (EVAL / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _split_module():
    spec = importlib.util.spec_from_file_location("eval_split_ds", EVAL / "split.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _later_files() -> list[Path]:
    """The later dev files (dev2.jsonl, ...) and the calibration files (cal7.jsonl, ...): tuned on, like dev."""
    return sorted(p for p in [*EVAL.glob("dev*.jsonl"), *EVAL.glob("cal*.jsonl")] if p.name != "dev.jsonl")


def _norm(q: str) -> str:
    return re.sub(r"[^a-z0-9_.]+", " ", q.lower()).strip()


def test_sizes_and_ids(splits):
    dev, held, held2, held3 = splits["dev"], splits["heldout"], splits["heldout2"], splits["heldout3"]
    held4, held5, held6 = splits["heldout4"], splits["heldout5"], splits["heldout6"]
    assert len(dev) + len(held) >= 170 and len(held) >= 60 and len(held2) >= 70 and len(held3) >= 80
    assert len(held4) >= 70 and len(held5) >= 75 and len(held6) >= 82
    later = [i for p in _later_files() for i in _read(p.name)]
    ids = [i["id"] for i in dev + held + held2 + held3 + held4 + held5 + held6]
    assert len(ids) == len(set(ids))
    assert not {i["id"] for i in held3 + held4 + held5 + held6} & {i["id"] for i in later}


def test_every_item_is_valid_and_its_names_are_real():
    dialects = score.Dialects.load()
    later_dev = [p.name for p in sorted(EVAL.glob("dev*.jsonl")) if p.name != "dev.jsonl"]  # dev2.jsonl, ...
    for name in ("dev.jsonl", "heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl", "heldout4.jsonl", "heldout5.jsonl",
                 "heldout6.jsonl", *later_dev):
        for item in _read(name):
            assert score.validate_item(item, dialects) == [], item["id"]


def test_every_item_cites_a_source(splits):
    for item in [i for items in splits.values() for i in items]:
        prov = item["provenance"]
        assert SOURCE.match(prov["source"]), (item["id"], prov["source"])
        assert prov["where"].strip(), item["id"]


def test_every_kind_is_covered_in_both_splits(splits):
    for name, items in splits.items():
        kinds = Counter(i["kind"] for i in items)
        assert set(kinds) == set(score.KINDS), (name, kinds)
    total = Counter(i["kind"] for i in splits["dev"] + splits["heldout"])
    assert min(total.values()) >= 10, total


@pytest.mark.parametrize("name", ["heldout2", "heldout3", "heldout4", "heldout5", "heldout6"])
def test_later_sealed_sets_weigh_the_failure_classes(splits, name):
    # issue 10's failure classes: described-without-name, units/limits, code checks, sequence knowledge, follow-ups
    # and sequences without templates get more items than the kinds the responder already answered well
    kinds = Counter(i["kind"] for i in splits[name])
    heavy = ("described", "units", "check", "knowledge", "followup", "no_template")
    light = ("api", "params", "in_language", "translate", "template")
    assert min(kinds[k] for k in heavy) > max(kinds[k] for k in light), kinds


def test_heldout2_uses_sources_dev_and_heldout_did_not(splits):
    used = {(i["provenance"]["source"], i["provenance"]["where"]) for i in splits["dev"] + splits["heldout"]}
    assert not [i["id"] for i in splits["heldout2"] if (i["provenance"]["source"], i["provenance"]["where"]) in used]


# The pool every earlier set was written from (and the other helper's pool for later dev sets): heldout3 cites none.
OLD_POOL = re.compile(r"^(imr-framework/pypulseq@|pulseq/pypulseq@|pulseq/pulseq@[0-9a-f]{40}:matlab/"
                      r"|https://github\.com/(pulseq|imr-framework)/pypulseq/)")


def test_heldout3_is_written_from_a_fresh_pool(splits):
    later = [i for p in sorted(EVAL.glob("dev*.jsonl")) if p.name != "dev.jsonl" for i in _read(p.name)]
    cited = {i["provenance"]["source"] for i in splits["dev"] + splits["heldout"] + splits["heldout2"] + later}
    threads = [i["id"] for i in splits["heldout3"]
               if i["provenance"]["source"].startswith("https://") and i["provenance"]["source"] in cited]
    assert threads == []  # no issue or pull-request thread another set already cites
    assert [i["id"] for i in splits["heldout3"] if OLD_POOL.match(i["provenance"]["source"])] == []


def test_split_is_the_seeded_one():
    out = subprocess.run([sys.executable, str(EVAL / "split.py"), "--check"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    # heldout5 is held to the strict rule against every other file there by this same run (its own test would repeat
    # the costliest comparison of the suite)
    assert "heldout5 OK" in out.stdout, out.stdout
    # round 8's set (dev8 + dev8x) is the seeded split of their union and clear of every other file: same run
    assert "dev8/dev8x OK" in out.stdout, out.stdout
    # heldout6 likewise, against every file there (round 8's and cal7 included)
    assert "heldout6 OK" in out.stdout, out.stdout
    # round 11's set (dev11 + dev11x) likewise: the seeded split of their union, clear of every other file
    assert "dev11/dev11x OK" in out.stdout, out.stdout
    # round 12's set (dev12 + dev12x) likewise
    assert "dev12/dev12x OK" in out.stdout, out.stdout


def test_heldout2_shares_nothing_with_the_other_sets(splits):
    split = _split_module()
    ours = [c["query"] for c in json.loads((ROOT / "tests" / "answers" / "eval_questions.json").read_text())]
    assert split.overlaps(splits["heldout2"], splits["dev"] + splits["heldout"], ours) == []
    # the check can fail: a reused id, a question reworded only in case and punctuation, one of our test questions
    copy = dict(splits["dev"][0])
    reworded = {**splits["heldout2"][0], "question": copy["question"].upper() + "?!"}
    problems = split.overlaps([copy, reworded, {"id": "h2-x", "question": ours[0]}], splits["dev"], ours)
    assert len(problems) >= 4 and any("tests" in p for p in problems), problems


def test_heldout3_shares_nothing_with_the_sets_before_it(splits):
    split = _split_module()
    ours = [c["query"] for c in json.loads((ROOT / "tests" / "answers" / "eval_questions.json").read_text())]
    earlier = [i for name in split.HELDOUT3_WRITTEN_AFTER for i in _read(name)]
    assert split.overlaps(splits["heldout3"], earlier, ours) == []


# the copies for the heldout3 and heldout4 checks leave heldout5 out: it is not what they test, and comparing its
# questions with every other file's is the costliest part of a --check (test_split_is_the_seeded_one runs it)
NOT_COPIED = ("heldout5.jsonl", "heldout6.jsonl", "heldout7.jsonl", "dev8.jsonl", "dev8x.jsonl", "dev11.jsonl",
              "dev11x.jsonl", "dev12.jsonl", "dev12x.jsonl",
               "dev13.jsonl", "dev13x.jsonl", "dev14.jsonl", "dev14x.jsonl",
               "dev15.jsonl", "dev15x.jsonl", "dev16.jsonl", "dev16x.jsonl", "heldout8.jsonl")


# the later sealed sets and the calibration set are not what the heldout3 / heldout4 twin tests look at, and each
# costs a comparison with every later file on every run (the suite is at its time budget)
ONLY_HELDOUT3 = ("heldout4.jsonl", "heldout5.jsonl", "heldout6.jsonl", "heldout7.jsonl", "cal7.jsonl", "dev8.jsonl",
                 "dev8x.jsonl", "dev11.jsonl", "dev11x.jsonl", "dev12.jsonl", "dev12x.jsonl",
               "dev13.jsonl", "dev13x.jsonl", "dev14.jsonl", "dev14x.jsonl",
               "dev15.jsonl", "dev15x.jsonl", "dev16.jsonl", "dev16x.jsonl", "heldout8.jsonl")


ONLY_HELDOUT4 = ("heldout2.jsonl", "heldout3.jsonl", "heldout5.jsonl", "heldout6.jsonl", "heldout7.jsonl", "cal7.jsonl",
                 "dev8.jsonl", "dev8x.jsonl", "dev11.jsonl", "dev11x.jsonl", "dev12.jsonl", "dev12x.jsonl",
               "dev13.jsonl", "dev13x.jsonl", "dev14.jsonl", "dev14x.jsonl",
               "dev15.jsonl", "dev15x.jsonl", "dev16.jsonl", "dev16x.jsonl", "heldout8.jsonl")


def _check_with_dev4(tmp_path: Path, dev4: list[dict]) -> subprocess.CompletedProcess:
    """split.py --check on a copy of the eval folder with an extra later dev file, as the next round would add."""
    work = tmp_path / "eval" / "answers"
    work.mkdir(parents=True)
    for path in EVAL.iterdir():
        if path.suffix in (".py", ".jsonl") and path.name != "dev4.jsonl" and path.name not in ONLY_HELDOUT3:
            shutil.copy(path, work / path.name)
    (work / "dev4.jsonl").write_text("".join(json.dumps(i) + "\n" for i in dev4), encoding="utf-8")
    return subprocess.run([sys.executable, str(work / "split.py"), "--check"], capture_output=True, text=True,
                          timeout=120)


def test_a_later_dev_item_near_a_heldout3_item_fails_the_check(splits, tmp_path):
    sealed = splits["heldout3"][0]
    twin = {**sealed, "id": "d4-twin", "question": sealed["question"].upper() + " ?"}
    out = _check_with_dev4(tmp_path, [twin])
    assert out.returncode == 1 and "heldout3" in out.stderr and "d4-twin" in out.stderr, out.stderr
    # a dev item excused for heldout/heldout2 (KNOWN_LATER_OVERLAPS) is not thereby excused for heldout3
    excused = sorted(_split_module().KNOWN_LATER_OVERLAPS)[0]
    out = _check_with_dev4(tmp_path / "b", [{**twin, "id": excused}])
    assert out.returncode == 1 and excused in out.stderr, out.stderr
    unrelated = {**twin, "question": "an unrelated question about labels"}
    assert _check_with_dev4(tmp_path / "c", [unrelated]).returncode == 0


def test_heldout4_is_written_from_its_own_pool_only(splits):
    items = splits["heldout4"]
    assert [i["id"] for i in items if not POOL4.match(i["provenance"]["source"])] == []
    assert [i["id"] for i in items if NOT_POOL4.match(i["provenance"]["source"])] == []
    later = [i for p in sorted(EVAL.glob("dev*.jsonl")) if p.name != "dev.jsonl" for i in _read(p.name)]
    others = [i for name, its in splits.items() if name != "heldout4" for i in its] + later
    cited = {i["provenance"]["source"] for i in others}
    assert [i["id"] for i in items if i["provenance"]["source"].startswith("https://")
            and i["provenance"]["source"] in cited] == []  # no thread another set already cites


def test_the_pool_checks_can_fail():
    assert POOL4.match("kherz/pulseq-cest-library@" + "0" * 40 + ":Readme.md")
    assert POOL4.match("https://github.com/mzaiss/MRTwin_pulseq/issues/13")
    for outside in ("pulseq/pulseq@" + "0" * 40 + ":matlab/demoSeq/writeTSE.m",
                    "https://github.com/pulseq/pulseq/issues/98", "usc-mrel/rtspiral_pypulseq@" + "0" * 40 + ":x.py",
                    "https://github.com/imr-framework/pypulseq/issues/5"):
        assert not POOL4.match(outside) and NOT_POOL4.match(outside), outside
    # a repository whose name only begins like a pool one is not in the pool
    assert not POOL4.match("kherz/pulseq-cest-other@" + "0" * 40 + ":a.m")


def test_heldout4_shares_nothing_with_the_sets_before_it(splits):
    split = _split_module()
    ours = [c["query"] for c in json.loads((ROOT / "tests" / "answers" / "eval_questions.json").read_text())]
    earlier = [i for name in split.HELDOUT4_WRITTEN_AFTER for i in _read(name)]
    assert {"dev5.jsonl", "heldout3.jsonl"} <= set(split.HELDOUT4_WRITTEN_AFTER)
    assert split.overlaps(splits["heldout4"], earlier, ours) == []


def test_a_later_dev_item_near_a_heldout4_item_fails_the_check(splits, tmp_path):
    sealed = splits["heldout4"][0]
    twin = {**sealed, "id": "d6-twin", "question": sealed["question"].upper() + " ?"}
    out = _check_with_later_dev(tmp_path, "dev6.jsonl", [twin], ONLY_HELDOUT4)
    assert out.returncode == 1 and "heldout4" in out.stderr and "d6-twin" in out.stderr, out.stderr
    # an excuse for another sealed set does not excuse a heldout4 twin; nor does a dev6x file escape the check
    excused = sorted(_split_module().KNOWN_LATER_OVERLAPS)[0]
    out = _check_with_later_dev(tmp_path / "b", "dev6x.jsonl", [{**twin, "id": excused}], ONLY_HELDOUT4)
    assert out.returncode == 1 and excused in out.stderr, out.stderr
    unrelated = {**twin, "question": "an unrelated question about labels"}
    assert _check_with_later_dev(tmp_path / "c", "dev6.jsonl", [unrelated], ONLY_HELDOUT4).returncode == 0


def test_a_heldout4_question_near_an_earlier_set_fails_the_check(splits, tmp_path):
    # the strict rule: heldout4 was written after heldout3 (and dev..dev5), so a question of theirs that it nearly
    # repeats is a failure; heldout3 is no dev file, so only that rule can catch this one
    copy = {**splits["heldout4"][1], "id": "h3-copy"}
    out = _check_with_later_dev(tmp_path, "heldout3.jsonl", _read("heldout3.jsonl") + [copy])
    assert out.returncode == 1 and "heldout4 overlaps" in out.stderr and "h3-copy" in out.stderr, out.stderr


def _check_with_later_dev(tmp_path: Path, name: str, items: list[dict],
                          not_copied: tuple[str, ...] = NOT_COPIED, **more: list[dict]) -> subprocess.CompletedProcess:
    """split.py --check on a copy of the eval folder where `name` holds `items` (replacing that file if it exists),
    without the files in `not_copied`; `more` adds further files (keyword: the file's stem, e.g. cal7=[...])."""
    work = tmp_path / "eval" / "answers"
    work.mkdir(parents=True)
    files = {name: items, **{f"{stem}.jsonl": its for stem, its in more.items()}}
    for path in EVAL.iterdir():
        if path.suffix in (".py", ".jsonl") and path.name not in files and path.name not in not_copied:
            shutil.copy(path, work / path.name)
    for fname, its in files.items():
        (work / fname).write_text("".join(json.dumps(i) + "\n" for i in its), encoding="utf-8")
    return subprocess.run([sys.executable, str(work / "split.py"), "--check"], capture_output=True, text=True,
                          timeout=120)


def test_no_question_shared_with_our_own_tests(splits):
    ours = json.loads((ROOT / "tests" / "answers" / "eval_questions.json").read_text(encoding="utf-8"))
    own = [_norm(c["query"]) for c in ours]
    for item in [i for items in splits.values() for i in items]:
        q = _norm(item["question"])
        for o in own:
            assert difflib.SequenceMatcher(None, q, o).ratio() < 0.75, (item["id"], o)


def assert_round_check_can_fail(tmp_path, check, names: tuple[str, str], earlier_assign) -> None:
    """A round's split check on a small folder: the real files pass; an item moved between them, or a question near
    a calibration file's, fails; and its own seed splits differently from the earlier round's rule (so a copy of that
    rule would be caught). Shared by every round that splits a batch into a tuning part and a transfer check."""
    dev, devx = _read(names[0]), _read(names[1])
    other = {"id": "x-other", "kind": "api", "question": "an unrelated question about the labels of a radial scan"}

    def folder(name: str, d: list[dict], dx: list[dict]) -> Path:
        work = tmp_path / name
        work.mkdir()
        for fname, its in ((names[0], d), (names[1], dx), ("cal9.jsonl", [other])):
            (work / fname).write_text("".join(json.dumps(i) + "\n" for i in its), encoding="utf-8")
        return work

    label = "/".join(n.removesuffix(".jsonl") for n in names)
    assert check(folder("ok", dev, devx)) == []
    moved = check(folder("moved", dev + devx[:1], devx[1:]))
    assert moved and devx[0]["id"] in moved[0] and moved[0].startswith(label), moved
    twin = {**dev[0], "id": "twin-item", "question": other["question"].upper() + "?!"}
    near = check(folder("near", dev + [twin], devx))
    assert any("twin-item" in p and "x-other" in p for p in near), near
    assert {i["id"] for i in earlier_assign(dev + devx)[1]} != {i["id"] for i in devx}
