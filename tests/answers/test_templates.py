"""Every template is real code: the Python ones must build with pypulseq and pass the timing check, the MATLAB ones
(which we cannot run here) must use only real Pulseq names."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.checker import check_code

TEMPLATES = Path(__file__).resolve().parents[2] / "pulsepal" / "answers" / "templates"
PY_TEMPLATES = sorted(TEMPLATES.glob("*.py"))
M_TEMPLATES = sorted(TEMPLATES.glob("*.m"))
HOWTOS = sorted((TEMPLATES / "howto").glob("*.md"))


def test_template_set_is_complete():
    stems = {p.stem for p in PY_TEMPLATES}
    assert {"gre_2d", "se_2d", "epi_2d", "flash_3d", "ir_se_2d", "tse_2d", "bssfp_2d", "bssfp_3d", "dwi_se_epi",
            "fid"} <= stems
    assert stems == {p.stem for p in M_TEMPLATES}


@pytest.mark.parametrize("path", PY_TEMPLATES + M_TEMPLATES, ids=lambda p: p.name)
def test_template_code_carries_no_internal_metadata(path):
    """Issue 14, item 10: what the user sees starts with a comment, not title:/sequence_type:/keywords: lines."""
    code = path.read_text()
    assert not re.search(r"^\W*(title|sequence_type|keywords|description)\s*:", code, re.M | re.I)
    assert code.startswith(("# ", "% "))
    assert "--- parameters ---" in code and "--- end of parameters ---" in code


@pytest.mark.parametrize("path", PY_TEMPLATES, ids=lambda p: p.name)
def test_python_template_builds_and_passes_check_timing(path, tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, "-W", "ignore", str(path)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "check_timing: passed" in proc.stdout
    written = list(tmp_path.glob("*.seq"))
    assert len(written) == 1 and written[0].stat().st_size > 1000
    assert "[BLOCKS]" in written[0].read_text()


@pytest.mark.parametrize("path", M_TEMPLATES, ids=lambda p: p.name)
def test_matlab_template_uses_only_real_names(path):
    code = path.read_text()
    assert check_code(code, "matlab") == []
    assert "mr.Sequence" in code and "seq.checkTiming" in code and "seq.write" in code


@pytest.mark.parametrize("path", HOWTOS, ids=lambda p: p.name)
def test_howto_code_blocks_use_only_real_names(path):
    blocks = re.findall(r"```(\w+)\n(.*?)```", path.read_text(), re.S)
    assert {lang for lang, _ in blocks} == {"matlab", "python"}
    for lang, code in blocks:
        assert check_code(code, lang) == [], (path.name, lang)


@pytest.mark.parametrize("query,stem,not_stem", [
    ("give me a turbo spin echo sequence", "tse_2d", "se_2d"),
    ("I need an FSE with an echo train of 16", "tse_2d", "se_2d"),
    ("write a bSSFP sequence", "bssfp_2d", "gre_2d"),
    ("diffusion-weighted EPI sequence please", "dwi_se_epi", "epi_2d"),
])
def test_requested_sequence_gets_its_own_template(responder, query, stem, not_stem):
    from pulsepal.answers import AnswerRequest

    a = responder.answer(AnswerRequest(query, [], "python", None))
    assert a.subject == f"template:{stem}" and a.code_examples
    assert f"seq.write(\"{stem}.seq\")" in a.code_examples[0]["code"]


def test_a_sequence_without_template_says_so_and_offers_the_closest(responder):
    from pulsepal.answers import AnswerRequest

    a = responder.answer(AnswerRequest("Do you have a HASTE sequence?", [], "matlab", None))
    assert "don't have a checked template" in a.text and "HASTE" in a.text
    assert "closest starting point is the **2D turbo spin echo (TSE/FSE)** template" in a.text
    assert not a.code_examples


def test_checker_would_catch_a_broken_template():
    code = (TEMPLATES / "gre_2d.m").read_text().replace("mr.makeTrapezoid", "mr.createTrap", 1)
    assert [f.name for f in check_code(code, "matlab")] == ["mr.createTrap"]


@pytest.mark.parametrize("query,label", [
    ("MR fingerprinting sequence please", "MR fingerprinting"), ("a TOF angiography sequence", "time-of-flight"),
    ("phase-contrast flow sequence", "phase-contrast"), ("give me an SMS EPI", "multiband"),
])
def test_more_sequences_without_templates(responder, query, label):
    from pulsepal.answers import AnswerRequest

    a = responder.answer(AnswerRequest(query, [], "python", None))
    assert "don't have a checked template" in a.text and label in a.text and a.confident


@pytest.mark.parametrize("question,stem", [
    ("true fisp in pypulseq?", "bssfp_2d"), ("FSE example?", "tse_2d"), ("fMRI EPI please", "epi_2d"),
])
def test_a_bare_sequence_name_is_a_template_request(responder, question, stem):
    a = responder.answer(AnswerRequest(question, [], "python"))
    assert a.subject == f"template:{stem}" and a.confident


def test_no_template_names_the_functions_the_request_describes(responder):
    a = responder.answer(AnswerRequest("ECG-triggered cine in pypulseq", [], "python"))
    assert "don't have a checked template" in a.text and "`pp.make_trigger`" in a.text
    b = responder.answer(AnswerRequest("pCASL sequence in MATLAB?", [], "matlab"))
    assert "ASL" in b.text and "don't have" in b.text


def test_a_function_question_naming_a_sequence_stays_a_function_question(responder):
    a = responder.answer(AnswerRequest("which function makes the hard pulse of my FID?", [], "python"))
    assert a.topic == "make_block_pulse"


def test_a_sequence_name_with_only_a_question_mark_is_a_request(responder):
    a = responder.answer(AnswerRequest("Look-Locker for T1 maps in pypulseq?", [], "python"))
    assert "don't have a checked template" in a.text and "T1" in a.text


def test_zero_echo_time_is_named_and_has_no_template(responder):
    a = responder.answer(AnswerRequest("zero echo time imaging in MATLAB?", [], "matlab"))
    assert "ZTE" in a.text and "don't have" in a.text


def test_a_function_described_in_a_sentence_naming_a_sequence_type_is_the_function(responder):
    a = responder.answer(AnswerRequest("I need to check the b-value of my diffusion gradients from the sequence itself",
                                       [], "matlab"))
    assert a.topic == "seq.calcMomentsBtensor"
    b = responder.answer(AnswerRequest("An EPI sequence with labels so the scanner can sort the lines, MATLAB.", [],
                                       "matlab"))
    assert b.subject == "template:epi_2d"


def test_epsi_is_spectroscopic_imaging(responder):
    a = responder.answer(AnswerRequest("EPSI sequence for pypulseq?", [], "python"))
    assert "CSI" in a.text and "don't have" in a.text
