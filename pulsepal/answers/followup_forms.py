"""What a short follow-up asks of the subject it keeps: "default for that?", "what units does it use?".

The follow-up route re-renders the previous subject, which holds the answer only when the page happens to say it:
a function whose arguments are all required never says "default", a template's defaults are its parameter block,
and "what units?" with no quantity named was answered "I have no recorded fact about the unit you ask for". The
matrix (eval/answers/matrix.py) showed these as whole columns failing, for templates, notes and functions alike.
Each form here adds the line that answers it on top of the page, from facts the page is built on.
"""

from __future__ import annotations

import re
from typing import Optional

from .pulseq_api import ApiEntry, PulseqApi
from .render_api import name_of, render
from .types import Answer, is_matlab

_DEFAULTS = re.compile(r"\bdefaults?\b", re.I)
# "what units does it use?", "which units?", "in what units?": units in general, no quantity named
_UNITS = re.compile(r"^\W*(?:(?:and|so|ok(?:ay)?),?\s+)?(?:what|which|in what|in which)\s+units?\b(?:\s+(?:does|do|is|"
                    r"are)\s+(?:it|that|this|they)\s+(?:use|take|expect|in|work in))?\W*$|^\W*units\W*$", re.I)
_PARAM_BLOCK = re.compile(r"^[#%] --- parameters ---\n(?P<body>(?:.+\n)+?)\n", re.M)


def finish_followup(ans: Answer, prose: str, subject: Optional[str], api: PulseqApi, lang: str,
                    history: Optional[list[dict]] = None) -> Answer:
    """`ans` (a follow-up answer about `subject`) with the line the follow-up's form asks for on top; "why?",
    "is that correct?" and "tell me more" get an answer of their own (followup_explain.py)."""
    from .followup_explain import reply

    own = reply(prose, subject, history or [], api, lang)
    if own is not None:
        return own
    kind, _, ref = (subject or "").partition(":")
    if _UNITS.search(prose):
        entry = _entry_of(api, ans, kind, ref)
        if entry is not None:
            page = ans if "Parameters:" in ans.text else render(entry, lang, "params")
            page.text = units_line(entry, lang) + "\n\n" + page.text
            page.confident, page.route = True, "followup_units"
            return page
        if kind == "template":
            ans.text = ("*The template works in SI units: lengths in metres, times in seconds, the flip angle in "
                        "degrees (turned into radians for the pulse), gradient limits in mT/m and T/m/s.*\n\n"
                        + ans.text)
        return ans
    if not _DEFAULTS.search(prose) or re.search(r"\bdefault\b", ans.text.split("\n---\n")[0], re.I):
        return ans
    if kind == "template":
        block = _PARAM_BLOCK.search(ans.text)
        if block:
            lines = [f"- `{ln.split('#')[0].split('%')[0].strip().rstrip(';')}`" for ln in block.group("body")
                     .splitlines() if "=" in ln]
            ans.text = ("*The template's defaults are its parameter block (change any of them):*\n\n"
                        + "\n".join(lines) + "\n\n" + ans.text)
        return ans
    entry = _entry_of(api, ans, kind, ref)
    if entry is not None:
        ans.text = f"*`{name_of(entry, lang)}` has no defaults: every argument it takes is required.*\n\n" + ans.text
    return ans


def _entry_of(api: PulseqApi, ans: Answer, kind: str, ref: str) -> Optional[ApiEntry]:
    """The function the page is about: the subject's, else (a note) the function the note is built around."""
    if kind == "api":
        return api.get(ref)
    if kind == "howto" and ans.topic:
        return api.get(ans.topic)
    return None


def units_line(entry: ApiEntry, lang: str) -> str:
    """Each parameter with its unit, as the toolboxes' conventions and the docstrings state them."""
    from .property import unit_of

    seen: list[str] = []
    for p in entry.params:
        if p.kind in ("var_positional", "var_keyword") or p.name == "system":
            continue
        unit = unit_of(p.name, p.description)
        if unit:
            seen.append(f"`{_spelled(p.name, entry, lang)}`: {unit}")
    name = name_of(entry, lang)
    if not seen:
        return (f"*`{name}` takes no physical quantities (its arguments are events or names); Pulseq's units "
                "are SI: seconds, Hz, Hz/m for gradients, radians for angles.*")
    return f"Units of `{name}` (Pulseq works in SI: seconds, Hz, Hz/m, radians):\n\n" + "\n".join(
        f"- {s}" for s in seen)


def _spelled(param: str, entry: ApiEntry, lang: str) -> str:
    """The parameter as the dialect writes it: MATLAB's option of the same name, else the Python name."""
    if is_matlab(lang) and entry.matlab is not None:
        flat = param.replace("_", "").lower()
        for o in tuple(entry.matlab.options) + tuple(entry.matlab.args):
            if o.name.replace("_", "").lower() == flat:
                return o.name
    return param
