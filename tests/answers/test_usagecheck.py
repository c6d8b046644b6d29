"""The usage rules: each one reports a call that the real toolbox refuses, and leaves working calls alone.

The Python cases are run through the installed pypulseq: a rule is only right if the code it flags really raises
(and the corrected code does not)."""

import numpy as np
import pypulseq as pp
import pytest

from pulsepal.answers.checker import check_code

SYS = pp.Opts(max_grad=30, grad_unit="mT/m", max_slew=150, slew_unit="T/m/s")

# (code that raises in pypulseq, the finding's problem, a piece of the right spelling)
BROKEN = [
    ("a, b = pp.make_gauss_pulse(flip_angle=0.5, duration=2e-3, slice_thickness=4e-3, return_gz=True, system=SYS)",
     "output_count", "gzr"),
    ("p, q, r = pp.make_gauss_pulse(flip_angle=0.5, duration=2e-3, return_gz=True, system=SYS)",
     "missing_argument", "slice_thickness"),
    ("g = pp.make_trapezoid(channel='y', flat_area=500, system=SYS)", "missing_argument", "flat_time"),
    ("r = pp.make_adc(num_samples=64, dwell=4e-6, duration=256e-6, system=SYS)", "argument_conflict", None),
    ("g, t, a = pp.make_extended_trapezoid_area('y', 0.0, 0.0, 40.0, system=SYS)", "argument_order",
     "channel='y'"),
    ("a, b, c = pp.calc_rf_center(pp.make_block_pulse(flip_angle=0.3, duration=1e-3, system=SYS))",
     "output_count", "a, b ="),
    ("s = pp.opts(max_grad=30, grad_unit='mT/m')", "wrong_case", "pp.Opts"),
    ("r = pp.make_adc(64, SYS)", "argument_order", "system=SYS"),
]


@pytest.mark.parametrize("code,problem,right", BROKEN)
def test_flagged_python_really_raises(code, problem, right):
    with pytest.raises(Exception):  # noqa: B017 - whatever pypulseq raises, it must refuse the call
        exec(code, {"pp": pp, "np": np, "SYS": SYS})
    found = [f for f in check_code("import pypulseq as pp\n" + code, "python") if f.problem == problem]
    assert found, check_code(code, "python")
    if right:
        assert right in (found[0].suggestion or "") + found[0].message


WORKING = [
    "rf, gz, gzr = pp.make_gauss_pulse(flip_angle=0.5, duration=2e-3, slice_thickness=4e-3, return_gz=True, "
    "system=SYS)",
    "g = pp.make_trapezoid(channel='y', flat_area=500, flat_time=2e-3, system=SYS)",
    "g = pp.make_trapezoid('y', area=500, duration=3e-3, system=SYS)",
    "r = pp.make_adc(num_samples=64, dwell=4e-6, system=SYS)",
    "g, t, a = pp.make_extended_trapezoid_area(area=40.0, channel='y', grad_start=0.0, grad_end=0.0, system=SYS)",
    "tc, ic = pp.calc_rf_center(pp.make_block_pulse(flip_angle=0.3, duration=1e-3, system=SYS))",
    "s = pp.Opts(max_grad=30, grad_unit='mT/m')",
    "d = pp.make_delay(1e-3)",
    "lab = pp.make_label('LIN', 'SET', 3)",
]


@pytest.mark.parametrize("code", WORKING)
def test_working_python_is_not_flagged(code):
    exec(code, {"pp": pp, "np": np, "SYS": SYS})
    assert check_code("import pypulseq as pp\n" + code, "python") == []


def test_two_gradients_on_one_axis_in_a_block():
    code = ("g1 = pp.make_trapezoid(channel='y', area=100, duration=1e-3, system=SYS)\n"
            "g2 = pp.make_trapezoid(channel='y', area=-100, duration=1e-3, system=SYS)\n"
            "g3 = pp.make_trapezoid(channel='z', area=100, duration=1e-3, system=SYS)\n"
            "seq = pp.Sequence(SYS)\nseq.add_block(g1, g3)\nseq.add_block(g1, g2)\n")
    seq_code = code.rsplit("seq.add_block(g1, g2)", 1)[0]
    env = {"pp": pp, "SYS": SYS}
    exec(seq_code, env)
    with pytest.raises(Exception):  # noqa: B017 - pypulseq refuses two events on one channel
        env["seq"].add_block(env["g1"], env["g2"])
    found = [f for f in check_code(code, "python") if f.problem == "same_axis"]
    assert [(f.line, f.suggestion) for f in found] == [(6, "pp.add_gradients")]


def test_matlab_usage_rules():
    code = ("[rf, g] = mr.makeGaussPulse(pi/4, 'Duration', 2e-3, 'system', sys);\n"
            "[a, b, c, d, e] = mr.makeSincPulse(pi/4, 'Duration', 2e-3, 'SliceThickness', 4e-3);\n"
            "r = mr.makeAdc(64, 'Dwell', 4e-6, 'Duration', 256e-6);\n"
            "g1 = mr.makeTrapezoid('y', 'FlatArea', 500, 'system', sys);\n"
            "h1 = mr.makeTrapezoid('x', 'Area', 100);\nh2 = mr.makeTrapezoid('x', 'Area', -100);\n"
            "seq.addBlock(h1, h2);\n")
    found = {(f.line, f.problem) for f in check_code(code, "matlab")}
    assert found == {(1, "missing_argument"), (2, "output_count"), (3, "argument_conflict"),
                     (4, "missing_argument"), (7, "same_axis")}


def test_matlab_working_calls_are_not_flagged():
    code = ("[rf, g, gr] = mr.makeGaussPulse(pi/4, 'Duration', 2e-3, 'SliceThickness', 4e-3, 'system', sys);\n"
            "rf2 = mr.makeSincPulse(pi/4, 'Duration', 2e-3);\n"
            "r = mr.makeAdc(64, 'Dwell', 4e-6);\n"
            "g1 = mr.makeTrapezoid('y', 'FlatArea', 500, 'FlatTime', 2e-3, 'system', sys);\n"
            "h1 = mr.makeTrapezoid('x', 'Area', 100);\nh2 = mr.makeTrapezoid('z', 'Area', -100);\n"
            "seq.addBlock(h1, h2);\n")
    assert check_code(code, "matlab") == []
