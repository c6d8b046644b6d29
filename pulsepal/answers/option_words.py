"""The option a question describes in its own words: "it should start 10 us into the block, which option is that?"
after a trigger is `delay`; "which argument says how long it lasts?" is `duration`.

Why: users rarely know an option's name; that is what they ask for. `asked_params` spells out an option the question
names like an identifier (`flat_time`, `'FlatTime'`); this module finds one the question only describes, by the words
of our own meaning of each parameter (glossary.py, then pypulseq's docstring) and a few phrasings that stand for a
parameter's idea (a start "into the block" is a delay). It answers only when one parameter is clearly ahead: a wrong
option named with confidence costs more than none.

It also knows which function a "which option is that?" is about after an answer that offered no function page: a
no-template answer names the functions for the part the user described, and the option is one of theirs.
"""

from __future__ import annotations

import re
from typing import Optional

from .callmap import option_spelling
from .glossary import param_meaning
from .pulseq_api import ApiEntry, Param, PulseqApi

# the question asks which option / argument / keyword does something
ASKS_OPTION = re.compile(r"\b(which|what)(?:'s| is)? (?:the )?(option|argument|parameter|keyword|kwarg|setting|"
                         r"input|field|name-value pair)s?\b|\b(option|argument|parameter|keyword)s? (is|for|does) "
                         r"(that|this|it)\b|\bwhat do i (pass|set|give)\b", re.I)
# phrasings that stand for one parameter's idea, whatever its function
_IDEAS: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b(into|after the start of|from the start of|after the beginning of) (the|its|my) block\b|"
                r"\b(start|begin)s? (later|after|\d)|\boffset from the (block )?start\b|\bwait(ing)? before\b|"
                r"\bshift(ed)? (it )?(later|in time)\b", re.I), "delay"),
    (re.compile(r"\bhow long\b|\blasts?\b|\blength of (the|its) (event|window|pulse)\b", re.I), "duration"),
    (re.compile(r"\bwhich (input|port|connector|line)\b|\b(ecg|physio|pulse ox\w*|external) (input|signal|line)\b",
                re.I), "channel"),
    (re.compile(r"\bflat (part|top|section|portion)\b|\bplateau\b", re.I), "flat_time"),
    (re.compile(r"\bhow many (samples|points)\b|\bnumber of (samples|points)\b", re.I), "num_samples"),
)
# ideas so tied to one parameter that naming them asks for it, on that function's page ("tell pypulseq the field
# strength of the magnet" is `B0` of the system object)
_STRONG: tuple[tuple[re.Pattern, str], ...] = (
    (re.compile(r"\b(field strength|main field|static field|strength of the magnet|magnet'?s? (field|strength))\b",
                re.I), "B0"),
    (re.compile(r"\b(gyromagnetic|which nucleus|other nucle\w+|x-?nucle\w+)\b", re.I), "gamma"),
)


def strong_param(e: ApiEntry, prose: str) -> Optional[Param]:
    """The parameter of `e` a question names by its idea alone (see _STRONG), else None."""
    for pattern, name in _STRONG:
        p = e.param(name)
        if p is not None and pattern.search(prose):
            return p
    return None
_STOP = frozenset({"the", "that", "this", "which", "what", "option", "options", "argument", "parameter", "keyword",
                   "should", "there", "with", "from", "into", "event", "seconds", "value", "give", "pass", "does",
                   "when", "have", "need", "want", "make", "used", "uses", "sets", "your", "default", "than"})
_PART = re.compile(r"For the part you describe you will need ((?:`[^`]+`[^;\n]*;?\s*)+)")


def _stem(word: str) -> str:
    return re.sub(r"(ing|ed|es|s)$", "", word) if len(word) > 4 else word


def _bag(text: str) -> set[str]:
    return {_stem(w) for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


def option_key(name: str) -> str:
    """The form both toolboxes' spellings of a parameter reduce to (`flat_time`, `'FlatTime'` -> `flattime`)."""
    return name.replace("_", "").lower()


def described_param(e: ApiEntry, prose: str) -> Optional[Param]:
    """The parameter of `e` the question describes, when one is clearly ahead of the others; else None."""
    asked = _bag(prose)
    ideas = {option_key(name) for pattern, name in _IDEAS if pattern.search(prose)}
    scores: list[tuple[float, Param]] = []
    for p in e.params:
        if p.name in ("system", "self"):
            continue
        meaning = param_meaning(e.key, p.name, p.description) or ""
        words = _bag(meaning) | {_stem(t.lower()) for t in re.split(r"_|(?<=[a-z])(?=[A-Z])", p.name) if len(t) >= 4}
        score = len(asked & words) + (2.0 if option_key(p.name) in ideas else 0.0)
        scores.append((score, p))
    scores.sort(key=lambda s: -s[0])
    if not scores or scores[0][0] < 2 or (len(scores) > 1 and scores[1][0] >= scores[0][0]):
        return None
    return scores[0][1]


def option_line(e: ApiEntry, p: Param, matlab: bool) -> str:
    """One Markdown line naming the option and how it is passed, in the answer's dialect."""
    meaning = param_meaning(e.key, p.name, p.description) or ""
    if matlab and e.matlab is not None:
        call, args = e.matlab.call, [a.name for a in e.matlab.args]
        at = next((i for i, a in enumerate(args) if option_key(a) == option_key(p.name)), None)
        option = next((o.name for o in e.matlab.options if option_key(o.name) == option_key(p.name)), p.name)
        how = f"argument {at + 1} of `{call}`, `{args[at]}`" if at is not None else \
            f"the option `'{option_spelling(option)}'` of `{call}`: `{call}(..., '{option_spelling(option)}', value)`"
    else:
        call = e.python_call or e.key
        how = f"the keyword `{p.name}` of `{call}`: `{call}(..., {p.name}=value)`"
    return f"**That is {how}**" + (f": {meaning}." if meaning else ".")


def part_function(api: PulseqApi, content: str) -> Optional[ApiEntry]:
    """The first function a no-template answer named for the part the user described, else None."""
    m = _PART.search(content or "")
    if m is None:
        return None
    name = re.search(r"`([^`]+)`", m.group(1))
    written = name.group(1) if name else ""
    return api.get(written[3:] if written.startswith("pp.") else written) if written else None
