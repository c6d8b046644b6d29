"""The call a question asks for, with the values it gives, in the toolbox's units; judged values are not filled."""

from __future__ import annotations

from pulsepal.answers.types import AnswerRequest


def _ask(responder, q: str, lang: str = "python"):
    return responder.answer(AnswerRequest(q, [], lang))


def test_the_users_values_are_filled_into_the_call(responder):
    a = _ask(responder, "how can I create a block pulse of 45 degrees lasting 200 us?")
    assert "rf = pp.make_block_pulse(flip_angle=45 * np.pi / 180, duration=200e-6, system=system)" in a.text
    m = _ask(responder, "how can I create a block pulse of 45 degrees lasting 200 us?", "matlab")
    assert "rf = mr.makeBlockPulse(45 * pi / 180, sys, 'Duration', 200e-6);" in m.text


def test_words_next_to_a_time_pick_the_parameter_and_the_example_fills_the_rest(responder):
    a = _ask(responder, "I want an adc of 128 samples with 40 us delay and a 5 us dwell")
    assert "adc = pp.make_adc(num_samples=128, delay=40e-6, dwell=5e-6, system=system)" in a.text
    b = _ask(responder, "which function builds a y gradient with a flat top of 2.4 ms?")
    assert "gy = pp.make_trapezoid(channel='y', flat_area=n_x / fov, flat_time=2.4e-3, system=system)" in b.text


def test_values_pypulseq_refuses_are_reported_with_its_error(responder):
    a = _ask(responder, "make me an x gradient of 30 mT/m with 50 us rise time and a 2 ms flat top")
    assert "amplitude=1.27728e+06" in a.text and "cannot work with the toolbox's default limits" in a.text
    assert "slew rate" in a.text


def test_a_value_asked_about_is_not_put_into_a_call(responder):
    for q in ("is a 2.35 us dwell fine for make_adc?", "what is the default duration of make_block_pulse, 4 ms?"):
        assert "With your values" not in _ask(responder, q).text
