"""Round 10: a value the user gives after a template answer is used, or said plainly to be one the template cannot
take (with the reason), never dropped. One mechanism per test, for every template it concerns; the history is
built as score.py builds it (the responder answers the first turn)."""

import re

import pytest
from answer_turns import ask, then

from pulsepal.answers.knowledge import parse
from pulsepal.answers.sequences import TEMPLATES


def notes(ans):
    return ans.text.split("```", 1)[0]


@pytest.mark.parametrize("stem", ["se_2d", "tse_2d", "ir_se_2d", "dwi_se_epi"])
@pytest.mark.parametrize("lang", ["python", "matlab"])
def test_a_flip_angle_after_a_spin_echo_template_is_said_to_be_fixed(responder, stem, lang):
    a = then(responder, f"Give me the {TEMPLATES[stem]['title']} template", "make it 45 degrees", lang)
    head = notes(a)
    assert "45° is not taken" in head and "90°" in head and "180°" in head
    assert ("mr.makeSincPulse" if lang == "matlab" else "pp.make_sinc_pulse") in head


@pytest.mark.parametrize("lang, line", [("python", "flip_deg = 30"), ("matlab", "flipDeg = 30;")])
def test_the_epi_template_takes_a_flip_angle(responder, lang, line):
    a = then(responder, "Give me an EPI template", "flip 30°", lang)
    assert line in a.text and "`check_timing` **passed**" in a.text


@pytest.mark.parametrize("lang", ["python", "matlab"])
def test_a_te_after_a_bssfp_template_sets_tr_to_twice_it(responder, lang):
    a = then(responder, "Give me a bSSFP template", "TE 7 ms", lang)
    assert ("TR = 14e-3" if lang == "matlab" else "tr = 14e-3") in a.text
    assert "TR/2" in notes(a) and "`check_timing` **passed**" in a.text


def test_a_bssfp_te_too_short_for_the_readout_takes_the_shortest_tr_and_says_the_te_it_gives(responder):
    a = then(responder, "Give me a bSSFP template", "TE 1 ms")
    head = notes(a)
    m = re.search(r"the code uses the shortest TR, ([\d.]+) ms, which puts the echo at TE = ([\d.]+) ms", head)
    assert m and abs(float(m.group(1)) / 2 - float(m.group(2))) < 0.01
    assert re.search(rf"^tr = {float(m.group(1)):g}e-3", a.text, re.M)


def test_a_te_and_a_tr_that_disagree_in_bssfp_are_said_to(responder):
    a = ask(responder, "bSSFP template with TR 6 ms and TE 4 ms")
    assert "the echo is at TE = 3 ms" in notes(a) and "tr = 6e-3" in a.text


@pytest.mark.parametrize("follow, said", [("TE 7 ms", "no echo"), ("FOV 200 mm", "no field of view"),
                                          ("and a 96x96 matrix", "no field of view, matrix")])
def test_imaging_values_after_the_fid_template_are_said_to_have_no_place(responder, follow, said):
    a = then(responder, "Give me an FID template", follow)
    assert "not taken" in notes(a) and said in notes(a)


def test_a_value_a_template_has_no_parameter_for_is_named_in_words_not_its_variable(responder):
    a = then(responder, "Give me a bSSFP template", "now with 8 slices")
    assert "Slices 8 is not taken" in notes(a) and "n_slices" not in notes(a)


def test_a_matrix_written_before_its_name_is_read():
    assert parse("and a 96x96 matrix").values == {"n_x": 96.0, "n_y": 96.0}
    assert parse("a 128 x 128 x 64 matrix").values == {"n_x": 128.0, "n_y": 128.0, "n_z": 64.0}


def test_a_matrix_after_a_template_is_filled_in(responder):
    a = then(responder, "Give me a GRE template", "and a 96x96 matrix")
    assert re.search(r"^n_x = 96\b", a.text, re.M) and re.search(r"^n_y = 96\b", a.text, re.M)


# --- a limit asked for above the scanner's ------------------------------------------------------------------------


@pytest.mark.parametrize("lang, line", [("python", "max_slew = 150"), ("matlab", "maxSlew = 150;")])
def test_a_slew_over_the_settings_limit_is_not_put_into_the_template(responder, lang, line):
    a = ask(responder, "give me an EPI template with a slew rate of 250 T/m/s", lang,
            knowledge="Scanner: max grad 40 mT/m, max slew 150 T/m/s")
    assert line in a.text and "max_slew = 250" not in a.text and "maxSlew = 250" not in a.text
    assert "over your scanner's 150 T/m/s limit" in notes(a) and "built with the limit, 150 T/m/s" in notes(a)
    assert "`check_timing` **passed**" in a.text


def test_a_limit_asked_for_within_the_scanner_limit_is_used(responder):
    a = ask(responder, "give me an EPI template with a slew rate of 120 T/m/s",
            knowledge="Scanner: max grad 40 mT/m, max slew 150 T/m/s")
    assert "max_slew = 120" in a.text and "over your scanner" not in a.text


@pytest.mark.parametrize("lang", ["python", "matlab"])
def test_the_epi_template_builds_with_a_fast_gradient_system(responder, lang):
    """Its blip was sized for a triangle at the slew limit, which pypulseq cannot make once the rise time the
    gradient limit needs is longer: the build failed at 250 T/m/s with 'Requested area is too large'."""
    a = ask(responder, "give me an EPI template with max_slew 250", lang)
    assert "`check_timing` **passed**" in a.text and "failed" not in notes(a)
