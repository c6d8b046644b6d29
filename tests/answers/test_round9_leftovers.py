"""Answer defects left over from issue 10 (round 9): a value written before its name, a trapezoid's amplitude from
its area and its time, and a question asked beside a pasted system-limits line. Every figure is checked against
what pypulseq itself builds; each test failed on the code before its fix.
"""

import math
import re
import warnings

import pypulseq as pp
import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.knowledge import parse

GAMMA = 42.576e6


def ask(responder, text, lang="python", knowledge=None):
    return responder.answer(AnswerRequest(query=text, history=[], preferred_language=lang,
                                          sequence_knowledge=knowledge))


def _trap(**kw):
    system = kw.pop("system", None) or pp.Opts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pp.make_trapezoid("x", system=system, **kw)


# --- a value whose number comes before its name -----------------------------------------------------------------

def test_a_value_before_its_name_is_read_like_one_after_it():
    before = parse("a 200 mm FOV, a 4 us dwell, a 2 ms sinc pulse, a 3 mm slice thickness, a 200 T/m/s slew, "
                   "a 40 mT/m max gradient").values
    after = parse("FOV 200 mm, dwell 4 us, sinc pulse 2 ms, slice thickness 3 mm, slew 200 T/m/s, "
                  "max gradient 40 mT/m").values
    assert before == after
    assert before["max_slew"] == 200 and before["max_grad"] == 40 and before["dwell"] == pytest.approx(4e-6)
    # the number right after a name stays that name's, whatever follows it
    assert parse("TE 5 ms TR 12 ms").values == {"te": 0.005, "tr": 0.012}
    # the unit decides what a value can be: a time is no slice, a length no duration
    assert "slice_thickness" not in parse("a 3 ms slice").values


def test_a_dwell_written_before_its_name_is_not_taken_for_the_readout_length(responder):
    a = ask(responder, "256 samples with a 4 us dwell: readout duration?")
    assert "**1.024 ms**" in a.text  # 256 x 4 us
    assert "0.004 ms readout" not in a.text  # the dwell read as the readout's length gave a 15.6 ns dwell
    call = re.search(r"With your values.*?```python\n[^\n]*pp\.make_adc\([^)]*\)", a.text, re.S)
    assert call is not None and ("dwell=4e-6" in call.group(0) and "duration=4e-6" not in call.group(0))


# --- a trapezoid's amplitude from its area and its time ---------------------------------------------------------

@pytest.mark.parametrize("question, area, duration", [
    ("area 1000 1/m in 2 ms total, what amplitude?", 1000, 2e-3),
    ("a trapezoid with an area of 2500 1/m and a 3 ms duration: what amplitude does it need?", 2500, 3e-3),
])
def test_amplitude_from_area_and_duration_is_the_one_pypulseq_builds(responder, question, area, duration):
    g = _trap(area=area, duration=duration)
    a = ask(responder, question)
    assert a.confident
    assert f"**{g.amplitude:.0f} Hz/m**" in a.text
    assert f"({g.amplitude / (GAMMA * 1e-3):.4g} mT/m)" in a.text
    assert f"ramps of {g.rise_time * 1e6:.0f} µs" in a.text and f"flat top of {g.flat_time * 1e6:.0f} µs" in a.text


def _matlab_trapezoid(area, duration, max_grad=40, max_slew=170, raster=10e-6):
    """(amplitude Hz/m, rise time) of mr.makeTrapezoid(ch, 'Area', area, 'Duration', duration) as
    pulseq/pulseq matlab/+mr/makeTrapezoid.m (023faeb) works it out: the amplitude that fits the duration with
    ramps at the slew limit, the ramp rounded up to the raster, the amplitude refined for the area."""
    slew = max_slew * GAMMA
    d_c = 1 / slew
    amp = (duration - math.sqrt(duration ** 2 - 4 * area * d_c)) / (2 * d_c)
    rise = max(math.ceil(amp / slew / raster) * raster, raster)
    return area / (duration - rise), rise


def test_in_matlab_the_amplitude_is_the_one_mr_make_trapezoid_builds(responder):
    amp, rise = _matlab_trapezoid(1000, 2e-3)
    assert abs(amp - _trap(area=1000, duration=2e-3).amplitude) > 1000  # the toolboxes differ here
    a = ask(responder, "area 1000 1/m in 2 ms total, what amplitude?", "matlab")
    assert f"**{amp:.0f} Hz/m**" in a.text and f"ramps of {rise * 1e6:.0f} µs" in a.text
    assert "mr.makeTrapezoid" in a.text and "pp.make_trapezoid" not in a.text


def test_amplitude_from_flat_area_and_flat_time_is_the_one_pypulseq_builds(responder):
    g = _trap(flat_area=500, flat_time=1.2e-3)
    a = ask(responder, "flat area 500 1/m over a 1.2 ms flat time, what amplitude?")
    assert f"**{g.amplitude:.0f} Hz/m**" in a.text and f"ramps of {g.rise_time * 1e6:.0f} µs" in a.text
    assert f"total area of {g.area:.4g} 1/m" in a.text


