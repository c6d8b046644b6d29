"""Follow-ups and asides: a getter after a setter, a name mentioned only to explain, "MATLAB code to ..."."""

from pulsepal.answers import AnswerRequest


def ask(responder, text, lang="python", history=None):
    return responder.answer(AnswerRequest(query=text, history=history or [], preferred_language=lang,
                                          sequence_knowledge=None))


def test_read_back_after_a_setter_answers_its_getter(responder):
    first = ask(responder, "how can I put the slice thickness into the file header with seq.set_definition?")
    history = [{"role": "user", "content": "how can I put the slice thickness into the file header?"},
               {"role": "assistant", "content": first.text, "metadata": first.metadata}]
    a = ask(responder, "and later, how do I get that back out of the sequence?", history=history)
    assert a.confident and a.topic == "seq.get_definition"


def test_a_name_in_an_explaining_clause_does_not_hijack_the_answer(responder):
    a = ask(responder, "since seq.addBlock is slow with the same trapezoid each time: how do I register the "
                       "gradient once before the loop?", "matlab")
    assert a.confident and a.topic == "seq.register_grad_event"
    assert "seq.addBlock" in a.text  # the name the user wrote is still explained


def test_language_code_to_do_something_is_the_answer_language(responder):
    a = ask(responder, "Python code to register the adc event before the loop?", "matlab")
    assert "seq.register_adc_event" in a.text and "```python" in a.text


def _turn(responder, q, lang, history):
    a = ask(responder, q, lang, history)
    return a, history + [{"role": "user", "content": q}, {"role": "assistant", "content": a.text,
                                                          "metadata": a.metadata}]


def test_parameters_after_a_how_to_are_those_of_its_function(responder):
    first, history = _turn(responder, "how do I store the sequence in a .seq file?", "python", [])
    assert first.subject and first.subject.startswith("howto:")
    a = ask(responder, "which arguments can I give it?", "python", history)
    assert a.topic == first.topic and "parameters" in a.text.splitlines()[0]


def test_unit_of_the_result_is_the_previous_function_output(responder):
    _, history = _turn(responder, "what does pp.calc_rf_center give me?", "python", [])
    a = ask(responder, "what unit is the result in?", "python", history)
    assert a.topic == "calc_rf_center" and "outputs" in a.text.splitlines()[0]


# --- round 4 ------------------------------------------------------------------------------------------------------

def test_a_follow_up_naming_an_option_of_the_subject_keeps_the_subject(responder):
    from pulsepal.answers import AnswerRequest

    first = responder.answer(AnswerRequest(query="how do I open a .seq file from disk in pypulseq?", history=[],
                                           preferred_language="python", sequence_knowledge=None))
    assert first.subject == "api:seq.read"
    history = [{"role": "user", "content": "how do I open a .seq file from disk in pypulseq?"},
               {"role": "assistant", "content": first.text, "metadata": {"subject": first.subject,
                                                                         "topic": first.topic}}]
    a = responder.answer(AnswerRequest(query="can it detect which pulses are fat saturation?", history=history,
                                       preferred_language="python", sequence_knowledge=None))
    assert "detect_rf_use" in a.text and a.subject == "api:seq.read"


def test_speaks_of_parameter_ignores_common_words(api):
    from pulsepal.answers.followups import speaks_of_parameter

    assert speaks_of_parameter(api, "api:seq.read", "make it detect the fat sat pulses") == "detect_rf_use"
    assert speaks_of_parameter(api, "api:make_trapezoid", "and what about the system limits?") is None
    assert speaks_of_parameter(api, "howto:spoiler", "detect it") is None


def test_cutting_a_gradient_at_a_time_point_is_split_gradient_at(responder):
    from pulsepal.answers import AnswerRequest

    a = responder.answer(AnswerRequest(query="how can I cut my readout trapezoid at the end of its flat top?",
                                       history=[], preferred_language="matlab", sequence_knowledge=None))
    assert a.subject == "api:split_gradient_at"  # answered, or the first of the closest matches
    b = responder.answer(AnswerRequest(query="split a trapezoid into its ramps and flat top", history=[],
                                       preferred_language="matlab", sequence_knowledge=None))
    assert b.subject == "api:split_gradient"


