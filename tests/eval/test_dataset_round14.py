"""Round 14's set (dev14 + dev14x) is written from its own pool, weighted as the brief asks, and split as committed.

Why: the round's transfer check (dev14x) only says something about unseen questions if its sources are ones no
earlier file drew on, its kinds are the weak ones the brief names, its impossible requests carry the computed minimum,
and the split is the seeded one (so an item cannot be moved by hand to flatter a score). test_dataset.py is over the
module size limit, so the round's tests live here and take the earlier pools from it (and round 13's and heldout7's
from their own files) instead of repeating them.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from item_shapes import assert_item_shapes
from module_files import load

EVAL = Path(__file__).resolve().parents[2] / "eval" / "answers"

# the earlier pools and helpers, from the one place each is defined (their tests are not collected again from here)
ds = load("eval_test_dataset_r14", Path(__file__).with_name("test_dataset.py"))
r13 = load("eval_test_dataset_round13_r14", Path(__file__).with_name("test_dataset_round13.py"))
h7 = load("eval_test_heldout7_r14", Path(__file__).with_name("test_heldout7.py"))
split = load("eval_split_r14", EVAL / "split.py")

# round 14's pool (the brief: owners A-M, repositories with their own Pulseq or pypulseq sequence code that no earlier
# pool or README list names): bughht's multi-echo SSFP (MESS) pypulseq package, the Computer-Assisted-Clinical-Medicine
# sodium sequences in MATLAB (CRISTINA triple-quantum imaging and twisted projection imaging), and cmsh96's FOV
# positioning with gradient-delay correction (a radial GRE, a 64-shot spiral and the correction script, MATLAB)
POOL14 = ds.re.compile(r"^(https://github\.com/)?(bughht/MESS_pulseq"
                       r"|Computer-Assisted-Clinical-Medicine/CRISTINA-3D-Pulseq"
                       r"|Computer-Assisted-Clinical-Medicine/TPI-Pulseq"
                       r"|cmsh96/FOV_Positioning_with_Gradient_Imperfection_Correction_Pulseq)[@/]")
# every earlier pool (round 13's and heldout7's included) and the repositories their sections name as read and left out
NOT_POOL14 = ds.re.compile(r13.NOT_POOL13.pattern[:-1] + r"|catkira/|h3lg3/|alice-carre/|mcencini/|FrankZijlstra/"
                           r"|Happinessjump/|foroozandehgroup/|d1s-utils/|rfuentes89/|RikRolling/|ZhengguoTan/"
                           r"|TheMind9991/|wjgxw/)",
                           ds.re.I)
EARLIER_POOLS = (ds.POOL4, ds.POOL5, ds.POOL6, ds.POOL8, ds.POOL11, ds.POOL12, r13.POOL13, h7.POOL7H)
ROUND14_FILES = ("dev14.jsonl", "dev14x.jsonl")


@pytest.fixture(scope="module")
def round14() -> list[dict]:
    return [i for name in ROUND14_FILES for i in ds._read(name)]


def test_round14_is_written_from_its_own_pool_only(round14):
    assert len(round14) == 60 and len(ds._read("dev14x.jsonl")) == 20
    sources = [(i["id"], i["provenance"]["source"]) for i in round14]
    assert [i for i, s in sources if not POOL14.match(s)] == []
    assert [i for i, s in sources if NOT_POOL14.match(s)] == []
    assert [i for i, s in sources if any(pool.match(s) for pool in EARLIER_POOLS)] == []
    # the owners are the brief's half of the alphabet (the other helper's sealed set takes N-Z)
    owners = {s.removeprefix("https://github.com/").split("/")[0].lower() for _, s in sources}
    assert all(o[0] in "abcdefghijklm" for o in owners), owners
    # its pool is its own: no other file of the folder cites these repositories
    others = [i for p in sorted(EVAL.glob("*.jsonl")) if p.name not in ROUND14_FILES for i in ds._read(p.name)]
    assert [i["id"] for i in others if POOL14.match(i["provenance"]["source"])] == []


def test_round14_weighs_the_weak_kinds_in_both_languages(round14):
    kinds = Counter(i["kind"] for i in round14)
    assert kinds == {"knowledge": 14, "units": 12, "followup": 12, "described": 10, "in_language": 6,
                     "no_template": 6}, kinds
    languages = Counter(i["language"] for i in round14)
    assert languages == {"python": 30, "matlab": 30}, languages
    impossible = assert_item_shapes(round14, 6)
    assert {i["language"] for i in impossible} == {"python", "matlab"}


def test_round14_items_are_valid_and_cited(round14):
    dialects = ds.score.Dialects.load()
    for item in round14:
        assert ds.score.validate_item(item, dialects) == [], item["id"]
        assert ds.SOURCE.match(item["provenance"]["source"]) and item["provenance"]["where"].strip(), item["id"]


def test_the_pool14_checks_can_fail():
    sha = "@" + "0" * 40
    assert POOL14.match("bughht/MESS_pulseq" + sha + ":MESS/sequence.py")
    assert POOL14.match("Computer-Assisted-Clinical-Medicine/CRISTINA-3D-Pulseq" + sha + ":CRISTINA3d_bipolar.m")
    assert POOL14.match("Computer-Assisted-Clinical-Medicine/TPI-Pulseq" + sha + ":TPI_compiler.m")
    assert POOL14.match("cmsh96/FOV_Positioning_with_Gradient_Imperfection_Correction_Pulseq" + sha + ":rad_gre.m")
    assert POOL14.match("https://github.com/bughht/MESS_pulseq/issues/1")
    for outside in ("pulseq/pulseq" + sha + ":matlab/demoSeq/writeTSE.m", "catkira/marcos_experiments" + sha + ":a.m",
                    "h3lg3/lowfield_seq_development" + sha + ":a.py", "alice-carre/pypulseq" + sha + ":write_x.py",
                    "RikRolling/pypulseq" + sha + ":a.py", "QIS-MRI/Pulseq" + sha + ":a.m",
                    "d1s-utils/pulseq" + sha + ":a.py", "https://github.com/pulseq/pypulseq/issues/285"):
        assert not POOL14.match(outside) and NOT_POOL14.match(outside), outside
    # a fork or a repository whose name only begins like a pool one is not in the pool
    assert not POOL14.match("bughht/MESS_pulseq2" + sha + ":a.py")
    assert not POOL14.match("someone/MESS_pulseq" + sha + ":a.py")
    assert not POOL14.match("Computer-Assisted-Clinical-Medicine/TPI-Pulseq-fork" + sha + ":a.m")
    assert not NOT_POOL14.match("bughht/MESS_pulseq" + sha + ":a.py")


def test_round14_split_is_the_seeded_one_and_its_check_can_fail(tmp_path):
    # the real files pass (split.py --check prints "dev14/dev14x OK" from this same check); the rest as every round
    assert split.check_round14() == []
    ds.assert_round_check_can_fail(tmp_path, split.check_round14, ROUND14_FILES, split.assign_round13)


def test_check_reports_round14(capsys):
    # --check (run in this process: a few seconds) checks the round and says so; a moved item would make it fail
    assert split.main(["--check"]) == 0
    assert "dev14/dev14x OK" in capsys.readouterr().out
