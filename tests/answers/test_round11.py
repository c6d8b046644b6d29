"""Round 11: a follow-up is read with the earlier subject's words put back (calculators, notes, comparisons, an
ellipsis of a value question, an unclear question in a conversation), two new calculations (a dwell from a receiver
bandwidth, a block pulse's flip from its B1), units of one quantity converted into each other, and no-template
answers that show the user's own words. Questions are ours, not the eval set's; the history is built as score.py
builds it (the responder answers the first turn)."""

import pytest
from answer_turns import ask, then


def test_a_calculation_in_a_follow_up_uses_the_subject(responder):
    b = then(responder, "How do I make a hard pulse?", "what flip angle do I get from it with 12 uT over 0.5 ms?",
             "matlab")
    assert b.confident and "91.96°" in b.text  # 360 x 42.576 MHz/T x 12 uT x 0.5 ms


def test_a_dwell_from_a_receiver_bandwidth_written_before_its_name(responder):
    a = ask(responder, "what dwell gives a 250 kHz receiver bandwidth?", "python")
    assert a.confident and "**4 µs**" in a.text


def test_a_follow_up_asking_a_value_of_the_subject_gets_the_number(responder):
    b = then(responder, "how do I create an ADC event?", "what's the sample spacing for a 125 kHz bandwidth?",
             "python")
    assert b.confident and "**8 µs**" in b.text


def test_a_follow_up_with_only_its_field_strength_is_about_the_earlier_question(responder):
    b = then(responder, "How do I make a fat saturation pulse?", "how many Hz off water is that at 1.5T?", "python")
    assert "-220.3 Hz" in b.text  # -3.45 ppm x 42.576 MHz/T x 1.5 T


def test_how_do_i_plot_it_after_the_trajectory_is_the_plotting_note(responder):
    b = then(responder, "how do I compute the k-space trajectory?", "and how can I plot it?", "python")
    assert b.confident and b.subject == "howto:kspace_plot"


def test_make_one_is_the_subject_with_the_value_filled_in(responder):
    b = then(responder, "what is a delay event for?", "ok, how do I create one of 25 ms?", "python")
    assert b.confident and "pp.make_delay" in b.text and "25e-3" in b.text


def test_reading_it_back_after_writing_the_file_is_seq_read(responder):
    b = then(responder, "how do I save my sequence as a .seq file?", "and how do I read it back?", "python")
    assert b.confident and b.topic == "seq.read"


def test_the_difference_to_another_function_shows_both(responder):
    b = then(responder, "how do I make an extended trapezoid?", "how is that different from a plain trapezoid?",
             "matlab")
    assert b.confident and "mr.makeExtendedTrapezoid" in b.text and "mr.makeTrapezoid(" in b.text


def test_an_ellipsis_after_a_value_question_asks_the_same_value(responder):
    b = then(responder, "what's the raster time for gradients?", "and for RF?", "python")
    assert b.confident and "1 µs" in b.text and b.topic != "make_sinc_pulse"


def test_an_ellipsis_naming_a_language_is_still_a_translation(responder):
    b = then(responder, "what's the default duration of pp.make_sinc_pulse?", "and in MATLAB?", "python")
    assert "mr.makeSincPulse" in b.text


def test_an_unclear_question_in_a_conversation_is_about_the_subject_on_the_table(responder):
    b = then(responder, "system limits for my pypulseq scanner: 45 mT/m, 200 T/m/s",
             "there is also a 20 us ringdown after each pulse, what's the keyword?", "python")
    assert b.confident and "rf_ringdown_time" in b.text


def test_is_there_one_that_moves_to_the_function_described(responder):
    b = then(responder, "how do I rotate a gradient about z?", "and is there one that takes a rotation matrix?",
             "matlab")
    assert b.confident and ("mr.rotate3D" in b.text.split("\n\n")[0] or "mr.makeRotation" in b.text.split("\n\n")[0])


@pytest.mark.parametrize("q, name", [
    ("a non-selective sinc refocusing pulse of 4 ms in matlab", "mr.makeSincPulse"),
    ("sinc pulse without slice selection, 2 ms, please", "pp.make_sinc_pulse"),
])
def test_negated_slice_selection_is_not_a_vote_for_it(responder, q, name):
    lang = "matlab" if name.startswith("mr.") else "python"
    a = ask(responder, q, lang)
    assert a.confident and a.text.lstrip("#` \n").startswith(name)


def test_flipping_a_prephasers_sign_is_scale_grad(responder):
    a = ask(responder, "how do I reverse the sign of my readout prephaser?", "python")
    assert a.confident and "pp.scale_grad" in a.text.split("\n\n")[0]


@pytest.mark.parametrize("q, want", [
    ("is 150 mT/m/ms the same as 150 T/m/s?", "**150 mT/m/ms**"),
    ("my sys.max_grad prints a huge number after I set 40 mT/m, what should it read?", "**1.703e6 Hz/m**"),
])
def test_units_of_one_quantity_are_converted_into_each_other(responder, q, want):
    a = ask(responder, q, "python")
    assert a.confident and want in a.text


def test_no_template_answer_shows_the_users_words(responder):
    a = ask(responder, "do you have a free-breathing MR fingerprinting with stack-of-spirals readout in pypulseq?",
            "python")
    assert a.confident and "you asked for: *free-breathing MR fingerprinting with stack-of-spirals readout*" in a.text


@pytest.mark.parametrize("q", ["3D cones gradient echo template in matlab please", "a koosh-ball radial 3D FLASH?",
                               "a PROPELLER turbo spin echo template"])
def test_a_non_cartesian_readout_is_a_variant_no_template_has(responder, q):
    a = ask(responder, q, "matlab")  # a variant of a template we have, or a sequence we have none for
    assert a.confident and a.route in ("variant_template", "no_template") and "### Template" not in a.text[:300]


def test_a_sequence_named_only_in_an_aside_is_a_part_of_the_request(responder):
    a = ask(responder, "is there a cardiac MR fingerprinting sequence (spiral, inversion prep, ECG gated) for "
            "pypulseq?", "python")
    assert a.confident and "fingerprinting" in a.text.split("\n", 1)[0]
