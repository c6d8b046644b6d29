"""Round 10: the "can ...?" request form asks whether a sequence can be had, like the other request forms, even
when the sequence's name qualifies a part ("a rosette trajectory"); a "can ...?" about a part itself stays one."""

import pytest
from answer_turns import ask


@pytest.mark.parametrize("q, said", [
    ("can I do a rosette trajectory?", "rosette"),
    ("can pulseq make a rosette trajectory?", "rosette"),
    ("could pulseq make a spiral trajectory?", "spiral"),
    ("can I do a radial readout in MATLAB?", "radial"),
])
def test_can_do_a_sequence_named_with_a_part_word_is_a_sequence_request(responder, q, said):
    a = ask(responder, q, "matlab" if "MATLAB" in q else "python")
    assert a.route == "no_template" and "I don't have a checked template" in a.text and said in a.text.split("\n")[0]


@pytest.mark.parametrize("lang, fence", [("python", "```python"), ("matlab", "```matlab")])
def test_can_do_a_sequence_we_have_gives_its_template(responder, lang, fence):
    a = ask(responder, "could pulseq make a TrueFISP trajectory?", lang)
    assert a.text.startswith("### Template: 2D balanced SSFP") and fence in a.text


def test_a_can_question_about_a_part_is_not_taken_for_a_request():
    from pulsepal.answers.sequence_requests import can_do_sequence

    assert not can_do_sequence("can I make the EPI readout faster?")
    assert not can_do_sequence("can I rotate the radial spokes?")
    assert can_do_sequence("can I do a rosette trajectory?")
