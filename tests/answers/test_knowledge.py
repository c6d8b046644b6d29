"""The settings panel's sequence knowledge: read tolerantly, used to fill templates, built with pypulseq, and
impossible values answered with the computed minimum."""

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.builder import parameters, prepare
from pulsepal.answers.calculators import compute
from pulsepal.answers.knowledge import parse

PANEL = """Sequence type: 2D gradient echo (FLASH), Cartesian
Scanner limits: B0 3 T, max gradient 32 mT/m, max slew rate 130 T/m/s, RF dead time 100 us, ADC dead time 10 us
Timing: TR 12 ms, TE 5 ms, flip angle 15 deg
Geometry: FOV 256 mm, matrix 128 x 128, slice thickness 3 mm
Current focus: (what you are working on now, e.g. "the spoiler gradient after the readout")"""


def test_the_settings_template_is_read_in_si_units():
    k = parse(PANEL)
    assert k.kind is not None and k.kind.template == "gre_2d"
    assert k.values == {"b0": 3.0, "max_grad": 32.0, "max_slew": 130.0, "rf_dead_time": 100e-6,
                        "adc_dead_time": 10e-6, "tr": 0.012, "te": 0.005, "flip_deg": 15.0, "fov": 0.256,
                        "n_x": 128.0, "n_y": 128.0, "slice_thickness": 0.003}
    assert k.unparsed == [] and k.focus == ""


@pytest.mark.parametrize("text,key,value", [
    ("TR=0.5 s", "tr", 0.5), ("repetition time: 800ms", "tr", 0.8), ("FOV 22 cm", "fov", 0.22),
    ("max grad 4 G/cm", "max_grad", 40.0), ("slew 150 mT/m/ms", "max_slew", 150.0), ("256x192", "n_y", 192.0),
    ("ETL 12", "n_echoes", 12.0), ("TE 1.5 ms", "te", 1.5e-3), ("dwell 5 us", "dwell", 5e-6),
])
def test_tolerant_forms(text, key, value):
    assert parse(text).values[key] == pytest.approx(value)


def test_what_was_not_understood_is_reported(responder):
    a = responder.answer(AnswerRequest("gradient echo please, with my values", [], "python",
                                       "TR 20 ms, TE 5 ms, 7 frobnications"))
    assert "I could not read" in a.text and "7 frobnications" in a.text


def test_templates_are_filled_and_built_with_the_users_values(responder):
    a = responder.answer(AnswerRequest("Give me a gradient echo sequence", [], "python", PANEL))
    code = a.code_examples[0]["code"]
    values = parameters(code)
    assert values["te"] == "5e-3" and values["n_x"] == "128" and values["max_grad"] == "32"
    assert "Built with pypulseq on your values" in a.text and "`check_timing` **passed**" in a.text
    assert "TE ≥ " in a.text  # the computed minimum for these gradients


def test_matlab_twin_is_filled_too(responder):
    a = responder.answer(AnswerRequest("Give me a gradient echo sequence", [], "matlab", PANEL))
    code = a.code_examples[0]["code"]
    assert "TE = 5e-3;" in code and "Nx = 128;" in code and "maxGrad = 32;" in code
    assert "the Python twin of this MATLAB code" in a.text


def test_impossible_te_gets_the_computed_minimum():
    filled = prepare("se_2d", parse("TE 5 ms, TR 500 ms, matrix 128, FOV 220 mm"))
    asked, used = filled.adjusted["te"]
    assert asked == pytest.approx(5e-3) and used > asked
    assert filled.build is not None and filled.build.ok and filled.build.timing_ok
    assert filled.build.minimums["min_te"] <= used < filled.build.minimums["min_te"] + 2e-4


def test_impossible_te_is_said_in_the_answer(responder):
    a = responder.answer(AnswerRequest("spin echo please", [], "python", "TE 3 ms, TR 500 ms"))
    assert "cannot work" in a.text and "minimum" in a.text


def test_calculators_work_out_the_numbers():
    lines = compute("What readout duration and bandwidth per pixel do I get?", {"dwell": 5e-6, "n_x": 256}, {})
    assert "1.28 ms" in lines[0] and "781 Hz/pixel" in lines[0]
    thin = compute("can I get this slice thickness?", {"max_grad": 40, "pulse_duration": 2e-3, "tbw": 4,
                                                        "slice_thickness": 1e-3}, {})
    assert "47.0 mT/m" in thin[0] and "cannot work" in thin[0]
    assert "6.386e9 Hz/m/s" in compute("how much is 150 T/m/s in Hz/m/s", {}, {})[0]
    assert "above your scanner's 80 T/m/s limit" in compute("set up opts with a slew rate of 200 T/m/s",
                                                           {"max_slew": 80}, {"max_slew": 200})[0]
    assert "13.59 ms" in compute("my delay of 13.5855 ms fails the timing check", {}, {})[0]


