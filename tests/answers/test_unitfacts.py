"""Questions about one unit, default or raster get that fact first, whatever function the answer is built on."""

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.unitfacts import default_lines, raster_lines, unit_lines


@pytest.mark.parametrize("question,unit", [
    ("is freq_ppm a fraction or in ppm? and freq_offset, Hz or rad/s?", "Hz"),
    ("what unit is the rotation angle of pp.rotate in?", "radians"),
    ("slice_thickness: cm or m?", "metres"),
    ("which unit does the 'Area' option use?", "1/m"),
])
def test_unit_of_a_named_parameter(question, unit):
    assert any(unit in ln for ln in unit_lines(question))


def test_no_unit_line_without_a_unit_question():
    assert unit_lines("make a slice thickness of 3 mm") == []


def test_defaults_come_from_pypulseq():
    assert default_lines("what is the default block duration raster?") == ["Default block duration raster: **10 µs**."]
    assert any("20 µT" in ln for ln in default_lines("does mr.opts assume a maximum B1 by default?"))


def test_rasters_by_event():
    assert "1 µs" in raster_lines("which raster must the delay of my ADC be on?")[0]
    assert "100 ns" in raster_lines("adc dwell: multiple of what?")[0]
    assert "10 µs" in raster_lines("what grid do block durations sit on")[0]


def test_the_fact_heads_an_answer_built_on_a_named_function(responder):
    a = responder.answer(AnswerRequest("I set adc.phase_offset in pp.make_adc: degrees or radians?", [], "python"))
    assert a.confident and a.text.index("radians") < a.text.index("pp.make_adc(")


def test_sample_counts_get_the_divisor_not_a_raster():
    from pulsepal.answers.unitfacts import lines

    found = lines("must the number of samples of my adc be divisible by anything?", "matlab")
    assert len(found) == 1 and "'adcSamplesDivisor'" in found[0] and "**4**" in found[0]


def test_relative_to_is_a_unit_question_and_ppm_names_b0():
    found = unit_lines("phase_ppm: relative to what?")
    assert found and "Larmor" in found[0]


def test_can_it_be_this_long_checks_the_raster():
    from pulsepal.answers.calculators import compute

    (line,) = [ln for ln in compute("can my rf pulse be 2.0005 ms?", {}, {}) if "raster" in ln]
    assert "1 µs RF raster" in line and "2.001 ms" in line


def test_a_generic_word_is_skipped_only_inside_a_specific_name():
    assert any("1/m" in ln for ln in unit_lines("the flat area is N/FOV - what unit is that?"))
    assert not any("1/m" in ln for ln in unit_lines("what unit is the flat time in?"))


def test_times_are_seconds():
    assert any("seconds" in ln for ln in unit_lines("TR = 2 here: is TR in seconds or ms?"))


def test_the_rf_amplitude_is_in_hz_not_the_gradient_unit():
    from pulsepal.answers.unitfacts import unit_lines

    rf = unit_lines("which unit does the pulse waveform amplitude have?")
    assert rf and "RF amplitude" in rf[0] and "Hz (γ·B1" in rf[0] and not any("Hz/m" in x for x in rf)
    grad = unit_lines("what unit is a gradient amplitude in?")
    assert grad and "Hz/m" in grad[0]


@pytest.mark.parametrize("question,unit", [
    ("what is adc.delay measured in?", "seconds"),
    ("gz.amplitude, Hz/m or mT/m?", "Hz/m"),
    ("rf.freq_offset: Hz or Hz/m?", "Hz"),
    ("the area of a gradient is per meter?", "1/m"),
    ("grad.tt unit?", "seconds"),
    ("is gx.first in Hz/m?", "Hz/m"),
])
def test_a_unit_question_is_recognised_by_its_shape(question, unit):
    assert any(f"**{unit}" in ln for ln in unit_lines(question))


def test_two_values_in_one_unit_are_not_a_unit_question():
    assert unit_lines("should the delay be 10 ms or 20 ms?") == []


def test_the_unit_of_what_a_function_returns_when_a_parameter_word_is_also_in_the_question(responder):
    a = responder.answer(AnswerRequest("what unit does calc_rf_bandwidth return for my rf?", [], "python"))
    assert a.confident and "bandwidth in **Hz**" in a.text


def test_a_field_of_an_event_gets_its_unit_not_the_reference_page(responder):
    a = responder.answer(AnswerRequest("what is adc.delay measured in?", [], "python"))
    assert a.confident and "**seconds**" in a.text.split("\n\n")[1]  # the fact, right under its header


