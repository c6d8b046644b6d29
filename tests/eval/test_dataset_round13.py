"""Round 13's set (dev13 + dev13x) is written from its own pool, weighted as the brief asks, and split as committed.

Why: the round's transfer check (dev13x) only says something about unseen questions if its sources are ones no
earlier file drew on, its kinds are the weak ones the brief names, its impossible requests carry the computed minimum,
and the split is the seeded one (so an item cannot be moved by hand to flatter a score). test_dataset.py is over the
module size limit, so the round's tests live here and take the earlier pools from it instead of repeating them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from item_shapes import assert_item_shapes
from module_files import load

EVAL = Path(__file__).resolve().parents[2] / "eval" / "answers"




# the earlier pools and helpers, from the one place they are defined (its tests are not collected again from here)
ds = load("eval_test_dataset_r13", Path(__file__).with_name("test_dataset.py"))
split = load("eval_split_r13", EVAL / "split.py")

# round 13's pool (the brief: owners A-M, repositories that build on Pulseq or pypulseq and that no earlier pool or
# README list names): catkira's MaRCoS tabletop sequences (MATLAB), h3lg3's ultra-low-field pypulseq suite, and
# alice-carre's own spiral and radial pypulseq scripts (not the pypulseq code her fork carries)
POOL13 = ds.re.compile(r"^(https://github\.com/)?(catkira/marcos_experiments[@/]|h3lg3/lowfield_seq_development[@/]"
                       r"|alice-carre/pypulseq@[0-9a-f]{40}:write_)")
# every earlier pool (round 12's included) and the repositories the README names as read and left out
NOT_POOL13 = ds.re.compile(ds.NOT_POOL12.pattern[:-1] + r"|QIS-MRI/|Xiaoxi-Liu/|ZirunWang666/|hansgaensbauer/"
                           r"|cmr-group/)", ds.re.I)
EARLIER_POOLS = (ds.POOL4, ds.POOL5, ds.POOL6, ds.POOL8, ds.POOL11, ds.POOL12)
ROUND13_FILES = ("dev13.jsonl", "dev13x.jsonl")


@pytest.fixture(scope="module")
def round13() -> list[dict]:
    return [i for name in ROUND13_FILES for i in ds._read(name)]


def test_round13_is_written_from_its_own_pool_only(round13):
    assert len(round13) >= 60 and len(ds._read("dev13x.jsonl")) >= 18
    sources = [(i["id"], i["provenance"]["source"]) for i in round13]
    assert [i for i, s in sources if not POOL13.match(s)] == []
    assert [i for i, s in sources if NOT_POOL13.match(s)] == []
    assert [i for i, s in sources if any(pool.match(s) for pool in EARLIER_POOLS)] == []
    # the owners are the brief's half of the alphabet (the other helper's sealed set takes N-Z)
    owners = {s.removeprefix("https://github.com/").split("/")[0].lower() for _, s in sources}
    assert all(o[0] in "abcdefghijklm" for o in owners), owners
    # its pool is its own: no other file of the folder cites these repositories
    others = [i for p in sorted(EVAL.glob("*.jsonl")) if p.name not in ROUND13_FILES for i in ds._read(p.name)]
    assert [i["id"] for i in others if POOL13.match(i["provenance"]["source"])] == []


def test_round13_weighs_the_weak_kinds_in_both_languages(round13):
    kinds = Counter(i["kind"] for i in round13)
    assert kinds == {"followup": 14, "knowledge": 10, "units": 10, "described": 10, "in_language": 8,
                     "no_template": 8}, kinds
    languages = Counter(i["language"] for i in round13)
    assert languages["python"] == languages["matlab"], languages
    assert_item_shapes(round13, 4)


def test_round13_items_are_valid_and_cited(round13):
    dialects = ds.score.Dialects.load()
    for item in round13:
        assert ds.score.validate_item(item, dialects) == [], item["id"]
        assert ds.SOURCE.match(item["provenance"]["source"]) and item["provenance"]["where"].strip(), item["id"]


def test_the_pool13_checks_can_fail():
    sha = "@" + "0" * 40
    assert POOL13.match("catkira/marcos_experiments" + sha + ":tabletop_se_pulseq.m")
    assert POOL13.match("h3lg3/lowfield_seq_development" + sha + ":packages/mr_systems.py")
    assert POOL13.match("alice-carre/pypulseq" + sha + ":write_vds_spiral.py")
    assert POOL13.match("https://github.com/catkira/marcos_experiments/issues/1")
    # the pypulseq code alice-carre's fork carries is not hers: not in the pool
    assert not POOL13.match("alice-carre/pypulseq" + sha + ":pypulseq/rotate.py")
    for outside in ("pulseq/pulseq" + sha + ":matlab/demoSeq/writeTSE.m", "QIS-MRI/Pulseq" + sha + ":a.m",
                    "cmr-group/GIRFbench" + sha + ":a.py", "PTB-MR/mrseq" + sha + ":a.py",
                    "schote/nexus-console" + sha + ":a.py", "LincolnCB/flocra-pulseq" + sha + ":a.py",
                    "https://github.com/pulseq/pypulseq/issues/285"):
        assert not POOL13.match(outside) and NOT_POOL13.match(outside), outside
    # a fork or a repository whose name only begins like a pool one is not in the pool
    assert not POOL13.match("catkira/marcos_experiments-fork" + sha + ":a.m")
    assert not POOL13.match("h3lg3/lowfield_seq_development2" + sha + ":a.py")
    assert not NOT_POOL13.match("catkira/marcos_experiments" + sha + ":a.m")


def test_round13_split_is_the_seeded_one_and_its_check_can_fail(tmp_path):
    # the real files pass (split.py --check prints "dev13/dev13x OK" from this same check); the rest as every round
    assert split.check_round13() == []
    ds.assert_round_check_can_fail(tmp_path, split.check_round13, ("dev13.jsonl", "dev13x.jsonl"), split.assign_round12)


def test_check_reports_round13(capsys):
    # --check (run in this process: about three seconds) checks the round and says so; a moved item would make it fail
    assert split.main(["--check"]) == 0
    assert "dev13/dev13x OK" in capsys.readouterr().out
