"""Answers that move Pulseq code or a name from one toolbox to the other: the translated code in a fence with what
could not be mapped, or a name's two spellings above its reference page in the target language.

Kept apart from the responder's routing (offline.py) because they only render: which request is a translation is
decided by intent.py, how statements map by translate.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .checker import Checker, format_findings
from .render_api import name_of, render
from .types import Answer, is_matlab, lang_label

if TYPE_CHECKING:
    from .intent import Intent
    from .pulseq_api import ApiEntry
    from .search import NameHit
    from .translate import Translator


def name(hit: "NameHit", target: str) -> Answer:
    """"python version of mr.makeTrapezoid": both spellings, then the page in the target language."""
    e: "ApiEntry" = hit.entry
    lines = []
    if hit.invented:
        lines += [f"> `{hit.written}` does not exist in Pulseq; it presumably means `{name_of(e, target)}`.", ""]
    lines += ["| MATLAB | Python (pypulseq) |", "|---|---|",
              f"| `{e.matlab_name or '(none)'}` | `{e.python_call or '(none)'}` |", ""]
    body = render(e, target, "overview")
    body.text = "\n".join(lines) + "\n" + body.text
    return body


def code(translator: "Translator", checker: Checker, intent: "Intent") -> Answer:
    """The pasted code in the other toolbox; not a confident answer when a name could not be mapped."""
    src = intent.code_lang or "matlab"
    result = translator.translate(intent.code, src)
    target_lang = intent.lang if result.target == ("matlab" if is_matlab(intent.lang) else "python") else (
        result.target)
    fence = "python" if result.target == "python" else "matlab"
    text = [f"### {lang_label(target_lang)} version", "", f"```{fence}", result.code.rstrip(), "```", ""]
    if result.notes:
        text += ["Notes:", *[f"- {n}" for n in result.notes], ""]
    findings = checker.check(result.code, fence)
    if findings:
        text += ["Names I could not map:", format_findings(findings), ""]
    text.append("Translated statement by statement: arguments by their meaning (positional, name/value and "
                "keyword), outputs by position, indexing and loops converted; review loops and indexing.")
    return Answer(text="\n".join(text) + "\n", confident=not findings, topic=result.topic,
                  subject=("api:" + result.topic) if result.topic else None,
                  code_examples=[{"code": result.code, "language": target_lang, "sequence_type": None,
                                  "description": "Translated code"}])
