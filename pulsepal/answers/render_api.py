"""Answers about one function, in the asker's language: what it is for, its signature, every parameter with its
default and meaning, its outputs, and a call that works.

MATLAB answers come from the toolbox's recorded facts (argument order, options and their defaults, outputs); Python
answers from the installed pypulseq's signatures. Meanings come from glossary.py, in our own words, for both. A
function the requested toolbox does not have is said to be missing, once, for every kind of answer (`render` is the
one door).
"""

from __future__ import annotations

from typing import Optional

from .callmap import option_spelling
from .glossary import output_meaning, param_meaning
from .pulseq_api import ApiEntry, Param
from .types import Answer, is_matlab

# Typical values shown when a call is demonstrated (Python expressions; MATLAB ones are translated from them).
EXAMPLE_KWARGS: dict[str, list[tuple[str, str]]] = {
    "make_trapezoid": [("channel", "'x'"), ("flat_area", "n_x / fov"), ("flat_time", "3.2e-3")],
    "make_sinc_pulse": [("flip_angle", "np.pi / 2"), ("duration", "3e-3"), ("slice_thickness", "5e-3"),
                        ("time_bw_product", "4"), ("apodization", "0.5")],
    "make_block_pulse": [("flip_angle", "np.pi / 2"), ("duration", "0.5e-3")],
    "make_gauss_pulse": [("flip_angle", "np.pi / 2"), ("duration", "3e-3"), ("slice_thickness", "5e-3")],
    "make_adc": [("num_samples", "256"), ("dwell", "10e-6"), ("delay", "gx.rise_time")],
    "make_delay": [("d", "10e-3")],
    "make_label": [("type", "'SET'"), ("label", "'LIN'"), ("value", "0")],
    "make_arbitrary_grad": [("channel", "'x'"), ("waveform", "waveform")],
    "make_extended_trapezoid": [("channel", "'x'"), ("times", "np.array([0, 0.5e-3, 1.5e-3, 2e-3])"),
                                ("amplitudes", "np.array([0, 20e3, 20e3, 0])")],
    "make_extended_trapezoid_area": [("channel", "'x'"), ("grad_start", "0"), ("grad_end", "gx.amplitude"),
                                     ("area", "-gx.area / 2")],
    "make_adiabatic_pulse": [("pulse_type", "'hypsec'"), ("duration", "10.24e-3")],
    "make_arbitrary_rf": [("signal", "signal"), ("flip_angle", "np.pi / 2")],
    "make_trigger": [("channel", "'physio1'"), ("duration", "2e-3")],
    "make_digital_output_pulse": [("channel", "'osc0'"), ("duration", "1e-3")],
    "make_soft_delay": [("hint", "'TE'"), ("numID", "0")],
    "scale_grad": [("grad", "gx"), ("scale", "-1")],
    "add_gradients": [("grads", "[gx1, gx2]")],
    "split_gradient_at": [("grad", "gx"), ("time_point", "1e-3")],
    "split_gradient": [("grad", "gx")],
    "convert": [("from_value", "40"), ("from_unit", "'mT/m'"), ("to_unit", "'Hz/m'")],
    "calc_rf_center": [("rf", "rf")],
    "calc_rf_bandwidth": [("rf", "rf")],
    "calc_adc_segments": [("num_samples", "8192"), ("dwell", "5e-6")],
    "traj_to_grad": [("k", "k")],
    "Opts": [("max_grad", "28"), ("grad_unit", "'mT/m'"), ("max_slew", "150"), ("slew_unit", "'T/m/s'"),
             ("rf_ringdown_time", "20e-6"), ("rf_dead_time", "100e-6"), ("adc_dead_time", "10e-6")],
}
# Calls whose arguments are events passed positionally (Python form; MATLAB is translated).
EXAMPLE_CALLS: dict[str, tuple[str, str]] = {  # key: (python call, matlab call)
    "calc_duration": ("pp.calc_duration(rf, gz)", "mr.calcDuration(rf, gz)"),
    "seq.add_block": ("seq.add_block(rf, gz)", "seq.addBlock(rf, gz);"),
    "seq.write": ("seq.write('my_sequence.seq')", "seq.write('my_sequence.seq');"),
    "seq.read": ("seq.read('my_sequence.seq')", "seq.read('my_sequence.seq');"),
    "seq.check_timing": ("ok, error_report = seq.check_timing()", "[ok, errorReport] = seq.checkTiming;"),
    "seq.plot": ("seq.plot(time_range=(0, 0.05))", "seq.plot('timeRange', [0 0.05]);"),
    "seq.calculate_kspace": ("k_traj_adc, k_traj, t_excitation, t_refocusing, t_adc = seq.calculate_kspace()",
                             "[ktraj_adc, t_adc, ktraj, t_ktraj, t_excitation, t_refocusing] = "
                             "seq.calculateKspacePP();"),
    "seq.test_report": ("print(seq.test_report())", "rep = seq.testReport; fprintf([rep{:}]);"),
    "seq.set_definition": ("seq.set_definition('FOV', [fov, fov, slice_thickness])",
                           "seq.setDefinition('FOV', [fov fov sliceThickness]);"),
    "seq.duration": ("duration, num_blocks, event_count = seq.duration()",
                     "[duration, numBlocks, eventCount] = seq.duration();"),
    "align": ("gz_spoil, gx_spoil = pp.align(right=[gz_spoil, gx_spoil])",
              "[gzSpoil, gxSpoil] = mr.align('right', gzSpoil, gxSpoil);"),
    "rotate": ("rotated = pp.rotate(gx, gy, angle=np.pi / 4, axis='z', system=system)",
               "rotated = mr.rotate('z', pi/4, gx, gy);"),
    "Sequence": ("seq = pp.Sequence(system=system)", "seq = mr.Sequence(sys);"),
    "seq.calculate_pns": ("ok, pns_norm, pns_components, t_pns = seq.calculate_pns(hardware)",
                          "[ok, pnsNorm, pnsComp, tAxis] = seq.calcPNS('MP_GPA_K2309_2250V_951A_AS82.asc');"),
}
_EVENT_DEFAULT = {"make_trapezoid": "gx", "make_sinc_pulse": "rf", "make_block_pulse": "rf", "make_gauss_pulse": "rf",
                  "make_adc": "adc", "make_delay": "delay", "make_trigger": "trig", "make_label": "lbl",
                  "Opts": "system", "make_digital_output_pulse": "out_trig", "make_adiabatic_pulse": "rf",
                  "make_arbitrary_rf": "rf", "make_extended_trapezoid": "g", "make_arbitrary_grad": "g",
                  "make_soft_delay": "delay"}


