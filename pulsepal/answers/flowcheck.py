"""Checks of what a snippet does with its events: an event made and never put in a block is not in the sequence.

The name, argument and usage checks judge each call on its own line; none of them notices that the excitation was
made and then never added (`seq.add_block(gx, adc)` with no `rf` anywhere), a mistake that builds without an error
and gives no signal. Judged only when the snippet is a whole script (it adds blocks and then writes, checks or plots
the sequence; an excerpt may use its events in lines not shown), and only for events whose variable is never used
again anywhere in it, so a finding is as certain as a misspelt name.
"""

from __future__ import annotations

import re

from .codeparse import numbered_lines
from .types import Finding

_ADD = re.compile(r"\b\w+\.(?:add_block|addBlock)\s*\(")
_END = re.compile(r"\b\w+\.(?:write|check_timing|checkTiming|plot|write_v141)\b")
# `rf = pp.make_block_pulse(...)`, `[rf, gz] = mr.makeSincPulse(...)`, `rf, gz, _ = pp.make_sinc_pulse(...)`
_MAKE = re.compile(r"^\s*\[?\s*([A-Za-z_]\w*)\s*(?:[,\s]\s*[\w~]+\s*)*\]?\s*=\s*(?:pp|mr|pypulseq)\.(make_?\w+)\s*\(")
_NOT_EVENTS = re.compile(r"^make_?(sigpy_pulse|extended_trapezoid_area)$|^makeExtendedTrapezoidArea$", re.I)


def _strip(line: str, lang: str) -> str:
    line = re.sub(r"'[^'\n]*'|\"[^\"\n]*\"", "''", line)
    return line.split("#" if lang == "python" else "%", 1)[0]


def check_flow(code: str, lang: str) -> list[Finding]:
    """An event variable made by a Pulseq `make` call and never used again, in a snippet that adds blocks."""
    lines = [_strip(ln, lang) for ln in code.splitlines()]
    adds = [n for n, ln in enumerate(lines) if _ADD.search(ln)]
    if not adds or not any(_END.search(ln) for ln in lines[adds[-1]:]):
        return []
    add = "seq.add_block" if lang == "python" else "seq.addBlock"
    out: list[Finding] = []
    for n, line in enumerate(lines, 1):
        m = _MAKE.match(line)
        if not m or _NOT_EVENTS.match(m.group(2)):
            continue
        var = m.group(1)
        word = re.compile(rf"(?<![\w.]){re.escape(var)}\b")
        used = any(word.search(other) for k, other in enumerate(lines, 1) if k != n) or \
            len(word.findall(line)) > 1
        if not used:
            out.append(Finding(var, n, "never_added",
                               f"`{var}` is made but never used: it is not in any block, so the sequence does not "
                               f"play it (add it with `{add}({var}, ...)` where it belongs).", None))
    return out


_SYSTEM = re.compile(r"^\s*(\w+)\s*=\s*(?:pp\.Opts|pypulseq\.Opts|Opts|mr\.opts)\s*\(")
_MAKER = re.compile(r"\b(?:pp|mr|pypulseq)\.(make_?[A-Za-z]\w*)\s*\(")
# makers that take no system limits, or whose limits do not change what they make
_NO_SYSTEM = re.compile(r"^make_?(delay|label|soft_?delay|trigger|digital_?output_?pulse|sigpy_?pulse|rotation)$", re.I)


def check_system(code: str, lang: str) -> list[Finding]:
    """An event made without the system limits the snippet defines and passes to its other events: it is built
    with the toolbox's defaults (40 mT/m, 170 T/m/s, no dead times), not the scanner's."""
    lines = [(n, _strip(text, lang)) for n, text in numbered_lines(code, lang)]
    names = {m.group(1) for _, text in lines if (m := _SYSTEM.match(text))}
    if not names:
        return []
    word = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, sorted(names))) + r")\b")
    calls = []
    for n, text in lines:
        for m in _MAKER.finditer(text):
            if _NO_SYSTEM.match(m.group(1)):
                continue
            depth, end = 0, len(text)
            for i in range(m.end() - 1, len(text)):
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                if depth == 0:
                    end = i
                    break
            calls.append((n, m.group(0).rstrip("( "), bool(word.search(text[m.end():end]))))
    if not any(given for _, _, given in calls):
        return []  # the snippet never passes its limits: a habit, not one call that forgot them
    sys_name = sorted(names)[0]
    how = f"system={sys_name}" if lang == "python" else f"'system', {sys_name}"
    return [Finding(call, n, "missing_system",
                    f"`{call}` is made without `{sys_name}`, so it uses the toolbox's default limits (40 mT/m, "
                    f"170 T/m/s, no dead times) instead of yours; pass `{how}` as the other calls do.", how)
            for n, call, given in calls if not given]
