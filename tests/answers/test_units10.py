"""Round 10: units and defaults stated right for every parameter (eval/answers/matrix_units.py).

A default that is only a "not given" marker (`None`, MATLAB's `0` or `[]`) is stated with what the code puts in its
place, never as "0 seconds"; a question's verb or its word "default" does not pick a parameter named like them;
"what units does X use?" lists the unit of each of X's parameters."""

import re

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.pulseq_api import get_api


def _ask(responder, question, lang="python"):
    return responder.answer(AnswerRequest(question, [], lang))


def _head(a):
    assert a.confident, a.text
    return a.text.split("```", 1)[0]


@pytest.mark.parametrize("question, lang, must", [
    ("What is the default rise time of mr.makeTrapezoid?", "matlab", r"shortest .*slew"),
    ("What is the default rise time of pp.make_trapezoid?", "python", r"shortest .*slew"),
    ("What is the default max grad of mr.makeTrapezoid?", "matlab", r"system's `max_grad`.*40 mT/m"),
    ("What is the default duration of mr.makeSincPulse?", "matlab", r"required"),
    ("What is the default duration of mr.makeAdc?", "matlab", r"either dwell or duration"),
    ("What is the default dwell of pp.make_sinc_pulse?", "python", r"rf_raster_time.*1 µs"),
    ("What is the default duration of mr.makeBlockPulse?", "matlab", r"follows from the bandwidth"),
    ("What is the default max grad of mr.makeAdiabaticPulse?", "matlab", r"system's `max_grad`"),
    ("What is the default times of mr.makeExtendedTrapezoid?", "matlab", r"required"),
    ("What is the default dwell of mr.makeGaussPulse?", "matlab", r"rf_raster_time"),
])
def test_a_marker_default_is_stated_with_what_replaces_it(responder, question, lang, must):
    head = _head(_ask(responder, question, lang))
    assert re.search(must, head), head
    assert not re.search(r"is `(0|0\.0|None)` (seconds|Hz/m|Hz)\b", head), head


def test_a_plain_zero_default_stays_a_value(responder):
    head = _head(_ask(responder, "What is the default delay of mr.makeTrapezoid?", "matlab"))
    assert "is `0` seconds" in head, head


def test_the_verb_use_does_not_pick_the_use_parameter(responder):
    head = _head(_ask(responder, "What does pp.make_sinc_pulse use for delay if I leave it out?"))
    assert "`delay`" in head and "`use`" not in head, head


def test_the_word_default_does_not_pick_default_duration(responder):
    head = _head(_ask(responder, "What is the default num id of pp.make_soft_delay?"))
    assert "default_duration" not in head, head


def test_markers_are_read_from_pypulseq_source():
    from pulsepal.answers.default_markers import read_source

    api = get_api()
    e = api.get("make_sinc_pulse")
    found = read_source(e.module, e.python_name, tuple(p.name for p in e.params))
    assert "rf_raster_time" in found["dwell"] and "max_grad" in found["max_grad"]
    e = api.get("make_trigger")
    found = read_source(e.module, e.python_name, tuple(p.name for p in e.params))
    assert "grad_raster_time" in found["duration"]


@pytest.mark.parametrize("lang, must, must_not", [
    ("python", [r"`flip_angle`: radians", r"`slice_thickness`: metres", r"`freq_offset`: Hz\b"], ["flipAngle"]),
    ("matlab", [r"`flipAngle`: radians", r"`sliceThickness`: metres", r"`freqOffset`: Hz\b"],
     ["flip_angle", "slew_unit"]),
])
def test_what_units_does_a_function_use_lists_each_parameter(responder, lang, must, must_not):
    name = "pp.make_sinc_pulse" if lang == "python" else "mr.makeSincPulse"
    head = _head(_ask(responder, f"what units does {name} use?", lang))
    for pattern in must:
        assert re.search(pattern, head), (pattern, head)
    for word in must_not:
        assert word not in head, (word, head)


def test_beta_of_the_hyperbolic_secant_pulse_is_in_rad_per_s(responder):
    head = _head(_ask(responder, "What unit is beta of pp.make_adiabatic_pulse in?"))
    assert "rad/s" in head and "no unit" not in head, head


