"""heldout8, the eighth sealed set: written from its own pool only, weighted as the brief asks, and wired in.

Why: a sealed set is evidence only while nobody tunes on it and it shares nothing with what is tuned on. These tests
hold heldout8 to its pool (five repositories whose owners start with N-Z, so the A-M pool of the round's tuning set,
dev14, written at the same time, cannot overlap it), to the kinds and languages it was written with, and to the
checks that keep later dev files (dev14.jsonl and dev14x.jsonl included, and round 15's dev15/dev15x) from
repeating it. test_dataset.py is over the size limit, so they live here and borrow its pool patterns and folder-copy
helper, as test_heldout7.py does.
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
NAME = "heldout8.jsonl"

ds = load("eval_dataset_h8", Path(__file__).with_name("test_dataset.py"))  # pools, _read, the folder-copy helper
split = load("eval_split_h8", EVAL / "split.py")
score = ds.score

# heldout8's pool: a 3D-QALAS sequence in MATLAB (shoheifujitaSF), a line-scan diffusion TSE in MATLAB (Qievit), the
# owner's pTx gradient-echo demo of a pTx Pulseq interpreter (Roosted7: that script only), 2D-MSI and SPGR pypulseq
# scripts (tonggehua) and Bruker MRE / RARE pypulseq scripts (Pierrickkk); each repository's own threads would count
POOL8H = re.compile(r"^(https://github\.com/)?(shoheifujitaSF/Pulseq-qalas|Qievit/pulseq_linescan|Roosted7/ptx-pulseq"
                    r"|tonggehua/msi|Pierrickkk/Bruker_pulseq_sequence)[@/]")
# every earlier pool (round 12's, round 13's POOL13 and heldout7's POOL7H included) and the repositories the README
# names as read and left out
NOT_POOL8H = re.compile(ds.NOT_POOL12.pattern[:-1] + r"|QIS-MRI/|Xiaoxi-Liu/|ZirunWang666/|hansgaensbauer/"
                        r"|cmr-group/|catkira/|h3lg3/|alice-carre/|rfuentes89/|RikRolling/|ZhengguoTan/|wjgxw/"
                        r"|TheMind9991/|d1s-utils/)", re.I)
EARLIER_POOLS = (ds.POOL4, ds.POOL5, ds.POOL6, ds.POOL8, ds.POOL11, ds.POOL12)
POOL13 = re.compile(r"^(https://github\.com/)?(catkira/marcos_experiments[@/]|h3lg3/lowfield_seq_development[@/]"
                    r"|alice-carre/pypulseq@[0-9a-f]{40}:write_)")
POOL7H = re.compile(r"^(https://github\.com/)?(rfuentes89/pypulseq|RikRolling/pypulseq|ZhengguoTan/pypulseq)[@/]")
KINDS = {"followup": 12, "described": 10, "knowledge": 10, "units": 8, "in_language": 6, "no_template": 6, "api": 3,
         "params": 3, "template": 2}
# files written after heldout8 (or beside it: round 14's tuning set and its transfer check; heldout9 and round 15's
# pair after it): held to the later-dev rule, not named in its strict list
WRITTEN_AFTER_HELDOUT8 = ("dev14.jsonl", "dev14x.jsonl", "heldout9.jsonl", "dev15.jsonl", "dev15x.jsonl",
                          "dev16.jsonl", "dev16x.jsonl")


@pytest.fixture(scope="module")
def items() -> list[dict]:
    return ds._read(NAME)


def _owner(source: str) -> str:
    return source.removeprefix("https://github.com/").split("/")[0]


def test_heldout8_is_written_from_its_own_pool_only(items):
    sources = [i["provenance"]["source"] for i in items]
    assert [s for s in sources if not POOL8H.match(s)] == []
    assert [s for s in sources if NOT_POOL8H.match(s)] == []
    assert [s for s in sources if any(pool.match(s) for pool in (*EARLIER_POOLS, POOL13, POOL7H))] == []
    assert all(_owner(s)[0].lower() in "nopqrstuvwxyz" for s in sources), sources  # the brief's N-Z owners
    for item in items:
        assert ds.SOURCE.match(item["provenance"]["source"]) and item["provenance"]["where"].strip(), item["id"]
    # every repository of the pool is drawn on, and no one of them carries the set alone
    per_repo = Counter(s.split("@")[0] for s in sources)
    assert len(per_repo) == 5 and max(per_repo.values()) <= 20, per_repo
    # its pool is its own: no other file cites these repositories
    others = [i for p in sorted(EVAL.glob("*.jsonl")) if p.name != NAME for i in ds._read(p.name)]
    assert [i["id"] for i in others if POOL8H.match(i["provenance"]["source"])] == []


def test_the_pool8h_checks_can_fail():
    sha = "@" + "0" * 40
    assert POOL8H.match("shoheifujitaSF/Pulseq-qalas" + sha + ":pulseq_phantom/writeQALAS_1x1x3mm.m")
    assert POOL8H.match("https://github.com/tonggehua/msi/issues/1")
    for outside in ("imr-framework/pypulseq" + sha + ":examples/write_epi.py", "pulseq/pulseq" + sha + ":a.m",
                    "rfuentes89/pypulseq" + sha + ":a.py", "catkira/marcos_experiments" + sha + ":a.m",
                    "h3lg3/lowfield_seq_development" + sha + ":a.py", "QIS-MRI/Pulseq" + sha + ":a.m",
                    "PTB-MR/mrseq" + sha + ":a.py", "https://github.com/pulseq/pypulseq/issues/260"):
        assert not POOL8H.match(outside) and NOT_POOL8H.match(outside), outside
    # another repository of a pool owner is not in the pool, nor a repository whose name only begins like a pool one
    assert not POOL8H.match("tonggehua/marcos_experiments" + sha + ":a.py")
    assert not POOL8H.match("Roosted7/ptx-pulseq-fork" + sha + ":a.m")
    assert not NOT_POOL8H.match("Qievit/pulseq_linescan" + sha + ":ls_tse.m")


def test_heldout8_kinds_languages_and_shapes(items):
    assert len(items) == 60 and len({i["id"] for i in items}) == 60
    assert Counter(i["kind"] for i in items) == KINDS
    languages = Counter(i["language"] for i in items)
    assert languages == {"python": 30, "matlab": 30}, languages
    assert_item_shapes(items, 4)


def test_every_heldout8_item_is_valid_and_its_names_are_real(items):
    dialects = score.Dialects.load()
    assert {i["id"]: p for i in items if (p := score.validate_item(i, dialects))} == {}


def test_heldout8_is_wired_in_as_a_sealed_set():
    assert "heldout8" in score.SEALED and "heldout8" in score.SPLITS
    assert split.LATER_SEALED["heldout8"] == (split.KNOWN_LATER_OVERLAPS_HELDOUT8, split.HELDOUT8_WRITTEN_AFTER)
    assert split.KNOWN_LATER_OVERLAPS_HELDOUT8 == frozenset()
    # the strict rule names every file there when heldout8 was written; later files get the later-dev rule
    present = {p.name for p in EVAL.glob("*.jsonl")} - {NAME, *WRITTEN_AFTER_HELDOUT8}
    assert present <= set(split.HELDOUT8_WRITTEN_AFTER), present - set(split.HELDOUT8_WRITTEN_AFTER)
    assert "heldout7.jsonl" in split.HELDOUT8_WRITTEN_AFTER and "dev13x.jsonl" in split.HELDOUT8_WRITTEN_AFTER
    assert not set(WRITTEN_AFTER_HELDOUT8) & set(split.HELDOUT8_WRITTEN_AFTER)


def test_split_check_passes_for_heldout8():
    out = subprocess.run([sys.executable, str(EVAL / "split.py"), "--check"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "heldout8 OK: 60 items" in out.stdout, out.stdout


# the other sealed sets and the round files are not what the twin tests below look at (each costs a comparison);
# round 14's and round 15's pairs are left out too, so their own split checks do not run on the copies (round 14's
# pair stays last: the round-14 test below copies it by dropping the last two names)
NOT_COPIED_H8 = ("heldout2.jsonl", "heldout3.jsonl", "heldout4.jsonl", "heldout5.jsonl", "heldout6.jsonl",
                 "cal7.jsonl", "dev8.jsonl", "dev8x.jsonl", "dev11.jsonl", "dev11x.jsonl", "dev12.jsonl",
                 "dev12x.jsonl", "dev13.jsonl", "dev13x.jsonl", "dev15.jsonl", "dev15x.jsonl",
                 "dev16.jsonl", "dev16x.jsonl", "dev14.jsonl",
                 "dev14x.jsonl")


def test_a_later_dev_item_near_a_heldout8_item_fails_the_check(items, tmp_path):
    # a later dev file (dev90.jsonl: a name no real file has, so no round's own split check is disturbed) repeats a
    # heldout8 question (reworded in case and punctuation) under an id excused for heldout/heldout2: the check fails
    # and names it; an unrelated question passes
    excused = sorted(split.KNOWN_LATER_OVERLAPS)[0]
    twin = {**items[0], "id": excused, "question": items[0]["question"].upper() + " ?"}
    out = ds._check_with_later_dev(tmp_path, "dev90.jsonl", [twin], NOT_COPIED_H8)
    assert out.returncode == 1 and "heldout8" in out.stderr and excused in out.stderr, out.stderr
    unrelated = {**twin, "question": "an unrelated question about the labels of a radial scan"}
    assert ds._check_with_later_dev(tmp_path / "b", "dev90.jsonl", [unrelated], NOT_COPIED_H8).returncode == 0


def test_round14_files_are_later_dev_files_for_heldout8(items, tmp_path):
    # dev14.jsonl (round 14's tuning set, written beside heldout8) is held to the later-dev rule: a dev14 item near a
    # heldout8 item fails the check, though dev14 is not in heldout8's strict list
    twin = {**items[2], "id": "d14-twin", "question": items[2]["question"].lower() + "!"}
    out = ds._check_with_later_dev(tmp_path, "dev14.jsonl", [twin], NOT_COPIED_H8[:-2])
    assert out.returncode == 1 and "heldout8" in out.stderr and "d14-twin" in out.stderr, out.stderr
    assert "dev14.jsonl" in [p.name for p in split.later_dev_files()] or not (EVAL / "dev14.jsonl").is_file()


def test_a_heldout8_question_near_an_earlier_sealed_set_fails_the_check(items, tmp_path):
    # the strict rule: heldout8 was written after heldout7, so a heldout7 question it nearly repeats is a failure;
    # heldout7 is no dev file, so only that rule can catch this one
    copy = {**items[1], "id": "h7-copy"}
    out = ds._check_with_later_dev(tmp_path, "heldout7.jsonl", ds._read("heldout7.jsonl") + [copy], NOT_COPIED_H8)
    assert out.returncode == 1 and "heldout8 overlaps" in out.stderr and "h7-copy" in out.stderr, out.stderr


def test_the_round_files_never_fit_on_heldout8():
    from pulsepal.answers import abstain_fit

    assert "heldout8" in abstain_fit.MEASURING and "heldout7" in abstain_fit.MEASURING
    with pytest.raises(SystemExit, match="measures the result"):
        abstain_fit.dump(str(EVAL / NAME))
