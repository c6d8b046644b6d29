"""Round 12: an option described in words (and which function it is after a no-template answer), a second event
placed against the gradient just made, whether a function copies what it is given (read from pypulseq's source;
MATLAB's value semantics), worked values (a flip angle passed in degrees, the FOV of a gradient and bandwidth, a
chemical shift for another nucleus, ADC segments, the phase of the n-th spoiled pulse, a limit written inline),
acquisitions no template makes, and phrasings. Questions are ours, not the eval set's."""

import pytest
from answer_turns import ask, then


def test_an_option_described_in_words_is_named(responder):
    b = then(responder, "how do I wait for the ECG in pypulseq?", "I want it to begin 2 ms into the block, which "
             "argument does that?", "python")
    assert b.confident and "**That is the keyword `delay` of `pp.make_trigger`" in b.text


def test_the_option_after_a_no_template_answer_is_one_of_the_part_functions(responder):
    b = then(responder, "ECG triggered MR fingerprinting in matlab, is there a template", "which argument says how "
             "long it lasts?", "matlab")
    assert b.confident and "mr.makeTrigger" in b.text.split("\n\n")[0] and "duration" in b.text.split("\n\n")[0]


def test_an_option_the_words_do_not_single_out_is_not_guessed(responder):
    b = then(responder, "how do I make a trapezoid in pypulseq?", "which option is the nice one?", "python")
    assert "**That is" not in b.text


@pytest.mark.parametrize("lang, field", [("matlab", "gx.flatTime"), ("python", "gx.flat_time")])
def test_an_adc_placed_on_the_gradient_just_made(responder, lang, field):
    b = then(responder, "readout trapezoid with a flat area of 128/0.25 and a flat time of 3.2 ms",
             "then the ADC should cover the flat top of it, how?", lang)
    assert b.confident and b.topic == "make_adc" and field in b.text


def test_an_adc_follow_up_after_a_pulse_is_not_paired_with_a_gradient(responder):
    b = then(responder, "how do I make a block pulse?", "and the adc for it?", "python")
    assert "flat top of the gradient" not in b.text


@pytest.mark.parametrize("fn, lang, word", [("pp.scale_grad", "python", "**copy**"),
                                            ("pp.split_gradient", "python", "**changes the object you pass**"),
                                            ("mr.scaleGrad", "matlab", "passes structs by value"),
                                            ("seq.add_block", "python", "changes the sequence it is called on")])
def test_whether_a_function_changes_its_input_is_read_from_the_source(responder, fn, lang, word):
    a = ask(responder, f"does {fn} modify the object I hand it or make a new one?", lang)
    assert a.confident and word in a.text


def test_a_new_one_of_another_length_is_not_a_copy_question(responder):
    b = then(responder, "what is a delay event for?", "how do I make a new one of 4 ms?", "python")
    assert "copy or in place" not in b.text


@pytest.mark.parametrize("q, lang, want", [
    ("I wrote flip_angle=30 in make_sinc_pulse for a 30 degree pulse, is that right?", "python", "1718.9°"),
    ("readout at 20 mT/m with a 64 kHz bandwidth, which fov does that give?", "python", "**75.2 mm**"),
    ("a 31P peak 120 Hz away at 7T, how many ppm?", "matlab", "**0.99 ppm**"),
    ("16384 samples at 2 us dwell with an 8192 sample limit: how many segments?", "python", "**4 segments of 4100"),
    ("quadratic rf spoiling with 50 degrees, what phase does the 4th pulse get?", "python", "**40°**"),
    ("larmor frequency of 31P at 7T?", "python", "**120.645 MHz**"),
    ("which gamma should mr.opts get for a carbon scan?", "matlab", "`mr.opts('gamma', 10.7084e6)`"),
    ("ernst angle with TR 10 ms and T1 800 ms?", "python", "**9.0°**"),
    ("mr.opts('MaxSlew', 150, 'SlewUnit', 'T/m/s'): what value ends up stored in sys.maxSlew?", "matlab",
     "6386400000 Hz/m/s"),
])
def test_worked_values(responder, q, lang, want):
    a = ask(responder, q, lang)
    assert a.confident and want in a.text