@pytest.mark.parametrize("question,unit,value", [
    ("inversion time 600: does make_delay take 600 or 0.6?", "seconds", "`0.6`"),
    ("I pass 250 to the dwell, or should it be 250e-6?", "seconds", "`0.00025`"),
    ("RF spoiling with 50 deg steps: phase_offset takes 50 or do I convert it?", "radians", "= 0.8727 rad"),
])
def test_a_value_offered_in_two_scalings_is_a_unit_question_with_the_users_number(question, unit, value):
    found = unit_lines(question)
    assert any(f"**{unit}" in ln and value in ln for ln in found), found


def test_two_unrelated_numbers_are_not_a_unit_question():
    assert unit_lines("is a delay of 4 or 8 blocks better here?") == []


def test_the_unit_of_a_value_the_user_already_has():
    assert any("**metres" in ln for ln in unit_lines("slice_thickness = 4, that's mm right?"))
    assert any("**seconds" in ln for ln in unit_lines("my delay is 30 — 30 what?"))


def test_unit_words_in_a_choice_do_not_pick_the_function(responder):
    a = responder.answer(AnswerRequest("the B0 field of the system object, tesla or gauss?", [], "python"))
    assert a.confident and "**tesla**" in a.text and "make_gauss_pulse" not in a.text


@pytest.mark.parametrize("question,lang,code", [
    ("what block duration raster do I need for GE?", "python", "block_duration_raster=4e-6"),
    ("on a GE scanner, which adc raster goes into mr.opts?", "matlab", "'adcRasterTime', 2e-6"),
])
def test_a_vendors_raster_is_that_vendors_value(responder, question, lang, code):
    a = responder.answer(AnswerRequest(question, [], lang))
    assert a.confident and code in a.text


def test_a_value_in_the_users_unit_is_put_into_the_toolboxs_unit():
    from pulsepal.answers.toolbox_values import pulseq_value_lines

    assert any("**255456 Hz/m**" in ln for ln in pulseq_value_lines("my wave lobe peaks at 6 mT/m, what do I put "
                                                                    "into pypulseq?"))
    assert any("multiply by **42.576**" in ln for ln in pulseq_value_lines("B1 from my Bloch tool is in uT; which "
                                                                           "factor for rf.signal?"))
    assert pulseq_value_lines("convert 6 mT/m to Hz/m") == []  # the calculators' explicit conversion


def test_a_value_for_the_toolbox_is_a_confident_answer(responder):
    a = responder.answer(AnswerRequest("my B1 is 12 uT, what value goes into rf.signal?", [], "python"))
    assert a.confident and "**510.912 Hz**" in a.text


@pytest.mark.parametrize("question,lang,code", [
    ("which rfRingdownTime should I use on a GE scanner?", "matlab", "`'rfRingdownTime'`"),
    ("GE: how long must the adc dead time be?", "python", "`adc_dead_time`"),
])
def test_a_vendors_dead_times_are_what_its_rules_say(responder, question, lang, code):
    """GE publishes its hardware's switching times (72/54/40 µs) and says the dead times set in the system object
    need not equal them: stating them as the values to set was wrong."""
    a = responder.answer(AnswerRequest(question, [], lang))
    assert a.confident and code in a.text and "54 µs" in a.text and "need not equal" in a.text


def test_a_sample_count_over_the_siemens_limit_gets_the_limit_and_the_segmenting_call(responder):
    a = responder.answer(AnswerRequest("a radial readout with 12000 samples per spoke, what do I do?", [], "python"))
    assert a.confident and "8192 samples" in a.text and "pp.calc_adc_segments" in a.text
    from pulsepal.answers.unitfacts import limit_lines

    assert limit_lines("an ADC with 4096 samples") == []


@pytest.mark.parametrize("question,fact", [
    ("where is the first sample of a gaussian rf pulse in time?", "(n - 0.5) * dwell"),
    ("my readout: are adc sample times at the start of each dwell or half a dwell in?", "(k + 0.5) * dwell"),
])
def test_where_samples_sit_in_time(question, fact):
    from pulsepal.answers.unitfacts import lines

    assert any(fact in ln for ln in lines(question))


def test_a_limit_without_its_unit_is_read_in_the_default_unit_not_the_default_limit():
    from pulsepal.answers.unitfacts import lines

    found = lines("I give max_slew=150 without slew_unit, what is it taken as?")
    assert any("defaults to 'Hz/m/s'" in ln for ln in found) and not any("Default maximum" in ln for ln in found)


def test_a_trailing_unit_question():
    assert any("**seconds**" in ln for ln in unit_lines("TR in pypulseq: ms?"))


