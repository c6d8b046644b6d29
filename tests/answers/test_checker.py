from hypothesis import given, settings
from hypothesis import strategies as st

from pulsepal.answers.checker import check_code, format_findings
from pulsepal.answers.usagecheck import USAGE_PROBLEMS


def _names(findings):
    return {(f.name, f.suggestion) for f in findings}


MATLAB_BAD = """seq = mr.Sequence(sys);
g = mr.createTrap('x', sys, 'Area', 1);
mr.write('a.seq');
g2 = seq.makeArbitraryGrad('x', w);
k = calcKspace(seq);
rf = makeRectPulse(pi/2);
x = mr.make_trapezoid('x');
y = pp.make_adc(10);
"""


def test_finds_invented_and_misplaced_matlab_names():
    found = check_code(MATLAB_BAD, "matlab")
    assert _names(found) == {
        ("mr.createTrap", "mr.makeTrapezoid"), ("mr.write", "seq.write"),
        ("seq.makeArbitraryGrad", "mr.makeArbitraryGrad"), ("calcKspace", "seq.calculateKspacePP"),
        ("makeRectPulse", "mr.makeBlockPulse"), ("mr.make_trapezoid", "mr.makeTrapezoid"),
        ("pp.make_adc", "mr.makeAdc"),
    }
    assert {f.line for f in found} == {2, 3, 4, 5, 6, 7, 8}
    assert next(f for f in found if f.name == "mr.createTrap").problem == "invented"
    assert next(f for f in found if f.name == "mr.write").problem == "wrong_namespace"


PY_BAD = """import pypulseq as pp
seq = pp.Sequence()
g = pp.makeTrapezoid(channel='x', area=1)
seq.addBlock(g)
pp.check_timing(seq)
mr.makeAdc(10)
seq.calcPNS()
"""


def test_finds_matlab_spellings_and_unexported_names_in_python():
    found = check_code(PY_BAD, "python")
    assert _names(found) >= {("pp.makeTrapezoid", "pp.make_trapezoid"), ("seq.addBlock", "seq.add_block"),
                             ("mr.makeAdc", "pp.make_adc"), ("seq.calcPNS", "seq.calculate_pns")}
    nx = next(f for f in found if f.name == "pp.check_timing")
    assert nx.problem == "not_exported" and "from pypulseq.check_timing import check_timing" in nx.suggestion


def test_unknown_names_get_closest_real_names_not_inventions():
    found = check_code("gx = mr.makeTrapezoidal('x', sys);", "matlab")
    assert len(found) == 1 and found[0].problem == "unknown"
    assert found[0].suggestion == "mr.makeTrapezoid"


def test_names_in_strings_comments_and_own_functions_are_ignored():
    code = "% mr.write is wrong\ndisp('seq.makeArbitraryGrad');\nfunction g = createTrap(x)\ng = createTrap(1);\n"
    assert check_code(code, "matlab") == []
    assert check_code("# pp.makeTrapezoid\nprint('mr.write')\n", "python") == []


def test_language_is_detected_when_not_given():
    assert _names(check_code("import pypulseq as pp\nseq = pp.Sequence()\nseq.addBlock(x)\n")) == {
        ("seq.addBlock", "seq.add_block")}
    assert _names(check_code("seq.add_block(rf);\nmr.makeAdc(10);\n", "matlab")) == {("seq.add_block", "seq.addBlock")}


def test_every_real_python_name_passes(api):
    lines = ["import pypulseq as pp", "seq = pp.Sequence()"]
    for e in api.entries:
        if e.kind in ("function", "class"):
            lines.append(f"x = pp.{e.python_name}()")
        elif e.kind == "method":
            lines.append(f"x = seq.{e.python_name}()")
        elif e.kind == "submodule":
            lines += [e.python_import, f"x = {e.python_name}()"]
    assert check_code("\n".join(lines), "python") == []


def test_every_real_matlab_name_passes(api):
    lines = ["seq = mr.Sequence(sys);"]
    for e in api.entries:
        if e.matlab_name:
            lines.append(f"x = {e.matlab_name}();")
    assert check_code("\n".join(lines), "matlab") == []


