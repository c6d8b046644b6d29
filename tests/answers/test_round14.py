"""Round 14: worked values with the user's own figures (another nucleus's gamma, their ppm, a pulse amplitude in Hz,
a dwell on their grid, echoes on one flat top, phase-cycle steps, the angle between spokes, a block pulse from its
bandwidth), settings text read as people write it, templates that take the user's pulse, phrasings, a sequence kind
with no template, and follow-ups that move to the next step or stay on the function. Questions and numbers are ours;
each expected value is worked out in the comment beside it."""

import pytest
from answer_turns import ask, then

from pulsepal.answers import builder
from pulsepal.answers.knowledge import merged, parse


@pytest.mark.parametrize("question, lang, expected", [
    # 30 mT/m x 17.235 MHz/T (31P) = 517050 Hz/m
    ("what is 30 mT/m in Hz/m for phosphorus?", "python", "517050 Hz/m"),
    # -3.4e-6 x 42.576e6 x 1.5 = -217.1 Hz: the user's ppm, not the default -3.45
    ("fat at -3.4 ppm at 1.5 T, what frequency offset in Hz?", "matlab", "**-217.1 Hz**"),
    # 360 x 250 Hz x 1 ms = 90 degrees; B1 = 250 / 42.576 = 5.872 uT
    ("hard pulse at 250 Hz for 1 ms, what flip angle do I get?", "python", "**90°**"),
    # 2.56 ms / 64 = 40 us exactly; on a 10 us grid it stays 40 us; 3 ms / 64 = 46.875 -> 50 us
    ("readout about 3 ms with 64 samples, the dwell must be a multiple of 10 us", "python", "**50 µs**"),
    # 128 x 4 us = 0.512 ms per echo; 4 echoes: 2.048 ms flat top, 512 samples
    ("four echoes of 128 samples at 4 us on one flat top: flat top length?", "python", "**2.048 ms**"),
    # 0 to 330 in 30-degree steps: 12 values; 30 degrees = 0.5236 rad
    ("phase cycling in 30 degree steps from 0 to 330, how many scans?", "matlab", "**12**"),
    # 360 / 400 = 0.9 degrees
    ("400 spokes over a full circle of 360, what angle step between them?", "python", "**0.9°**"),
    # 1 / (4 x 5000 Hz) = 50 us
    ("how long is a hard pulse with a 5 kHz bandwidth?", "matlab", "**50 µs**"),
])
def test_the_value_uses_the_users_own_figures(responder, question, lang, expected):
    a = ask(responder, question, lang)
    assert a.confident and expected in a.text, a.text[:700]


def test_the_b1_of_a_block_pulse_is_for_the_nucleus_named(responder):
    # 400 Hz / 11.262 MHz/T (23Na) = 35.52 uT, not 400 / 42.576 = 9.39 uT
    a = ask(responder, "sodium block pulse at 400 Hz for 625 us, what flip and what B1?", "python")
    assert "**90°**" in a.text and "**35.52 µT** for 23Na" in a.text


def test_a_time_after_the_samples_is_the_dwell_of_the_call(responder):
    # "96 points at 8 us" is 96 samples with an 8 us dwell, not an ADC lasting 8 us
    a = ask(responder, "make an adc with 96 points at 8 us", "python")
    assert "dwell=8e-6" in a.text and "duration=8e-6" not in a.text


@pytest.mark.parametrize("text, expected", [
    ("matrix 96 x 96 x 32 over 240 x 240 x 96 mm", {"n_x": 96.0, "n_y": 96.0, "n_z": 32.0, "fov": 0.24}),
    ("128 x 128 over 220 mm, dwell 4 us", {"n_x": 128.0, "fov": 0.22, "dwell": 4e-6}),
    ("two hard 180s of 300 us", {"refocus_duration": 3e-4}),  # a 180 is the refocusing pulse
    ("prototype on a 1.5 T system: 33 mT/m, 125 T/m/s", {"b0": 1.5, "max_grad": 33.0, "max_slew": 125.0}),
    ("192 samples over 240 mm with a 1.92 ms flat top", {"n_x": 192.0, "fov": 0.24, "readout_time": 1.92e-3}),
    ("prephaser and rewinder 1.2 ms each, adc dead 20 us", {"prephaser_duration": 1.2e-3, "adc_dead_time": 2e-5}),
    ("five echoes of 64 samples", {"n_x": 64.0}),  # no echo train of 64
    ("3 averages, 176 matrix", {"n_avg": 3.0, "n_x": 176.0, "n_y": 176.0}),
])
def test_settings_text_is_read_as_people_write_it(text, expected):
    values = parse(text, settings_text=True).values
    assert {k: values.get(k) for k in expected} == pytest.approx(expected), values
    assert "n_echoes" not in values


def test_a_te_set_with_to_is_read():
    assert parse("set TE to 2.5 ms please").values["te"] == pytest.approx(2.5e-3)


