"""The option or parameter a question names ("how do I set B0 in the system struct?"), spelled out in the answer.

An answer about the right function can still miss the point when the question is about one of its options: the
system-limits note shows `mr.opts` with the gradient limits but not `'B0'`. When the question names an option of
the function the answer is about, and the answer does not mention it, one line says how it is passed, with its
default, in the answer's dialect. Only names written like identifiers count (`B0`, `flat_time`, `'FlatTime'`,
`rfDeadTime`): an ordinary word such as "duration" is left to the answer itself.
"""

from __future__ import annotations

import re
from typing import Optional

from .callmap import option_spelling
from .event_roles import role_note
from .glossary import param_meaning
from .intent import Intent
from .option_words import ASKS_OPTION, described_param, option_key, option_line, strong_param
from .pulseq_api import ApiEntry
from .usercall import call_with_values

_IDENT = re.compile(r"['\"`]?\b([A-Za-z][A-Za-z0-9_]*)\b['\"`]?")


def _identifier_like(raw: str, word: str) -> bool:
    return raw[:1] in "'\"`" or bool(re.search(r"\d|_|[a-z][A-Z]", word))


def asked_option(e: Optional[ApiEntry], intent: Intent, text: str,
                 history: Optional[list[dict]] = None) -> Optional[str]:
    """What the answer about `e` leaves out of the question: the call with the user's values (usercall.py), and
    one line about the option the question names. In a follow-up ("now make it last 2 ms" after "a trapezoid with
    area 1000") the values the earlier question gave the same function are kept."""
    if e is None:
        return None
    prose, matlab = intent.prose, intent.lang in ("matlab", "octave")
    last = next((m for m in reversed(history or []) if m.get("role") == "assistant"), None) if intent.refers_back \
        else None
    earlier = next((m.get("content") or "" for m in reversed(history or []) if m.get("role") == "user"), "") if (
        last is not None and (last.get("metadata") or {}).get("topic") == e.key) else ""
    option = _option_line(e, prose, text, matlab)
    # an option found from the question's description: the user's number belongs to it, which the generic call
    # (binding numbers by their unit) cannot know, so the call is left out
    call = None if option and option.startswith("**That is") else call_with_values(e, prose, matlab, text, earlier)
    key = _definition_key(e, prose, text, matlab)
    return "\n\n".join(x for x in (call, option, key, role_note(e.key, prose, matlab)) if x) or None


# a header key as users write it: CamelCase ("MaxAdcSegmentLength", "PhaseCycle") or an UPPER name ("TE_LIST")
_KEY = re.compile(r"['\"`]?\b([A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|[A-Z]{2,}(?:_[A-Z0-9]+)+)\b['\"`]?")


def _definition_key(e: ApiEntry, prose: str, text: str, matlab: bool) -> Optional[str]:
    """The header key the question names, in the call that writes it ("put MaxAdcSegmentLength in the header"):
    the generic example sets the FOV, which is not the key asked about."""
    if e.key != "seq.set_definition":
        return None
    from .sequences import requested

    # a library, a vendor or a sequence named in passing is no key; "FoV" is the standard key, spelled FOV
    keys = [k for k in dict.fromkeys("FOV" if m.group(1).lower() == "fov" else m.group(1) for m in
                                     _KEY.finditer(prose)) if not re.search(rf"'{re.escape(k)}'", text) and not
            re.search(r"pulseq|python|siemens|matlab|octave|bruker|philips", k, re.I) and not requested(k)]
    if not keys:
        return None
    method = "seq.setDefinition" if matlab else "seq.set_definition"
    calls = "\n".join(f"{method}('{k}', value){';' if matlab else ''}" for k in keys)
    lang = "matlab" if matlab else "python"
    return (f"For your key{'s' if len(keys) > 1 else ''} (the name is free text; the interpreter looks it up by "
            f"that exact spelling):\n\n```{lang}\n{calls}\n```")


def _option_line(e: ApiEntry, prose: str, text: str, matlab: bool) -> Optional[str]:
    """One Markdown line about the option the question names, when the answer leaves it out."""
    if matlab and e.matlab is not None:
        known = {option_key(o.name): (f"'{option_spelling(o.name)}'", o.default) for o in e.matlab.options}
        call = e.matlab.call
    else:
        known = {option_key(p.name): (f"{p.name}=", p.default) for p in e.params if p.kind in ("keyword", "positional")}
        call = e.python_call or e.key
    for m in _IDENT.finditer(prose):
        word = m.group(1)
        hit = known.get(option_key(word))
        if hit is None or not _identifier_like(m.group(0), word):
            continue
        spelled, default = hit
        bare = spelled.strip("'=")
        if re.search(rf"(?<![\w]){re.escape(bare)}(?![\w])", text):
            return None  # the answer already covers it
        meaning = param_meaning(e.key, bare) or ""
        dflt = f", default `{default}`" if default not in (None, "", "[]", "None") else ""
        how = f"`{call}(..., {spelled}, value)`" if matlab else f"`{call}(..., {spelled}value)`"
        return (f"**`{bare}`** is an option of `{call}`{dflt}: pass it as {how}."
                + (f" ({meaning})" if meaning else ""))
    # "which option starts it later?"; "how do I tell pypulseq the field strength?" (an idea only one option holds)
    described = described_param(e, prose) if ASKS_OPTION.search(prose) else strong_param(e, prose)
    return option_line(e, described, matlab) if described is not None else None
