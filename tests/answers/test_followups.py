"""Follow-ups resolve "it/its/that" to the subject of the previous turn, which the session keeps in metadata."""

from pulsepal.answers import AnswerRequest


def turn(responder, q, history, lang="python"):
    a = responder.answer(AnswerRequest(q, history, lang, None))
    history += [{"role": "user", "content": q, "metadata": {}},
                {"role": "assistant", "content": a.text, "metadata": a.metadata}]
    return a


def test_its_parameters_after_a_delay_question_are_the_delays(responder):
    """Issue 10, class 7: the first name in the previous answer (calc_duration) was taken instead of its subject."""
    history: list = []
    first = turn(responder, "How do I wait 10 ms between two blocks?", history)
    assert first.topic == "make_delay" and "calc_duration" in first.text or first.topic == "make_delay"
    a = turn(responder, "what are its parameters?", history)
    assert a.topic == "make_delay" and "`d`" in a.text


def test_subject_survives_without_metadata(responder):
    history: list = []
    turn(responder, "Give me a turbo spin echo template", history)
    for msg in history:
        msg["metadata"] = {}  # a client that does not keep metadata: the previous answer's heading is enough
    a = turn(responder, "and in MATLAB?", history, "matlab")
    assert a.subject == "template:tse_2d" and "nEchoes" in a.code_examples[0]["code"]


def test_follow_up_keeps_the_templates_and_uses_new_values(responder):
    history: list = []
    turn(responder, "Give me a gradient echo template", history)
    a = turn(responder, "now make it 3 slices", history)
    assert a.subject == "template:gre_2d" and "n_slices = 3" in a.code_examples[0]["code"]


def test_metadata_carries_the_subject(responder):
    a = responder.answer(AnswerRequest("how do I spoil after the readout?", [], "python", None))
    assert a.metadata == {"topic": a.topic, "confident": True, "subject": "howto:spoiler"}


def test_and_a_new_thing_is_a_new_subject_but_its_is_the_old_one(responder):
    history: list = []
    turn(responder, "How do I make a sinc pulse?", history)
    assert responder.answer(AnswerRequest("and a trapezoid?", history, "python")).topic == "make_trapezoid"
    assert responder.answer(AnswerRequest("and its outputs?", history, "python")).topic == "make_sinc_pulse"


def test_a_clear_description_after_a_pronoun_moves_the_subject(responder):
    history: list = []
    turn(responder, "How do I wait 10 ms between two blocks?", history)
    a = turn(responder, "can it be adjusted on the scanner console later?", history)
    assert a.topic == "make_soft_delay"


def test_an_example_request_keeps_the_function_not_the_sequence_named(responder):
    history: list = []
    turn(responder, "what does pp.split_gradient_at do?", history)
    a = turn(responder, "show me an example for an EPI blip", history)
    assert a.topic == "split_gradient_at" and "Template" not in a.text


def test_a_unit_question_about_an_unnamed_argument_keeps_the_subject(responder):
    history: list = []
    turn(responder, "how do I make a trapezoid with pypulseq?", history)
    a = turn(responder, "the rise time is in what unit?", history)
    assert a.topic == "make_trapezoid" and "seconds" in a.text


def test_a_clearly_described_note_after_a_template_moves_the_subject(responder):
    history: list = []
    turn(responder, "Give me a spin echo sequence in python", history)
    a = turn(responder, "how do I put a fat sat before it?", history)
    assert a.subject == "howto:fat_saturation"


def test_outputs_of_the_previous_function_without_a_pronoun(responder):
    history: list = []
    turn(responder, "what is mr.makeGaussPulse?", history, "matlab")
    a = turn(responder, "how many outputs can I request?", history, "matlab")
    assert a.topic == "make_gauss_pulse" and "gzr" in a.text


def test_a_template_parameter_question_points_at_the_parameter(responder):
    history: list = []
    turn(responder, "Give me a TSE sequence in python", history)
    a = turn(responder, "how do I get a shorter echo train?", history)
    assert a.subject == "template:tse_2d" and "`n_echoes`" in a.text and "n_echoes = 16" in a.text
    b = turn(responder, "and where do I set the TR?", history)
    assert "`tr`" in b.text


def test_a_not_sure_answer_hands_its_best_guess_to_the_next_turn(responder):
    history = [{"role": "user", "content": "x"}, {"role": "assistant", "content": (
        "I'm not confident I understood which Pulseq function or topic you mean, so I won't guess.\n\nClosest "
        "matches, best first:\n\n- `pp.make_label`: Makes a label event.\n")}]
    assert responder.previous_subject(history) == "api:make_label"


def test_an_analysis_of_a_sequence_is_not_a_request_for_it(responder):
    from pulsepal.answers import AnswerRequest
    from pulsepal.answers.followups import analysis_only

    assert analysis_only("calculate the first moment of my flow-encoding gradient", False)
    assert not analysis_only("calculate nothing, give me a phase contrast template", False)
    a = responder.answer(AnswerRequest(query="calculate the first moment of my flow-encoding gradient", history=[],
                                       preferred_language="python", sequence_knowledge=None))
    assert "don't have a checked template" not in a.text


def test_a_named_function_with_a_problem_gets_the_note_on_that_problem(responder):
    from pulsepal.answers import AnswerRequest

    a = responder.answer(AnswerRequest(query="pp.make_delay of 1.2345 ms throws the block duration raster error",
                                       history=[], preferred_language="python", sequence_knowledge=None))
    assert any(h.startswith("### Durations on the raster") for h in a.text.splitlines()) and "ceil" in a.text