def test_the_bssfp_and_3d_flash_templates_take_the_users_pulse():
    # a 2.4 ms excitation lengthens the minimum TR: the template's own 1 ms pulse would not
    settings = parse("matrix 128 x 128 over 256 mm, 5 mm slice, sinc 2.4 ms, TBW 3, 40 mT/m, 150 T/m/s",
                     settings_text=True)
    filled = builder.prepare("bssfp_2d", merged(settings, parse("")))
    assert filled.used["pulse_duration"] == pytest.approx(2.4e-3) and filled.used["tbw"] == 3
    assert "duration=pulse_duration" in filled.python and "'Duration', pulseDuration" in filled.matlab
    # a pulse longer than the readout used to build a negative delay before the train: now it builds and passes
    assert filled.build.ok and filled.build.timing_ok, filled.build.error
    three_d = builder.prepare("flash_3d", merged(parse("sinc 2 ms, TBW 2", settings_text=True), parse("")), False)
    assert three_d.used["pulse_duration"] == pytest.approx(2e-3) and three_d.used["tbw"] == 2


@pytest.mark.parametrize("question, lang, function", [
    ("i want to keep extra key value pairs in the header of my .seq", "python", "seq.set_definition"),
    ("every readout should carry which slice it belongs to for the recon, how", "matlab", "mr.makeLabel"),
    ("my pulse is asymmetric, how do I get the time of its centre", "python", "pp.calc_rf_center"),
    ("gradient with a given area but stretched to a fixed duration of my choice", "python", "pp.make_trapezoid"),
    ("how do I know whether rasters and dead times are respected in all blocks", "matlab", "seq.checkTiming"),
    ("shift the fov by 10 mm in y after the sequence is built", "matlab", "mr.TransformFOV"),
    ("how do i grab one block out of the sequence to edit it", "python", "seq.get_block"),
    ("the readout prephaser should end when the block ends, which function", "python", "pp.align"),
    ("is there something to plot what my sequence looks like over time", "python", "seq.plot"),
    ("what gives me the trajectory of the adc samples to grid my data", "python", "seq.calculate_kspace"),
    ("how do I merge two gradients on the same axis into one", "matlab", "mr.addGradients"),
    ("what turns the RF shape into its frequency spectrum", "python", "pp.calc_rf_bandwidth"),
])
def test_phrasings_name_the_function(responder, question, lang, function):
    a = ask(responder, question, lang)
    assert a.confident and function in a.text, a.text[:400]


def test_the_header_key_asked_about_goes_into_the_call(responder):
    a = ask(responder, "how do I store ReadoutOversamplingFactor2 in the file header?", "matlab")
    assert "seq.setDefinition('ReadoutOversamplingFactor2', value);" in a.text


def test_a_seq_written_from_pypulseq_asks_for_python(responder):
    a = ask(responder, "how do i add my own header entries to a .seq written from pypulseq", "matlab")
    assert a.confident and "seq.set_definition" in a.text and "```python" in a.text


def test_multi_echo_steady_state_is_not_passed_off_as_the_balanced_template(responder):
    a = ask(responder, "can you give me a MESS sequence with dephasing orders -1, 0 and 1", "python")
    assert "don't have a checked template" in a.text and "multi-echo steady state" in a.text
    assert "balanced SSFP" in a.text  # offered as the closest, said to be that


def test_follow_ups_move_to_the_next_step_or_stay_on_the_function(responder):
    assert then(responder, "how do I load a .seq file from disk?", "and then plot it?", "python").topic == "seq.plot"
    # the echo counter: the same function, not a note about echoes
    assert then(responder, "how do I make a label for the partition counter?", "and for echoes?",
                "matlab").topic == "make_label"
    a = then(responder, "make me a block pulse of 180 degrees", "how long should it be for a 4 kHz bandwidth?",
             "python")
    # 1 / (4 x 4000 Hz) = 62.5 us; no receiver bandwidth (1/4 kHz = 250 us dwell) is read into it
    assert "**62.5 µs**" in a.text and "dwell of" not in a.text


@pytest.mark.parametrize("question", ["give me a 3D bSSFP template", "3d trufi in pypulseq please",
                                      "balanced ssfp with partitions in z"])
def test_a_3d_balanced_request_gets_the_3d_template(responder, question):
    a = ask(responder, question, "python")
    assert "Template: 3D balanced SSFP" in a.text and "n_z = " in a.text


def test_a_3d_balanced_scan_in_the_settings_refines_a_trufi_question(responder):
    # the question says "trufi" (2D by itself); the settings say 3D: the 3D template is built on them, and its TR is
    # judged by that build (partition encoding rides on the slab rephaser, so the minimum is the 3D one)
    a = ask(responder, "is a 2 ms TR reachable for this trufi?", "python",
            knowledge="3D bSSFP, FOV 256 mm, matrix 128 x 128 x 32, slab 96 mm, readout 1.28 ms, 30 mT/m, 120 T/m/s")
    assert "Template: 3D balanced SSFP" in a.text and "**TR 2.00 ms cannot work**" in a.text
    assert 'I could not read: "3D bSSFP"' not in a.text and "slab 96 mm" in a.text  # both were read


