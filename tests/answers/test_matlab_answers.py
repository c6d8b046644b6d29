"""MATLAB answers come from the toolbox's recorded facts, not from pypulseq's docstrings."""

import re

from pulsepal.answers import AnswerRequest
from pulsepal.answers.matlab_facts import load_facts


def ask(responder, q, lang="matlab", history=None):
    return responder.answer(AnswerRequest(q, history or [], lang, None))


def test_every_matlab_name_we_know_is_in_the_facts_file(api):
    facts = load_facts()
    for e in api.entries:
        if e.matlab_name:
            assert e.matlab_name in facts, e.matlab_name
            assert e.matlab is facts[e.matlab_name]


def test_derived_names_the_toolbox_lacks_are_python_only(api):
    # pypulseq has calculate_gradient_spectrum; the MATLAB toolbox (v1.5.0) has no calculateGradientSpectrum
    assert api.get("seq.calculate_gradient_spectrum").matlab_name is None
    assert api.get("mr.makeSLRpulse").python_name is None  # and MATLAB-only functions come from the facts


def test_sinc_pulse_has_four_outputs_including_delay(responder):
    a = ask(responder, "what does mr.makeSincPulse return?")
    assert "[rf, gz, gzr, delay] = mr.makeSincPulse(flipAngle, system*, 'Name', value, ...)" in a.text
    assert "- `delay`:" in a.text


def test_extended_trapezoid_area_has_matlabs_argument_order(responder):
    a = ask(responder, "parameters of mr.makeExtendedTrapezoidArea")
    assert "mr.makeExtendedTrapezoidArea(channel, Gs, Ge, A, sys)" in a.text
    assert "mr.makeExtendedTrapezoidArea('x', 0, gx.amplitude, -gx.area / 2, sys)" in a.text


def test_dwell_is_the_sample_spacing_not_a_dead_time(responder):
    for lang in ("matlab", "python"):
        a = ask(responder, "options of make_adc", lang)
        line = next(ln for ln in a.text.splitlines() if ln.lower().startswith(("- `dwell`", "- `'dwell'`")))
        assert "between two samples" in line and "dead time" not in line, line


def test_matlab_options_and_defaults_are_the_toolboxs(responder):
    a = ask(responder, "which options does mr.makeTrapezoid take?")
    for opt in ("'FlatTime'", "'FlatArea'", "'Area'", "'Duration'", "'RiseTime'", "'MaxSlew'"):
        assert opt in a.text
    assert "flat_time=" not in a.text and "return_gz" not in a.text


def test_align_is_shown_with_arguments(responder):
    for lang, call in (("python", "pp.align(right=[gz_spoil, gx_spoil])"),
                       ("matlab", "mr.align('right', gzSpoil, gxSpoil)")):
        assert call in ask(responder, "how do I use align?", lang).text


def test_parameter_answers_list_every_parameter(responder):
    a = ask(responder, "what are the parameters of pp.make_block_pulse?", "python")
    params = re.findall(r"^- `(\w+)`", a.text, re.M)
    assert params == ["flip_angle", "delay", "duration", "bandwidth", "time_bw_product", "freq_offset",
                      "phase_offset", "system", "use", "freq_ppm", "phase_ppm"]


def test_methods_and_write_v141(responder):
    a = ask(responder, "difference between seq.write and seq.write_v141")
    assert "seq.write(filename, create_signature*)" in a.text and "v1.4.1" in a.text