def test_only_the_system_object_reads_a_slew_unit(responder):
    head = _head(_ask(responder, "What unit is max_slew of pp.make_sinc_pulse in?"))
    assert "Hz/m/s" in head and "slew_unit" not in head, head
    head = _head(_ask(responder, "What unit is maxSlew of mr.opts in?", "matlab"))
    assert "Hz/m/s" in head and "'slewUnit'" in head, head


def test_a_unit_offered_per_centimetre_is_answered(responder):
    head = _head(_ask(responder, "Does pp.make_trapezoid take area in 1/cm?"))
    assert re.search(r"\*\*1/m", head), head


@pytest.mark.parametrize("question, must", [
    ("What is the default slew unit?", "'Hz/m/s'"),
    ("What is grad_raster_time by default?", "10 µs"),
    ("What is adc_samples_limit by default?", "no limit"),
])
def test_system_defaults_asked_by_their_option_name(responder, question, must):
    head = _head(_ask(responder, question, "matlab" if "mr." in question else "python"))
    assert must in head, head


@pytest.mark.parametrize("question, lang, must, must_not", [
    ("In pypulseq, what unit is the apodization in?", "python", r"`apodization` has \*\*no unit", r"\*\*seconds"),
    ("In the MATLAB Pulseq toolbox, what unit is the centerpos in?", "matlab", r"`centerpos` has \*\*no unit",
     r"\*\*seconds"),
    ("In pypulseq, what unit is the beta in?", "python", r"\*\*rad/s", r"\*\*seconds"),
])
def test_a_parameter_named_without_its_function_gets_its_unit(responder, question, lang, must, must_not):
    head = _head(_ask(responder, question, lang))
    assert re.search(must, head) and not re.search(must_not, head), head


def test_a_described_function_does_not_lend_its_words_to_the_unit_asked(responder):
    head = _head(_ask(responder, "In pypulseq, for the function that computes the bandwidth of an RF pulse from its "
                                 "spectrum, in what unit do I give the dt?"))
    assert "`dt` is in **seconds**" in head and "**Hz**" not in head, head


def test_is_that_five_ms_asks_the_unit(responder):
    head = _head(_ask(responder, "I pass duration=5 to pp.make_sinc_pulse, is that 5 ms?"))
    assert "**seconds**" in head, head


def test_a_value_left_out_asks_its_default_not_its_accepted_values(responder):
    head = _head(_ask(responder, "If I don't pass dwell to pp.make_sinc_pulse, what value does it take?"))
    assert "rf_raster_time" in head, head


def test_a_described_function_does_not_lend_its_words_to_the_default_asked(responder):
    head = _head(_ask(responder, "In pypulseq, for the function that makes a trapezoidal gradient on one axis from an "
                                 "area, what is the default rise time?"))
    assert "`rise_time`" in head and "`area`" not in head, head


def test_a_system_setting_by_its_full_name_is_the_system_objects(responder):
    head = _head(_ask(responder, "What is the default adc samples divisor?"))
    assert "`adc_samples_divisor` of `pp.Opts`" in head and "num_samples" not in head, head


def test_the_default_use_is_the_use_parameter(responder):
    head = _head(_ask(responder, "In pypulseq, for the function that makes a Gaussian RF pulse, what is the default "
                                 "use?"))
    assert "`use`" in head, head


@pytest.mark.parametrize("question, lang, line", [
    ("What are the parameters of pp.make_adc?", "python", r"- `delay` .*\(in seconds\)"),
    ("What are the parameters of pp.make_sinc_pulse?", "python", r"- `apodization` .*\(no unit\)"),
    ("What are the parameters of mr.makeAdiabaticPulse?", "matlab", r"- `'Beta'` .*\(in rad/s\)"),
])
def test_a_reference_page_states_each_parameters_unit(responder, question, lang, line):
    a = _ask(responder, question, lang)
    assert re.search(line, a.text), a.text


def test_the_units_list_is_not_dropped_when_one_unit_is_already_on_top(responder):
    head = _head(_ask(responder, "What units does seq.calculate_kspace use?"))
    assert "`trajectory_delay`: seconds" in head, head