def test_examples_use_the_users_scanner_limits(responder):
    a = responder.answer(AnswerRequest("Set up the system limits for my scanner", [], "python",
                                       "max gradient 25 mT/m, max slew rate 100 T/m/s"))
    assert "pp.Opts(max_grad=25, grad_unit=\"mT/m\", max_slew=100" in a.text
    m = responder.answer(AnswerRequest("Set up the system limits for my scanner", [], "matlab",
                                       "max gradient 25 mT/m, max slew rate 100 T/m/s"))
    assert "'MaxGrad', 25" in m.text and "'MaxSlew', 100" in m.text


def test_a_feasibility_question_builds_the_named_sequence(responder):
    a = responder.answer(AnswerRequest("Can my scanner do TE 1 ms with this GRE?", [], "python",
                                       "max gradient 25 mT/m, slew 100 T/m/s, FOV 300 mm, matrix 192"))
    assert a.subject == "template:gre_2d" and "TE 1.00 ms cannot work" in a.text and "minimum" in a.text


def test_values_written_in_the_question_count():
    assert parse("How long is the readout with 256 samples at 10 us dwell?").values == {"n_x": 256.0,
                                                                                     "dwell": 10e-6}
    assert compute("What bandwidth per pixel do I have with a 4 ms readout?", {},
                   parse("a 4 ms readout").values)[0].startswith("A 4 ms readout gives **250 Hz/pixel**")


def test_geometry_numbers():
    v = parse("FOV 256 mm, matrix 256 x 192, TR 500 ms, 3.2 ms readout").values
    assert "**1 mm** resolution" in compute("what resolution do I get?", v, {})[0]
    assert any("**7.34 mT/m**" in ln for ln in compute("which readout gradient amplitude do I need?", v, {}))
    assert "**96 s** of acquisition" in compute("how long will my scan take?", v, {})[0]


@pytest.mark.parametrize("text,key,value", [
    ("gauss pulse length 6 ms", "pulse_duration", 6e-3), ("rf duration 800 us", "pulse_duration", 800e-6),
    ("Nx=96", "n_x", 96.0), ("Ny: 72", "n_y", 72.0), ("80 phase encoding steps", "n_y", 80.0),
    ("readout 5.12 ms", "readout_time", 5.12e-3),
])
def test_more_tolerant_forms(text, key, value):
    assert parse(text).values[key] == pytest.approx(value)


def test_ramp_time_from_amplitude_and_slew():
    (line,) = compute("how fast can I ramp to 30 mT/m?", {"max_slew": 150.0}, {})
    assert "200 µs" in line  # 30 mT/m / 150 T/m/s = 0.2 ms
    (line,) = compute("rise time for 24 mT/m at 80 T/m/s", {}, {})
    assert "300 µs" in line


def test_dwell_from_points_and_duration_is_checked_against_the_raster():
    lines = compute("an RF shape of 640 points over 1.6 ms, ok?", {}, {})
    assert any("2.5 µs" in ln and "not a multiple" in ln and "3 µs" in ln for ln in lines)
    lines = compute("ADC with 300 samples in 0.9 ms", {}, {})
    assert any("3 µs" in ln and "whole multiple of the ADC raster" in ln for ln in lines)


def test_conversions_accept_arrows_and_pulseq_units():
    assert "9.367e9 Hz/m/s" in compute("220 T/m/s -> Hz/m/s", {}, {})[0]
    assert "851520 Hz/m" in compute("what is 20 mT/m in pulseq units?", {}, {})[0]


def test_readout_flat_area_from_fov_and_matrix():
    lines = compute("what flat area does the readout gradient need?", {"fov": 0.2, "n_x": 100.0}, {})
    assert any("500 1/m" in ln for ln in lines)


def test_a_time_is_checked_against_the_raster_of_its_event():
    (line,) = compute("is an ADC delay of 12.5 us allowed?", {}, {})
    assert "1 µs RF raster" in line and "13 µs" in line
    (line,) = compute("a block of 0.125 ms fails the timing check", {}, {})
    assert "10 µs block raster" in line and "130 µs" in line


def test_how_many_units_is_a_value():
    assert "21288 Hz/m" in compute("how many Hz/m are 0.5 mT/m?", {}, {})[0]


@pytest.mark.parametrize("text,key,value", [
    ("a 3 mm slice", "slice_thickness", 3e-3), ("a 2.5 ms gauss pulse", "pulse_duration", 2.5e-3),
    ("800 Hz/pixel bandwidth", "bandwidth", 800.0),
])
def test_values_written_before_their_name(text, key, value):
    assert parse(text).values[key] == pytest.approx(value)


