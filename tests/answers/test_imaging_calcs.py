"""Textbook imaging values worked out from the user's numbers (imaging_calcs.py and the scan-time, matrix, kmax,
echo-spacing and readout-gradient rules beside it). Questions and numbers are ours; each expected value is worked
out in the comment beside it, so a formula off by a unit (gamma in Hz/T instead of rad/s/T, ms for s) fails."""

import pytest
from answer_turns import ask


@pytest.mark.parametrize("question, lang, expected", [
    # 3.45e-6 x 42.576e6 x 3 = 440.7 Hz; / 200 Hz/pixel = 2.20 pixels
    ("at 3T with 200 Hz/pixel, how many pixels does fat shift?", "matlab", "**2.20 pixels**"),
    # 800 ms x ln 2 = 554.5 ms
    ("what inversion time nulls a tissue with T1 = 800 ms?", "python", "**554.5 ms**"),
    # 4000 x ln(2 / (1 + e^-2.25)) = 4000 x ln(2 / 1.1054) = 2371.8 ms
    ("what TI for FLAIR to null csf with T1 4000 ms and TR 9000 ms", "python", "**2371.8 ms**"),
    # (2 pi 42.576e6 x 0.04 x 0.02)^2 x (0.03 - 0.02/3) = 1.069e9 s/m^2
    ("b value for gradient 40 mT/m, delta 20 ms, Delta 30 ms with rectangular lobes?", "python",
     "**b = 1069 s/mm²**"),
    # sqrt(1e9 / ((2 pi 42.576e6)^2 x 0.02^2 x (0.035 - 0.00667))) = 35.1 mT/m
    ("which gradient amplitude for b=1000 with δ=20 ms and Δ=35 ms", "matlab", "**G = 35.1 mT/m**"),
    # pi / (2 pi 42.576e6 x 1.5 m/s) = 7.829e-9 T s^2/m; 1 / (2 x 1.5) = 0.3333 s/m
    ("my bipolar venc should be 150 cm/s, what first moment difference is that", "matlab", "**0.3333 s/m**"),
    # pi/2 x 256 = 402.1 -> 403 full spokes; pi x 256 = 804.2 -> 805 half spokes
    ("how many radial spokes for nyquist with 256 readout points?", "python", "**403 full spokes**"),
    # 180 / 1.618034 = 111.246 degrees
    ("golden angle increment in degrees for radial?", "matlab", "**111.246°**"),
    # 10 mT/m = 425760 Hz/m; x 2 ms = 851.5 1/m
    ("area in 1/m of a 10 mT/m gradient held for 2 ms?", "python", "**851.5 1/m**"),
    # 360 x 50 Hz x 10 ms = 180 degrees
    ("phase accrued by 50 Hz off resonance at TE 10 ms, in degrees?", "python", "**180°**"),
    # e^(-20/40) = 0.607
    ("t2* decay: how much signal is left at TE 20 ms with T2* 40 ms", "matlab", "**0.607**"),
    # e^(-20/35) = 0.565
    ("my TE is 20 ms and the T2 of muscle is 35 ms, what signal fraction remains at the echo", "matlab", "**0.565**"),
    # 1 - 2 e^(-300/900) = -0.433
    ("after an inversion, what is Mz at TI 300 ms for T1 900 ms", "matlab", "**-0.433**"),
    # 20 mT/m = 851520 Hz/m; x 0.015 m = 12772.8 Hz
    ("slice at 15 mm off-center with a slice gradient of 20 mT/m, what frequency offset", "python",
     "**12772.8 Hz**"),
    # 2400 Hz / 3 mm = 800000 Hz/m; x 10 mm = 8000 Hz
    ("frequency offset to shift my 3 mm slice by 10 mm with a 2.4 kHz pulse bandwidth", "matlab", "**8000 Hz**"),
    # 851520 Hz/m; ramp 20 mT/m / 170 T/m/s = 117.6 us -> 120 us; area 851520 x (1 ms + 120 us) = 953.7 1/m
    ("what's the area of a trapezoid gradient at 20 mT/m with a flat top of 1 ms", "matlab", "**area = 953.7 1/m**"),
    # TR 8 ms x 256 x 2 = 4.096 s
    ("scan time for TR 8 ms, 256 phase encodes, 2 averages?", "python", "**4.096 s**"),
    # 500 ms x 192 x 3 = 288 s
    ("how long for 3 averages of 192 phase encodes at TR 500 ms", "python", "**288 s**"),
    # interleaved slices share the TR: 2 s x 128 = 256 s
    ("how long does my scan take with TR 2 s, 128 lines and 20 slices interleaved in one TR", "matlab", "**256 s**"),
    # 220 mm / 176 = 1.25 mm
    ("pixel size for a 220 mm fov and 176 matrix?", "python", "**1.25 mm**"),
    # 1 / (2 x 1 mm) = 500 1/m
    ("kmax for 1 mm resolution?", "matlab", "500 1/m**"),
    # 1 / (0.24 m x 4 us) = 1.042e6 Hz/m = 24.5 mT/m
    ("what gradient amplitude do I need for a 240 mm FOV with 4 us dwell?", "python", "**24.5 mT/m**"),
    # 128 x 4 us = 0.512 ms flat, + 2 x 0.2 ms = 0.912 ms
    ("echo spacing of an epi with 128 samples, dwell 4 us and 0.2 ms ramps each side", "python", "**0.912 ms**"),
])
def test_the_value_is_worked_out(responder, question, lang, expected):
    a = ask(responder, question, lang)
    assert a.confident and expected in a.text, a.text[:600]


@pytest.mark.parametrize("question, lang, absent", [
    ("how do I set the b value in the diffusion template", "matlab", "s/mm²**"),  # no lobes given: nothing computed
    ("what does seq.duration return", "python", "of acquisition"),  # no TR, no lines: no scan time
    ("how do I rotate radial spokes by the golden angle in pypulseq", "python", "Nyquist"),  # no count asked
    ("make a gradient with area 851 1/m", "python", "has an area of"),  # an area given, none to work out
])
def test_nothing_is_worked_out_without_the_question_or_its_numbers(responder, question, lang, absent):
    assert absent not in ask(responder, question, lang).text


def test_a_speed_is_not_a_field_of_view(responder):
    # "150 cm/s" is a velocity: no FOV of 1500 mm is read from it
    a = ask(responder, "my bipolar venc should be 150 cm/s, what first moment difference is that", "matlab")
    assert "FOV 1500 mm" not in a.text and "1500" not in a.text


def test_the_golden_angle_is_given_in_radians_for_the_rotation(responder):
    # 111.246 degrees = 1.9416 rad; 360 / phi^2 = 137.508 degrees; the tiny golden angle for N = 7 is 23.63 degrees
    a = ask(responder, "tiny golden angle for radial with 7 sequence", "matlab")
    assert "1.9416 rad" in a.text and "137.508°" in a.text and "N=7: 23.63°" in a.text
