"""heldout7, the seventh sealed set: written from its own pool only, weighted as the brief asks, and wired in.

Why: a sealed set is evidence only while nobody tunes on it and it shares nothing with what is tuned on. These tests
hold heldout7 to its pool (three repositories whose owners start with N-Z, so the A-M pool of the round's tuning set,
dev13, written at the same time, cannot overlap it), to the kinds and languages it was written with, and to the
checks that keep later dev files from repeating it. test_dataset.py is over the size limit, so they live here and
borrow its pool patterns and folder-copy helper.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from item_shapes import assert_item_shapes
from module_files import load

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT / "eval" / "answers"
NAME = "heldout7.jsonl"




ds = load("eval_dataset_h7", Path(__file__).with_name("test_dataset.py"))  # pools, _read, the folder-copy helper
split = load("eval_split_h7", EVAL / "split.py")
score = ds.score

# heldout7's pool: a 0.55 T QISS angiography script on pypulseq (rfuentes89), a student's own radial / EPI / spiral
# test scripts on a pypulseq fork (RikRolling: its scripts, not the toolbox copy), and a pypulseq contributor's
# trapezoid tests (ZhengguoTan); each repository's own threads would count too
POOL7H = re.compile(r"^(https://github\.com/)?(rfuentes89/pypulseq|RikRolling/pypulseq|ZhengguoTan/pypulseq)[@/]")
# every earlier pool (round 12's included) and the repositories the README names as read and left out
NOT_POOL7H = re.compile(ds.NOT_POOL12.pattern[:-1] + r"|QIS-MRI/|Xiaoxi-Liu/|ZirunWang666/|hansgaensbauer/"
                        r"|cmr-group/)", re.I)
EARLIER_POOLS = (ds.POOL4, ds.POOL5, ds.POOL6, ds.POOL8, ds.POOL11, ds.POOL12)
KINDS = {"followup": 12, "described": 10, "knowledge": 8, "units": 8, "in_language": 6, "no_template": 6, "api": 4,
         "params": 3, "template": 3}
# files written after heldout7 (or beside it): held to the later-dev rule, not named in its strict list
WRITTEN_AFTER_HELDOUT7 = ("dev13.jsonl", "dev13x.jsonl", "dev14.jsonl", "dev14x.jsonl",
                          "dev15.jsonl", "dev15x.jsonl",
                          "dev16.jsonl", "dev16x.jsonl", "heldout8.jsonl", "heldout9.jsonl")


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return ds._read(NAME)


def _owner(source: str) -> str:
    return source.removeprefix("https://github.com/").split("/")[0]


def test_heldout7_is_written_from_its_own_pool_only(items):
    sources = [i["provenance"]["source"] for i in items]
    assert [s for s in sources if not POOL7H.match(s)] == []
    assert [s for s in sources if NOT_POOL7H.match(s)] == []
    assert [s for s in sources if any(pool.match(s) for pool in EARLIER_POOLS)] == []
    assert all(_owner(s)[0].lower() in "nopqrstuvwxyz" for s in sources), sources  # the brief's N-Z owners
    for item in items:
        assert ds.SOURCE.match(item["provenance"]["source"]) and item["provenance"]["where"].strip(), item["id"]
    # its pool is its own: no other file cites these repositories
    others = [i for p in sorted(EVAL.glob("*.jsonl")) if p.name != NAME for i in ds._read(p.name)]
    assert [i["id"] for i in others if POOL7H.match(i["provenance"]["source"])] == []


def test_the_pool7h_checks_can_fail():
    sha = "@" + "0" * 40
    assert POOL7H.match("rfuentes89/pypulseq" + sha + ":qiss3d_tssos_bssfp_055T.py")
    assert POOL7H.match("https://github.com/RikRolling/pypulseq/issues/1")
    for outside in ("imr-framework/pypulseq" + sha + ":examples/write_epi.py", "pulseq/pypulseq" + sha + ":a.py",
                    "QIS-MRI/Pulseq" + sha + ":a.m", "cmr-group/GIRFbench" + sha + ":a.py",
                    "PTB-MR/mrseq" + sha + ":a.py", "https://github.com/pulseq/pypulseq/issues/260"):
        assert not POOL7H.match(outside) and NOT_POOL7H.match(outside), outside
    # another owner's copy of pypulseq is not in the pool, nor a repository whose name only begins like a pool one
    assert not POOL7H.match("mcencini/pypulseq" + sha + ":a.py")
    assert not POOL7H.match("RikRolling/pypulseq-fork" + sha + ":a.py")
    assert not NOT_POOL7H.match("ZhengguoTan/pypulseq" + sha + ":tests/test_make_trapezoid.py")


def test_heldout7_kinds_languages_and_shapes(items):
    assert len(items) == 60 and len({i["id"] for i in items}) == 60
    assert Counter(i["kind"] for i in items) == KINDS
    languages = Counter(i["language"] for i in items)
    assert languages == {"python": 30, "matlab": 30}, languages
    assert_item_shapes(items, 3)


def test_every_heldout7_item_is_valid_and_its_names_are_real(items):
    dialects = score.Dialects.load()
    assert {i["id"]: p for i in items if (p := score.validate_item(i, dialects))} == {}


def test_heldout7_is_wired_in_as_a_sealed_set():
    assert "heldout7" in score.SEALED and "heldout7" in score.SPLITS
    assert split.LATER_SEALED["heldout7"] == (split.KNOWN_LATER_OVERLAPS_HELDOUT7, split.HELDOUT7_WRITTEN_AFTER)
    assert split.KNOWN_LATER_OVERLAPS_HELDOUT7 == frozenset()
    # the strict rule names every file there when heldout7 was written; later files get the later-dev rule
    present = {p.name for p in EVAL.glob("*.jsonl")} - {NAME, *WRITTEN_AFTER_HELDOUT7}
    assert present <= set(split.HELDOUT7_WRITTEN_AFTER), present - set(split.HELDOUT7_WRITTEN_AFTER)


def test_split_check_passes_for_heldout7():
    out = subprocess.run([sys.executable, str(EVAL / "split.py"), "--check"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "heldout7 OK: 60 items" in out.stdout, out.stdout


# the other sealed sets and the round files are not what the twin tests below look at (each costs a comparison)
NOT_COPIED_H7 = ("heldout2.jsonl", "heldout3.jsonl", "heldout4.jsonl", "heldout5.jsonl", "cal7.jsonl", "dev8.jsonl",
                 "dev8x.jsonl", "dev11.jsonl", "dev11x.jsonl", "dev12.jsonl", "dev12x.jsonl", "dev13.jsonl",
                 "dev13x.jsonl", "dev14.jsonl", "dev14x.jsonl", "dev15.jsonl", "dev15x.jsonl",
                 "dev16.jsonl", "dev16x.jsonl", "heldout8.jsonl")


def test_a_later_dev_item_near_a_heldout7_item_fails_the_check(items, tmp_path):
    # a later dev file (dev16.jsonl: dev13, dev14 and dev15 exist, with their own split checks) repeats a heldout7
    # question (reworded in case and punctuation) under an id excused for heldout/heldout2: the check fails and names
    # it; an unrelated question passes
    excused = sorted(split.KNOWN_LATER_OVERLAPS)[0]
    twin = {**items[0], "id": excused, "question": items[0]["question"].upper() + " ?"}
    out = ds._check_with_later_dev(tmp_path, "dev16.jsonl", [twin], NOT_COPIED_H7)
    assert out.returncode == 1 and "heldout7" in out.stderr and excused in out.stderr, out.stderr
    unrelated = {**twin, "question": "an unrelated question about the labels of a radial scan"}
    assert ds._check_with_later_dev(tmp_path / "b", "dev16.jsonl", [unrelated], NOT_COPIED_H7).returncode == 0


def test_a_heldout7_question_near_an_earlier_sealed_set_fails_the_check(items, tmp_path):
    # the strict rule: heldout7 was written after heldout6, so a heldout6 question it nearly repeats is a failure;
    # heldout6 is no dev file, so only that rule can catch this one
    copy = {**items[1], "id": "h6-copy"}
    out = ds._check_with_later_dev(tmp_path, "heldout6.jsonl", ds._read("heldout6.jsonl") + [copy], NOT_COPIED_H7)
    assert out.returncode == 1 and "heldout7 overlaps" in out.stderr and "h6-copy" in out.stderr, out.stderr


def test_the_round_files_never_fit_on_heldout7():
    from pulsepal.answers import abstain_fit

    assert {"heldout7", "dev13x", "dev14x", "dev15x", "dev16x"} <= set(abstain_fit.MEASURING)
    with pytest.raises(SystemExit, match="measures the result"):
        abstain_fit.dump(str(EVAL / NAME))