def test_the_shortest_lobe_is_built_with_pypulseq_within_the_limits():
    (line,) = compute("fastest rewinder for my readout?", {"fov": 0.2, "n_x": 200.0, "max_grad": 25.0,
                                                             "max_slew": 100.0}, {})
    assert "500 1/m" in line and "ms**" in line and "25 mT/m" in line
    (line,) = compute("shortest blip for one phase-encoding step", {"fov": 0.25}, {})
    assert "4 1/m" in line


def test_receiver_bandwidth_gives_the_dwell():
    (line,) = compute("what dwell for a receiver bandwidth of 125 kHz", {}, parse("bandwidth 125 kHz").values)
    assert "8 µs" in line


def test_scan_time_phrasings():
    assert any("25.6 s" in ln for ln in compute("how long is the acquisition?", {"tr": 0.1, "n_y": 256.0}, {}))


def test_a_turbo_spin_echo_scan_time_counts_shots_not_lines(responder):
    from pulsepal.answers import AnswerRequest

    know = "TR 3000 ms, echo train 8, FOV 200 mm, matrix 128, slice 5 mm"
    a = responder.answer(AnswerRequest(query="how long will my turbo spin echo scan be?", history=[],
                                       preferred_language="python", sequence_knowledge=know))
    assert "16 shots" in a.text and "**48 s**" in a.text
    b = responder.answer(AnswerRequest(query="how long will the scan be?", history=[], preferred_language="python",
                                       sequence_knowledge="TR 3000 ms, 4 echoes, FOV 200 mm, matrix 128"))
    assert "**384 s**" in b.text and "32 shots: **96 s**" in b.text  # which it is depends on the sequence


def test_a_limit_the_example_leaves_out_is_added_to_its_system_call():
    """B0 given in the settings reaches the `pp.Opts(...)` / `mr.opts(...)` call even when the example has no B0."""
    from pulsepal.answers.builder import fill_limits

    text, changed = fill_limits("system = pp.Opts(max_grad=28, grad_unit='mT/m')\n"
                                "sys = mr.opts('MaxGrad', 28, 'GradUnit', 'mT/m');\nseq = pp.Sequence()",
                                {"b0": 2.89, "max_grad": 30.0})
    assert changed
    assert "pp.Opts(max_grad=30, grad_unit='mT/m', B0=2.89)" in text
    assert "mr.opts('MaxGrad', 30, 'GradUnit', 'mT/m', 'B0', 2.89);" in text


def test_the_system_object_answer_carries_the_users_b0(responder):
    from pulsepal.answers import AnswerRequest

    a = responder.answer(AnswerRequest("write the system struct for my scanner", [], "python",
                                       "B0 1.5 T, max grad 33 mT/m, max slew 125 T/m/s"))
    assert "B0=1.5" in a.text and "max_grad=33" in a.text, a.text


def test_a_limit_named_by_its_unit_alone_in_the_settings_text():
    panel = parse("Siemens Prisma: 80 mT/m, 200 T/m/s", settings_text=True)
    assert panel.values == {"max_grad": 80.0, "max_slew": 200.0} and panel.unparsed == []
    assert parse("gradients 4 G/cm and 15 G/cm/ms", settings_text=True).values == {"max_grad": 40.0,
                                                                                  "max_slew": 150.0}
    assert parse("max_slew=150 T/m/s").values == {"max_slew": 150.0}  # the spelling of Opts' own argument
    # in a question, a bare amplitude is the gradient asked about, not the scanner's limit
    assert parse("a trapezoid with amplitude 20 mT/m").values == {}


def test_the_settings_texts_limits_reach_the_answer(responder):
    a = responder.answer(AnswerRequest("Give me a gradient echo sequence", [], "python",
                                       "Scanner: 45 mT/m, 150 T/m/s"))
    values = parameters(a.code_examples[0]["code"])
    assert values["max_grad"] == "45" and values["max_slew"] == "150"
    assert "I could not read" not in a.text


@pytest.mark.parametrize("text,te,tr", [
    ("gre sequence with TE 5ms TR 12ms flip 15", 0.005, 0.012),
    ("spin echo, TE 80 ms TR 2000 ms please", 0.08, 2.0),
    ("a 5 ms TE and a 20 ms TR", 0.005, 0.02),
])
def test_a_number_after_a_name_is_that_names_value(text, te, tr):
    """'TE 5ms TR 12ms' was read as TR 5 ms too ('5ms TR' looks like 'a 5 ms TR'), and the answer said the TR
    could not work."""
    values = parse(text).values
    assert (values["te"], values["tr"]) == (te, tr)