def test_a_flip_angle_already_in_radians_is_left_alone(responder):
    a = ask(responder, "I wrote flip_angle=1.2 in make_block_pulse, what flip is that?", "python")
    assert "Flip angles are in **radians**" not in a.text


@pytest.mark.parametrize("q, said", [
    ("pypulseq bssfp with 8 phase cycles, template?", "phase cycles"),
    ("1D projection gradient echo with no phase encoding, have a template?", "1D projection"),
    ("a cpmg train of 500 echoes for relaxometry in a probe, template please", "cpmg"),
    ("a sequence that measures my gradient trajectory, template?", "trajectory"),
])
def test_acquisitions_no_template_makes(responder, q, said):
    a = ask(responder, q, "python")
    assert a.confident and a.route in ("variant_template", "no_template") and said in a.text.split("\n")[0]


def test_a_cpmg_that_names_imaging_is_the_tse_template(responder):
    a = ask(responder, "cpmg based tse imaging with 16 echoes and phase encoding, template?", "python")
    assert a.route == "template" and "turbo spin echo" in a.text.split("\n")[0].lower()


def test_other_outputs_are_the_accepted_values(responder):
    b = then(responder, "how do I send an output trigger to external equipment in pypulseq?",
             "must it be osc0 or are there other channels?", "python")
    assert b.confident and "'ext1'" in b.text


def test_a_parameter_of_the_function_the_user_named_keeps_it(responder):
    b = then(responder, "how do I set the gradient raster time in pypulseq Opts?",
             "and the adc raster time, is that separate?", "python")
    assert b.confident and b.topic == "Opts"


@pytest.mark.parametrize("q, lang, name", [
    ("how do I glue the rewinder to the end of the readout so it's one gradient?", "python", "pp.add_gradients"),
    ("my gradient multiplied by a constant, which function gives that?", "matlab", "mr.scaleGrad"),
    ("my readout has too many samples for one adc, what splits it into equal pieces under the limit?", "python",
     "pp.calc_adc_segments"),
    ("I want the rf and gradient shapes as arrays with their time points", "python", "seq.waveforms_and_times"),
    ("reuse my existing spiral waveform at a bigger fov, how?", "matlab", "mr.scaleGrad"),
])
def test_phrasings(responder, q, lang, name):
    a = ask(responder, q, lang)
    assert a.confident and name in a.text.split("\n\n")[0]


@pytest.mark.parametrize("q, lang", [("does the adc have to get the pulse's phase too?", "python"),
                                     ("how do I alternate the rf phase by 180 every TR?", "matlab")])
def test_rf_and_adc_phase_per_tr_is_its_note(responder, q, lang):
    a = ask(responder, q, lang)
    assert a.confident and a.subject == "howto:rf_phase" and ("phaseOffset" in a.text if lang == "matlab"
                                                              else "adc.phase_offset" in a.text)


@pytest.mark.parametrize("lang, label", [("matlab", "mr.makeLabel('SET', 'TRID', id)"),
                                         ("python", "pp.make_label(type='SET', label='TRID', value=id)")])
def test_segments_for_ges_interpreter_are_tagged_with_trid(responder, lang, label):
    a = ask(responder, "on a GE scanner, how do I mark where each segment starts?", lang)
    assert a.confident and label in a.text and ("seq.addTRID" in a.text) == (lang == "matlab")


def test_a_sequence_time_is_not_bound_to_an_events_delay(responder):
    a = ask(responder, "with TE 4 ms, how do I make the sinc pulse for my slice?", "python")
    assert "delay=4e-3" not in a.text and "duration=4e-3" not in a.text


def test_echo_times_from_the_settings(responder):
    a = ask(responder, "which echo times will I get?", "python",
            knowledge="multi-echo GRE, 4 echoes, TE 2 ms, echo spacing 2.5 ms")
    assert a.confident and "TE = **2, 4.5, 7, 9.5 ms**" in a.text


def test_system_limits_carry_the_settings_nucleus_rasters_and_sample_limit(responder):
    a = ask(responder, "set up my system limits", "matlab",
            knowledge="23Na, max grad 30 mT/m, adc raster 1 us, adc samples limit 4096")
    assert "'gamma', 11.262e6" in a.text and "'adcRasterTime', 1e-6" in a.text and "'adcSamplesLimit', 4096" in a.text
