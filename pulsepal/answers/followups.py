"""Small readings of a question against the conversation: a value read back, a number asked for, an analysis.

Kept apart from the responder so each rule is one pattern with its reason next to it.
"""

from __future__ import annotations

import re
from typing import Optional

from .pulseq_api import PulseqApi

# "and how do I read it back?" after an answer that used a setter
READ_BACK = re.compile(r"\b(read|get|retrieve|query|fetch)\w*\b.{0,30}\bback\b"
                       r"|\bread (it|that|them|this) (out|later)\b", re.I)
# the question asks for a number or a unit (then a computed value answers it), not only for a function
ASKS_VALUE = re.compile(r"\d|\b(how (much|many|long|big|fast|short|small|large|high|low)|default|units?|convert\w*|"
                        r"in (hz|seconds?|ms|us|µs|mt/m|t/m/s|radians?|degrees?)|seconds or|minimum|maximum|"
                        r"shortest|longest|fastest|what is the|what's the|whats the|is it in)\b", re.I)
# "compute the b-tensor of my diffusion sequence": an analysis of a sequence, not a request for one
ANALYSE = re.compile(r"^\W*(please\s+)?(compute|calculate|estimate|simulate|analy[sz]e|evaluate|measure|"
                     r"determine|plot)\b", re.I)


def getter_subject(api: PulseqApi, history: list[dict], prose: str) -> Optional[str]:
    """The `get_` twin of a `set_` method the previous answer used, when the user asks to read a value back."""
    if not READ_BACK.search(prose):
        return None
    last = next((m for m in reversed(history) if m.get("role") == "assistant"), None)
    for name in re.findall(r"\bseq\.set_?([A-Za-z]\w*)", (last or {}).get("content") or ""):
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
        if ("seq.get_" + snake) in api.by_key:
            return "api:seq.get_" + snake
    return None


# parameter-name words too common to tie a question to one function ("can it take a delay?" fits most of them)
_COMMON_WORDS = frozenset({"system", "delay", "duration", "return", "channel", "value", "values", "times", "shape",
                           "label", "phase", "offset", "type", "name", "max", "grad", "slew", "time", "amplitude",
                           "amplitudes", "area", "angle", "flip"})


def speaks_of_parameter(api: PulseqApi, subject: Optional[str], prose: str) -> Optional[str]:
    """The parameter of the previous subject that a follow-up's words name ("make it detect the fat sat pulses"
    after `seq.read`: `detect_rf_use`). Then "it" is still that subject, even when the words also describe another
    function or note well: the user is asking about an option of what they were shown."""
    if not subject or not subject.startswith("api:"):
        return None
    entry = api.get(subject[4:])
    if entry is None:
        return None
    words = set(re.findall(r"[a-z]+", prose.lower()))
    for p in entry.params:
        tokens = [t for t in re.split(r"_|(?<=[a-z])(?=[A-Z])", p.name) if len(t) >= 5]
        if any(t.lower() in words and t.lower() not in _COMMON_WORDS for t in tokens):
            return p.name
    return None


def on_a_guess(history: list[dict], name: Optional[str]) -> Optional[str]:
    """When "it" can only be the first of the closest matches a "not sure" answer listed, the follow-up answer
    rests on that guess: the note that says so (and the answer is not sure either), else None."""
    last = next((m for m in reversed(history or []) if m.get("role") == "assistant"), None)
    if last is None or (last.get("metadata") or {}).get("confident") is not False or not name:
        return None
    return (f"*Assuming you mean `{name}`, the first of the matches I listed; I was not sure of it, so check that "
            "this is the function you were asking about.*\n\n")
