"""A pasted system-limits line with a question about it: "system = pp.Opts(max_grad=32, grad_unit='mT/m', ...)
— with these limits, how long is the shortest ramp to 30 mT/m?".

The line is code, so the question used to go to the code check (several lines) or to the `pp.Opts` page (one
line), and what was asked was lost. A settings line is context, like the settings panel's scanner limits: the
question is answered on its own with the pasted limits taken as the scanner's (the calculators, the filled-in
system objects), and a real mistake in the line is still reported under the answer.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Optional

from . import chat_limits, value_math
from .checkreport import check_answer
from .intent import _CHECK, Intent, detect
from .types import Answer, AnswerRequest

_SETTINGS_LINE = re.compile(r"^\s*(?:[\w.]+\s*=\s*)?(?:pp|mr|pypulseq)\.(?:Opts|opts)\s*\((?:[^()]|\([^()]*\))*\)\s*;?"
                            r"\s*(?:(?:#|%).*)?$")
# "is this line right?", "does it look ok?": the line itself is what is asked about (the code check answers)
_ABOUT_LINE = re.compile(r"\b(line|code|this|it|snippet|call|syntax)\b.{0,20}\b(correct|right|ok|okay|fine|valid|"
                         r"good)\b", re.I)
_ASKS = re.compile(r"\?|\b(how|what|which|can|could|is|are|does|do|will|would|should|when|where|why)\b", re.I)
# (Python keyword, MATLAB option, unit keyword, MATLAB unit option, what the knowledge calls it, its unit there)
_LIMITS = (("max_grad", "maxgrad", "grad_unit", "gradunit", "max grad", "mT/m", value_math._GRAD_UNITS, "hz/m"),
           ("max_slew", "maxslew", "slew_unit", "slewunit", "max slew", "T/m/s", value_math._SLEW_UNITS, "hz/m/s"))


def _pasted_limits(code: str) -> tuple[list[str], list[str]]:
    """(knowledge lines, notes): each limit of the line in the knowledge's units; a note for a limit given without
    its unit, which the toolbox reads as Hz/m (Hz/m/s), not the mT/m (T/m/s) the number looks like."""
    low, matlab = code.lower(), "mr." in code
    lines, notes = [], []
    for py, ml, py_unit, ml_unit, name, unit, table, internal in _LIMITS:
        value = value_math._setting(low, py, ml)
        if value is None:
            continue
        written = value_math._unit(low, py_unit, ml_unit)
        factor = table.get(written or internal)
        if factor is None:
            continue
        target = table[unit.lower()]
        if written is None and float(value) < 1e4:  # 32 Hz/m is no scanner's limit: the number is in `unit`
            option = f"'{ml_unit[:4]}Unit', '{unit}'" if matlab else f"{py_unit}='{unit}'"
            notes.append(f"`{ml if matlab else py}` is given as {value} with no unit: the toolbox reads it as "
                         f"**{value} {internal.replace('hz', 'Hz')}** ({float(value) * factor / target:.3g} {unit}), "
                         f"surely not what you mean; the figures here take it as {value} {unit}: give the unit "
                         f"(`{option}`).")
            factor = target
        lines.append(f"{name} {float(value) * factor / target:.6g} {unit}")
    return lines, notes


def answered(responder: Any, req: AnswerRequest, intent: Intent) -> Optional[Answer]:
    """The answer to the question asked beside a pasted settings line, with that line's limits as the scanner's;
    None when the code is not one settings line, or the words ask to check it rather than something else.
    `responder` is the offline responder: the question, without the line, is answered as it answers any."""
    if not intent.code.strip():  # no pasted line: limits the chat's first message gave are context the same way
        return chat_limits.answered(responder, req, intent)
    lines = [ln for ln in intent.code.strip().splitlines() if ln.strip()]
    code = "\n".join(ln for ln in lines if _SETTINGS_LINE.match(ln))
    words = [ln for ln in lines if not _SETTINGS_LINE.match(ln)]
    if any(re.search(r"[=;]|\w\(", ln) for ln in words):
        return None  # more code than the settings line: a script to check
    prose = " ".join([intent.prose.strip(), *words]).strip()  # a question pasted under the line belongs to it
    if len(code.splitlines()) != 1 or _CHECK.search(prose) or _ABOUT_LINE.search(prose) or not _ASKS.search(prose) \
            or len(prose.split()) < 3:
        return None
    if value_math.opts_stored(code + "\n" + prose, "mr." in code):
        return None  # "what does system.max_grad hold afterwards?": about the line itself, which the check answers
    intent = dataclasses.replace(intent, code=code, prose=prose)
    limits, notes = _pasted_limits(code)
    if not limits:
        return None
    knowledge = "\n".join(x for x in ((req.sequence_knowledge or "").strip(), *limits) if x)
    asked = dataclasses.replace(req, query=intent.prose.strip(), sequence_knowledge=knowledge)
    ans = responder._answer(asked, detect(asked.query, intent.lang, responder.index))
    head = f"*With the limits of your pasted line: {', '.join(limits)}.*\n\n" + "".join(f"> {n}\n\n" for n in notes)
    findings = responder.checker.check(code, intent.code_lang or None)
    tail = ""
    if findings:  # the question is answered, and a real mistake in the line is still said
        tail = "\n\n**In your pasted line:**\n\n" + check_answer(responder.checker, responder.index, intent).text
    ans.text = head + ans.text.rstrip("\n") + tail
    ans.route = "settings_question"
    return ans