def test_format_findings_reads_well():
    text = format_findings(check_code("mr.write('x.seq');", "matlab"))
    assert "line 1" in text and "`seq.write`" in text
    assert format_findings([]).startswith("No invented")


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_real_names_never_flagged_in_any_order(api, data):
    entries = [e for e in api.entries if e.kind in ("function", "class", "method")]
    picks = data.draw(st.lists(st.sampled_from(entries), min_size=1, max_size=8))
    def call(e):  # a real keyword of the function: argument names are checked against the signature too
        kw = next((p.name for p in e.params if p.kind == "keyword"), None)
        return f"pp.{e.python_name}({kw}=1e-3)" if kw else f"pp.{e.python_name}(1e-3)"

    py = ["import pypulseq as pp", "seq = pp.Sequence()", "a = b = None"] + [  # placeholders, made: a script
        (f"seq.{e.python_name}(a, b)" if e.kind == "method" else f"y = {call(e)}") for e in picks]
    # the values are placeholders, so a call may be unusable as written (a trapezoid with only a duration), and an
    # event drawn after the draws `seq.add_block` and `seq.write` is never added (flowcheck's finding): this
    # property is about names, and the usage and flow rules are tested on their own
    assert [f for f in check_code("\n".join(py), "python") if f.problem not in USAGE_PROBLEMS | {"never_added"}] == []
    def mcall(e):  # a real option of the function, when it has one
        opts = e.matlab.options if e.matlab else ()
        return f"y = {e.matlab_name}(a, '{opts[0].name}', 1e-3);" if opts else f"y = {e.matlab_name}(a);"

    # the placeholder is made first, as in the Python script: a drawn seq.addBlock(a) must not find `a` undefined
    ml = ["a = [];"] + [mcall(e) for e in picks if e.matlab_name]
    assert [f for f in check_code("\n".join(ml), "matlab") if f.problem not in USAGE_PROBLEMS] == []


def test_every_finding_is_reported_with_the_right_spelling():
    """Issue 10, class 8: the check stopped at the first finding; MATLAB names are case-sensitive."""
    code = ("seq = mr.Sequence(sys);\ngx = mr.makeTrapezoid('x', 'FlatArea', 1000, 'FlatTime', 3e-3, sys);\n"
            "g = mr.makeTrapezoid('y', sys, 'FlatTim', 1e-3, 'Area', 10);\nseq.addblock(gx);\nmr.write('a.seq');\n")
    found = {(f.name, f.problem, f.suggestion) for f in check_code(code, "matlab")}
    assert ("seq.addblock", "wrong_case", "seq.addBlock") in found
    assert ("mr.write", "wrong_namespace", "seq.write") in found
    assert ("'FlatTim'", "wrong_argument", "'FlatTime'") in found
    assert ("sys", "argument_order", "mr.makeTrapezoid('x', sys, 'FlatArea', 1000, 'FlatTime', 3e-3)") in found


def test_python_keywords_are_checked_against_the_signature():
    code = ("import pypulseq as pp\nrf, gz, gzr = pp.make_sinc_pulse(flip_angle=1, slice_thickness=3e-3)\n"
            "gx = pp.make_trapezoid(channel='x', flatArea=1000, flat_time=3e-3)\n"
            "adc = pp.make_adc(num_samples=64, duration=3e-3)\nseq.add_block(gx, adc)\n"
            "system = pp.Opts(max_grad=32, max_slew=130)\n")
    found = {(f.name, f.problem, f.suggestion) for f in check_code(code, "python")}
    assert ("flatArea=", "wrong_argument", "flat_area=1000") in found
    assert ("pp.make_sinc_pulse", "missing_argument", "return_gz=True") in found
    assert ("adc", "adc_on_ramp", "delay=gx.rise_time") in found
    assert ("max_grad", "missing_unit", "grad_unit='mT/m'") in found
    assert ("max_slew", "missing_unit", "slew_unit='T/m/s'") in found


def test_argument_order_of_extended_trapezoid_area():
    found = check_code("g = mr.makeExtendedTrapezoidArea(A, 'z', 0, gEnd, sys);", "matlab")
    assert [(f.problem, f.suggestion) for f in found] == [
        ("argument_order", "mr.makeExtendedTrapezoidArea('z', 0, gEnd, A, sys)")]
