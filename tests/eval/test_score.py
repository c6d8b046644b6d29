"""The answer scorer itself, on hand-made answers: it must be able to say wrong.

Why: a scorer that calls everything correct would make every later quality claim worthless. Each case below is an
answer whose verdict we know; the real pypulseq and the shipped MATLAB facts file decide what is a real name.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCORE = ROOT / "eval" / "answers" / "score.py"


def _load():
    spec = importlib.util.spec_from_file_location("eval_score", SCORE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_score"] = module  # dataclasses look their module up there
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


score = _load()


@pytest.fixture(scope="module")
def dialects():
    return score.Dialects.load()


def item(kind="described", language="python", functions=None, **extra):
    return {"id": "t-item", "kind": kind, "question": "q", "language": language,
            "expect": {"functions": functions or []} | extra.pop("expect", {}),
            "provenance": {"source": "hand-made", "where": "test"}, **extra}


ML_BLOCK = item(language="matlab", functions=[["mr.makeBlockPulse"]])
PY_BLOCK = item(functions=[["pp.make_block_pulse"]])


def test_right_matlab_answer_is_correct(dialects):
    text = ("Use `mr.makeBlockPulse` for a hard pulse:\n\n```matlab\nsys = mr.opts('rfDeadTime', 100e-6);\n"
            "rf = mr.makeBlockPulse(pi/2, sys, 'Duration', 0.5e-3);\nseq = mr.Sequence(sys);\nseq.addBlock(rf);\n```\n")
    r = score.score_answer(ML_BLOCK, text, True, dialects)
    assert r.verdict == "correct", r
    assert r.invented == [] and r.flags == []


def test_right_python_answer_is_correct(dialects):
    text = ("```python\nimport pypulseq as pp\nsystem = pp.Opts()\nrf = pp.make_block_pulse(flip_angle=1.57, "
            "duration=5e-4, system=system)\nseq = pp.Sequence(system)\nseq.add_block(rf)\nok, report = "
            "seq.check_timing()\n```\n")
    r = score.score_answer(PY_BLOCK, text, True, dialects)
    assert r.verdict == "correct", r


def test_invented_call_is_wrong(dialects):
    text = "```matlab\nrf = mr.makeRectPulse(pi/2, sys, 'Duration', 1e-3);\nseq.addBlock(rf);\n```\n"
    r = score.score_answer(ML_BLOCK, text, True, dialects)
    assert r.verdict == "wrong"
    assert "mr.makeRectPulse" in r.invented and "expected_missing" in r.flags


def test_matlab_names_are_case_sensitive(dialects):
    text = "```matlab\nrf = mr.makeBlockPulse(pi/2, sys, 'Duration', 1e-3);\nseq.addblock(rf);\n```\n"
    r = score.score_answer(ML_BLOCK, text, True, dialects)
    assert r.verdict == "wrong" and r.invented == ["seq.addblock"]


def test_wrong_dialect_is_wrong(dialects):
    text = "```matlab\nrf = mr.makeBlockPulse(pi/2, sys, 'Duration', 1e-3);\n```\n"
    r = score.score_answer(PY_BLOCK, text, True, dialects)
    assert r.verdict == "wrong" and "wrong_language" in r.flags


def test_matlab_spelling_inside_python_code_is_invented(dialects):
    text = ("```python\nimport pypulseq as pp\nrf = pp.make_block_pulse(flip_angle=1.57, duration=5e-4)\n"
            "seq.addBlock(rf)\nd = mr.make_delay(1e-3)\n```\n")
    r = score.score_answer(PY_BLOCK, text, True, dialects)
    assert r.verdict == "wrong"
    assert set(r.invented) == {"seq.addBlock", "mr.make_delay"}


def test_calling_a_submodule_is_invented(dialects):
    text = "```python\nimport pypulseq as pp\nrf = pp.make_block_pulse(flip_angle=1.0, duration=1e-3)\n" \
           "pp.check_timing(seq)\n```\n"
    r = score.score_answer(PY_BLOCK, text, True, dialects)
    assert r.invented == ["pp.check_timing"]  # a module in pypulseq 1.5.0; seq.check_timing() is the method


def test_pypulseq_imported_as_mr_is_python(dialects):
    text = "```python\nimport pypulseq as mr\nrf = mr.make_block_pulse(flip_angle=1.0, duration=1e-3)\n```\n"
    r = score.score_answer(PY_BLOCK, text, True, dialects)
    assert r.verdict == "correct", r


def test_unsure_with_right_first_candidate_is_honest(dialects):
    it = item(functions=[["pp.make_trigger"]])
    text = ("I'm not sure which function you mean.\n\nClosest matches:\n\n- `pp.make_trigger` - waits for a "
            "physiological trigger\n- `pp.make_digital_output_pulse` - output trigger\n")
    r = score.score_answer(it, text, False, dialects)
    assert r.verdict == "unsure" and r.honest_unsure is True and r.first_candidate == "pp.make_trigger"


def test_unsure_with_wrong_first_candidate_is_not_honest(dialects):
    it = item(functions=[["pp.make_trigger"]])
    text = "Not sure. Closest matches:\n- `pp.make_digital_output_pulse`\n- `pp.make_trigger`\n"
    r = score.score_answer(it, text, False, dialects)
    assert r.verdict == "unsure" and r.honest_unsure is False


def test_finding_named_as_wrong_is_not_an_invented_call(dialects):
    it = item(kind="check", language="matlab",
              expect={"findings": [{"wrong": "mr.write", "right": "seq.write"},
                                   {"wrong": "seq.addblock", "right": "seq.addBlock"}]})
    full = ("- `mr.write` does not exist: use `seq.write('out.seq')`.\n"
            "- `seq.addblock` is the wrong case: MATLAB names are case-sensitive, write `seq.addBlock`.\n")
    r = score.score_answer(it, full, True, dialects)
    assert r.verdict == "correct", r
    partial = "- `mr.write` does not exist: use `seq.write('out.seq')`.\n"
    r = score.score_answer(it, partial, True, dialects)
    assert r.verdict == "wrong" and r.findings_missed == ["seq.addblock -> seq.addBlock"]


def test_must_not_name_offered_is_wrong(dialects):
    it = item(kind="api", language="matlab", functions=[["seq.calculateKspacePP"]],
              expect={"must_not": ["seq.calculateKspace"]})
    offered = "Call `seq.calculateKspace()` or `seq.calculateKspacePP()` to get the trajectory."
    r = score.score_answer(it, offered, True, dialects)
    assert "wrong_name_offered" in r.flags and r.verdict == "wrong"
    warned = "`seq.calculateKspace` does not exist in v1.5; use `seq.calculateKspacePP()`."
    assert score.score_answer(it, warned, True, dialects).verdict == "correct"


def test_text_expectations_and_prose_language(dialects):
    it = item(kind="knowledge", language="matlab", expect={"text": [["minimum"], ["te", "echo time"]]})
    good = "With these limits the minimum TE is 4.3 ms; use `mr.calcDuration` to check each block."
    assert score.score_answer(it, good, True, dialects).verdict == "correct"
    py_prose = "The minimum TE is 4.3 ms; check it with `pp.calc_duration`."
    r = score.score_answer(it, py_prose, True, dialects)
    assert r.verdict == "wrong" and "wrong_language" in r.flags
    assert score.score_answer(it, "It depends.", True, dialects).missing == ["minimum", "te | echo time"]


def test_validate_item_rejects_bad_items(dialects):
    assert score.validate_item(ML_BLOCK, dialects) == []
    bad = item(language="matlab", functions=[["mr.makeRectPulse"]])
    assert any("not real" in p for p in score.validate_item(bad, dialects))
    assert score.validate_item({"id": "X", "kind": "nope"}, dialects)


def test_summary_counts(dialects):
    r1 = score.score_answer(ML_BLOCK, "`mr.makeBlockPulse(pi/2, sys, 'Duration', 1e-3)`", True, dialects)
    r2 = score.score_answer(ML_BLOCK, "Not sure: `mr.makeBlockPulse`?", False, dialects)
    r3 = score.score_answer(ML_BLOCK, "Use `mr.makeHardPulse`.", True, dialects)
    s = score.summary([r1, r2, r3])
    assert (s["correct"], s["unsure"], s["wrong"], s["invented_calls"], s["honest_unsure"]) == (1, 1, 1, 1, 1)
    assert s["per_kind"]["described"]["items"] == 3


def _run_cli(*args, env_extra=None):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONWARNINGS": "ignore", **(env_extra or {})}
    return subprocess.run([sys.executable, str(SCORE), *args], capture_output=True, text=True, env=env, timeout=300)


def test_cli_scores_a_file_with_the_offline_responder(tmp_path):
    items = [item(language="matlab", functions=[["mr.makeTrapezoid"]], id="cli-one", kind="api")
             | {"question": "What are the parameters of mr.makeTrapezoid?"}]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n")
    out = _run_cli("--items", str(path), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["summary"]["items"] == 1 and data["results"][0]["id"] == "cli-one"
    assert data["results"][0]["verdict"] in ("correct", "unsure", "wrong")


def test_cli_rejects_a_malformed_items_file(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok-id", "kind": "api"}\nnot json\n')
    out = _run_cli("--items", str(path))
    assert out.returncode == 2 and "not JSON" in out.stderr
    path.write_text(json.dumps({"id": "ok-id", "kind": "api", "question": "q", "language": "python"}) + "\n")
    out = _run_cli("--items", str(path))
    assert out.returncode == 2 and "provenance" in out.stderr


def test_which_side_of_a_correction_a_name_is_on(dialects):
    offered = "Use `mr.makeRectPulse(pi/2, sys)` for a hard pulse."
    assert score.score_answer(ML_BLOCK, offered, True, dialects).invented == ["mr.makeRectPulse"]
    reported = ("- `mr.makeRectPulse` is not a Pulseq function. Use `mr.makeBlockPulse`.\n"
                "- `seq.addblock` is the Python spelling. Use `seq.addBlock`.\n"
                "- write `mr.makeBlockPulse(...)`, not `mr.makeHardPulse(...)`.\n")
    r = score.score_answer(ML_BLOCK, reported, True, dialects)
    assert r.invented == [] and r.verdict == "correct", r


def test_phrases_match_whole_words_and_hyphen_or_space(dialects):
    it = item(kind="template", language="matlab", expect={"text": [["tse", "turbo spin echo"]]})
    assert score.score_answer(it, "The sequence itself is a spin echo.", True, dialects).verdict == "wrong"
    assert score.score_answer(it, "Here is a turbo-spin-echo (TSE) template.", True, dialects).verdict == "correct"


def test_first_candidate_is_a_function_not_a_parameter(dialects):
    text = "Not sure. Set `slice_thickness` and `flip_angle`, or see `make_trigger` and `pp.make_adc`."
    r = score.score_answer(item(functions=[["pp.make_trigger"]]), text, False, dialects)
    assert r.first_candidate == "make_trigger" and r.honest_unsure is True


def test_a_reported_wrong_spelling_does_not_set_the_language(dialects):
    it = item(kind="check", expect={"findings": [{"wrong": "seq.checkTiming", "right": "seq.check_timing"}]})
    text = "- line 4: `seq.checkTiming` is the MATLAB spelling. Use `seq.check_timing`.\n"
    assert score.score_answer(it, text, True, dialects).verdict == "correct"


def test_a_comment_may_name_the_other_dialect(dialects):
    text = ("```python\nimport pypulseq as pp\nrf = pp.make_block_pulse(flip_angle=1.0, duration=1e-3)  "
            "# MATLAB: mr.makeBlockPulse\n```\n")
    assert score.score_answer(PY_BLOCK, text, True, dialects).verdict == "correct"
    code = "```python\nimport pypulseq as pp\nlabel = '#1'; rf = mr.makeBlockPulse(1.0)\n```\n"  # '#' in a string
    assert score.score_answer(PY_BLOCK, code, True, dialects).invented == ["mr.makeBlockPulse"]


# --- scorer fixes found by auditing held-out misses (each failed before its fix) ----------------------------------


def test_a_real_matlab_method_spelled_in_snake_case_is_matlab(dialects):
    # seq.write_v141 and seq.waveforms_and_times are MATLAB Sequence methods: snake_case spelling alone must not make
    # them Python names (and so invented, and the answer's language wrong)
    it = item(kind="api", language="matlab", functions=[["seq.write"], ["seq.write_v141"]])
    prose = "Call `seq.write('out.seq')` for the current format, or `seq.write_v141('out.seq')` for v1.4.1."
    r = score.score_answer(it, prose, True, dialects)
    assert r.invented == [] and r.verdict == "correct", r
    # the spelling still decides where the facts do not: a snake_case name real in neither dialect is invented
    r = score.score_answer(it, prose + " Or `seq.write_v999('out.seq')`.", True, dialects)
    assert r.invented == ["seq.write_v999"]
    # a camelCase name real only in MATLAB stays MATLAB in a Python answer's prose (the language check sees it)
    py = item(kind="api", functions=[["seq.write"]])
    r = score.score_answer(py, "Use `seq.addBlock(rf)` and then `seq.write('out.seq')`.", True, dialects)
    assert r.invented == [] and "wrong_language" in r.flags


def test_a_submodule_function_imported_from_its_submodule_is_present(dialects):
    # pp.convert.convert is a function in a submodule; `from pypulseq.convert import convert` then `convert(...)`
    # names it exactly as pypulseq users write it
    it = item(functions=[["pp.convert.convert"]])
    text = ("Import it from its submodule: `from pypulseq.convert import convert`.\n\n```python\n"
            "from pypulseq.convert import convert\nout = convert(from_value=40, from_unit='mT/m', to_unit='Hz/m')\n"
            "```\n")
    assert score.score_answer(it, text, True, dialects).verdict == "correct"
    # another submodule's function of the same name is not it
    other = "```python\nfrom pypulseq.utils import convert\nout = convert(40)\n```\n"
    assert score.score_answer(it, other, True, dialects).missing == ["pp.convert.convert"]


def test_articles_in_an_expected_phrase_are_interchangeable(dialects):
    # "after the pulse" is the same phrase as "after a pulse": a/an/the do not decide whether a topic is covered
    it = item(kind="units", expect={"text": [["after the pulse"]]})
    assert score.score_answer(it, "The time the amplifier needs after a pulse.", True, dialects).verdict == "correct"
    assert score.score_answer(it, "It is needed after an pulse.", True, dialects).verdict == "correct"
    # ... but an article is not optional, and the words around it still have to be there
    assert score.score_answer(it, "It is needed after pulse.", True, dialects).verdict == "wrong"
    assert score.score_answer(it, "It is needed after the gradient pulse.", True, dialects).verdict == "wrong"
    assert score.score_answer(it, "Set it after theta pulse.", True, dialects).verdict == "wrong"
    # a capital A (an argument name) or a last word is not an article
    sig = item(kind="params", language="matlab", expect={"text": [["Gs, Ge, A"]]})
    assert score.score_answer(sig, "mr.makeExtendedTrapezoidArea(channel, Gs, Ge, A, sys)", True,
                              dialects).verdict == "correct"
    assert score.score_answer(sig, "It takes Gs, Ge, the area and sys.", True, dialects).verdict == "wrong"


def test_a_findings_right_spelling_must_stand_alone(dialects):
    # 'seq.check_timing' inside 'pypulseq.check_timing', or 'seq.write' inside 'seq.write_v141', is another name
    it = item(kind="check", expect={"findings": [{"wrong": "pp.check_timing(seq)", "right": "seq.check_timing"}]})
    module = "- line 4: use `from pypulseq.check_timing import check_timing` then `check_timing(seq)`.\n"
    assert score.score_answer(it, module, True, dialects).findings_missed == [
        "pp.check_timing(seq) -> seq.check_timing"]
    method = "- line 4: `pp.check_timing` is a module. Use `seq.check_timing()`.\n"
    assert score.score_answer(it, method, True, dialects).verdict == "correct"
    ml = item(kind="check", language="matlab", expect={"findings": [{"wrong": "seq.Write", "right": "seq.write"}]})
    assert score.score_answer(ml, "- `seq.Write` does not exist: use `seq.write_v141`.", True,
                              dialects).findings_missed
    # a right spelling that is not a name (an argument order) is still found inside a longer call
    adc = item(kind="check", language="matlab",
               expect={"findings": [{"wrong": "sys last", "right": "makeAdc(256, sys"}]})
    assert score.score_answer(adc, "Use `mr.makeAdc(256, sys, 'Dwell', 1e-5)`.", True, dialects).verdict == "correct"


def test_a_right_value_written_in_another_arithmetic_form_counts(dialects):
    # 'flip_angle=90 * np.pi / 180' writes the same value as the right spelling 'np.pi / 2'; a different value, or a
    # bare number that only happens to be equal, does not count
    it = item(kind="check", expect={"findings": [{"wrong": "flip_angle=90", "right": ["np.pi / 2", "np.deg2rad(90)"]},
                                                {"wrong": "rise=", "right": "rise_time=200e-6"}]})
    same = "- line 1: use `flip_angle=90 * np.pi / 180`.\n- line 2: use `rise_time=0.0002`.\n"
    assert score.score_answer(it, same, True, dialects).verdict == "correct"
    other = "- line 1: use `flip_angle=45 * np.pi / 180`.\n- line 2: use `max_rise_time=2e-4`.\n"
    assert len(score.score_answer(it, other, True, dialects).findings_missed) == 2
    bare = item(kind="check", expect={"findings": [{"wrong": "n", "right": "2"}]})
    assert score.score_answer(bare, "There are 2 problems: use 1 + 1.", True, dialects).verdict == "correct"
    assert score.score_answer(bare, "There are two problems: use 1 + 1.", True, dialects).findings_missed


def test_a_seq_method_of_the_matlab_default_branch_is_not_invented(dialects):
    # later_versions lists names newer than the v1.5.1 release for mr.* and seq.* alike; only mr.* ones were
    # recognised, so `seq.autoLabel` (default branch only) counted as an invented call
    assert dialects.real_matlab("seq", "autoLabel", "") and dialects.real_matlab("mr", "addCustomLabel", "")
    it = item(kind="api", language="matlab", functions=[["mr.makeLabel"]])
    r = score.score_answer(it, "Use `mr.makeLabel('SET', 'LIN', 0)`; the default branch also has "
                               "`seq.autoLabel()`.", True, dialects)
    assert r.invented == [] and r.verdict == "correct", r
    assert not dialects.real_matlab("seq", "autoLabels", "")  # still not any name
    py = item(kind="api", functions=[["pp.make_label"]])  # nor a Python method
    r = score.score_answer(py, "```python\nimport pypulseq as pp\nseq = pp.Sequence()\nseq.autoLabel()\n```\n", True,
                           dialects)
    assert r.invented == ["seq.autoLabel"]
