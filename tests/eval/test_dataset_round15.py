"""Round 15's set (dev15 + dev15x) is written from its own pool, weighted as the brief asks, and split as committed.

Why: the round's transfer check (dev15x) only says something about unseen questions if its sources are ones no
earlier file drew on, its kinds are the weak ones the brief names, its impossible requests carry the computed minimum,
and the split is the seeded one (so an item cannot be moved by hand to flatter a score). Its pool patterns live in
pools.py (POOL15, NOT_POOL15); the earlier rounds' pools that are still defined in their test files (round 13's,
round 14's, heldout7's, heldout8's) are taken from there, so no pattern is repeated.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from item_shapes import assert_item_shapes
from module_files import load
from pools import NOT_POOL15, POOL4, POOL5, POOL6, POOL8, POOL11, POOL12, POOL15

EVAL = Path(__file__).resolve().parents[2] / "eval" / "answers"

# the earlier pools and helpers, from the one place each is defined (their tests are not collected again from here)
ds = load("eval_test_dataset_r15", Path(__file__).with_name("test_dataset.py"))
r13 = load("eval_test_dataset_round13_r15", Path(__file__).with_name("test_dataset_round13.py"))
r14 = load("eval_test_dataset_round14_r15", Path(__file__).with_name("test_dataset_round14.py"))
h7 = load("eval_test_heldout7_r15", Path(__file__).with_name("test_heldout7.py"))
h8 = load("eval_test_heldout8_r15", Path(__file__).with_name("test_heldout8.py"))
split = load("eval_split_r15", EVAL / "split.py")

EARLIER_POOLS = (POOL4, POOL5, POOL6, POOL8, POOL11, POOL12, r13.POOL13, r14.POOL14, h7.POOL7H, h8.POOL8H)
ROUND15_FILES = ("dev15.jsonl", "dev15x.jsonl")
KINDS = {"knowledge": 14, "followup": 12, "units": 10, "described": 10, "in_language": 6, "no_template": 4, "api": 2,
         "params": 2}


@pytest.fixture(scope="module")
def round15() -> list[dict]:
    return [i for name in ROUND15_FILES for i in ds._read(name)]


def test_round15_is_written_from_its_own_pool_only(round15):
    assert len(round15) == 60 and len(ds._read("dev15x.jsonl")) == 20
    sources = [(i["id"], i["provenance"]["source"]) for i in round15]
    assert [i for i, s in sources if not POOL15.match(s)] == []
    assert [i for i, s in sources if NOT_POOL15.match(s)] == []
    assert [i for i, s in sources if any(pool.match(s) for pool in EARLIER_POOLS)] == []
    # the owners are the brief's half of the alphabet (the other helper's sealed set takes N-Z)
    owners = {s.removeprefix("https://github.com/").split("/")[0].lower() for _, s in sources}
    assert all(o[0] in "abcdefghijklm" for o in owners), owners
    # three to five repositories, as the brief asks
    repos = {s.removeprefix("https://github.com/").split("@")[0] for _, s in sources}
    assert 3 <= len(repos) <= 5, repos
    # its pool is its own: no other file of the folder cites these repositories
    others = [i for p in sorted(EVAL.glob("*.jsonl")) if p.name not in ROUND15_FILES for i in ds._read(p.name)]
    assert [i["id"] for i in others if POOL15.match(i["provenance"]["source"])] == []


def test_round15_weighs_the_weak_kinds_in_both_languages(round15):
    kinds = Counter(i["kind"] for i in round15)
    assert kinds == KINDS, kinds
    languages = Counter(i["language"] for i in round15)
    assert languages == {"python": 30, "matlab": 30}, languages
    impossible = assert_item_shapes(round15, 6)
    assert {i["language"] for i in impossible} == {"python", "matlab"}


def test_round15_items_are_valid_and_cited(round15):
    dialects = ds.score.Dialects.load()
    for item in round15:
        assert ds.score.validate_item(item, dialects) == [], item["id"]
        assert ds.SOURCE.match(item["provenance"]["source"]) and item["provenance"]["where"].strip(), item["id"]


def test_the_pool15_checks_can_fail():
    sha = "@" + "0" * 40
    assert POOL15.match("mritogether/ESMRMB2024_Hardware_to_Map" + sha + ":02_sequence_design_for_mapping/a.ipynb")
    assert POOL15.match("JEMRIS/jemris" + sha + ":share/examples/approved/gre.seq")
    assert POOL15.match("cncastillo/KomaMRI_MRITogether2025" + sha + ":example_sequences/spiral.seq")
    assert POOL15.match("https://github.com/JEMRIS/jemris/issues/1")
    for outside in ("pulseq/pulseq" + sha + ":matlab/demoSeq/writeTSE.m", "bughht/MESS_pulseq" + sha + ":a.py",
                    "Computer-Assisted-Clinical-Medicine/TPI-Pulseq" + sha + ":a.m", "cmsh96/FOV" + sha + ":a.m",
                    "catkira/marcos_experiments" + sha + ":a.m", "rfuentes89/pypulseq" + sha + ":a.py",
                    "shoheifujitaSF/Pulseq-qalas" + sha + ":a.m", "tonggehua/msi" + sha + ":a.py",
                    "pvillacorta/MRSeqStudio" + sha + ":a.jl", "fedibbm/pulseq" + sha + ":a.py",
                    "JuliaHealth/KomaMRI.jl" + sha + ":a.jl", "MRsources/MRzero-Core" + sha + ":a.py",
                    "https://github.com/pulseq/pypulseq/issues/285"):
        assert not POOL15.match(outside) and NOT_POOL15.match(outside), outside
    # a fork or a repository whose name only begins like a pool one is not in the pool
    assert not POOL15.match("BMRRgroup/jemris" + sha + ":a.cpp")
    assert not POOL15.match("JEMRIS/jemris-fork" + sha + ":a.cpp")
    assert not POOL15.match("mritogether/mritogether.github.io" + sha + ":a.md")
    assert not NOT_POOL15.match("JEMRIS/jemris" + sha + ":a.cpp")


def test_round15_split_is_the_seeded_one_and_its_check_can_fail(tmp_path):
    # the real files pass (split.py --check prints "dev15/dev15x OK" from this same check); the rest as every round
    assert split.check_round15() == []
    ds.assert_round_check_can_fail(tmp_path, split.check_round15, ROUND15_FILES, split.assign_round14)


def test_round15_files_are_later_dev_files_for_the_sealed_sets_written_before_them():
    # heldout7 and heldout8 hold dev15/dev15x to the near rule (later dev files), not to their strict lists
    later = {p.name for p in split.later_dev_files()}
    assert set(ROUND15_FILES) <= later
    for strict in (split.HELDOUT7_WRITTEN_AFTER, split.HELDOUT8_WRITTEN_AFTER):
        assert not set(ROUND15_FILES) & set(strict)
    assert set(ROUND15_FILES) <= set(h7.WRITTEN_AFTER_HELDOUT7) and set(ROUND15_FILES) <= set(h8.WRITTEN_AFTER_HELDOUT8)


def test_check_reports_round15(capsys):
    # --check (run in this process: a few seconds) checks the round and says so; a moved item would make it fail
    assert split.main(["--check"]) == 0
    assert "dev15/dev15x OK" in capsys.readouterr().out
