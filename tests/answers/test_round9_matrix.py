"""Round 9: the mechanisms the follow-up and sequence-request matrix (eval/answers/matrix.py) found failing as whole
rows or columns. Each test is one mechanism, written from the product's inventory, not from an eval question; the
history is built as score.py builds it (the responder answers the first turn)."""

import re

import pytest
from answer_turns import ask, then

# --- follow-ups ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("first, follow, heading", [
    ("What does pp.make_delay do?", "what about the slice gradient?", "Slice selection"),
    ("Give me a TSE template", "and the spoiler?", "Spoiling"),
    ("What does mr.calcDuration do?", "same for the readout", "`mr.makeAdc`"),
])
def test_an_ellipsis_naming_a_part_of_a_sequence_moves_to_what_makes_it(responder, first, follow, heading):
    lang = "matlab" if "mr." in first else "python"
    a = then(responder, first, follow, lang)
    assert a.confident and heading in a.text.split("\n", 1)[0]


def test_an_ellipsis_keeps_a_function_that_already_makes_the_part(responder):
    """The sinc pulse makes its own slice gradient: "it" stays; a delay makes none: the part's note answers."""
    a = then(responder, "What does pp.make_sinc_pulse do?", "what about the slice gradient?")
    assert a.text.startswith("### `pp.make_sinc_pulse`")
    b = then(responder, "What does pp.make_delay do?", "and the slice gradient?")
    assert not b.text.startswith("### `pp.make_delay`") and "slice" in b.text.split("\n", 1)[0].lower()


@pytest.mark.parametrize("follow, line", [("make it 45 degrees", "flip_deg = 45"),
                                          ("and with 3 mm?", "slice_thickness = 3e-3")])
def test_a_bare_value_in_a_follow_up_binds_to_the_parameter_its_unit_names(responder, follow, line):
    a = then(responder, "Give me a GRE template", follow)
    assert line in a.text


def test_defaults_of_a_template_are_its_parameter_block(responder):
    a = then(responder, "Give me a bSSFP template", "default for that?", "matlab")
    head = a.text.split("### Template", 1)[0]
    assert "defaults" in head and re.search(r"`\w+ = [\d.e-]+`", head)


def test_a_function_with_no_defaults_says_so(responder):
    a = then(responder, "What does seq.add_block do?", "default for that?")
    assert "has no defaults" in a.text


@pytest.mark.parametrize("lang, name, param", [("python", "pp.make_sinc_pulse", "`flip_angle`: radians"),
                                               ("matlab", "mr.makeSincPulse", "`flipAngle`: radians")])
def test_units_in_general_list_each_parameter_with_its_unit(responder, lang, name, param):
    a = then(responder, f"What does {name} do?", "what units does it use?", lang)
    assert a.confident and param in a.text and "metres" in a.text


# --- sequence requests --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query, label", [("can pulseq do qDESS?", "DESS"),
                                          ("I need ShMOLLI in pypulseq", "T1 mapping"),
                                          ("give me a SASHA template", "T1 mapping"),
                                          ("can pulseq do DANTE?", "DANTE"),
                                          ("give me a rosette template", "rosette"),
                                          ("CAIPIRINHA example in MATLAB please", "parallel imaging"),
                                          ("give me a saturation band template", "saturation band")])
def test_sequences_users_name_that_we_have_no_template_for_say_so_and_name_the_closest(responder, query, label):
    a = ask(responder, query)
    assert "don't have a checked template" in a.text and label in a.text.split("\n", 1)[0]
    assert "closest starting point" in a.text and not a.code_examples


def test_an_acronym_asked_for_in_a_request_form_is_an_unknown_sequence_not_a_function(responder):
    for query in ("give me a FOOBAR template", "can pulseq do FOOBAR?", "FOOBAR example in MATLAB please",
                  "modify the GRE into FOOBAR"):
        a = ask(responder, query)
        assert "don't have a checked template for a **FOOBAR** sequence" in a.text, query
        assert "### Template:" not in a.text, query
    # a part with a function of its own, or a technique the words describe, is not taken for a sequence's name
    for query, name in (("give me an ECG trigger example", "make_trigger"),
                        ("give me a TTL output example", "make_digital_output_pulse"),
                        ("can pypulseq do PNS prediction?", "seq.calculate_pns")):
        assert ask(responder, query).subject == "api:" + name, query


def test_the_sequence_a_modification_turns_into_is_the_one_asked_for(responder):
    a = ask(responder, "modify the EPI into a spin echo")
    assert "### Template: 2D spin echo" in a.text and "### Template: 2D single-shot" not in a.text
    b = ask(responder, "modify the GRE into a MOLLI", "matlab")
    assert "don't have a checked template" in b.text and "MOLLI" in b.text and "### Template:" not in b.text


def test_the_request_form_wins_over_a_part_the_words_describe(responder):
    a = ask(responder, "how do I program a navigator-gated GRE sequence")
    assert "### Template: 2D spoiled gradient echo" in a.text and "navigator" in a.text.split("###", 1)[0]
    b = ask(responder, "can pulseq do 3D turbo spin echo?", "matlab")
    assert "TSE" in b.text.split("\n", 1)[0] and "closest starting point" in b.text


def test_a_variant_answer_says_how_to_add_it(responder):
    a = ask(responder, "readout-segmented EPI template please")
    assert "How to add it:" in a.text.split("### Template", 1)[0]


def test_rf_shimming_says_what_each_dialect_has(responder):
    ml = ask(responder, "GRE with RF shimming for 8 transmit channels, template?", "matlab")
    head = ml.text.split("### Template", 1)[0]
    assert "mr.makeRfShim" in head and "seq.registerRfShimEvent" in head and "one waveform" in head
    py = ask(responder, "GRE with RF shimming for 8 transmit channels, template?", "python")
    assert "pypulseq 1.5.0 has no RF-shim event" in py.text.split("### Template", 1)[0]


def test_a_matlab_answer_names_the_matlab_functions_in_its_how_to_add_it_hints():
    """The hints are written with pypulseq's names; a MATLAB user is sent to the MATLAB spelling of each, and every
    name given is one the MATLAB toolbox has."""
    import re

    from pulsepal.answers import AnswerRequest, get_offline_responder
    from pulsepal.answers.matlab_facts import load_facts
    from pulsepal.answers.render_docs import hint_in_dialect
    from pulsepal.answers.sequence_requests import _HOW
    from pulsepal.answers.sequences import KINDS

    facts = load_facts()
    hints = [k.how for k in KINDS if k.how] + list(_HOW.values())
    assert any("`make_" in h for h in hints)
    for hint in hints:
        matlab = hint_in_dialect(hint, "matlab")
        assert not re.search(r"`[a-z]+_[a-z_]+`", matlab), matlab
        assert all(name in facts for name in re.findall(r"`(mr\.\w+)`", matlab)), matlab
        assert hint_in_dialect(hint, "python") == hint
    responder = get_offline_responder()
    for question in ("give me a CEST sequence template", "I need a fat-suppressed GRE example"):
        text = responder.answer(AnswerRequest(question, [], "matlab", None)).text
        assert "`mr.makeGaussPulse`" in text and "`make_gauss_pulse`" not in text