def test_a_follow_up_keeps_the_values_the_earlier_question_gave_the_same_function(responder):
    a = then(responder, "make a trapezoid with area 1000 1/m", "now make it last 2 ms", "python")
    assert "pp.make_trapezoid(channel='x', area=1000, duration=2e-3, system=system)" in a.text
    m = then(responder, "make a trapezoid with area 1000 1/m", "now make it last 2 ms", "matlab")
    assert "mr.makeTrapezoid('x', sys, 'Area', 1000, 'Duration', 2e-3);" in m.text
    # a fresh question about another function carries nothing over
    other = then(responder, "make a trapezoid with area 1000 1/m", "make a delay of 2 ms", "python")
    assert "area=1000" not in other.text


def test_reading_the_kspace_trajectory_is_calculate_kspace(responder):
    a = ask(responder, "how do I read the k-space trajectory?", "matlab")
    assert a.confident and "seq.calculateKspacePP" in a.text


@pytest.mark.parametrize("text, expected", [
    ("flip 15, pulse 2 ms TR 10 ms TE 4 ms", {"tr": 0.01, "pulse_duration": 2e-3}),  # the TR written after its name
    ("spoiler 1 ms tr 6 ms", {"tr": 6e-3}),
    ("TR 2.90s", {"tr": 2.9}),  # seconds, not 90-degree pulses
    ("matrix 128x128 in 2 mm slices, FOV 220 mm", {"fov": 0.22, "slice_thickness": 2e-3}),
    ("256 samples, spoiler with a 3 ms flat top", {"n_x": 256.0, "readout_time": None}),
    ("I have 300 lines of code", {"n_y": None}),
    ("90° sinc 2 ms, 180° sinc 3 ms", {"pulse_duration": 2e-3, "refocus_duration": 3e-3}),
    ("excitation 2 ms, 180 refocusing pulse 4 ms", {"pulse_duration": 2e-3, "refocus_duration": 4e-3}),
])
def test_settings_rewrites_do_not_overreach(text, expected):
    values = parse(text, settings_text=True).values
    assert {k: values.get(k) for k in expected} == pytest.approx(expected), values


@pytest.mark.parametrize("question, lang, present, absent", [
    # delta written second as "Delta" or as the Greek capital: still δ = 20 ms, Δ = 30 ms, b = 1069 s/mm²
    ("What b-value do I get with 40 mT/m lobes, Δ = 30 ms and δ = 20 ms?", "python", "**b = 1069 s/mm²**", "2061"),
    ("Delta 30 ms and delta 20 ms with 40 mT/m, what b value?", "python", "**b = 1069 s/mm²**", "1031"),
    # a scanner limit is not the lobe amplitude: b = 1000 with these lobes needs 38.7 mT/m, within 45
    ("my scanner's max gradient is 45 mT/m: what gradient amplitude gives b = 1000 with delta 20 ms and Delta 30 ms?",
     "matlab", "**G = 38.7 mT/m**", "s/mm²**"),
    # sodium's gamma: 11.262 MHz/T x 10 mT/m x 20 mm = 2252.4 Hz (protons would give 8515 Hz)
    ("sodium: what frequency offset moves the slice 20 mm off-center with a 10 mT/m slice gradient?", "python",
     "**2252.4 Hz**", "8515"),
    # a shim in ppm is not fat's shift: -3.45 ppm at 3 T is -440.7 Hz
    ("at 3T with a shim of 0.1 ppm, what is the fat frequency offset?", "matlab", "**-440.7 Hz**", "-12.8"),
    # the receiver's dwell is still worked out when a pulse is named beside it: 1 / 100 kHz = 10 us
    ("sinc pulse 2 ms, receiver bandwidth 100 kHz: what dwell do I need?", "python", "**10 µs**", "@@"),
    # "not interleaved" slices repeat the scan: 2 s x 128 x 20 = 5120 s
    ("how long does my scan take with TR 2 s, 128 lines and 20 slices (not interleaved)", "python", "**5120 s**", "@@"),
])
def test_worked_values_read_the_question_right(responder, question, lang, present, absent):
    a = ask(responder, question, lang)
    assert present in a.text and absent not in a.text, a.text[:600]


@pytest.mark.parametrize("question, not_topic", [
    ("my GRE code is a mess, can you write me a clean 2D GRE?", "no_template"),  # "mess" is no MESS
    ("how do I get a block pulse of 90 degrees in pypulseq?", "seq.get_block"),
])
def test_new_words_do_not_capture_other_questions(responder, question, not_topic):
    a = ask(responder, question, "python")
    assert a.topic != not_topic and "don't have a checked template" not in a.text
