"""Round 16: the user's numbers in an example's pulse call (a how-to's or a function's example written with the
slice, duration, time-bandwidth product and flip the question or the settings give), and round 16's phrasings.
Questions and numbers are ours (not the evaluation set's)."""

import re

import numpy as np
import pypulseq as pp
from answer_turns import ask

from pulsepal.answers.example_values import fill_pulses


def test_a_how_to_example_takes_the_slice_the_question_gives(responder):
    a = ask(responder, "How do I get the slice-select gradient for a 3 ms sinc with a 4 mm slice and then the "
                       "rephasing lobe?", "python")
    assert "slice_thickness=4e-3" in a.text and "slice_thickness=5e-3" not in a.text, a.text[:900]
    assert "*The slice thickness in the code is yours.*" in a.text


def test_every_pulse_value_given_goes_into_the_matlab_call(responder):
    a = ask(responder, "How do I make the slice-select gradient for a 2 ms sinc, flip 30, 4 mm slice, tbw 3?",
            "matlab")
    call = re.search(r"mr\.makeSincPulse\(30\*pi/180, sys, [^;]*;", a.text, re.S)
    assert call, a.text[:1500]
    assert "'Duration', 2e-3" in call.group(0) and "'SliceThickness', 4e-3" in call.group(0)
    assert "'timeBwProduct', 3" in call.group(0)
    assert "slice thickness, pulse duration, time-bandwidth product and flip angle in the code are yours" in a.text


def test_the_filled_python_call_runs_in_pypulseq():
    code = ("rf, gz, gz_reph = pp.make_sinc_pulse(flip_angle=np.pi / 2, duration=3e-3, slice_thickness=5e-3,\n"
            "    time_bw_product=4, apodization=0.5, return_gz=True, system=system)")
    filled, used = fill_pulses(code, {"flip_deg": 20.0, "pulse_duration": 1.5e-3, "slice_thickness": 3e-3,
                                      "tbw": 6.0})
    assert used == ["slice thickness", "pulse duration", "time-bandwidth product", "flip angle"]
    scope = {"pp": pp, "np": np, "system": pp.Opts()}
    exec(filled, scope)  # noqa: S102 - our own example, filled; pypulseq decides whether the values are real
    rf, gz = scope["rf"], scope["gz"]
    assert abs(rf.shape_dur - 1.5e-3) < 1e-9
    # bandwidth 6 / 1.5 ms = 4 kHz over 3 mm: 1.333e6 Hz/m
    assert abs(gz.amplitude - 4000 / 3e-3) < 1.0
    assert abs(np.rad2deg(2 * np.pi * np.sum(rf.signal) * system_dwell(rf)) - 20) < 0.1


def system_dwell(rf):
    return float(np.mean(np.diff(rf.t)))


def test_a_saturation_pulse_keeps_its_own_flip_and_duration(responder):
    a = ask(responder, "how do I add fat saturation?", "python", knowledge="flip angle 15, slice thickness 3 mm")
    assert "flip_angle=np.deg2rad(110), duration=8e-3" in a.text, a.text[:1200]
    assert "flip angle in the code" not in a.text


def test_two_pulses_share_the_slice_but_not_the_flip():
    code = ("rf90 = pp.make_sinc_pulse(flip_angle=np.pi / 2, duration=3e-3, slice_thickness=5e-3, system=system)\n"
            "rf180 = pp.make_sinc_pulse(flip_angle=np.pi, duration=3e-3, slice_thickness=5e-3, system=system)")
    filled, used = fill_pulses(code, {"flip_deg": 30.0, "pulse_duration": 2e-3, "slice_thickness": 4e-3})
    assert filled.count("slice_thickness=4e-3") == 2 and used == ["slice thickness"]
    assert "flip_angle=np.pi / 2" in filled and "flip_angle=np.pi," in filled and filled.count("duration=3e-3") == 2


def test_a_signature_is_never_filled(responder):
    a = ask(responder, "what does make_sinc_pulse do?", "python", knowledge="slice thickness 3 mm")
    signature = re.search(r"pp\.make_sinc_pulse\(flip_angle, [^\n]*", a.text)
    assert signature and "slice_thickness=0.0" in signature.group(0), a.text[:1200]


def test_a_value_already_written_is_not_claimed_as_filled():
    code = "rf = pp.make_block_pulse(flip_angle=np.pi / 2, duration=0.5e-3, system=system)"
    filled, used = fill_pulses(code, {"pulse_duration": 5e-4})
    assert used == [] and "duration=" in filled
