"""The code check reports habits carried over from the other toolbox, indexing and unit mistakes, each with the
right spelling (issue 10: "check my code" must report every finding)."""

from pulsepal.answers.checker import check_code
from pulsepal.answers.intent import code_language


def _found(code, lang):
    return {(f.problem, f.suggestion) for f in check_code(code, lang)}


def test_matlab_name_value_pairs_in_a_python_call():
    found = _found("g = pp.make_trapezoid('z', 'Area', 2 * a, 'Duration', 2e-3, system=system)\n", "python")
    assert ("wrong_argument", "area=2 * a") in found
    assert ("wrong_argument", "duration=2e-3") in found


def test_python_keywords_in_a_matlab_call():
    found = _found("rf = mr.makeBlockPulse(pi/2, duration=1e-3, system=lims);\n", "matlab")
    assert ("wrong_argument", "'Duration', 1e-3") in found
    assert ("wrong_argument", "'system', lims") in found


def test_event_fields_in_the_other_spelling():
    assert ("wrong_field", "adc.numSamples") in _found("n = adc.num_samples;\n", "matlab")
    assert ("wrong_field", "sys.gradRasterTime") in _found("t = sys.grad_raster_time;\n", "matlab")
    assert ("wrong_field", "gz.fall_time") in _found("t = gz.fallTime\n", "python")
    assert ("wrong_field", "rf.freqPPM") in _found("rf.freq_ppm = -3.4;\n", "matlab")
    # the same spelling in both toolboxes, and the right one, are not reported
    assert _found("d = rf.shape_dur;\nt = gz.flatTime;\n", "matlab") == set()
    assert _found("d = rf.shape_dur\nt = gz.flat_time\n", "python") == set()


def test_one_based_indexing_in_python_and_zero_based_in_matlab():
    py = "parts = pp.split_gradient_at(grad=g, time_point=1e-3)\nseq.add_block(parts(2))\n"
    assert ("indexing", "parts[1]") in _found(py, "python")
    ml = "parts = mr.splitGradientAt(g, 1e-3);\nseq.addBlock(parts[1]);\n"
    assert ("indexing", "parts(2)") in _found(ml, "matlab")
    # calling a real function with a number is not indexing
    assert not any(p == "indexing" for p, _ in _found("d = pp.make_delay(1)\nx = abs(2)\n", "python"))


def test_align_with_matlab_strings_gets_keywords():
    code = "a, b = pp.align('left', g1, 'right', g2, g3)\n"
    assert ("wrong_argument", "pp.align(left=g1, right=[g2, g3])") in _found(code, "python")


def test_units_degrees_milliseconds_and_millimetres():
    py = _found("rf = pp.make_sinc_pulse(flip_angle=30, duration=2, slice_thickness=5, system=system)\n", "python")
    assert ("wrong_unit", "flip_angle=30 * np.pi / 180") in py
    assert ("wrong_unit", "duration=2e-3") in py
    assert ("wrong_unit", "slice_thickness=5e-3") in py
    ml = _found("rf = mr.makeBlockPulse(90, sys, 'Duration', 0.5e-3);\n", "matlab")
    assert ml == {("wrong_unit", "90*pi/180")}
    # a long ADC is fine; radians are fine
    assert _found("adc = mr.makeAdc(4096, sys, 'Duration', 0.5);\nrf = mr.makeBlockPulse(pi, sys, "
                  "'Duration', 1e-3);\n", "matlab") == set()


def test_a_whole_script_must_create_its_sequence():
    code = "import pypulseq as pp\nsys = pp.Opts(max_grad=30, grad_unit='mT/m')\nseq.add_block(pp.make_delay(1e-3))\n"
    assert ("undefined", "seq = pp.Sequence(sys)") in _found(code, "python")
    # a fragment (no imports or system set-up) is not a script: seq comes from elsewhere
    assert _found("seq.add_block(pp.make_delay(1e-3))\n", "python") == set()


def test_abbreviated_keyword_gets_the_full_one():
    assert ("wrong_argument", "amplitude=1e3") in _found("g = pp.make_trapezoid(channel='x', amp=1e3, "
                                                         "flat_time=1e-3)\n", "python")


def test_two_outputs_of_a_sinc_pulse_need_return_gz():
    code = "rf, g = pp.make_sinc_pulse(flip_angle=0.5, slice_thickness=4e-3)\n"
    assert ("missing_argument", "return_gz=True") in _found(code, "python")


def test_code_language_weighs_marks_and_fence_tags_win(responder):
    assert code_language("import pypulseq as pp\nrf = mr.make_block_pulse(flip_angle=1, duration=1e-3)\n") == \
        "python"
    assert code_language("g = pp.make_trapezoid('x', 'Area', 10, 'Duration', 1e-3, system=s)\n") == "python"
    assert code_language("g = mr.makeTrapezoid('x', area=10, system=sys);\n") == "matlab"
    ans = responder.answer(_req("Check this:\n```python\nok, e = seq.checkTiming()\nseq.set_definition('FOV', "
                                "[f, f, t])\nr = seq.testReport()\n```"))
    assert "seq.check_timing" in ans.text and "seq.test_report" in ans.text


def _req(q):
    from pulsepal.answers import AnswerRequest

    return AnswerRequest(q, [], "python")


def test_rotate_in_matlab_order_gets_keywords():
    found = _found("g = pp.rotate('y', theta, gx, gz)\n", "python")
    assert ("argument_order", "pp.rotate(gx, gz, angle=theta, axis='y')") in found


def test_make_label_in_matlab_order_gets_keywords():
    found = _found("l = pp.make_label('SET', 'SLC', 0)\n", "python")
    assert ("argument_order", "pp.make_label(label='SLC', type='SET', value=0)") in found


def test_a_matlab_method_called_without_parentheses_is_checked_too():
    found = _found("seq.checktiming\nt = seq.gradRasterTime;\nseq.plot;\n", "matlab")
    assert found == {("wrong_case", "seq.checkTiming")}


def test_a_positional_argument_landing_on_a_flag():
    found = _found("g = pp.make_extended_trapezoid('x', [0, 1e-4], [0, 1e3])\n", "python")
    assert any(p == "argument_order" and "times=" in s and "amplitudes=" in s for p, s in found)


def test_channels_each_event_accepts():
    assert ("wrong_argument", "channel='physio1'") in _found("t = pp.make_trigger(channel='ekg')\n", "python")
    assert ("wrong_argument", "'osc0'") in _found("o = mr.makeDigitalOutputPulse('osc3', 'duration', 1e-4);\n",
                                                  "matlab")
    assert _found("t = pp.make_trigger('physio2')\ng = pp.make_trapezoid('y', area=10)\n", "python") == set()


def test_make_label_in_python_order_in_matlab():
    assert ("argument_order", "mr.makeLabel('SET', 'REP', 0)") in _found("l = mr.makeLabel('REP', 'SET', 0);\n",
                                                                         "matlab")
