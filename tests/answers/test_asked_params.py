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


def test_slice_check_uses_the_pulse_length_written_before_pulse(responder):
    a = ask(responder, "is a 1 mm slice ok with a 0.8 ms pulse, tbw 2?", "python", "max grad 45 mT/m")
    assert "0.8 ms pulse" in a.text and "cannot work" in a.text


def test_slice_check_says_which_values_it_assumed(responder):
    a = ask(responder, "can I get a 2 mm slice?", "matlab", "max grad 30 mT/m")
    assert "Assuming a 3 ms pulse and a time-bandwidth product of 4" in a.text


def test_te_feasibility_without_a_sequence_type_assumes_gradient_echo(responder):
    a = ask(responder, "can I reach TE 1.5 ms?", "python", "FOV 240 mm, matrix 192, dwell 8 us, max grad 30 mT/m")
    assert "assuming a 2D gradient echo" in a.text and "minimum" in a.text


def test_epi_echo_spacing_is_computed(responder):
    a = ask(responder, "echo spacing of my EPI?", "matlab", "matrix 128, FOV 256 mm, dwell 5 us, slew 200 T/m/s")
    # flat top 640 µs at 128 / (0.256 m x 640 µs) = 18.35 mT/m, ramps ceil(91.7 µs) = 100 µs each
    assert "0.84 ms" in a.text and a.confident


def test_a_dimensionless_parameter_is_said_to_have_no_unit(responder):
    a = ask(responder, "does the time-bandwidth product have a unit?", "python")
    assert a.confident and "dimensionless" in a.text
