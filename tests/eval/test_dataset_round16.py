"""Round 16's set (dev16 + dev16x) is written from its own pool, weighted as the brief asks, and split as committed.

Why: the round's transfer check (dev16x) only says something about unseen questions if its sources are ones no
earlier file drew on, its kinds are the weak ones the brief names, its impossible requests carry the computed minimum,
and the split is the seeded one (so an item cannot be moved by hand to flatter a score). Its pool patterns live in
pools.py (POOL16, NOT_POOL16); the earlier rounds' pools that are still defined in their test files (round 13's,
round 14's, heldout7's, heldout8's) are taken from there, round 15's from pools.py (heldout9's repositories are in
NOT_POOL16), so no pattern is repeated.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from item_shapes import assert_item_shapes
from module_files import load
from pools import NOT_POOL16, POOL4, POOL5, POOL6, POOL8, POOL11, POOL12, POOL15, POOL16

EVAL = Path(__file__).resolve().parents[2] / "eval" / "answers"

# the earlier pools and helpers, from the one place each is defined (their tests are not collected again from here)
ds = load("eval_test_dataset_r16", Path(__file__).with_name("test_dataset.py"))
r13 = load("eval_test_dataset_round13_r16", Path(__file__).with_name("test_dataset_round13.py"))
r14 = load("eval_test_dataset_round14_r16", Path(__file__).with_name("test_dataset_round14.py"))
h7 = load("eval_test_heldout7_r16", Path(__file__).with_name("test_heldout7.py"))
h8 = load("eval_test_heldout8_r16", Path(__file__).with_name("test_heldout8.py"))
split = load("eval_split_r16", EVAL / "split.py")

EARLIER_POOLS = (POOL4, POOL5, POOL6, POOL8, POOL11, POOL12, r13.POOL13, r14.POOL14, h7.POOL7H, h8.POOL8H, POOL15)
ROUND16_FILES = ("dev16.jsonl", "dev16x.jsonl")
KINDS = {"knowledge": 17, "followup": 15, "units": 9, "described": 6, "in_language": 5, "no_template": 4, "api": 2,
         "params": 2}


@pytest.fixture(scope="module")
def round16() -> list[dict]:
    return [i for name in ROUND16_FILES for i in ds._read(name)]


def test_round16_is_written_from_its_own_pool_only(round16):
    assert len(round16) == 60 and len(ds._read("dev16x.jsonl")) == 21
    sources = [(i["id"], i["provenance"]["source"]) for i in round16]
    assert [i for i, s in sources if not POOL16.match(s)] == []
    assert [i for i, s in sources if NOT_POOL16.match(s)] == []
    assert [i for i, s in sources if any(pool.match(s) for pool in EARLIER_POOLS)] == []
    # all three repositories are drawn on (the first writer's two and the second writer's GE GUI)
    repos = {s.removeprefix("https://github.com/").split("@")[0] for _, s in sources}
    assert repos == {"BAMMri/Pulseq-4DFlow", "agahkarakuzu/pulseq-mp2rage", "Alice-Ku/Pulseq-GE-GUI"}, repos
    # its pool is its own: no other file of the folder cites these repositories
    others = [i for p in sorted(EVAL.glob("*.jsonl")) if p.name not in ROUND16_FILES for i in ds._read(p.name)]
    assert [i["id"] for i in others if POOL16.match(i["provenance"]["source"])] == []


def test_round16_weighs_the_weak_kinds_in_both_languages(round16):
    kinds = Counter(i["kind"] for i in round16)
    assert kinds == KINDS, kinds
    languages = Counter(i["language"] for i in round16)
    assert languages == {"python": 30, "matlab": 30}, languages
    impossible = assert_item_shapes(round16, 12)
    assert len(impossible) == 12, [i["id"] for i in impossible]
    assert {i["language"] for i in impossible} == {"python", "matlab"}
    # each file holds both languages about equally (the split alternates them within a kind), and each has both
    # languages' impossible requests
    for name in ROUND16_FILES:
        per_file = Counter(i["language"] for i in ds._read(name))
        assert abs(per_file["python"] - per_file["matlab"]) <= 2, (name, per_file)
        assert {i["language"] for i in impossible if i in ds._read(name)} == {"python", "matlab"}, name


def test_round16_items_are_valid_and_cited(round16):
    dialects = ds.score.Dialects.load()
    for item in round16:
        assert ds.score.validate_item(item, dialects) == [], item["id"]
        assert ds.SOURCE.match(item["provenance"]["source"]) and item["provenance"]["where"].strip(), item["id"]


def test_the_pool16_checks_can_fail():
    sha = "@" + "0" * 40
    assert POOL16.match("BAMMri/Pulseq-4DFlow" + sha + ":4Dflow.py")
    assert POOL16.match("agahkarakuzu/pulseq-mp2rage" + sha + ":src/writeMP2RAGE.m")
    assert POOL16.match("Alice-Ku/Pulseq-GE-GUI" + sha + ":write/writeMJGgre2dgui.m")
    assert POOL16.match("https://github.com/BAMMri/Pulseq-4DFlow/issues/1")
    for outside in ("pulseq/pulseq" + sha + ":matlab/demoSeq/writeTSE.m", "bughht/MESS_pulseq" + sha + ":a.py",
                    "Computer-Assisted-Clinical-Medicine/TPI-Pulseq" + sha + ":a.m", "cmsh96/FOV" + sha + ":a.m",
                    "catkira/marcos_experiments" + sha + ":a.m", "rfuentes89/pypulseq" + sha + ":a.py",
                    "shoheifujitaSF/Pulseq-qalas" + sha + ":a.m", "tonggehua/msi" + sha + ":a.py",
                    "pvillacorta/MRSeqStudio" + sha + ":a.jl", "fedibbm/pulseq" + sha + ":a.py",
                    "JuliaHealth/KomaMRI.jl" + sha + ":a.jl", "MRsources/MRzero-Core" + sha + ":a.py",
                    "mritogether/ESMRMB2024_Hardware_to_Map" + sha + ":a.ipynb", "JEMRIS/jemris" + sha + ":a.seq",
                    "cncastillo/KomaMRI_MRITogether2025" + sha + ":a.seq", "zjgao-spin/Autoresearch_MRsequence" + sha
                    + ":a.py", "MartinGraves/pulseq-sequences" + sha + ":a.m", "INFN-MRI/pulserver" + sha + ":a.py",
                    "bellarude/Pulseq-Sequences" + sha + ":a.m", "schuenke/sequences" + sha + ":a.py",
                    "danielabrahamgit/mrsim" + sha + ":a.py",
                    "https://github.com/pulseq/pypulseq/issues/285"):
        assert not POOL16.match(outside) and NOT_POOL16.match(outside), outside
    # a fork or a repository whose name only begins like a pool one is not in the pool
    assert not POOL16.match("someone/Pulseq-4DFlow" + sha + ":4Dflow.py")
    assert not POOL16.match("BAMMri/Pulseq-4DFlow-fork" + sha + ":a.py")
    assert not POOL16.match("agahkarakuzu/other" + sha + ":a.m")
    assert not POOL16.match("Alice-Ku/Pulseq-GE-GUI-copy" + sha + ":a.m")
    assert not NOT_POOL16.match("BAMMri/Pulseq-4DFlow" + sha + ":4Dflow.py")
    assert not NOT_POOL16.match("Alice-Ku/Pulseq-GE-GUI" + sha + ":write/writeSpiralB00630.m")


def test_round16_split_is_the_seeded_one_and_its_check_can_fail(tmp_path):
    # the real files pass (split.py --check prints "dev16/dev16x OK" from this same check); the rest as every round
    assert split.check_round16() == []
    ds.assert_round_check_can_fail(tmp_path, split.check_round16, ROUND16_FILES, split.assign_round14)


def test_round16_files_are_later_dev_files_for_the_sealed_sets_written_before_them():
    # heldout7, heldout8 and heldout9 hold dev16/dev16x to the near rule (later dev files), not to their strict lists
    later = {p.name for p in split.later_dev_files()}
    assert set(ROUND16_FILES) <= later
    for strict in (split.HELDOUT7_WRITTEN_AFTER, split.HELDOUT8_WRITTEN_AFTER, split.HELDOUT9_WRITTEN_AFTER):
        assert not set(ROUND16_FILES) & set(strict)
    assert set(ROUND16_FILES) <= set(h7.WRITTEN_AFTER_HELDOUT7) and set(ROUND16_FILES) <= set(h8.WRITTEN_AFTER_HELDOUT8)


def test_check_reports_round16(capsys):
    # --check (run in this process: a few seconds) checks the round and says so; a moved item would make it fail
    assert split.main(["--check"]) == 0
    assert "dev16/dev16x OK" in capsys.readouterr().out
