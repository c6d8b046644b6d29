"""Checks of what a snippet does with its events: an event made and never put in a block is not in the sequence.

The name, argument and usage checks judge each call on its own line; none of them notices that the excitation was
made and then never added (`seq.add_block(gx, adc)` with no `rf` anywhere), a mistake that builds without an error
and gives no signal. Only RF pulses and readouts are judged (a spare gradient is not a mistake: the MATLAB TSE demo
makes one it never plays), only when the snippet is a whole script (it adds blocks and then writes, checks or plots
the sequence; an excerpt may use its events in lines not shown), and only for events whose variable is never used
again anywhere in it, so a finding is as certain as a misspelt name.
"""

from __future__ import annotations

import re

from .types import Finding

_ADD = re.compile(r"\b\w+\.(?:add_block|addBlock)\s*\(")
_END = re.compile(r"\b\w+\.(?:write|check_timing|checkTiming|plot|write_v141)\b")
# `rf = pp.make_block_pulse(...)`, `[rf, gz] = mr.makeSincPulse(...)`, `rf, gz, _ = pp.make_sinc_pulse(...)`
_MAKE = re.compile(r"^\s*\[?\s*([A-Za-z_]\w*)\s*(?:[,\s]\s*[\w~]+\s*)*\]?\s*=\s*(?:pp|mr|pypulseq)\.(make_?\w+)\s*\(")
# only the events a sequence cannot do without: an excitation or a readout made and left out is a mistake; an unused
# gradient is often a spare one (the MATLAB TSE demo makes one it never plays), so it is not judged
_ESSENTIAL = re.compile(r"^make_?(\w*pulse|arbitrary_?rf|adc)$", re.I)


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
        if not m or not _ESSENTIAL.match(m.group(2)):
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



_WHOLE = re.compile(r"\b(?:pp|mr|pypulseq)\.Sequence\s*\(|^\s*seq\s*=\s*Sequence\s*\(", re.M)
_ADD_ARGS = re.compile(r"\b\w+\.(?:add_block|addBlock)\s*\(([^()]*(?:\([^()]*\)[^()]*)*)\)")


def _assigned(lines: list[str], lang: str) -> set[str]:
    names: set[str] = set()
    for line in lines:
        m = re.match(r"^\s*\[?([\w\s,~]+?)\]?\s*=(?!=)", line)
        if m:
            names |= set(re.findall(r"[A-Za-z_]\w*", m.group(1)))
        names |= set(re.findall(r"\bfor\s+\(?([A-Za-z_][\w\s,]*?)\)?\s*(?:in\b|=)", line)[0].replace(" ", "").split(",")
                     if re.search(r"\bfor\s+\(?[A-Za-z_][\w\s,]*?\)?\s*(?:in\b|=)", line) else [])
        names |= set(re.findall(r"\bas\s+([A-Za-z_]\w*)", line))
        m = re.match(r"^\s*(?:def|function)\b[^(]*\(([^)]*)\)", line)
        if m:
            names |= set(re.findall(r"[A-Za-z_]\w*", m.group(1)))
        m = re.match(r"^\s*(?:from\s+\S+\s+)?import\s+(.+)$", line)
        if m:
            names |= set(re.findall(r"[A-Za-z_]\w*", m.group(1)))
        names |= set(re.findall(r"\b([A-Za-z_]\w*)\s*(?:\([^()]*\))?\.\w+\s*=(?!=)", line))  # rf.name = ...
    return names


def check_undefined(code: str, lang: str) -> list[Finding]:
    """A whole script (it makes the Sequence, adds blocks and writes, checks or plots them) that adds an event
    never assigned anywhere in it: `seq.add_block(rf, gz)` after `rf = pp.make_sinc_pulse(...)` without
    `return_gz=True` has no `gz` (NameError; MATLAB: undefined variable)."""
    lines = [_strip(ln, lang) for ln in code.splitlines()]
    if not _WHOLE.search("\n".join(lines)) or not any(_END.search(ln) for ln in lines):
        return []  # a whole script makes its Sequence and writes, checks or plots it
    # a name assigned in a comment too ("% Python: diff = ..." where a translation left a statement as it was):
    # staying quiet there costs nothing, a false "undefined" would
    known = _assigned(lines, lang) | set(re.findall(r"\b([A-Za-z_]\w*)\s*=(?!=)", code))
    out: list[Finding] = []
    seen: set[str] = set()
    for n, line in enumerate(lines, 1):
        for m in _ADD_ARGS.finditer(line):
            for arg in (a.strip().lstrip("*") for a in m.group(1).split(",")):
                if re.fullmatch(r"[A-Za-z_]\w*", arg) and arg not in known and arg not in seen and arg not in (
                        "True", "False", "None", "pi", "sys", "system"):
                    seen.add(arg)
                    gz = lang == "python" and arg.startswith("gz") and re.search(
                        r"make_\w*pulse\((?![^)]*return_gz)[^)]*slice_thickness", "\n".join(lines))
                    why = (" the pulse is made with a slice thickness but without `return_gz=True`, so it returns "
                           "only the RF event: `rf, gz, gzr = ...(..., return_gz=True)`" if gz else
                           " make it first, or check the outputs of the call that should return it")
                    out.append(Finding(arg, n, "undefined",
                                       f"`{arg}` is added to a block but never made in this script "
                                       f"({'NameError' if lang == 'python' else 'undefined variable'}):{why}.",
                                       "return_gz=True" if gz else None))
    return out


_WRITE = re.compile(r"\b\w+\.(?:write|write_v141)\s*\(")
_FILE_WORDS = re.compile(r"\.seq\b|\b(files?|scanner|export\w*|sav(e|ed|ing)|writ(e|es|ten|ing)|output|interpreter|"
                         r"run it|load it)\b", re.I)


def check_write(code: str, lang: str, prose: str) -> list[Finding]:
    """A script that builds a sequence never writes it, and the user asks about the file or the scanner: there is
    no .seq file until `seq.write` is called. And one that makes events and writes a sequence it never adds a block
    to."""
    lines = [_strip(ln, lang) for ln in code.splitlines()]
    text = "\n".join(lines)
    adds = [n for n, ln in enumerate(lines, 1) if _ADD.search(ln)]
    made = _WHOLE.search(text)
    if adds and made and not _WRITE.search(text) and _FILE_WORDS.search(prose):
        call = "seq.write('my_sequence.seq')" if lang == "python" else "seq.write('my_sequence.seq');"
        return [Finding("seq.write", adds[-1], "missing_write",
                        f"the sequence is built but never written: there is no .seq file until you call `{call}` "
                        "after the last block.", call)]
    # blocks also come from a file read in, or from a helper the sequence is handed to
    filled = re.search(r"\.read\s*\(|[(,]\s*seq\w*\s*[,)]", text)
    events = any(_MAKE.match(ln) for ln in lines)  # events made, none of them in a block
    if made and events and _WRITE.search(text) and not adds and not filled:
        add = "seq.add_block" if lang == "python" else "seq.addBlock"
        line = next(n for n, ln in enumerate(lines, 1) if _WRITE.search(ln))
        return [Finding("seq.write", line, "no_blocks",
                        f"no block is ever added, so the file written is an empty sequence: put the events in "
                        f"blocks with `{add}(...)` before writing.", add)]
    return []
