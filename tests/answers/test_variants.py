"""A request for a variant of a sequence we have (segmented, golden-angle, 3D ...) or for a sequence we do not have
is never answered with a plain template or a single function as if it were what was asked for."""

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.sequences import missing_variant, requested


def ask(responder, text, lang="python"):
    return responder.answer(AnswerRequest(query=text, history=[], preferred_language=lang, sequence_knowledge=None))


@pytest.mark.parametrize("prose, variant", [
    ("multi-shot EPI please", "multi-shot"),
    ("a 3D turbo spin echo script", "3D"),
    ("spin echo with partial Fourier", "partial Fourier"),
])
def test_variants_the_templates_lack_are_recognised(prose, variant):
    kind = requested(prose)
    assert kind is not None and kind.template is not None
    assert missing_variant(prose, kind) == variant


def test_plain_requests_have_no_missing_variant():
    for prose in ("turbo spin echo please", "2D EPI template", "3D FLASH in matlab"):
        kind = requested(prose)
        assert kind is not None and missing_variant(prose, kind) is None


def test_a_variant_request_says_the_template_is_only_the_closest(responder):
    a = ask(responder, "segmented EPI script for pypulseq please")
    assert a.text.startswith("I don't have a checked template for a **echo-planar imaging (EPI)** sequence with "
                             "**segmented**")
    assert "closest starting point" in a.text and "### Template: 2D single-shot gradient-echo EPI" in a.text
    plain = ask(responder, "EPI script for pypulseq please")
    assert plain.text.startswith("### Template: 2D single-shot gradient-echo EPI")


def test_stack_of_stars_is_a_radial_request(responder):
    a = ask(responder, "stack of stars gradient echo, matlab", "matlab")
    assert "don't have a checked template" in a.text and "radial" in a.text


def test_an_example_of_a_missing_sequence_is_not_answered_with_one_of_its_parts(responder):
    a = ask(responder, "golden angle spiral with an adiabatic inversion in front, any example?")
    assert "don't have a checked template for a **golden angle spiral (spiral)" in a.text  # named with its variant


@pytest.mark.parametrize("prose", ["3D GRE with fat suppression", "T2-prep bSSFP", "double inversion recovery",
                                   "GRE with two echoes for a B0 map"])
def test_preparations_and_echoes_no_template_has_are_variants(prose):
    kind = requested(prose)
    assert kind is not None and missing_variant(prose, kind) is not None


def test_a_variant_with_sequence_knowledge_still_says_it_is_only_the_closest(responder):
    a = responder.answer(AnswerRequest(query="fat-suppressed gradient echo with my settings please", history=[],
                                       preferred_language="python",
                                       sequence_knowledge="TR 20 ms, TE 5 ms, flip 15, FOV 220 mm, matrix 128"))
    assert "with **fat-suppressed**" in a.text and "### Template: 2D spoiled gradient echo" in a.text


@pytest.mark.parametrize("prose, name", [("a FLORET sequence please", "FLORET"),
                                         ("cones trajectory sequence", "cones trajectory")])
def test_a_sequence_nobody_knows_is_named_and_not_answered_with_a_function(responder, prose, name):
    from pulsepal.answers.sequences import unknown_sequence

    kind = unknown_sequence(prose)
    assert kind is not None and kind.label == name and kind.template is None
    a = ask(responder, prose)
    assert f"don't have a checked template for a **{name}** sequence" in a.text


@pytest.mark.parametrize("prose", ["plot my sequence", "after building the sequence I want the label values",
                                   "check the sequence timing", "how do I write the sequence to a file"])
def test_questions_about_a_sequence_are_not_requests_for_an_unknown_one(prose):
    from pulsepal.answers.sequences import unknown_sequence

    assert unknown_sequence(prose) is None


def test_an_inversion_before_another_template_is_a_variant():
    for prose in ("inversion prepared EPI", "EPI with an inversion"):
        kind = requested(prose)
        assert kind is not None and kind.key == "epi" and missing_variant(prose, kind)
    ir = requested("inversion recovery with inversion prepared readout")
    assert ir is not None and ir.key == "ir" and missing_variant("inversion recovery with inversion prepared "
                                                                 "readout", ir) is None