def name_of(e: ApiEntry, lang: str) -> str:
    if is_matlab(lang):
        return e.matlab_name or (e.python_call or "")
    return e.python_call or (e.matlab_name or "")


def unavailable(e: ApiEntry, lang: str) -> Optional[Answer]:
    """The requested toolbox lacks this function: say so (and where it does exist) rather than invent a name."""
    if is_matlab(lang) and e.matlab_name is None:
        text = f"`{e.python_call}` exists only in pypulseq; the MATLAB toolbox has no equivalent.\n\n{e.summary_text}\n"
        if e.python_import:
            text += f"\nIn Python: `{e.python_import}`.\n"
    elif not is_matlab(lang) and e.python_name is None:
        text = (f"`{e.matlab_name}` exists only in the MATLAB toolbox; pypulseq has no equivalent.\n\n"
                f"{e.summary_text}\n")
    else:
        return None
    return Answer(text=text, confident=True, topic=e.key, subject="api:" + e.key)


def _py_value_to_matlab(expr: str) -> str:
    from .codeparse import tokenize
    from .translate_exprs import PythonToMatlab

    conv = PythonToMatlab(lambda *a: None, [])
    return conv.convert(tokenize(expr, "python"))


def matlab_signature(e: ApiEntry) -> str:
    f = e.matlab
    if f is None:
        return f"{e.matlab_name}(...)"
    outs = [o for o in f.outputs if o != "varargout"]
    lhs = ("[" + ", ".join(outs) + "] = " if len(outs) > 1 else f"{outs[0]} = ") if outs else ""
    args = [a.name if a.required else f"{a.name}*" for a in f.args]
    if f.varargin and f.inputs:
        args.append("...")
    tail = ("'Name', value, ..." if not args else ", 'Name', value, ...") if f.options else ""
    return f"{lhs}{f.call}({', '.join(args)}{tail})"


def python_signature(e: ApiEntry) -> str:
    parts = []
    for p in e.params:
        prefix = "*" if p.kind == "var_positional" else "**" if p.kind == "var_keyword" else ""
        parts.append(prefix + p.name + ("" if p.default is None or prefix else f"={p.default}"))
    return f"{e.python_call}({', '.join(parts)})"


def _describe(e: ApiEntry, p: Param) -> str:
    return param_meaning(e.key, p.name, p.description) or "(not described in pypulseq)"