def test_a_follow_up_on_a_not_sure_answer_is_not_sure_either(responder):
    from pulsepal.answers import AnswerRequest

    first_q = "something to do with the gradient area thing"
    first = responder.answer(AnswerRequest(query=first_q, history=[], preferred_language="python",
                                           sequence_knowledge=None))
    assert not first.confident and "Closest matches" in first.text
    history = [{"role": "user", "content": first_q},
               {"role": "assistant", "content": first.text, "metadata": first.metadata}]
    a = responder.answer(AnswerRequest(query="what are its parameters?", history=history,
                                       preferred_language="python", sequence_knowledge=None))
    assert not a.confident and a.text.startswith("*Assuming you mean `")
    sure = [{"role": "user", "content": "how do I make a delay block?"},
            {"role": "assistant", "content": "### `pp.make_delay`\n", "metadata": {"topic": "make_delay",
                                                                               "confident": True}}]
    b = responder.answer(AnswerRequest(query="what are its parameters?", history=sure,
                                       preferred_language="python", sequence_knowledge=None))
    assert b.confident and not b.text.startswith("*Assuming")


def _two_turns(responder, first, follow, lang="python"):
    from pulsepal.answers import AnswerRequest

    a = responder.answer(AnswerRequest(query=first, history=[], preferred_language=lang, sequence_knowledge=None))
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": a.text, "metadata": a.metadata}]
    return responder.answer(AnswerRequest(query=follow, history=history, preferred_language=lang,
                                          sequence_knowledge=None))


def test_after_two_functions_side_by_side_a_parameter_picks_one(responder):
    b = _two_turns(responder, "pp.make_trapezoid or pp.make_extended_trapezoid for my ramp?",
                   "which of them wants the amplitudes at given times?")
    assert b.subject == "api:make_extended_trapezoid" and b.confident


def test_after_two_functions_side_by_side_an_unqualified_it_is_not_sure(responder):
    b = _two_turns(responder, "mr.makeSincPulse versus mr.makeGaussPulse", "what are its outputs?", "matlab")
    assert not b.confident and b.text.startswith("*You asked about `mr.makeSincPulse` and `mr.makeGaussPulse`")


def test_an_option_written_as_code_keeps_the_previous_function(responder):
    from pulsepal.answers.types import AnswerRequest

    first = responder.answer(AnswerRequest("what does mr.makeGaussPulse do", [], "matlab"))
    history = [{"role": "user", "content": "what does mr.makeGaussPulse do"},
               {"role": "assistant", "content": first.text, "metadata": {"topic": first.topic}}]
    a = responder.answer(AnswerRequest("and what would I set 'apodization' to for a smoother one?", history,
                                       "matlab"))
    assert a.subject == "api:make_gauss_pulse" and a.confident


def _two_turns(responder, first: str, second: str, lang: str = "python"):
    from pulsepal.answers.types import AnswerRequest

    a = responder.answer(AnswerRequest(first, [], lang))
    history = [{"role": "user", "content": first},
               {"role": "assistant", "content": a.text, "metadata": {"topic": a.topic}}]
    return responder.answer(AnswerRequest(second, history, lang))


def test_a_follow_up_naming_a_parameter_in_plain_words_keeps_the_function(responder):
    a = _two_turns(responder, "tell me about pp.make_adc", "and what's the default dwell?")
    assert a.subject == "api:make_adc" and a.confident and "dwell" in a.text


def test_the_same_but_other_values_gives_the_call_with_them(responder):
    a = _two_turns(responder, "what does pp.make_block_pulse do?", "same but 15 degrees, 300 us long")
    assert "flip_angle=15 * np.pi / 180, duration=300e-6" in a.text


def test_a_follow_up_carries_the_values_of_the_question_it_continues():
    from pulsepal.answers.followups import carried_values

    history = [{"role": "user", "content": "an adc of 200 samples at a 5 us dwell, how?"},
               {"role": "assistant", "content": "### `pp.make_adc` ..."}]
    v = carried_values(history, "and the total readout time then?", True).values
    assert v["n_x"] == 200 and v["dwell"] == 5e-6
    assert carried_values(history, "how do I make a trapezoid?", False).values == {}
    assert carried_values(history, "and with a 4 us dwell?", True).values["dwell"] == 4e-6


def test_the_rf_bandwidth_from_duration_and_time_bandwidth_product():
    from pulsepal.answers.calculators import rf_bandwidth

    assert "**2000 Hz**" in rf_bandwidth({"pulse_duration": 2e-3}, "its bandwidth?")[0]  # TBW 4 assumed, said
    assert "assumed" in rf_bandwidth({"pulse_duration": 2e-3}, "its bandwidth?")[0]
    assert "**1500 Hz**." in rf_bandwidth({"pulse_duration": 2e-3, "tbw": 3.0}, "bandwidth?")[0]
