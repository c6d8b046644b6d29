"""A question about one property of one function (its default, a unit, the values it accepts, a limit, what it
returns) is answered with that fact first and the short signature, not the function's whole reference page; a
property we hold no fact about is said to be unknown, not answered with the page."""

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.property import asked


def _ask(responder, question, lang="python", history=None):
    return responder.answer(AnswerRequest(question, history or [], lang))


def _fact_before_signature(a, fact, call):
    assert a.confident, a.text
    assert fact in a.text and call in a.text, a.text
    assert a.text.index(fact) < a.text.index(call)
    assert "Parameters:" not in a.text  # not the reference page


def test_a_default_the_code_substitutes_for_none(responder):
    a = _ask(responder, "pp.make_block_pulse: which duration does it use when I give neither duration nor bandwidth?")
    _fact_before_signature(a, "4 ms", "pp.make_block_pulse(flip_angle")


def test_a_matlab_default_comes_from_the_toolbox_facts(responder):
    a = _ask(responder, "default TimeBwProduct of mr.makeGaussPulse?", "matlab")
    _fact_before_signature(a, "`'TimeBwProduct'` of `mr.makeGaussPulse` is `3`", "mr.makeGaussPulse(flipAngle")


def test_a_system_default_is_what_opts_holds(responder):
    a = _ask(responder, "default max_grad of pp.Opts?")
    _fact_before_signature(a, "40 mT/m", "pp.Opts(")


def test_accepted_values_come_from_the_docstring(responder):
    a = _ask(responder, "valid channel values for pp.make_digital_output_pulse?")
    _fact_before_signature(a, "'osc0','osc1', or 'ext1'", "pp.make_digital_output_pulse(channel")


def test_a_limit_only_a_raise_states(responder):
    a = _ask(responder, "may the hint of pp.make_soft_delay contain spaces?")
    _fact_before_signature(a, "may not contain white space", "pp.make_soft_delay(hint")


def test_the_unit_of_what_a_function_returns(responder):
    a = _ask(responder, "pp.calc_rf_bandwidth result: which unit?")
    _fact_before_signature(a, "**Hz**", "pp.calc_rf_bandwidth(rf")


def test_the_unit_of_a_named_argument(responder):
    a = _ask(responder, "is the time_point of pp.split_gradient_at a sample index or in seconds?")
    _fact_before_signature(a, "**seconds**", "pp.split_gradient_at(grad")


def test_an_unknown_property_of_a_named_argument_is_said_to_be_unknown(responder):
    a = _ask(responder, "in which unit is the mode of pp.calc_adc_segments?")
    assert not a.confident
    assert "no recorded fact" in a.text and "Parameters:" not in a.text


def test_a_followup_about_the_previous_function(responder):
    history = [{"role": "user", "content": "what does pp.make_trigger do?"}]
    first = responder.answer(AnswerRequest(history[0]["content"], [], "python"))
    history.append({"role": "assistant", "content": first.text,
                    "metadata": {"topic": first.topic, "subject": first.subject}})
    a = _ask(responder, "which channel names are allowed for it?", history=history)
    _fact_before_signature(a, "'physio1' or 'physio2'", "pp.make_trigger(channel")


@pytest.mark.parametrize("question", [
    "what does pp.make_trapezoid do?",
    "what are the parameters of pp.make_adc?",
    "which options does mr.makeSincPulse take?",
    "which function turns mT/m into Hz/m?",
    "why does my ADC need a delay?",
])
def test_questions_about_the_whole_function_are_not_a_property(question):
    assert asked(question) is None


def test_the_page_stays_when_no_property_is_asked(responder):
    a = _ask(responder, "what does pp.make_trapezoid do?")
    assert a.confident and "Parameters:" in a.text


def test_an_outputs_page_gets_the_unit_of_the_outputs_on_top(responder):
    a = _ask(responder, "what does pp.calc_rf_center give back?")
    assert a.confident and a.text.startswith("`pp.calc_rf_center` returns `time_center` in **seconds**"), a.text


def test_the_users_own_number_is_read_in_that_unit(responder):
    a = _ask(responder, "I wrote pp.make_trapezoid(..., rise_time=250): is rise_time in microseconds?")
    _fact_before_signature(a, "`250` means 250 s; 250 ms is `250e-3`, 250 µs is `250e-6`", "pp.make_trapezoid(")


def test_the_named_function_is_the_one_asked_about(responder):
    a = _ask(responder, "how long does pp.make_gauss_pulse make the pulse if I leave duration out?")
    _fact_before_signature(a, "`0.004` seconds (4 ms)", "pp.make_gauss_pulse(flip_angle")


def test_a_feasibility_question_is_not_a_question_about_one_limit():
    assert asked("is a 1 ms echo time possible with my gradient limit?") is None


def test_a_followup_asks_a_property_of_the_previous_function(responder):
    question = "how can I plot the sequence with pypulseq?"
    first = responder.answer(AnswerRequest(question, [], "python"))
    assert first.subject == "api:seq.plot"
    history = [{"role": "user", "content": question},
               {"role": "assistant", "content": first.text, "metadata": {"topic": first.topic,
                                                                        "subject": first.subject}}]
    a = _ask(responder, "and which unit are gradients shown in by default?", history=history)
    _fact_before_signature(a, "The default `grad_disp` of `seq.plot` is `'kHz/m'`", "seq.plot(label")


def test_a_parameters_unit_is_read_from_its_own_docstring_when_the_name_says_none(responder):
    a = responder.answer(AnswerRequest("calc_rf_bandwidth dw: which unit?", [], "python"))
    assert a.confident and "`dw` of `pp.calc_rf_bandwidth` is in **Hz**" in a.text


def test_an_arbitrary_rf_signal_has_no_fixed_unit(responder):
    a = responder.answer(AnswerRequest("what unit does make_arbitrary_rf want the signal samples in?", [], "python"))
    assert a.confident and "no_signal_scaling" in a.text.split("\n\n")[1]