def parameter_lines(e: ApiEntry, lang: str) -> list[str]:
    lines: list[str] = []
    if is_matlab(lang):
        f = e.matlab
        if f is None:
            return lines
        for a in f.args:
            status = "required" if a.required else f"optional, default `{a.default}`"
            if a.name.lower() in ("system", "sys"):
                status = "optional (struct from `mr.opts`); default `mr.opts()`" if not a.required else \
                    "required (struct from `mr.opts`)"
            meaning = param_meaning(e.key, f.python_of.get(a.name, a.name)) or param_meaning(e.key, a.name) or ""
            lines.append(f"- `{a.name}` (positional, {status}){': ' + meaning if meaning else ''}")
        if f.varargin and f.inputs:
            lines.append(f"- {'then' if f.args else 'inputs'}: {f.inputs}")  # mr.makeRotation has no fixed ones
        for o in f.options:
            meaning = param_meaning(e.key, f.python_of.get(o.name, o.name)) or param_meaning(e.key, o.name) or ""
            default = f"default `{o.default}`" if o.default not in (None, "") else "no default"
            lines.append(f"- `'{option_spelling(o.name)}'` ({default}){': ' + meaning if meaning else ''}")
        return lines
    for p in e.params:
        if p.kind == "var_positional":
            lines.append(f"- `*{p.name}`: {_describe(e, p)}")
        elif p.kind == "var_keyword":
            lines.append(f"- `**{p.name}`: {_describe(e, p)}")
        else:
            status = "required" if p.required else f"default `{p.default}`"
            lines.append(f"- `{p.name}` ({status}): {_describe(e, p)}")
    return lines


def output_lines(e: ApiEntry, lang: str) -> list[str]:
    if is_matlab(lang):
        f = e.matlab
        outs = [o for o in (f.outputs if f else ()) if o != "varargout"]
        lines = [f"- `{o}`{': ' + output_meaning(o) if output_meaning(o) else ''}" for o in outs]
        if f is not None and "varargout" in f.outputs:
            lines.append("- the events it was given, changed, in the same order")
        if len(outs) > 1:
            lines.append(f"Ask only for what you need: `{outs[0]} = {f.call if f else e.matlab_name}(...)` returns "
                         "just the first; outputs come in this order.")
        return lines
    lines = []
    for rname, rtype, rdesc in e.returns:
        meaning = output_meaning(rname) or rdesc
        lines.append(f"- `{rname}`{f' ({rtype})' if rtype else ''}{': ' + meaning if meaning else ''}")
    if e.param("return_gz"):
        lines.append("Only the RF event by default; with `return_gz=True` the tuple `(rf, gz, gzr)`.")
    return lines


def example_call(e: ApiEntry, lang: str) -> Optional[str]:
    if e.key in EXAMPLE_CALLS:
        py, ml = EXAMPLE_CALLS[e.key]
        return ml if is_matlab(lang) else py
    if e.python_name is None or (is_matlab(lang) and (e.matlab is None or e.matlab_name is None)):
        return None
    kws = EXAMPLE_KWARGS.get(e.key) or [(p.name, p.name) for p in e.params if p.required and p.kind == "keyword"]
    has_gz = e.param("return_gz") is not None and any(k == "slice_thickness" for k, _ in kws)
    target = "rf, gz, gzr" if has_gz else _EVENT_DEFAULT.get(e.key, "out")
    if is_matlab(lang):
        from .callmap import python_to_matlab

        keywords = [(k, _py_value_to_matlab(v)) for k, v in kws]
        if e.param("system") is not None:
            keywords.append(("system", "sys"))
        outs = [x.strip() for x in target.split(",")]
        assert e.matlab is not None
        conv = python_to_matlab(e, e.matlab, [], keywords, outs)
        lhs = ("[" + ", ".join(conv.outputs) + "]" if len(conv.outputs) > 1 else conv.outputs[0]) if conv.outputs \
            else ""
        if e.key == "Opts":
            lhs = "sys"
        return f"{lhs} = {conv.call};" if lhs else conv.call + ";"
    parts = [f"{k}={v}" for k, v in kws]
    if has_gz:
        parts.append("return_gz=True")
    if e.param("system") is not None:
        parts.append("system=system")
    return f"{target} = {e.python_call}({', '.join(parts)})"