def test_the_users_limits_decide_the_ramps(responder):
    system = pp.Opts(max_grad=30, grad_unit="mT/m", max_slew=100, slew_unit="T/m/s")
    g = _trap(area=1000, duration=2e-3, system=system)
    a = ask(responder, "area 1000 1/m in 2 ms total, what amplitude?", knowledge="max grad 30 mT/m, max slew 100 T/m/s")
    assert f"**{g.amplitude:.0f} Hz/m**" in a.text and f"ramps of {g.rise_time * 1e6:.0f} µs" in a.text
    assert "default" not in a.text.split("Related")[0]  # the limits are the user's, not the toolbox's defaults


def _shortest_duration(area, system=None):
    return pp.calc_duration(_trap(area=area, system=system or pp.Opts()))


@pytest.mark.parametrize("question, area, duration", [
    ("area 20000 1/m in 1 ms total, what amplitude?", 20000, 1e-3),  # needs more than the maximum gradient
    ("what amplitude for an area of 5000 1/m in 0.1 ms?", 5000, 1e-4),  # shorter than its two ramps
])
def test_an_impossible_area_and_duration_is_said_with_the_shortest_that_works(responder, question, area, duration):
    with pytest.raises(AssertionError):  # pypulseq refuses it
        _trap(area=area, duration=duration)
    shortest = _shortest_duration(area)
    _trap(area=area, duration=shortest)  # ... and builds the shortest we name
    with pytest.raises(AssertionError):
        _trap(area=area, duration=shortest - 10e-6)
    a = ask(responder, question)
    assert "cannot be made" in a.text
    assert f"**{shortest * 1e3:.4g} ms**" in a.text


def test_a_flat_area_too_big_for_the_gradient_is_said_with_the_shortest_flat_time(responder):
    with pytest.raises(ValueError):
        _trap(flat_area=5000, flat_time=2.5e-3)
    shortest = math.ceil(5000 / pp.Opts().max_grad / 10e-6 - 1e-9) * 10e-6
    _trap(flat_area=5000, flat_time=shortest)
    with pytest.raises(ValueError):
        _trap(flat_area=5000, flat_time=shortest - 10e-6)
    a = ask(responder, "flat area 5000 1/m over a 2.5 ms flat time, what amplitude?")
    assert "cannot be made" in a.text and f"**{shortest * 1e3:.4g} ms**" in a.text


# --- a question beside a pasted system-limits line --------------------------------------------------------------

def _ramp_us(mt_per_m, max_grad, max_slew):
    system = pp.Opts(max_grad=max_grad, grad_unit="mT/m", max_slew=max_slew, slew_unit="T/m/s")
    g = _trap(amplitude=mt_per_m * GAMMA * 1e-3, flat_time=1e-3, system=system)
    return f"{g.rise_time * 1e6:.0f} µs"


@pytest.mark.parametrize("query, lang", [
    ('system = pp.Opts(max_grad=32, grad_unit="mT/m", max_slew=130, slew_unit="T/m/s")\n'
     "with these limits, how long is the shortest ramp to 30 mT/m?", "python"),
    ("system = pp.Opts(max_grad=32, grad_unit='mT/m', max_slew=130, slew_unit='T/m/s') with these limits, how long "
     "is the shortest ramp to 30 mT/m?", "python"),
    ("```matlab\nsys = mr.opts('MaxGrad', 32, 'GradUnit', 'mT/m', 'MaxSlew', 130, 'SlewUnit', 'T/m/s');\n```\n"
     "with these limits, how long is the shortest ramp to 30 mT/m?", "matlab"),
])
def test_a_question_beside_a_pasted_limits_line_is_answered_with_those_limits(responder, query, lang):
    a = ask(responder, query, lang)
    assert a.confident
    assert "30 mT/m at 130 T/m/s" in a.text and f"that is {_ramp_us(30, 32, 130)}" in a.text  # 240 µs, not 180
    assert "No problems found" not in a.text  # not a code check that drops the question


def test_a_mistake_in_the_pasted_line_is_still_reported_beside_the_answer(responder):
    a = ask(responder, 'sys = pp.Opts(max_grad=32, grad_unit="mT/m", max_slew=130, slew_unit="T/m/s", '
                       'rf_dead_tim=100e-6)\nwith these limits, how long is the ramp to 30 mT/m?')
    assert f"that is {_ramp_us(30, 32, 130)}" in a.text
    assert "`rf_dead_time`" in a.text and "rf_dead_tim" in a.text


def test_a_limit_without_its_unit_is_pointed_out(responder):
    a = ask(responder, "system = pp.Opts(max_grad=32, grad_unit='mT/m', max_slew=130) with these limits, what "
                       "amplitude has a trapezoid of area 1000 1/m in 2 ms?")
    assert "130 Hz/m/s" in a.text and "slew_unit='T/m/s'" in a.text
    system = pp.Opts(max_grad=32, grad_unit="mT/m", max_slew=130, slew_unit="T/m/s")
    assert f"**{_trap(area=1000, duration=2e-3, system=system).amplitude:.0f} Hz/m**" in a.text


def test_asking_to_check_a_limits_line_still_checks_it(responder):
    a = ask(responder, 'system = pp.Opts(max_grad=32, grad_unit="mT/m", max_slew=130, slew_unit="T/m/s")\n'
                       "is this line correct?")
    assert a.route == "check"
