"""A sequence we have no template for is named as the user named it: its family and the variant words before it,
and of two names the one asked for as the sequence, not one named as a part of it."""

from __future__ import annotations

from pulsepal.answers.sequences import requested
from pulsepal.answers.types import AnswerRequest


def test_the_variant_words_are_part_of_the_name(responder):
    a = responder.answer(AnswerRequest("got a golden-angle stack-of-spirals protocol for pypulseq?", [], "python"))
    assert "**golden-angle stack-of-spirals (spiral)**" in a.text


def test_the_sequence_beats_a_part_of_it():
    assert requested("velocity-selective ASL with a spiral readout").key == "asl"
    assert requested("a spiral readout for my ASL").key == "asl"
    assert requested("spiral UTE").key == "ute"  # neither is a part: the more specific first, as before


def test_flow_and_variant_names(responder):
    assert requested("velocity-encoded 4D-flow of the aorta").key == "phase_contrast"
    a = responder.answer(AnswerRequest("black-blood zoomed TSE please, python", [], "python"))
    assert "I don't have a checked template" in a.text
    b = responder.answer(AnswerRequest("a GRE with motion-corrected slices via PMC, have you got one?", [], "python"))
    assert "motion" in b.text.split("\n")[0] and "I don't have a checked template" in b.text


def test_more_sequence_families_are_named_not_answered_with_a_function(responder):
    for q, key in (("PSIF for knee cartilage", "fisp"), ("Bloch-Siegert B1+ mapping", "b1map"),
                   ("23Na imaging with a 3D FLASH", "xnuclei"), ("field-map scan", "b0map"),
                   ("T2* mapping protocol", "multi_echo_gre"), ("a VISTA scan", "tse3d")):
        assert requested(q).key == key, q
    a = responder.answer(AnswerRequest("MR elastography with a motion-encoding GRE in matlab", [], "matlab"))
    assert "I don't have a checked template for a **MR elastography (MRE)" in a.text and "mr.makeTrigger" in a.text
