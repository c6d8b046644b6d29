"""An option the question names is spelled out; analyses of a sequence are not template requests; 3D scan time."""

from pulsepal.answers import AnswerRequest


def ask(responder, text, lang="python", knowledge=None):
    return responder.answer(AnswerRequest(query=text, history=[], preferred_language=lang,
                                          sequence_knowledge=knowledge))


def test_named_option_of_the_system_object_is_spelled_out(responder):
    m = ask(responder, "where does the rfRingdownTime go when I set up my scanner limits?", "matlab")
    assert "'rfRingdownTime'" in m.text or "rfRingdownTime" in m.text
    p = ask(responder, "how do I give the field strength B0 to my system limits object?", "python")
    assert "B0=" in p.text


def test_an_analysis_of_a_sequence_is_not_a_template_request(responder):
    a = ask(responder, "calculate the b-tensor of my diffusion scan", "matlab")
    assert a.topic == "seq.calcMomentsBtensor"
    assert "Template:" not in a.text


def test_scan_time_counts_partitions(responder):
    a = ask(responder, "how long will my 3D acquisition take?", "python", "TR 5 ms, matrix 128 x 128 x 40")
    assert "25.6 s" in a.text and "40 partitions" in a.text


def test_generate_a_sequence_we_have_no_template_for_says_so(responder):
    a = ask(responder, "can you generate a ZTE for me with TR 3 ms?", "python")
    assert a.confident and "don't have a checked template" in a.text


def test_a_templated_sequence_named_in_the_request_is_the_closest(responder):
    a = ask(responder, "spin echo with SENSE undersampling, R=2", "matlab")
    assert "don't have a checked template" in a.text
    assert a.subject == "template:se_2d"
