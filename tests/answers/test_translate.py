"""Translation of whole statements, checked by running: MATLAB -> Python output goes through pypulseq in a
subprocess, Python -> MATLAB output through the name, option and argument checker."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pulsepal.answers import AnswerRequest
from pulsepal.answers.checker import check_code
from pulsepal.answers.translate import Translator

TEMPLATES = Path(__file__).resolve().parents[2] / "pulsepal" / "answers" / "templates"

MATLAB_GRE = """sys = mr.opts('MaxGrad', 28, 'GradUnit', 'mT/m', 'MaxSlew', 150, 'SlewUnit', 'T/m/s', ...
              'rfRingdownTime', 20e-6, 'rfDeadTime', 100e-6, 'adcDeadTime', 10e-6);
seq = mr.Sequence(sys);
fov = 256e-3; Nx = 64; Ny = 64;      % geometry
[rf, gz, gzr] = mr.makeSincPulse(15*pi/180, sys, 'Duration', 3e-3, 'SliceThickness', 5e-3, 'timeBwProduct', 4);
deltak = 1/fov;
gx = mr.makeTrapezoid('x', 'FlatArea', Nx*deltak, 'FlatTime', 3.2e-3, 'system', sys);
adc = mr.makeAdc(Nx, sys, 'Duration', gx.flatTime, 'Delay', gx.riseTime);
gxPre = mr.makeTrapezoid('x', sys, 'Area', -gx.area/2, 'Duration', 1e-3);
phaseAreas = ((0:Ny-1) - Ny/2)*deltak;
tc = mr.calcRfCenter(rf);
[gArea, tt, aa] = mr.makeExtendedTrapezoidArea('z', 0, 0, -gz.area/2, sys);
for i = 1:Ny
    gyPre = mr.makeTrapezoid('y', sys, 'Area', phaseAreas(i), 'Duration', mr.calcDuration(gxPre));
    seq.addBlock(rf, gz);
    seq.addBlock(gxPre, gyPre, gzr);
    seq.addBlock(gx, adc, mr.makeLabel('SET', 'LIN', i - 1));
    seq.addBlock(mr.makeDelay(ceil(5e-3/sys.gradRasterTime)*sys.gradRasterTime));
end
[ok, rep] = seq.checkTiming;
seq.setDefinition('FOV', [fov fov 5e-3]);
"""


@pytest.fixture(scope="module")
def translator(index):
    return Translator(index)


def run_python(code: str, tmp_path: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "translated.py"
    script.write_text(code + "\nprint('ok' if ok else 'timing failed')\n")
    return subprocess.run([sys.executable, "-W", "ignore", str(script)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=180, env={**os.environ, "MPLBACKEND": "Agg"})


def test_matlab_statements_become_python_that_pypulseq_runs(translator, tmp_path):
    t = translator.translate(MATLAB_GRE, "matlab")
    assert "rf, gz, gzr = pp.make_sinc_pulse(flip_angle=15*np.pi/180, duration=3e-3, slice_thickness=5e-3, " \
           "time_bw_product=4, return_gz=True, system=system)" in t.code
    # 'system', sys as a name/value pair; outputs matched by meaning; the MATLAB argument order of the area call
    assert "pp.make_trapezoid(channel='x', flat_area=Nx*deltak, flat_time=3.2e-3, system=system)" in t.code
    assert "pp.make_extended_trapezoid_area(channel='z', grad_start=0, grad_end=0, area=-gz.area/2, " \
           "system=system)" in t.code
    assert "tc = pp.calc_rf_center(rf=rf)[0]" in t.code  # one output asked for: the first
    assert "ok, rep = seq.check_timing()" in t.code and "seq.set_definition(" in t.code
    proc = run_python(t.code, tmp_path)
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert proc.stdout.strip().endswith("ok")


def test_python_statements_become_matlab_the_checker_accepts(translator):
    code = (TEMPLATES / "gre_2d.py").read_text()
    t = translator.translate(code, "python")
    assert "[rf, gz, gz_reph] = mr.makeSincPulse(" in t.code and "seq.addBlock(rf, gz);" in t.code
    assert "mr.makeLabel('SET', 'LIN', i)" in t.code  # keywords placed in MATLAB's positional order
    assert check_code(t.code, "matlab") == []


@pytest.mark.parametrize("stem", sorted(p.stem for p in TEMPLATES.glob("*.m")))
def test_every_matlab_template_translates_to_python_that_builds(translator, tmp_path, stem):
    """The MATLAB twins cannot run here; translated, they build with pypulseq and pass check_timing."""
    t = translator.translate((TEMPLATES / f"{stem}.m").read_text(), "matlab")
    assert t.notes == []
    proc = run_python(t.code, tmp_path)
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert "check_timing: passed" in proc.stdout


@pytest.mark.parametrize("stem", sorted(p.stem for p in TEMPLATES.glob("*.py")))
def test_every_python_template_translates_to_checked_matlab(translator, stem):
    t = translator.translate((TEMPLATES / f"{stem}.py").read_text(), "python")
    assert check_code(t.code, "matlab") == []
    assert "mr.Sequence(sys)" in t.code and "seq.checkTiming" in t.code


def test_method_without_parentheses_and_seq_vs_mr(translator):
    t = translator.translate("seq.plot;\nd = mr.calcDuration(gx);\n", "matlab")
    assert "seq.plot()" in t.code and "pp.calc_duration(gx)" in t.code and "pp.plot" not in t.code


def test_untranslatable_names_are_noted_not_invented(translator):
    t = translator.translate("g = mr.createTrap('x', sys);\n", "matlab")
    assert "mr.createTrap" in t.code and any("createTrap" in n for n in t.notes)
    assert "pp.create" not in t.code


def test_the_responder_translates_whole_statements(responder):
    a = responder.answer(AnswerRequest(
        "MATLAB please: `g1, g2 = pp.split_gradient_at(grad=g, time_point=g.rise_time + g.flat_time)`", [], "python"))
    assert "[g1, g2] = mr.splitGradientAt(g, g.riseTime + g.flatTime);" in a.text
    assert "mr.split_gradient_at" not in a.text


def test_a_one_index_call_of_an_unknown_name_is_indexing(responder):
    from pulsepal.answers import AnswerRequest

    a = responder.answer(AnswerRequest("to python: `g = mr.makeTrapezoid('x', sys, 'Area', areas(k));`", [], "matlab"))
    assert "areas[int(k - 1)]" in a.text and "indexing" in a.text
    b = responder.answer(AnswerRequest("to python: `d = mr.makeDelay(round(t));`", [], "matlab"))
    assert "round(" in b.text and "round[" not in b.text


def test_the_math_modules_names_become_matlabs(translator):
    """`math.pi` was copied into MATLAB as it was (there is no `math` there); numpy's were already translated."""
    code = translator.translate("import math\nrf = pp.make_block_pulse(flip_angle=math.pi / 2, duration=1e-3)\n"
                                "n = math.ceil(te / 2)\nangle = math.radians(30)\n", "python").code
    assert "math." not in code and "pi / 2" in code and "ceil(te / 2)" in code and "deg2rad(30)" in code, code
    assert [f for f in check_code(code, "matlab") if f.problem not in ("undefined",)] == []
