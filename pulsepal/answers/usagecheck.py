"""Checks of how a Pulseq call is used, beyond its spelling: the mistakes that raise although every name is real.

The name and argument checkers answer "does this name exist?". Code people bring also fails with real names:
more outputs unpacked than the function returns, a slice-select gradient asked for without a slice thickness, a
trapezoid given a flat-top area but no flat-top time, an ADC given both its dwell and its duration, a string in a
numeric positional slot (MATLAB's argument order used in pypulseq), two gradients on one axis in one block. Each
rule mirrors a check the toolbox itself makes (the error it raises is named in the message), so a finding here is
something the code will really hit, never a style opinion.
"""

from __future__ import annotations

import inspect
import re
import typing
from typing import Optional

from .argcheck import _calls, _outputs
from .codeparse import Tok, join, matching, numbered_lines, sequence_variables, strip, tokenize
from .pulseq_api import ApiEntry, PulseqApi
from .types import Finding

# functions whose second output is a slice-select gradient that needs the slice thickness (both toolboxes assert it)
_SELECTIVE = {"make_sinc_pulse", "make_gauss_pulse", "make_arbitrary_rf", "make_adiabatic_pulse", "make_sigpy_pulse"}
_GRADIENTS = {"make_trapezoid", "make_extended_trapezoid", "make_arbitrary_grad", "make_extended_trapezoid_area"}
_STRING = re.compile(r"^[rRbBfF]?(['\"]).*\1$")
_NUMERIC = re.compile(r"^(Optional\[)?(float|int|Union\[float, int\]|Union\[int, float\])\]?$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


# the kinds of finding these rules report (a name is real, its use is not)
USAGE_PROBLEMS = frozenset({"output_count", "missing_argument", "argument_conflict", "argument_order", "same_axis"})
_SYSTEM_NAMES = {"sys", "system", "lims", "opts", "limits"}


def _matlab_slot_is_system(e: ApiEntry, i: int) -> bool:
    """In MATLAB this position takes the system struct (or nothing): a number there is a carried-over habit of
    passing values by position, which pypulseq reads as whatever parameter comes next in its own order."""
    m = e.matlab
    if m is None:
        return False
    return i >= len(m.args) or m.args[i].name.lower() in ("system", "sys")


def _returns(func) -> Optional[int]:
    """How many values a pypulseq function returns, when its annotation says so exactly (a Tuple of n)."""
    try:
        ann = inspect.signature(func).return_annotation
    except (TypeError, ValueError):
        return None
    if ann is inspect.Signature.empty:
        return None
    origin = typing.get_origin(ann)
    if origin is tuple:
        args = [a for a in typing.get_args(ann) if a is not Ellipsis]
        return len(args) if Ellipsis not in typing.get_args(ann) else None
    if origin is None and getattr(ann, "__name__", "") == "SimpleNamespace":
        return 1
    return None


class UsageChecker:
    def __init__(self, api: PulseqApi):
        self.api = api
        import pypulseq

        self.returns = {e.key: _returns(getattr(pypulseq, e.python_name, None)) for e in api.entries
                        if e.kind == "function" and e.python_name and callable(getattr(pypulseq, e.python_name, None))}

    def check(self, code: str, lang: str) -> list[Finding]:
        seq_vars = sequence_variables(code)
        channels: dict[str, str] = {}
        out: list[Finding] = []
        for lineno, line in numbered_lines(code, lang):
            toks = [t for t in tokenize(line, lang) if t.kind != "comment"]
            outs = _outputs(toks, lang)
            whole = _whole_call(toks)
            for ns, name, args, _ in _calls(toks, lang, seq_vars):
                e = self.api.called(ns, name, lang)
                if e is None:
                    continue
                texts = [join(a).strip() for a in args]
                mine = outs if whole == name else []
                if lang == "python":
                    out += self._python(e, texts, mine, lineno)
                else:
                    out += self._matlab(e, texts, mine, lineno)
                if e.key in ("seq.add_block",):
                    out += _same_axis(texts, channels, lang, lineno)
                if whole == name and e.key in _GRADIENTS | _SELECTIVE and outs:
                    _remember(e, texts, outs, channels, lang)
        return out

    # --- pypulseq -------------------------------------------------------------------------------------------------

    def _python(self, e: ApiEntry, texts: list[str], outs: list[str], line: int) -> list[Finding]:
        out: list[Finding] = []
        # a misspelt keyword (flatArea=) is reported by the argument check; here it counts as the one it means
        spelled = {p.name.replace("_", "").lower(): p.name for p in e.params}
        kw = {spelled.get(m.group(1).replace("_", "").lower(), m.group(1)): m.group(2).strip() for t in texts
              if (m := re.match(r"^(\w+)\s*=(?!=)\s*(.*)$", t, re.S))}
        positional = [t for t in texts if not re.match(r"^\w+\s*=(?!=)", t) and not t.startswith("*")]
        call = e.python_call or e.key
        params = [p for p in e.params if p.kind in ("positional", "keyword")]
        if not any(p.kind == "var_positional" for p in e.params):
            for i, text in enumerate(positional[:len(params)]):
                p = params[i]
                if _STRING.match(text) and _NUMERIC.match(p.annotation) and p.name != "channel":
                    out.append(self._positional(e, positional, i, line, f"a string ({text}) lands on `{p.name}`",
                                                matlab_order=True))
                    break
                if p.name == "channel" and _NUMBER.match(text):
                    out.append(self._positional(e, positional, i, line, f"a number ({text}) lands on `channel`"))
                    break
                if i and p.name != "system" and text.lower() in _SYSTEM_NAMES:
                    out.append(self._positional(e, positional, i, line,
                                                f"`{text}` lands on `{p.name}`; the system goes in `system=`"))
                    break
                if i and p.default is not None and _NUMBER.match(text) and _matlab_slot_is_system(e, i):
                    taken = ", ".join(f"`{v}` as `{q.name}`" for v, q in zip(positional[i:], params[i:], strict=False))
                    out.append(self._positional(e, positional, i, line, f"it takes {taken}"))
                    break
        n = self.returns.get(e.key)
        if e.key in _SELECTIVE and kw.get("return_gz") == "True":
            n = 3
            thick = kw.get("slice_thickness")
            if thick is None or _NUMBER.match(thick) and float(thick) == 0:
                out.append(Finding(call, line, "missing_argument",
                                   f"`{call}` with `return_gz=True` needs `slice_thickness=` (it raises 'Slice "
                                   "thickness must be provided'): the gradient's amplitude comes from it.",
                                   "slice_thickness="))
        if n is not None and len(outs) > 1 and len(outs) != n:
            names = ", ".join(outs)
            msg = (f"`{call}` returns {n} value{'s' if n > 1 else ''}, and `{names} = ...` unpacks {len(outs)} "
                   f"(Python raises 'too many values to unpack' or 'not enough values').")
            fix = ", ".join(outs[:n] + ["_"] * (n - len(outs))) if n > 1 else outs[0]
            if e.key in _SELECTIVE and n == 3:
                fix = ", ".join((outs + ["gzr"])[:3])
            out.append(Finding(f"{names} =", line, "output_count", msg, f"{fix} = {call}(...)"))
        if e.key == "make_trapezoid" and texts:
            out += _trapezoid(set(kw), len(positional) > 1, call, line, python=True)
        if e.key == "make_adc":
            out += _adc(set(kw), call, line, python=True)
        return out

    def _positional(self, e: ApiEntry, positional: list[str], at: int, line: int, what: str,
                    matlab_order: bool = False) -> Finding:
        call = e.python_call or e.key
        order = [p.name for p in e.params if p.kind in ("positional", "keyword")]
        fix = None
        m = e.matlab
        if matlab_order and m is not None and len(positional) <= len(m.args) and m.python_of:
            mapped = [m.python_of.get(a.name) for a in m.args[:len(positional)]]
            if all(mapped):
                fix = f"{call}(" + ", ".join(f"{p}={v}" for p, v in zip(mapped, positional, strict=False)) + ", ...)"
        elif positional[at].lower() in _SYSTEM_NAMES:
            head = [f"{p}={v}" for p, v in zip(order, positional[:at], strict=False)]
            fix = f"{call}(" + ", ".join(head + [f"system={positional[at]}"]) + ")"
        shown = ", ".join(order[:5]) + (", ..." if len(order) > 5 else "")
        msg = f"`{call}` takes its arguments in the order ({shown}): {what}. Pass them by keyword."
        if fix and matlab_order:
            msg += " (That is the MATLAB toolbox's order.)"
        return Finding(call, line, "argument_order", msg, fix)

    # --- MATLAB -------------------------------------------------------------------------------------------------

    def _matlab(self, e: ApiEntry, texts: list[str], outs: list[str], line: int) -> list[Finding]:
        f = e.matlab
        assert f is not None
        out: list[Finding] = []
        names = {t.strip("'\"").lower() for t in texts if _STRING.match(t)} - {"x", "y", "z"}
        if outs and f.outputs and f.outputs != ("varargout",) and len(outs) > len(f.outputs):
            out.append(Finding(f"[{', '.join(outs)}] =", line, "output_count",
                               f"`{f.call}` has {len(f.outputs)} output{'s' if len(f.outputs) > 1 else ''} "
                               f"([{', '.join(f.outputs)}]); asking for {len(outs)} is MATLAB's 'Too many output "
                               "arguments' error.", f"[{', '.join(outs[:len(f.outputs)])}] = {f.call}(...)"))
        if e.key in _SELECTIVE and len(outs) > 1 and "slicethickness" not in names:
            out.append(Finding(f.call, line, "missing_argument",
                               f"asking `{f.call}` for the slice-select gradient (a second output) needs "
                               "'SliceThickness' (it asserts 'SliceThickness must be provided').", "'SliceThickness'"))
        if e.key == "make_trapezoid" and texts:
            out += _trapezoid({n.replace("flatarea", "flat_area").replace("flattime", "flat_time") for n in names},
                              False, f.call, line, python=False)
        if e.key == "make_adc":
            out += _adc(names, f.call, line, python=False)
        return out


def _trapezoid(given: set[str], amplitude_positional: bool, call: str, line: int, python: bool) -> list[Finding]:
    area, flat_area, flat_time = ("area", "flat_area", "flat_time")
    amp = "amplitude" in given or amplitude_positional
    fa, ft = ("flat_area=", "flat_time=") if python else ("'FlatArea'", "'FlatTime'")
    if flat_area in given and flat_time not in given and "duration" not in given:
        return [Finding(call, line, "missing_argument",
                        f"`{call}` with {fa} but no {ft}: the flat-top area needs the flat-top time to give an "
                        "amplitude (the toolbox raises invalidArguments).", "flat_time" if python else "FlatTime")]
    if flat_time in given and not (amp or flat_area in given):
        return [Finding(call, line, "missing_argument",
                        f"`{call}` with {ft} needs {fa} or the amplitude as well.",
                        "flat_area" if python else "FlatArea")]
    if not (amp or area in given or flat_area in given) and "duration" in given and \
            given <= {"channel", "system", "delay", "duration"}:
        return [Finding(call, line, "missing_argument",
                        f"`{call}` with only a duration needs one of area, flat area or amplitude ('Must supply "
                        "either ...').",
                        "area" if python else "'Area'")]
    return []


def _adc(given: set[str], call: str, line: int, python: bool) -> list[Finding]:
    dwell, duration = "dwell" in given, "duration" in given
    if dwell and duration:
        return [Finding(call, line, "argument_conflict",
                        f"`{call}` takes either the dwell time or the duration, not both (it raises 'Either dwell "
                        "or duration must be defined'); keep one of them.", None)]
    return []


def _whole_call(toks: list[Tok]) -> Optional[str]:
    """The called name when a statement's right-hand side is exactly one call (`a, b = ns.name(...)`)."""
    t = strip(toks)
    eq = next((i for i, x in enumerate(t) if x.kind == "op" and x.text == "="), -1)
    rhs = [x for x in t[eq + 1:] if x.kind != "ws"] if eq > 0 else []
    while rhs and rhs[-1].text == ";":
        rhs.pop()
    if len(rhs) >= 5 and rhs[0].kind == "name" and rhs[1].text == "." and rhs[2].kind == "name" and \
            rhs[3].text == "(" and matching(rhs, 3) == len(rhs) - 1:
        return rhs[2].text
    return None


def _channel_of(e: ApiEntry, texts: list[str], lang: str) -> Optional[str]:
    for t in texts:
        m = re.match(r"^(?:channel\s*=\s*)?['\"]([xyz])['\"]$", t)
        if m and (lang == "matlab" or t.startswith("channel") or texts.index(t) == 0):
            return m.group(1)
    return None


def _remember(e: ApiEntry, texts: list[str], outs: list[str], channels: dict[str, str], lang: str) -> None:
    for name in outs:
        channels.pop(name, None)
    if e.key in _SELECTIVE:
        if len(outs) > 1 and outs[1] not in ("_", "~"):
            channels[outs[1]] = "z"
        return
    ch = _channel_of(e, texts, lang)
    if ch and outs[0] not in ("_", "~"):
        channels[outs[0]] = ch


def _same_axis(texts: list[str], channels: dict[str, str], lang: str, line: int) -> list[Finding]:
    seen: dict[str, str] = {}
    for t in texts:
        ch = channels.get(t)
        if ch is None:
            continue
        if ch in seen:
            add = "pp.add_gradients" if lang == "python" else "mr.addGradients"
            return [Finding(t, line, "same_axis",
                            f"`{seen[ch]}` and `{t}` are both on the {ch} axis; a block holds one gradient per "
                            f"axis (the toolbox refuses the block): put them in consecutive blocks, or merge them "
                            f"with `{add}` first.", add)]
        seen[ch] = t
    return []