def test_vendor_rasters_by_identifier_and_for_siemens(responder):
    from pulsepal.answers.vendor_facts import vendor_lines

    assert "4 µs" in vendor_lines("what goes into grad_raster_time on a GE scanner?")[0]
    assert "`'adcRasterTime', 100e-9`" in vendor_lines("adcRasterTime for our Siemens Vida?", "matlab")[0]
    assert vendor_lines("good idea to change the raster?") == []


def test_a_limit_given_with_no_unit():
    assert any("defaults to 'Hz/m'" in ln for ln in unit_lines("max_grad=28 with no unit, what is it read as?"))
    assert any("Your 2 mm is `0.002`" in ln for ln in unit_lines("slice_thickness: 2 mm, pass 2 or 2e-3?"))


def test_the_raster_asked_for_is_the_answer(responder):
    a = responder.answer(AnswerRequest("what raster must an rf dwell be on?", [], "python"))
    assert a.confident and "1 µs" in a.text.split("\n\n")[1]


@pytest.mark.parametrize("question,value", [
    ("my flip is 30 degrees, what do I pass as flip_angle?", "**0.523599 rad**"),
    ("for an 8 mm slab, what goes into slice_thickness?", "**0.008 m**"),
    ("how do I give the adc a 2.5 us dwell?", "**2.5e-06 s**"),
])
def test_how_to_write_a_value_gets_it_in_the_toolboxs_unit(responder, question, value):
    a = responder.answer(AnswerRequest(question, [], "python"))
    assert a.confident and value in a.text


def test_which_units_the_toolbox_uses():
    assert any("**Hz/m**" in ln and "**seconds**" in ln for ln in unit_lines("what are the units pypulseq uses?"))


def test_the_unit_the_user_wrote_decides_which_number_is_meant():
    """Two numbers a thousand apart used to be read as ms whatever the user wrote: '500 us, 500 or 0.5?' was
    answered '0.5', a delay a thousand times too long."""
    found = " ".join(unit_lines("My ADC delay is 500 us, do I pass 500 or 0.5?"))
    assert "`0.0005`" in found and "neither" in found and "500 ms" not in found, found
    assert "pass `2e-3`" in " ".join(unit_lines("slice_thickness: 2 mm, pass 2 or 2e-3?"))
    assert "If your 600 is in ms" in " ".join(unit_lines("inversion time 600: does make_delay take 600 or 0.6?"))


def test_gradient_echo_is_not_the_vendor_and_ge_facts_say_what_the_rules_say():
    from pulsepal.answers.vendor_facts import vendor_lines

    assert "Siemens" in vendor_lines("gradient raster for a GE-EPI sequence on my Siemens Prisma?")[0]
    assert vendor_lines("which rf dead time is right for a GE EPI readout?") == []
    gaps = vendor_lines("rf dead time on a GE scanner?")[0]
    assert "need not equal" in gaps and "at least **72" not in gaps
    assert "117 µs" in vendor_lines("does pge2 add dead time at the end of each segment?")[0]
    assert "1 µs on MAGNUS" in vendor_lines("adc raster on GE?")[0]


def test_sample_limits_and_conversions_state_only_what_holds():
    from pulsepal.answers.toolbox_values import pulseq_value_lines
    from pulsepal.answers.unitfacts import limit_lines

    siemens = " ".join(limit_lines("maximum number of ADC samples on our Siemens?"))
    assert "8192" in siemens and "defaults to 0" in siemens
    assert limit_lines("how many samples can one ADC have on a GE scanner?") == []
    assert not any("multiply by 0.001" in ln for ln in pulseq_value_lines("30 mT/m/ms, what value goes into pulseq?"))
    assert unit_lines("Can I use a TE shorter than two ms?") == []
    assert not any("**seconds**" in ln for ln in unit_lines("when is the first ADC sample taken relative to the "
                                                            "adc delay?"))


def test_a_feasibility_question_with_units_is_not_a_unit_question():
    """'... with 40 mT/m?' ends in '/m?', which read as 'm?' (a unit asked about): the answer opened with 'every
    time is in seconds'."""
    assert unit_lines("is 3 ms TE doable with 40 mT/m?") == []
    assert unit_lines("my EPI: TE 25 ms, 96x96, ok with 33 mT/m?") == []


def test_b1_in_microtesla_is_given_in_hz_and_facts_alone_are_not_your_numbers(responder):
    a = responder.answer(AnswerRequest("B1 of 11 uT, what is that in Hz for the rf amplitude?", [], "python"))
    assert "468.3 Hz" in a.text and "**Hz/m" not in a.text.split("\n\n")[1], a.text[:400]
    facts = responder.answer(AnswerRequest("what unit is a gradient's amplitude in?", [], "python"))
    assert facts.text.startswith("**In short:**"), facts.text[:100]
