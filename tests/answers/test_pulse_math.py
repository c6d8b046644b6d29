"""pulse_math: the numbers are checked against what pypulseq itself builds, not against our own arithmetic."""

import math

import pypulseq as pp

from pulsepal.answers import AnswerRequest
from pulsepal.answers.knowledge import parse
from pulsepal.answers.pulse_math import block_amplitude, readout_from_length, slice_gradient


def test_a_block_pulses_amplitude_is_what_pypulseq_stores():
    rf = pp.make_block_pulse(flip_angle=math.pi / 2, duration=1e-3, system=pp.Opts())
    line = block_amplitude("what is the RF amplitude in Hz of a 90 degree block pulse of 1 ms?")[0]
    assert f"**{max(abs(rf.signal)):.4g} Hz**" in line  # 250 Hz
    assert "**1000 Hz**" in block_amplitude("a 180° hard pulse lasting 500 us, how strong is it?")[0]
    assert block_amplitude("what amplitude does a sinc pulse of 1 ms have?") == []  # not a block pulse


def test_the_slice_select_gradient_for_a_bandwidth_is_what_pypulseq_builds():
    system = pp.Opts()
    rf, gz, _ = pp.make_sinc_pulse(flip_angle=math.pi / 2, duration=2e-3, time_bw_product=4, slice_thickness=5e-3,
                                   return_gz=True, system=system)  # bandwidth 4 / 2 ms = 2 kHz
    q = "what gradient amplitude do I need for a 5 mm slice with a 2 kHz pulse bandwidth?"
    line = slice_gradient(parse(q).values, q)[0]
    assert f"**{gz.amplitude:.0f} Hz/m**" in line  # 400000 Hz/m


def test_a_readout_given_by_its_length(responder):
    q = "my readout lasts 3.2 ms with 128 samples; what's the dwell time and receiver bandwidth?"
    adc = pp.make_adc(num_samples=128, duration=3.2e-3)
    assert f"**{adc.dwell * 1e6:.4g} µs**" in readout_from_length(parse(q).values, q)[0]  # 25 µs
    a = responder.answer(AnswerRequest(q, [], "matlab"))
    assert a.confident and "**40 kHz**" in a.text and "312.5 Hz per pixel" in a.text
    assert readout_from_length({}, "1000 samples over 2 ms, what is the dwell?") == []  # calculators.sampling's


def test_the_time_that_belongs_to_the_pulse_or_readout_is_used_not_a_neighbours():
    # exploratory QA of round 7: the first time near a cue word won, so a TR, a gap or a TE gave the wrong number
    assert "**250 Hz**" in block_amplitude("amplitude of a 90° hard pulse, TR of 5 ms, pulse duration 1 ms")[0]
    assert "**500 Hz**" in block_amplitude("I have a 2 ms gap and then a 90° block pulse of 0.5 ms, what amplitude?")[0]
    q = "128 samples, TE 5 ms, readout lasts 3.2 ms, what bandwidth?"
    assert "**25 µs**" in readout_from_length(parse(q).values, q)[0]


def test_a_receiver_bandwidth_is_no_pulse_bandwidth(responder):
    q = "readout bandwidth 100 kHz, slice 5 mm, what readout gradient?"
    assert slice_gradient(parse(q).values, q) == []
    a = responder.answer(AnswerRequest("pulse bandwidth 4 kHz, slice 2 mm, what slice gradient?", [], "python"))
    assert "**2000000 Hz/m**" in a.text and "receiver bandwidth" not in a.text
