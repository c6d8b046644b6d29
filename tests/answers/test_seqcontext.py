"""A sequence named as the setting of a question about one of its parts gets the part, not the template."""

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.seqcontext import part_question


@pytest.mark.parametrize("question", [
    "in my gradient echo I also want RF spoiling, how do I increment the phase each TR?",
    "radial sequence: how do I rotate the readout gradient for each spoke?",
    "spiral protocol: convert my k-space trajectory into gradient waveforms",
])
def test_the_part_is_answered(responder, question):
    a = responder.answer(AnswerRequest(question, [], "python"))
    assert a.confident and not a.text.startswith("### Template") and "don't have a checked template" not in a.text


@pytest.mark.parametrize("question", [
    "how do I write a spin echo sequence in pypulseq?",
    "for my thesis I need a TSE sequence, can you give me one?",
    "radial UTE sequence in pypulseq, do you have an example?",
])
def test_the_sequence_itself_is_still_the_request(question):
    assert part_question(question) is None


def test_a_sequence_name_that_qualifies_a_part_is_not_a_sequence_request(responder):
    a = responder.answer(AnswerRequest("turn each radial spoke and its adc by the golden angle about z", [], "matlab"))
    assert a.confident and a.topic == "rotate"
    assert part_question("a radial sequence with golden-angle spokes, got an example?") is None
