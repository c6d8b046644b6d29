"""heldout9, the ninth sealed set: written from its own pool only, weighted as the brief asks, and wired in.

Why: a sealed set is evidence only while nobody tunes on it and it shares nothing with what is tuned on. These tests
hold heldout9 to its pool (three repositories whose owners start with N-Z, so the A-M pool of the tuning set written
at the same time cannot overlap it; POOL9H and NOT_POOL9H live in pools.py), to the kinds and languages it was written
with, and to the checks that keep later dev files from repeating it. They borrow test_dataset.py's helpers, as
test_heldout8.py does.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from item_shapes import assert_item_shapes
from module_files import load
from pools import NOT_POOL9H, POOL9H

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "eval" / "answers"
NAME = "heldout9.jsonl"

ds = load("eval_dataset_h9", Path(__file__).with_name("test_dataset.py"))  # pools, _read, the folder-copy helper
h8 = load("eval_heldout8_h9", Path(__file__).with_name("test_heldout8.py"))  # POOL13, POOL7H, POOL8H
r14 = load("eval_round14_h9", Path(__file__).with_name("test_dataset_round14.py"))  # POOL14
split = load("eval_split_h9", EVAL / "split.py")
score = ds.score

EARLIER_POOLS = (ds.POOL4, ds.POOL5, ds.POOL6, ds.POOL8, ds.POOL11, ds.POOL12, h8.POOL13, h8.POOL7H, h8.POOL8H,
                 r14.POOL14)
KINDS = {"followup": 12, "described": 10, "knowledge": 10, "units": 8, "in_language": 6, "no_template": 6, "api": 3,
         "params": 3, "template": 2}


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return ds._read(NAME)


def _owner(source: str) -> str:
    return source.removeprefix("https://github.com/").split("/")[0]


def test_heldout9_is_written_from_its_own_pool_only(items):
    sources = [i["provenance"]["source"] for i in items]
    assert [s for s in sources if not POOL9H.match(s)] == []
    assert [s for s in sources if NOT_POOL9H.match(s)] == []
    assert [s for s in sources if any(pool.match(s) for pool in EARLIER_POOLS)] == []
    assert all(_owner(s)[0].lower() in "nopqrstuvwxyz" for s in sources), sources  # the brief's N-Z owners
    for item in items:
        assert ds.SOURCE.match(item["provenance"]["source"]) and item["provenance"]["where"].strip(), item["id"]
    # every repository of the pool is drawn on, and no one of them carries the set alone
    per_repo = Counter(s.split("@")[0] for s in sources)
    assert len(per_repo) == 3 and max(per_repo.values()) <= 35, per_repo
    # its pool is its own: no other file cites these repositories
    others = [i for p in sorted(EVAL.glob("*.jsonl")) if p.name != NAME for i in ds._read(p.name)]
    assert [i["id"] for i in others if POOL9H.match(i["provenance"]["source"])] == []


def test_no_other_test_file_cites_pool9h():
    # POOL9H is defined once (pools.py) and used here only: no other round's test holds its file to it
    here = Path(__file__).name
    users = [p.name for p in Path(__file__).parent.glob("*.py")
             if p.name not in (here, "pools.py") and "POOL9H" in p.read_text(encoding="utf-8")]
    assert users == []


def test_the_pool9h_checks_can_fail():
    sha = "@" + "0" * 40
    assert POOL9H.match("petraalbertova/pulseq_rex_detection" + sha + ":pulseq_main.m")
    assert POOL9H.match("https://github.com/zjgao-spin/Autoresearch_MRsequence/issues/1")
    for outside in ("imr-framework/pypulseq" + sha + ":examples/write_tse.py", "pulseq/pulseq" + sha + ":a.m",
                    "Qievit/pulseq_linescan" + sha + ":a.m", "tonggehua/msi" + sha + ":a.py",
                    "bughht/MESS_pulseq" + sha + ":a.py", "rfuentes89/pypulseq" + sha + ":a.py",
                    "tomgriesler/openmrf-core-matlab" + sha + ":a.m", "https://github.com/pulseq/pypulseq/issues/260"):
        assert not POOL9H.match(outside) and NOT_POOL9H.match(outside), outside
    # another repository of a pool owner is not in the pool, nor a repository whose name only begins like a pool one
    assert not POOL9H.match("petraalbertova/other" + sha + ":a.m")
    assert not POOL9H.match("ShanghaiTech-Hu-Lab/Listen-to-your-pulseq-fork" + sha + ":a.py")
    assert not NOT_POOL9H.match("zjgao-spin/Autoresearch_MRsequence" + sha + ":run.py")


def test_heldout9_kinds_languages_and_shapes(items):
    assert len(items) == 60 and len({i["id"] for i in items}) == 60
    assert Counter(i["kind"] for i in items) == KINDS
    languages = Counter(i["language"] for i in items)
    assert languages == {"python": 30, "matlab": 30}, languages
    assert_item_shapes(items, 5)


def test_every_heldout9_item_is_valid_and_its_names_are_real(items):
    dialects = score.Dialects.load()
    assert {i["id"]: p for i in items if (p := score.validate_item(i, dialects))} == {}


def test_heldout9_is_wired_in_as_a_sealed_set():
    assert "heldout9" in score.SEALED and "heldout9" in score.SPLITS
    assert split.LATER_SEALED["heldout9"] == (split.KNOWN_LATER_OVERLAPS_HELDOUT9, split.HELDOUT9_WRITTEN_AFTER)
    assert split.KNOWN_LATER_OVERLAPS_HELDOUT9 == frozenset()
    # the strict rule names every file there when heldout9 was written; later files get the later-dev rule
    present = {p.name for p in EVAL.glob("*.jsonl")} - {NAME}
    later = {p.name for p in split.later_dev_files()} - set(split.HELDOUT9_WRITTEN_AFTER)
    assert present - later <= set(split.HELDOUT9_WRITTEN_AFTER), present - later - set(split.HELDOUT9_WRITTEN_AFTER)
    assert {"heldout8.jsonl", "dev14.jsonl", "dev14x.jsonl"} <= set(split.HELDOUT9_WRITTEN_AFTER)


def test_split_check_passes_for_heldout9():
    out = subprocess.run([sys.executable, str(EVAL / "split.py"), "--check"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "heldout9 OK: 60 items" in out.stdout, out.stdout


NOT_COPIED_H9 = (*h8.NOT_COPIED_H8, "heldout7.jsonl")


def test_a_later_dev_item_near_a_heldout9_item_fails_the_check(items, tmp_path):
    # a later dev file (dev91.jsonl: a name no real file has) repeats a heldout9 question (reworded in case and
    # punctuation) under an id excused for heldout/heldout2: the check fails and names it; an unrelated one passes
    excused = sorted(split.KNOWN_LATER_OVERLAPS)[0]
    twin = {**items[0], "id": excused, "question": items[0]["question"].upper() + " ?"}
    out = ds._check_with_later_dev(tmp_path, "dev91.jsonl", [twin], NOT_COPIED_H9)
    assert out.returncode == 1 and "heldout9" in out.stderr and excused in out.stderr, out.stderr
    unrelated = {**twin, "question": "an unrelated question about the labels of a radial scan"}
    assert ds._check_with_later_dev(tmp_path / "b", "dev91.jsonl", [unrelated], NOT_COPIED_H9).returncode == 0


def test_a_heldout9_question_near_an_earlier_sealed_set_fails_the_check(items, tmp_path):
    # the strict rule: heldout9 was written after heldout8, so a heldout8 question it nearly repeats is a failure
    copy = {**items[1], "id": "h8-copy"}
    out = ds._check_with_later_dev(tmp_path, "heldout8.jsonl", ds._read("heldout8.jsonl") + [copy], NOT_COPIED_H9)
    assert out.returncode == 1 and "heldout9 overlaps" in out.stderr and "h8-copy" in out.stderr, out.stderr


def test_the_round_files_never_fit_on_heldout9():
    from pulsepal.answers import abstain_fit

    assert "heldout9" in abstain_fit.MEASURING and "heldout8" in abstain_fit.MEASURING
    with pytest.raises(SystemExit, match="measures the result"):
        abstain_fit.dump(str(EVAL / NAME))
