"""Follow-ups whose subject is not simply the previous answer's function (round 7): which of two, a template
again with new values, a "why" about the previous function, the next function applied to what it made, a value
carried into "same but ...", and a setting of a template asked with "how many"."""

from answer_turns import ask, chat


def test_which_of_two_previous_functions_is_picked_by_its_parameters(responder):
    a = chat(responder, ["what does pp.make_adc do?", "and pp.make_trigger?", "which of the two needs a channel?"])
    assert a.confident and a.topic == "make_trigger"


def test_which_of_two_previous_functions_is_picked_by_its_description(responder):
    a = chat(responder, ["what is mr.makeBlockPulse for?", "and mr.makeSincPulse?",
                         "which one gives me a slice-select gradient too?"], "matlab")
    assert a.confident and a.topic == "make_sinc_pulse" and "mr.makeSincPulse" in a.text


def test_a_template_again_takes_the_new_values(responder):
    a = chat(responder, ["a 2D spin echo template in MATLAB", "same but with a TE of 40 ms"], "matlab")
    assert a.subject == "template:se_2d" and "```matlab" in a.text
    assert "40e-3" in a.text or "0.04" in a.text


def test_why_after_a_function_answers_the_note_on_that_problem(responder):
    a = chat(responder, ["how do I put a pause between two blocks in pypulseq?",
                         "why is it rejected by the raster check?"])
    assert a.subject == "howto:raster_rounding" and "make_delay" in a.text


def test_how_do_i_then_applies_the_next_function_to_what_the_previous_made(responder):
    a = chat(responder, ["how do I make a sinc pulse in pypulseq?", "and how do I find its bandwidth?"])
    assert a.topic == "calc_rf_bandwidth"


def test_how_do_i_then_after_a_sequence_method_is_another_method(responder):
    a = chat(responder, ["how do I read a .seq file in MATLAB?", "ok, how can I plot it?"], "matlab")
    assert a.topic == "seq.plot" and "seq.plot" in a.text


def test_how_do_i_then_after_a_method_that_made_something_keeps_it(responder):
    a = chat(responder, ["how can I compute the k-space trajectory of my sequence in pypulseq?",
                         "and how can I plot that?"])
    assert a.topic == "seq.calculate_kspace"


def test_same_but_new_number_redoes_the_previous_calculation(responder):
    a = chat(responder, ["an ADC of 128 samples with a 20 us dwell in pypulseq, how long does it last?",
                         "same but 256 samples?"])
    assert "5.12 ms" in a.text


def test_what_if_about_a_two_word_parameter_keeps_the_function(responder):
    a = chat(responder, ["how do I make a trapezoid gradient in pypulseq?",
                         "what happens when I pass a rise time of 50 us?"])
    assert a.topic == "make_trapezoid"


def test_how_many_after_a_template_points_at_its_setting(responder):
    a = chat(responder, ["a gradient echo template in python please", "how many phase-encoding lines does it have?"])
    assert a.confident and a.route == "template_change" and "`n_y`" in a.text.splitlines()[0]


def test_that_after_a_best_reading_answer_is_what_it_showed(responder):
    from pulsepal.answers.abstain import Rule

    q = "how do I crush the leftover transverse signal at the end of each TR in pypulseq?"
    responder.abstention = {"howto": Rule("abstain")}  # round 7's fitted (not adopted) rule makes it a best reading
    try:
        first = ask(responder, q)
        assert not first.confident and "Closest matches" not in first.text  # a best reading, shown in full
        a = chat(responder, [q, "could you show that for MATLAB?"])
    finally:
        responder.abstention = None
    assert a.confident and "mr.makeTrapezoid" in a.text and "Assuming you mean" not in a.text
