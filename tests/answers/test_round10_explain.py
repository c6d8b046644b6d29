"""Round 10: "why?", "is that correct?" / "are you sure?" and "tell me more" after an answer get an answer of their
own about the same subject, in the same dialect, instead of the first answer's page again. The history is built as
score.py builds it (the responder answers the first turn)."""

import pytest
from answer_turns import pair

FIRSTS = [("What does pp.make_trapezoid do?", "python", "pp.make_trapezoid"),
          ("What does mr.makeAdc do?", "matlab", "mr.makeAdc"),
          ("How do I wait for an ECG trigger?", "matlab", "mr.makeTrigger"),
          ("Give me a TSE template", "python", "turbo spin echo")]


@pytest.mark.parametrize("follow", ["why?", "is that correct?", "are you sure?", "tell me more"])
@pytest.mark.parametrize("first, lang, name", FIRSTS)
def test_the_follow_up_is_not_the_first_page_again_and_keeps_subject_and_dialect(responder, first, lang, name,
                                                                                  follow):
    a, b = pair(responder, first, follow, lang)
    assert b.confident and b.subject == a.subject
    assert b.text.split("\n", 1)[0] != a.text.split("\n", 1)[0]
    assert name in b.text
    other = "```python" if lang == "matlab" else "```matlab"
    assert other not in b.text


@pytest.mark.parametrize("lang, source", [("python", "installed pypulseq"),
                                          ("matlab", "MATLAB toolbox's recorded facts")])
def test_are_you_sure_restates_the_claim_with_its_source(responder, lang, source):
    name = "pp.make_trapezoid" if lang == "python" else "mr.makeTrapezoid"
    _, b = pair(responder, f"What does {name} do?", "are you sure?", lang)
    assert "The key claim" in b.text and source in b.text and f"{name}(" in b.text


def test_tell_me_more_adds_what_the_first_answer_did_not_show(responder):
    a, b = pair(responder, "What does pp.make_trapezoid do?", "tell me more")
    assert "Units of" in b.text and "Units of" not in a.text
    assert "template calls it" in b.text and "pp.make_trapezoid(" in b.text.split("template calls it", 1)[1]


def test_why_after_a_described_function_names_the_question_and_the_neighbours(responder):
    _, b = pair(responder, "How do I wait for an ECG trigger?", "why?")
    assert 'You asked: "How do I wait for an ECG trigger?"' in b.text and "pp.make_digital_output_pulse" in b.text


def test_why_after_computed_numbers_explains_the_numbers(responder):
    _, b = pair(responder, "What is the readout duration of an ADC with 128 samples and a 10 us dwell?", "why?")
    assert b.text.startswith("### Why these numbers") and "1.28 ms" in b.text


def test_is_that_correct_after_a_template_reports_its_build(responder):
    _, b = pair(responder, "Give me a bSSFP template", "is that correct?", "matlab")
    assert "check_timing` passed" in b.text and "not run here" in b.text


def test_why_after_a_template_with_a_minimum_explains_the_minimum(responder):
    _, b = pair(responder, "Give me a TSE template with TE 5 ms", "why?")
    assert "A minimum is what the events themselves take" in b.text


def test_a_longer_why_question_is_not_taken_for_the_short_form():
    from pulsepal.answers.followup_explain import form_of

    assert form_of("why does the ADC need a dead time before it?") is None
    assert form_of("but why?") == "why" and form_of("Are you sure?") == "check" and form_of("tell me more") == "more"


@pytest.mark.parametrize("follow, head", [("why?", "### Why: "), ("is that correct?", "where this comes from"),
                                          ("tell me more", "### More on: ")])
@pytest.mark.parametrize("lang, name", [("python", "pp.make_gauss_pulse"), ("matlab", "mr.makeGaussPulse")])
def test_a_how_to_note_gets_its_reasons_sources_and_functions(responder, follow, head, lang, name):
    a, b = pair(responder, "How do I add fat saturation before the excitation?", follow, lang)
    assert b.subject == a.subject and head in b.text.split("\n", 1)[0] and name in b.text
