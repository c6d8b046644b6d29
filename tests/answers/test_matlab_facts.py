"""The MATLAB API facts file is well-formed and holds the facts answers depend on.

Why: MATLAB answers, translations and code checks are built from pulsepal/answers/data/matlab_api.json (extracted
from the real toolbox by tools/extract_matlab_api.py). A malformed entry or a lost fact would silently turn into a
wrong signature in an answer, so the file's shape and a few hand-checked facts are pinned here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "pulsepal" / "answers" / "data" / "matlab_api.json"
IDENT = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,62}$")  # MATLAB identifier rules (namelengthmax is 63)
ENTRY_KEYS = {"name", "call", "file", "line", "signature", "args", "options", "outputs", "varargin", "summary"}


@pytest.fixture(scope="module")
def api() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def entries(api: dict) -> list[tuple[str, dict]]:
    return [("mr", e) for e in api["functions"]] + [("seq", e) for e in api["sequence_methods"]]


def class_methods(api: dict) -> list[tuple[str, dict]]:
    """Methods of the +mr classes other than Sequence (mr.TransformFOV's applyToSeq), nested in the constructor."""
    return [(e["name"], m) for e in api["functions"] for m in e.get("methods", [])]


def by_call(api: dict) -> dict[str, dict]:
    return {e["call"]: e for _, e in entries(api)}


def test_source_names_the_commit_read(api):
    src = api["source"]
    assert src["repository"] == "https://github.com/pulseq/pulseq"
    assert re.fullmatch(r"[0-9a-f]{40}", src["commit"])
    assert src["ref"] == "v1.5.1" and src["commit"] == "84ea72603208bdbe442950e6661b155fc4d37311"
    assert api["schema"] == 1


def test_every_entry_has_the_fields_and_valid_names(api):
    assert len(api["functions"]) >= 40 and len(api["sequence_methods"]) >= 30
    for prefix, e in entries(api) + class_methods(api):
        missing = ENTRY_KEYS - e.keys()
        assert not missing, f"{e.get('call')}: missing {missing}"
        assert IDENT.match(e["name"]), e["name"]
        expected_prefix = "mr" if e["name"] == "Sequence" else prefix
        assert e["call"] == f"{expected_prefix}.{e['name']}"
        assert e["file"].startswith("matlab/+mr/") and e["file"].endswith(".m")
        assert isinstance(e["line"], int) and e["line"] >= 1
        assert isinstance(e["varargin"], bool)
        for a in e["args"]:
            assert IDENT.match(a["name"]) and isinstance(a["required"], bool), (e["call"], a)
        for o in e["options"]:
            assert IDENT.match(o["name"]) and isinstance(o["default"], str), (e["call"], o)
        for out in e["outputs"]:
            assert IDENT.match(out), (e["call"], out)
        s = e["summary"]
        assert s and "\n" not in s and len(s) <= 240 and "TODO" not in s, e["call"]


def test_no_duplicates(api):
    for section in ("functions", "sequence_methods"):
        names = [e["name"] for e in api[section]]
        assert len(names) == len(set(names)), section
    for _, e in entries(api) + class_methods(api):
        args = [a["name"] for a in e["args"]]
        assert len(args) == len(set(args)), e["call"]
        opts = [o["name"].lower() for o in e["options"]]  # inputParser matches option names case-insensitively
        assert len(opts) == len(set(opts)), e["call"]


def test_required_arguments_come_before_optional_ones(api):
    for _, e in entries(api) + class_methods(api):
        flags = [a["required"] for a in e["args"]]
        assert flags == sorted(flags, reverse=True), e["call"]


def test_literal_defaults_carry_their_value(api):
    for _, e in entries(api) + class_methods(api):
        for o in e["options"] + [a for a in e["args"] if "default" in a]:
            assert "value" in o or o.get("expression") is True, (e["call"], o)


def test_make_sinc_pulse(api):
    e = by_call(api)["mr.makeSincPulse"]
    assert e["outputs"] == ["rf", "gz", "gzr", "delay"]
    assert [a["name"] for a in e["args"]] == ["flipAngle", "system"]
    assert [a["required"] for a in e["args"]] == [True, False]
    opts = {o["name"]: o for o in e["options"]}
    assert {"duration", "sliceThickness", "apodization", "centerpos", "use"} <= opts.keys()
    assert opts["timeBwProduct"]["value"] == 4 and opts["use"]["value"] == "u"


def test_make_extended_trapezoid_area_argument_order(api):
    e = by_call(api)["mr.makeExtendedTrapezoidArea"]
    assert [a["name"] for a in e["args"]] == ["channel", "Gs", "Ge", "A", "sys"]
    assert all(a["required"] for a in e["args"]) and e["options"] == []
    assert e["outputs"] == ["grad", "times", "amplitudes"]


def test_make_adc_dwell_is_an_option_and_no_dead_time_option(api):
    e = by_call(api)["mr.makeAdc"]
    assert [a["name"] for a in e["args"]] == ["numSamples", "system"]
    names = [o["name"] for o in e["options"]]
    assert names[:3] == ["dwell", "duration", "delay"]
    assert not any("dead" in n.lower() for n in names)
    assert "dead time" not in e["summary"].split("dwell")[1].split(";")[0]  # dwell is not described as dead time


def test_triggers_labels_soft_delay(api):
    calls = by_call(api)
    trig = calls["mr.makeTrigger"]
    assert [a["name"] for a in trig["args"]] == ["channel", "delay", "duration", "system"]
    out = calls["mr.makeDigitalOutputPulse"]
    assert [a["name"] for a in out["args"]] == ["channel"]
    assert [o["name"] for o in out["options"]] == ["delay", "duration", "system"]
    label = calls["mr.makeLabel"]
    assert [(a["name"], a["required"]) for a in label["args"]] == [("type", True), ("label", True), ("value", True)]
    soft = calls["mr.makeSoftDelay"]
    assert [(a["name"], a["required"]) for a in soft["args"]] == [
        ("numID", True), ("hint", True), ("offset", False), ("factor", False)]


def test_opts_defaults(api):
    e = by_call(api)["mr.opts"]
    assert e["args"] == []
    defaults = {d["name"]: d for d in e["system_defaults"]}
    assert defaults["gradRasterTime"]["value"] == pytest.approx(10e-6)
    assert defaults["rfRasterTime"]["value"] == pytest.approx(1e-6)
    assert defaults["maxGrad"]["default"] == "mr.convert(40,'mT/m')"
    opts = {o["name"]: o for o in e["options"]}
    assert opts["gradUnit"]["resolved"] == "'Hz/m'" and opts["setAsDefault"]["value"] is False


def test_sequence_methods(api):
    calls = by_call(api)
    for name in ("seq.addBlock", "seq.write", "seq.checkTiming", "seq.calculateKspacePP", "seq.setDefinition",
                 "seq.getDefinition", "seq.plot", "seq.read", "seq.duration", "seq.testReport", "mr.Sequence"):
        assert name in calls, name
    assert "seq.calculateKspace" not in calls and "mr.write" not in calls and "mr.addBlock" not in calls
    assert calls["seq.checkTiming"]["outputs"] == ["is_ok", "errorReport"]
    assert [a["name"] for a in calls["seq.setDefinition"]["args"]] == ["key", "val"]
    write = calls["seq.write"]
    assert [(a["name"], a["required"]) for a in write["args"]] == [("filename", True), ("create_signature", False)]
    assert calls["seq.calculateKspacePP"]["outputs"][:2] == ["ktraj_adc", "t_adc"]
    assert "timeRange" in {o["name"] for o in calls["seq.plot"]["options"]}
    assert calls["seq.addBlock"]["varargin"] and calls["seq.addBlock"]["inputs"]
