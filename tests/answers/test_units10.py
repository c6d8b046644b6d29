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