def render(e: ApiEntry, lang: str, aspect: str, written: Optional[str] = None) -> Answer:
    """The one door for function answers: missing in this toolbox, else parameters / returns / overview."""
    missing = unavailable(e, lang)
    if missing is not None:
        return missing
    name = name_of(e, lang)
    fence = "matlab" if is_matlab(lang) else "python"
    lines: list[str] = []
    if written and _other_dialect(written, lang):
        lines += [f"`{written}` is written for the other toolbox; in {_label(lang)} it is `{name}`.", ""]
    head = {"params": f"### `{name}`: parameters", "returns": f"### `{name}`: outputs"}.get(aspect, f"### `{name}`")
    lines += [head, "", e.summary_text, ""]
    if e.needs and not is_matlab(lang):
        lines += [f"Needs the optional `{e.needs}` package (`pip install pypulseq[{e.needs}]`).", ""]
    if e.python_import and not is_matlab(lang):
        lines += [f"Import it from its submodule: `{e.python_import}`.", ""]
    if e.key == "Opts":
        lines += [opts_defaults(), ""]
    signature = matlab_signature(e) if is_matlab(lang) else python_signature(e)
    lines += [f"```{fence}", signature, "```", ""]
    params = parameter_lines(e, lang)
    outputs = output_lines(e, lang)
    if aspect != "returns":
        lines += ["Parameters:" if params else "It takes no parameters.", *params, ""]
        if is_matlab(lang) and params:
            lines += ["Options are name/value pairs after the positional arguments; their names are "
                      "case-insensitive (`'FlatTime'` = `'flatTime'`). `*` marks an optional positional argument.", ""]
    if outputs and aspect != "params":
        lines += ["Returns:" if not is_matlab(lang) else "Outputs, in order:", *outputs, ""]
    elif aspect == "returns" and not outputs:
        lines += ["It returns nothing you need to keep." if e.kind == "method" else
                  "Its outputs are not documented.", ""]
    if aspect == "params" and outputs:
        lines += ["Returns " + ", ".join(ln.split("`")[1] for ln in outputs if ln.startswith("- `")) + ".", ""]
    code = example_call(e, lang)
    examples = []
    if code:
        lines += ["Example:", "", f"```{fence}", code, "```", ""]
        examples.append({"code": code, "language": lang, "sequence_type": None, "description": f"Example: {name}"})
    lines += see_also(e, lang)
    lines.append(footnote(e, lang))
    return Answer(text="\n".join(lines), code_examples=examples, confident=True, topic=e.key, subject="api:" + e.key)


def see_also(e: ApiEntry, lang: str) -> list[str]:
    from .glossary import SEE_ALSO
    from .pulseq_api import get_api

    api = get_api()
    items = []
    for key, why in SEE_ALSO.get(e.key, ()):
        other = api.get(key)
        name = name_of(other, lang) if other is not None else None
        if name:
            items.append(f"`{name}` ({why})")
    return ["See also: " + "; ".join(items) + ".", ""] if items else []


def opts_defaults() -> str:
    """The limits used when none are given, read from pypulseq (the MATLAB toolbox's defaults are the same)."""
    import pypulseq as pp

    o = pp.Opts()
    g = o.gamma
    return (f"Defaults when a value is not given (both toolboxes): maximum gradient {o.max_grad / g * 1e3:.0f} mT/m, "
            f"maximum slew rate {o.max_slew / g:.0f} T/m/s, gradient raster {o.grad_raster_time * 1e6:g} µs, RF raster "
            f"{o.rf_raster_time * 1e6:g} µs, ADC raster {o.adc_raster_time * 1e9:g} ns, block duration raster "
            f"{o.block_duration_raster * 1e6:g} µs, dead and ringdown times {o.rf_dead_time:g} s, gamma {g:.6g} Hz/T "
            f"(42.576 MHz/T), B0 {o.B0:g} T; MATLAB's `mr.opts` also has a maximum B1 of 20 µT ('maxB1', in "
            "'b1Unit'). Limits are stored in Hz/m and Hz/m/s whatever unit you give.")


def footnote(e: ApiEntry, lang: str) -> str:
    if is_matlab(lang):
        if e.python_name is None:
            return "---\n*Python (pypulseq): no equivalent.*\n"
        extra = f" (`{e.python_import}`)" if e.python_import else ""
        return f"---\n*Python (pypulseq): `{e.python_call}`{extra}*\n"
    if e.matlab_name is None:
        return "---\n*MATLAB: no equivalent in the MATLAB toolbox.*\n"
    return f"---\n*MATLAB: `{e.matlab_name}`*\n"


def _label(lang: str) -> str:
    return "MATLAB" if is_matlab(lang) else "pypulseq"


def _other_dialect(written: str, lang: str) -> bool:
    from .intent import dialect_of

    d = dialect_of(written)
    return d is not None and (d == "matlab") != is_matlab(lang)
