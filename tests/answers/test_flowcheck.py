"""An event made and never put in a block, in a whole script, is a finding; in an excerpt it is not judged."""

from __future__ import annotations

from pulsepal.answers.checker import check_code
from pulsepal.answers.flowcheck import check_write

WHOLE = """import pypulseq as pp
seq = pp.Sequence()
rf = pp.make_block_pulse(flip_angle=0.2, duration=1e-3)
spoil = pp.make_trapezoid(channel='z', area=4000, duration=2e-3)
ref = pp.make_block_pulse(flip_angle=3.14, duration=2e-3, use='refocusing')
adc = pp.make_adc(num_samples=128, dwell=1e-5)
for i in range(8):
    seq.add_block(rf)
    seq.add_block(adc)
seq.write('x.seq')
"""


def test_an_event_never_added_in_a_whole_script_is_reported():
    found = [f for f in check_code(WHOLE, "python") if f.problem == "never_added"]
    assert [(f.name, f.line) for f in found] == [("ref", 5)]  # a spare gradient is not judged
    assert "seq.add_block(ref" in found[0].message


def test_the_matlab_twin_and_an_excerpt():
    matlab = ("seq = mr.Sequence();\n[rf, gz] = mr.makeSincPulse(0.3, 'Duration', 2e-3, 'SliceThickness', 4e-3);\n"
              "adc = mr.makeAdc(64, 'Dwell', 2e-5);\nseq.addBlock(adc);\nseq.checkTiming;\n")
    assert [f.name for f in check_code(matlab, "matlab") if f.problem == "never_added"] == ["rf"]
    excerpt = WHOLE.replace("seq.write('x.seq')\n", "")
    assert not [f for f in check_code(excerpt, "python") if f.problem == "never_added"]


def test_a_sequence_variable_is_known_by_its_name_and_python_case_is_checked():
    found = check_code("my_seq.Add_block(rf)\nseqObj.write_Seq('a.seq')\n", "python")
    assert [(f.problem, f.suggestion) for f in found][0] == ("wrong_case", "my_seq.add_block")
    assert len(found) == 2 and found[1].name == "seqObj.write_Seq"


def test_a_dwell_without_a_unit_is_read_as_microseconds():
    found = check_code("adc = pp.make_adc(num_samples=64, dwell=8)\n", "python")
    f = next(f for f in found if f.problem == "wrong_unit")
    assert f.suggestion == "dwell=8e-6"


def test_matlab_numbers_where_options_go_by_name_are_reported():
    found = check_code("g = mr.makeTrapezoid('y', 500, 1.5e-3, 'system', sys);\n", "matlab")
    order = [f for f in found if f.problem == "argument_order"]
    assert order and order[0].name == "500" and "'Area'" in order[0].message
    assert not check_code("rf = mr.makeBlockPulse(pi/2, sys, 'Duration', 1e-3);\nd = mr.makeDelay(0.01);\n",
                          "matlab")


def test_an_event_added_but_never_made_in_a_whole_script():
    code = ("import pypulseq as pp\nseq = pp.Sequence()\n"
            "rf = pp.make_sinc_pulse(flip_angle=0.3, duration=2e-3, slice_thickness=4e-3)\n"
            "seq.add_block(rf, gz)\nseq.write('t.seq')\n")
    found = [f for f in check_code(code, "python") if f.problem == "undefined"]
    assert [(f.name, f.line, f.suggestion) for f in found] == [("gz", 4, "return_gz=True")]
    ml = ("seq = mr.Sequence();\nfor i = 1:4\n  seq.addBlock(mr.makeDelay(1e-3));\n  seq.addBlock(adc);\nend\n"
          "seq.plot();\n")
    assert [f.name for f in check_code(ml, "matlab") if f.problem == "undefined"] == ["adc"]
    assert not [f for f in check_code("seq.add_block(rf, gz)\n", "python") if f.problem == "undefined"]  # excerpt


def test_a_sequence_never_written_when_the_file_is_asked_about_and_one_written_empty(responder):
    from pulsepal.answers.types import AnswerRequest

    code = ("seq = mr.Sequence();\nrf = mr.makeBlockPulse(pi/8, 'Duration', 2e-4);\nseq.addBlock(rf);\n"
            "seq.plot();\n")
    a = responder.answer(AnswerRequest(f"where does the .seq file end up?\n```matlab\n{code}```", [], "matlab"))
    assert "seq.write('my_sequence.seq');" in a.text
    b = responder.answer(AnswerRequest(f"check this\n```matlab\n{code}```", [], "matlab"))
    assert "never written" not in b.text  # not asked about the file: a plot-only script is fine
    empty = "seq = pp.Sequence()\nrf = pp.make_block_pulse(flip_angle=0.4, duration=1e-3)\nseq.write('e.seq')\n"
    assert [f.problem for f in check_write(empty, "python", "")] == ["no_blocks"]
    assert not check_write(empty.replace("seq.write", "seq.read('in.seq')\nseq.write"), "python", "")
