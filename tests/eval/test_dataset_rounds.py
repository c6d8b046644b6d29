"""Rounds 8, 11 and 12 (a tuning file and its transfer check each) are written from their own pools and split as
committed (moved from test_dataset.py, which was over the size limit; the checks are unchanged).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from module_files import load
from pools import NOT_POOL8, NOT_POOL11, NOT_POOL12, POOL4, POOL5, POOL6, POOL8, POOL11, POOL12

ds = load("eval_test_dataset_rounds", Path(__file__).with_name("test_dataset.py"))  # helpers, not collected again
_read = ds._read
_split_module = ds._split_module
_later_files = ds._later_files
SOURCE = ds.SOURCE
assert_round_check_can_fail = ds.assert_round_check_can_fail


def _round8() -> list[dict]:
    return [i for name in ("dev8.jsonl", "dev8x.jsonl") for i in _read(name)]


def test_round8_is_written_from_its_own_pool_only(splits):
    items = _round8()
    assert len(items) >= 90 and len(_read("dev8x.jsonl")) >= 28
    assert [i["id"] for i in items if not POOL8.match(i["provenance"]["source"])] == []
    assert [i["id"] for i in items if NOT_POOL8.match(i["provenance"]["source"])] == []
    for item in items:
        assert SOURCE.match(item["provenance"]["source"]) and item["provenance"]["where"].strip(), item["id"]
    others = [i for its in splits.values() for i in its] + [
        i for p in _later_files() if p.name not in ("dev8.jsonl", "dev8x.jsonl") for i in _read(p.name)]
    cited = {i["provenance"]["source"] for i in others}
    assert [i["id"] for i in items if i["provenance"]["source"].startswith("https://")
            and i["provenance"]["source"] in cited] == []  # no thread another set already cites
    # weighted like heldout4/heldout5, both session languages about equally
    kinds = Counter(i["kind"] for i in items)
    heavy = ("described", "units", "check", "knowledge", "followup", "no_template")
    assert min(kinds[k] for k in heavy) > max(kinds[k] for k in ("api", "params", "translate", "template")), kinds
    languages = Counter(i["language"] for i in items)
    assert abs(languages["python"] - languages["matlab"]) <= len(items) // 10, languages


def test_the_pool8_checks_can_fail():
    assert POOL8.match("MRsources/MRzero-Core@" + "0" * 40 + ":documentation/playground_mr0/mr0_FID_seq.ipynb")
    assert POOL8.match("https://github.com/JuliaHealth/KomaMRI.jl/issues/613")
    for outside in ("pulseq/pulseq@" + "0" * 40 + ":matlab/demoSeq/writeTSE.m", "pulseq/tutorials@" + "0" * 40 + ":a.m",
                    "mzaiss/MRTwin_pulseq@" + "0" * 40 + ":a.py", "rextlfung/PyPulseq-experiment@" + "0" * 40 + ":a.py",
                    "HarmonizedMRI/SMS-EPI@" + "0" * 40 + ":a.m", "https://github.com/imr-framework/pypulseq/issues/5",
                    "pulseq-frame/pulseq-zero@" + "0" * 40 + ":demo/write_tse.py"):
        assert not POOL8.match(outside) and NOT_POOL8.match(outside), outside
    assert not NOT_POOL8.match("imr-framework/virtual-scanner@" + "0" * 40 + ":a.py")
    assert not POOL8.match("MRsources/MRzero-Core-fork@" + "0" * 40 + ":a.py")


def test_round8_split_check_can_fail(tmp_path):
    # the check on a small folder: the real dev8/dev8x pass; an item moved between them, a question that repeats
    # another file's (reworded only in case and punctuation) or one near a calibration file's question, fails
    split = _split_module()
    dev8, dev8x = _read("dev8.jsonl"), _read("dev8x.jsonl")
    other = {"id": "x-other", "kind": "api", "question": "an unrelated question about the labels of a radial scan"}
    copy = {"id": "x-copy", "kind": "api", "question": "a question of another dev file about spoiler areas"}

    def folder(name: str, d8: list[dict], d8x: list[dict]) -> Path:
        work = tmp_path / name
        work.mkdir()
        for fname, its in (("dev8.jsonl", d8), ("dev8x.jsonl", d8x), ("cal9.jsonl", [other]), ("dev2.jsonl", [copy])):
            (work / fname).write_text("".join(json.dumps(i) + "\n" for i in its), encoding="utf-8")
        return work

    assert split.check_round8(folder("ok", dev8, dev8x)) == []
    moved = split.check_round8(folder("moved", dev8 + dev8x[:1], dev8x[1:]))
    assert moved and dev8x[0]["id"] in moved[0], moved
    twin = {**dev8[0], "id": "d8-twin", "question": other["question"].upper() + "?!"}
    near = split.check_round8(folder("near", dev8 + [twin], dev8x))
    assert any("d8-twin" in p and "x-other" in p for p in near), near
    repeat = {**dev8[1], "id": "d8-repeat", "question": " " + copy["question"].upper() + "!"}
    again = split.check_round8(folder("again", dev8 + [repeat], dev8x))
    assert any("d8-repeat" in p and "dev2.jsonl" in p for p in again), again


def _round11() -> list[dict]:
    return [i for name in ("dev11.jsonl", "dev11x.jsonl") for i in _read(name)]


def test_round11_is_written_from_its_own_pool_only(splits):
    items = _round11()
    assert len(items) >= 60 and len(_read("dev11x.jsonl")) >= 18
    assert [i["id"] for i in items if not POOL11.match(i["provenance"]["source"])] == []
    assert [i["id"] for i in items if NOT_POOL11.match(i["provenance"]["source"])] == []
    assert [i["id"] for i in items if any(pool.match(i["provenance"]["source"])
                                          for pool in (POOL4, POOL5, POOL6, POOL8))] == []
    # its pool is its own: no other file cites these repositories
    others = [i for its in splits.values() for i in its] + [
        i for p in _later_files() if p.name not in ("dev11.jsonl", "dev11x.jsonl") for i in _read(p.name)]
    assert [i["id"] for i in others if POOL11.match(i["provenance"]["source"])] == []
    # the kinds the brief weighs toward the responder's weak spots on unseen sets, both session languages equally
    kinds = Counter(i["kind"] for i in items)
    assert kinds == {"followup": 18, "no_template": 12, "knowledge": 12, "described": 12, "units": 6}, kinds
    languages = Counter(i["language"] for i in items)
    assert languages["python"] == languages["matlab"], languages
    # a follow-up carries a real first question whose answer the responder gives itself, as in a chat
    for item in items:
        if item["kind"] == "followup":
            first, answer = item["history"]
            assert first["role"] == "user" and first["content"].strip(), item["id"]
            assert answer == {"role": "assistant", "content": None}, item["id"]
    # at least four impossible requests, each expecting the word for it and the computed minimum beside it
    impossible = [i for i in items if i["kind"] == "knowledge" and "minimum" in i["expect"]["text"][0]]
    assert len(impossible) >= 4 and all(len(i["expect"]["text"]) >= 2 for i in impossible), impossible


def test_the_pool11_checks_can_fail():
    sha = "@" + "0" * 40
    assert POOL11.match("PTB-MR/mrseq" + sha + ":src/mrseq/sequences/spiral_flash.py")
    assert POOL11.match("https://github.com/tomgriesler/openmrf-core-matlab/issues/1")
    for outside in ("pulseq/pulseq" + sha + ":matlab/demoSeq/writeTSE.m", "mri4all/console" + sha + ":a.py",
                    "MRsources/MRzero-Core" + sha + ":a.ipynb", "HarmonizedMRI/SMS-EPI" + sha + ":a.m",
                    "ahannum/gropt-diffusion-pypulseq" + sha + ":a.py", "https://github.com/pulseq/pypulseq/issues/285"):
        assert not POOL11.match(outside) and NOT_POOL11.match(outside), outside
    # a fork or a repository whose name only begins like a pool one is not in the pool
    assert not POOL11.match("Ashgon/OpenMRF" + sha + ":a.m") and not POOL11.match("PTB-MR/mrseq-fork" + sha + ":a.py")
    assert not NOT_POOL11.match("PTB-MR/mrseq" + sha + ":a.py")


def test_round11_split_check_can_fail(tmp_path):
    # round 8's files are not needed for it (nor looked at)
    split = _split_module()
    assert_round_check_can_fail(tmp_path, split.check_round11, ("dev11.jsonl", "dev11x.jsonl"), split.assign_round8)


ROUND12_FILES = ("dev12.jsonl", "dev12x.jsonl")


def _round12() -> list[dict]:
    return [i for name in ROUND12_FILES for i in _read(name)]


def test_round12_is_written_from_its_own_pool_only(splits):
    items = _round12()
    assert len(items) >= 60 and len(_read("dev12x.jsonl")) >= 18
    assert [i["id"] for i in items if not POOL12.match(i["provenance"]["source"])] == []
    assert [i["id"] for i in items if NOT_POOL12.match(i["provenance"]["source"])] == []
    assert [i["id"] for i in items if any(pool.match(i["provenance"]["source"])
                                          for pool in (POOL4, POOL5, POOL6, POOL8, POOL11))] == []
    # its pool is its own: no other file cites these repositories
    others = [i for its in splits.values() for i in its] + [
        i for p in _later_files() if p.name not in ROUND12_FILES for i in _read(p.name)]
    assert [i["id"] for i in others if POOL12.match(i["provenance"]["source"])] == []
    # the kinds the brief weighs toward the weakest unseen kinds, both session languages equally
    kinds = Counter(i["kind"] for i in items)
    assert kinds == {"followup": 14, "knowledge": 10, "units": 10, "described": 10, "in_language": 8,
                     "no_template": 8}, kinds
    languages = Counter(i["language"] for i in items)
    assert languages["python"] == languages["matlab"], languages
    for item in items:
        if item["kind"] == "followup":  # a real first question whose answer the responder gives itself
            first, answer = item["history"]
            assert first["role"] == "user" and first["content"].strip(), item["id"]
            assert answer == {"role": "assistant", "content": None}, item["id"]
        if item["kind"] == "in_language":  # asks for the other language than the session's: not a translation
            assert item["answer_language"] != item["language"], item["id"]
    # at least four impossible requests, each expecting the word for it and the computed minimum beside it
    impossible = [i for i in items if i["kind"] == "knowledge" and "minimum" in i["expect"]["text"][0]]
    assert len(impossible) >= 4 and all(len(i["expect"]["text"]) >= 2 for i in impossible), impossible


def test_the_pool12_checks_can_fail():
    sha = "@" + "0" * 40
    assert POOL12.match("QIS-MRI/Pulseq" + sha + ":write_pulseq_PhaseCycledbSSFP.m")
    assert POOL12.match("https://github.com/cmr-group/GIRFbench/issues/1")
    for outside in ("pulseq/pulseq" + sha + ":matlab/demoSeq/writeTrufi.m", "PTB-MR/mrseq" + sha + ":a.py",
                    "tomgriesler/openmrf-core-matlab" + sha + ":a.m", "mri4all/console" + sha + ":a.py",
                    "MRsources/MRzero-Core" + sha + ":a.ipynb", "https://github.com/pulseq/pypulseq/issues/285"):
        assert not POOL12.match(outside) and NOT_POOL12.match(outside), outside
    # a fork or a repository whose name only begins like a pool one is not in the pool
    assert not POOL12.match("QIS-MRI/Pulseq-fork" + sha + ":a.m") and not POOL12.match("QIS-MRI/pcbSSFP_PDFF" + sha)
    assert not NOT_POOL12.match("cmr-group/GIRFbench" + sha + ":a.py")


def test_round12_split_check_can_fail(tmp_path):
    split = _split_module()
    assert_round_check_can_fail(tmp_path, split.check_round12, ("dev12.jsonl", "dev12x.jsonl"), split.assign_round11)
