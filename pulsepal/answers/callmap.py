"""How one Pulseq call is written in the other toolbox: arguments by meaning, not by position.

MATLAB passes required arguments by position, then the system struct (optionally positional), then name/value
options; pypulseq takes keywords. The link between a MATLAB argument and a pypulseq parameter comes from the facts
file (matlab_facts.py), so `mr.makeExtendedTrapezoidArea('x', 0, g, A, sys)` becomes
`pp.make_extended_trapezoid_area(channel='x', grad_start=0, grad_end=g, area=A, system=system)` and back. Outputs
are matched by meaning too (`seq.calculateKspacePP` and `seq.calculate_kspace` return them in different orders).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .matlab_facts import MFunc
from .pulseq_api import ApiEntry

# Python functions that return a tuple, and how many values.
PY_OUTPUTS: dict[str, int] = {
    "calc_rf_center": 2, "calc_adc_segments": 2, "calc_ramp": 2, "make_extended_trapezoid_area": 3,
    "split_gradient": 3, "split_gradient_at": 2, "traj_to_grad": 2, "seq.calculate_kspace": 5,
    "seq.calculate_pns": 4, "seq.check_timing": 2, "seq.duration": 3, "seq.waveforms_and_times": 5,
}
# For each MATLAB output position, the Python output position (None: pypulseq has no such output).
OUTPUT_ORDER: dict[str, tuple[Optional[int], ...]] = {
    "seq.calculate_kspace": (0, 4, 1, None, 2, 3, None, None, None),
    "make_sinc_pulse": (0, 1, 2, None), "make_gauss_pulse": (0, 1, 2, None), "make_arbitrary_rf": (0, 1, 2, None),
    "make_adiabatic_pulse": (0, 1, 2, None), "make_block_pulse": (0, None),
}
VARARG_CALLS = frozenset({"calc_duration", "seq.add_block", "seq.set_block", "block_to_events"})
ALIGNMENTS = ("left", "center", "right")


@dataclass
class Arg:
    """One argument as written: `name` for keywords / recognised name-value pairs, `text` already translated."""

    text: str
    name: Optional[str] = None
    literal: Optional[str] = None  # the string value when the argument is a plain string literal


@dataclass
class Converted:
    call: str
    outputs: list[str] = field(default_factory=list)  # the left-hand side in the target language ("" = skipped)
    notes: list[str] = field(default_factory=list)


def option_spelling(name: str) -> str:
    """MATLAB option names are case-insensitive; we write them with a capital first letter, as the demos do."""
    if re.search(r"[_\d]", name) or name.startswith(("rf", "adc", "b0", "b1", "B0")) or name in _AS_WRITTEN:
        return name
    return name[:1].upper() + name[1:]


_AS_WRITTEN = frozenset({"use", "apodization", "centerpos", "type", "times", "amplitudes"})


def _returns_gz(e: ApiEntry) -> bool:
    return e.param("return_gz") is not None


def matlab_to_python(e: ApiEntry, f: MFunc, args: list[Arg], outs: list[str]) -> Converted:
    """`args` are the MATLAB arguments (already translated to Python expressions, with string literals known)."""
    notes: list[str] = []
    call = e.python_call or ""
    key = e.key
    if key == "align":
        return Converted(f"{call}({_align_kwargs(args)})", outs, notes)
    if key == "rotate":
        axis, angle, *events = args
        rest = [a.text for a in events if a.literal != "system" and a.text != "system"]
        sys_kw = ", system=system" if any(a.text == "system" for a in events) else ""
        return Converted(f"{call}({', '.join(rest)}, angle={angle.text}, axis={axis.text}{sys_kw})", outs, notes)
    if key in VARARG_CALLS or (f.varargin and not f.args):
        return Converted(f"{call}({', '.join(a.text for a in args)})", outs, notes)
    positional: list[Arg] = []
    named: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        a = args[i]
        opt = f.option(a.literal) or (f.arg(a.literal) if len(positional) >= _required(f) else None) \
            if a.literal else None
        if opt is not None and i + 1 < len(args):
            named.append((opt.name, args[i + 1].text))
            i += 2
            continue
        positional.append(a)
        i += 1
    kwargs: list[tuple[str, str]] = []
    system = False
    for slot, a in zip(f.args, positional, strict=False):
        py = f.python_of.get(slot.name)
        if slot.name.lower() in ("system", "sys"):
            system = True
            continue
        if py is None:
            notes.append(f"`{f.call}`'s argument `{slot.name}` has no pypulseq parameter; left out.")
            continue
        kwargs.append((py, a.text))
    for a in positional[len(f.args):]:
        notes.append(f"extra argument `{a.text}` of `{f.call}` left out.")
    for mname, value in named:
        py = f.python_of.get(mname)
        if mname.lower() == "system":
            system = True
        elif py is None:
            notes.append(f"`{f.call}`'s option '{mname}' has no pypulseq keyword; left out.")
        else:
            kwargs.append((py, value))
    if _returns_gz(e) and len(outs) > 1:
        kwargs.append(("return_gz", "True"))
    parts = [f"{k}={v}" for k, v in kwargs]
    if system and e.param("system") is not None:
        parts.append("system=system")
    if key == "Sequence" and system:
        parts = ["system=system"]
    py_outs = _outputs_to_python(e, outs, notes)
    return Converted(f"{call}({', '.join(parts)})", py_outs, notes)


def _required(f: MFunc) -> int:
    return sum(1 for a in f.args if a.required)


def _align_kwargs(args: list[Arg]) -> str:
    groups: dict[str, list[str]] = {}
    current = "left"
    for a in args:
        if a.literal in ALIGNMENTS:
            current = a.literal or "left"
            continue
        groups.setdefault(current, []).append(a.text)
    parts = []
    for spec, events in groups.items():
        value = events[0] if len(events) == 1 else "[" + ", ".join(events) + "]"
        parts.append(f"{spec}={value}")
    return ", ".join(parts)


def _outputs_to_python(e: ApiEntry, outs: list[str], notes: list[str]) -> list[str]:
    if len(outs) <= 1 and e.key not in PY_OUTPUTS:
        return outs
    count = PY_OUTPUTS.get(e.key) or (3 if _returns_gz(e) and len(outs) > 1 else len(outs))
    order = OUTPUT_ORDER.get(e.key)
    py = ["_"] * count
    for m_pos, name in enumerate(outs):
        p_pos = order[m_pos] if order and m_pos < len(order) else m_pos
        if p_pos is None or p_pos >= count:
            if name and name != "~":
                notes.append(f"pypulseq's `{e.python_call}` has no output for MATLAB's `{name}`; it is left out.")
            continue
        py[p_pos] = name if name != "~" else "_"
    return py  # Python unpacks every value, so the unused ones stay as `_`


def python_to_matlab(e: ApiEntry, f: MFunc, positional: list[str], keywords: list[tuple[str, str]],
                     outs: list[str]) -> Converted:
    """`positional`/`keywords` are the Python arguments already translated to MATLAB expressions."""
    notes: list[str] = []
    key = e.key
    parts: list[str] = []
    if key == "align":
        for spec, events in keywords:
            parts.append(f"'{spec}'")
            parts += _unlist(events)
        return Converted(f"{f.call}({', '.join(parts)})", outs, notes)
    if key == "rotate":
        kw = dict(keywords)
        parts = [kw.get("axis", "'z'"), kw.get("angle", "angle"), *positional]
        return Converted(f"{f.call}({', '.join(parts)})", outs, notes)
    if key in VARARG_CALLS or (f.varargin and not f.args):
        return Converted(f"{f.call}({', '.join(positional)})", outs, notes)
    given: dict[str, str] = {}
    names = [p.name for p in e.params if p.kind in ("positional", "keyword")]
    for name, text in zip(names, positional, strict=False):
        given[name] = text
    given.update(keywords)
    open_slots = True
    used: set[str] = set()
    for slot in f.args:
        py = "system" if slot.name.lower() in ("system", "sys") else f.python_of.get(slot.name)
        value = given.get(py) if py else None
        if py:
            used.add(py)
        if slot.required:
            parts.append(value if value is not None else slot.name)
        elif value is not None and open_slots:
            parts.append(value)
        elif value is not None:
            parts += [f"'{slot.name}'", value]
        else:
            open_slots = False
    for py, value in given.items():
        if py in used or py == "return_gz":
            continue
        m = f.matlab_for(py)
        if m is None:
            notes.append(f"pypulseq's `{py}=` has no option in `{f.call}`; left out.")
            continue
        parts += [f"'{option_spelling(m)}'", value]
    m_outs = outs
    if key in OUTPUT_ORDER or key in PY_OUTPUTS:
        m_outs = _outputs_to_matlab(e, f, outs)
    return Converted(f"{f.call}({', '.join(parts)})", m_outs, notes)


def _outputs_to_matlab(e: ApiEntry, f: MFunc, outs: list[str]) -> list[str]:
    order = OUTPUT_ORDER.get(e.key)
    if not order:
        return outs
    m = ["~"] * len(order)
    for m_pos, p_pos in enumerate(order):
        if p_pos is not None and p_pos < len(outs):
            m[m_pos] = outs[p_pos] if outs[p_pos] != "_" else "~"
    while m and m[-1] == "~":
        m.pop()
    return m


def _unlist(value: str) -> list[str]:
    v = value.strip()
    if v.startswith("[") and v.endswith("]"):
        inner = v[1:-1].strip()
        return [x.strip() for x in re.split(r",\s*", inner) if x.strip()] if inner else []
    return [v]
