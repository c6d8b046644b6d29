"""Small readings of a question against the conversation: a value read back, a number asked for, an analysis.

Kept apart from the responder so each rule is one pattern with its reason next to it.
"""

from __future__ import annotations

import re
from typing import Optional

from .option_words import ASKS_OPTION, described_param, part_function
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
_TEMPLATE_WORDS = re.compile(r"\b(template|script|example|sequence for)\b", re.I)


def analysis_only(prose: str, strong_function: bool) -> bool:
    """"Compute the m1 of my flow-encoding lobe": an analysis, so the sequence it names is not a request for one
    (unless a template or script is asked for and no function is clearly described)."""
    return bool(ANALYSE.search(prose)) and (strong_function or not _TEMPLATE_WORDS.search(prose))


def getter_subject(api: PulseqApi, history: list[dict], prose: str) -> Optional[str]:
    """The subject a follow-up without a function name is about, when its words decide it: the `get_` twin of a
    `set_` method the previous answer used, when the user asks to read a value back; else the previous answer's
    function, when the follow-up names one of its options ("what do I give as 'use' then?"). The subjects a
    follow-up moves to (followup_subjects.moved_subject) are tried first, by offline.py."""
    if not READ_BACK.search(prose):
        return option_subject(api, history, prose) or asked_function_option(api, history, prose)
    last = next((m for m in reversed(history) if m.get("role") == "assistant"), None)
    if str(((last or {}).get("metadata") or {}).get("topic") or "") == "seq.write" and not re.search(
            r"\b(definitions?|values?|fields?|fov|name)\b", prose, re.I):
        return "api:seq.read"  # "how do I read it back?" after writing the file: the file is read back
    for name in re.findall(r"\bseq\.set_?([A-Za-z]\w*)", (last or {}).get("content") or ""):
        snake = re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
        if ("seq.get_" + snake) in api.by_key:
            return "api:seq.get_" + snake
    return None


# parameter-name words too common to tie a question to one function ("can it take a delay?" fits most of them)
_COMMON_WORDS = frozenset({"system", "delay", "duration", "return", "channel", "value", "values", "times", "shape",
                           "label", "phase", "offset", "type", "name", "max", "grad", "slew", "time", "amplitude",
                           "amplitudes", "area", "angle", "flip"})


def speaks_of_parameter(api: PulseqApi, subject: Optional[str], prose: str, common: bool = False) -> Optional[str]:
    """The parameter of the previous subject that a follow-up's words name ("make it detect the fat sat pulses"
    after `seq.read`: `detect_rf_use`). Then "it" is still that subject, even when the words also describe another
    function or note well: the user is asking about an option of what they were shown. `common` also counts the
    words many functions share ("times"), for telling two shown functions apart."""
    if not subject or not subject.startswith("api:"):
        return None
    entry = api.get(subject[4:])
    if entry is None:
        return None
    words = set(re.findall(r"[a-z]+", prose.lower()))
    for p in entry.params:
        tokens = [t for t in re.split(r"_|(?<=[a-z])(?=[A-Z])", p.name) if len(t) >= 5]
        if any(t.lower() in words and (common or t.lower() not in _COMMON_WORDS) for t in tokens):
            return p.name
    return None


def on_a_guess(history: list[dict], name: Optional[str]) -> Optional[str]:
    """When "it" can only be the first of the closest matches a "not sure" answer listed, the follow-up answer
    rests on that guess: the note that says so (and the answer is not sure either), else None. A previous answer
    that was shown in full under a "not sure" line (abstain.py) listed nothing: no guess is made from it."""
    last = next((m for m in reversed(history or []) if m.get("role") == "assistant"), None)
    if last is None or (last.get("metadata") or {}).get("confident") is not False or not name:
        return None
    listed = re.search(r"Closest matches, best first:\s*\n\s*- (how-to|template): (.+)", last.get("content") or "")
    if listed:  # the guess is one of our notes: its title, never an internal id
        shown = f"our {'note' if listed.group(1) == 'how-to' else 'template'} \"{listed.group(2).strip()}\""
    elif "Closest matches, best first:" in (last.get("content") or "") and ":" not in name:
        shown = f"`{name}`"
    else:
        return None
    return (f"*Assuming you mean {shown}, the first of the matches I listed; I was not sure of it, so check that "
            "this is what you were asking about.*\n\n")


_TWO_THINGS = re.compile(r"\b(vs\.?|versus|differen\w*|compar\w*|between|then|both|or)\b", re.I)
_HEADING = re.compile(r"^###\s+`([^`]+)`\s*$", re.M)


def two_subjects(api: PulseqApi, history: list[dict]) -> Optional[tuple[str, str]]:
    """The two functions the previous answer showed side by side when the user asked about two things ("load a
    file and then look at a block", "A vs B"), as subjects; else None. After such an answer "it" could be either."""
    last = next((m for m in reversed(history or []) if m.get("role") == "assistant"), None)
    asked = next((m for m in reversed(history or []) if m.get("role") == "user"), None)
    if not _TWO_THINGS.search((asked or {}).get("content") or ""):
        return None  # the user asked for one thing; the second function was shown beside it, "it" is the first
    names = _HEADING.findall((last or {}).get("content") or "")
    keys = []
    for name in names:
        entry = api.get(name[3:] if name.startswith("pp.") else name)
        if entry is not None and "api:" + entry.key not in keys:
            keys.append("api:" + entry.key)
    return (keys[0], keys[1]) if len(keys) == 2 else None


def pick_between(api: PulseqApi, pair: tuple[str, str], prose: str) -> Optional[str]:
    """Which of two shown functions a follow-up's words point to (it names a parameter of only one), else None."""
    hits = [s for s in pair if speaks_of_parameter(api, s, prose, common=True)]
    return hits[0] if len(hits) == 1 else None


def both_note(api: PulseqApi, pair: tuple[str, str], lang: str) -> str:
    """The note over a follow-up answer that had to pick the first of two shown functions."""
    from .render_api import name_of

    names = [name_of(e, lang) for s in pair if (e := api.get(s[4:])) is not None]
    return f"*You asked about {' and '.join(f'`{n}`' for n in names)}; this is about the first.*\n\n"


_CODE_WORD = re.compile(r"['\"`]([A-Za-z][\w]*)['\"`]|\b([a-z]+_[a-z_]+|[a-z]+[A-Z]\w*)\b")


def last_function(api: PulseqApi, history: list[dict]):
    """The function the previous answer was about: its recorded subject, else its heading, else its topic."""
    last = next((m for m in reversed(history or []) if m.get("role") == "assistant"), None)
    if last is None:
        return None
    meta = last.get("metadata") or {}
    subject = str(meta.get("subject") or "")
    if subject.startswith("api:"):
        return api.get(subject[4:])
    heading = re.search(r"^###\s+`(?:pp\.)?([^`(]+)`", last.get("content") or "", re.M)
    entry = api.get(heading.group(1)) if heading else None
    # a no-template answer shows no function page, but names the functions for the part the user described
    return entry or (api.get(str(meta["topic"])) if meta.get("topic") else None) or part_function(
        api, last.get("content") or "")


def _size_of_note(history: list[dict], prose: str) -> bool:
    """"how big should its area be?" after the spoiler note: "its" is the note's spoiler, and the note says how big;
    the area is not a question about the trapezoid function the note happens to use."""
    last = next((m.get("content") or "" for m in reversed(history) if m.get("role") == "assistant"), "")
    heading = re.search(r"^###\s+(.+)$", last, re.M)
    return bool(heading and "`" not in heading.group(1) and re.search(
        r"\bhow (big|large|much|strong|long|small)\b.{0,30}\b(should|must|do|does|would|need)\b", prose, re.I))


def option_subject(api: PulseqApi, history: list[dict], prose: str) -> Optional[str]:
    """"what do I give as 'use' for a saturation pulse then?" after `mr.makeArbitraryRf`: a word written as code
    that is one of the previous function's parameters or options keeps that function as the subject."""
    entry = last_function(api, history)
    if entry is None:
        return None
    names = {p.name.replace("_", "").lower() for p in entry.params}
    if entry.matlab is not None:
        names |= {o.name.lower() for o in entry.matlab.options} | {a.name.lower() for a in entry.matlab.args}
    for m in _CODE_WORD.finditer(prose):
        word = (m.group(1) or m.group(2)).replace("_", "").lower()
        if word in names:
            return "api:" + entry.key
    if ASKS_OPTION.search(prose) and described_param(entry, prose):  # "it should start 10 us in, which option?"
        return "api:" + entry.key
    if _CUE.search(prose) and not _size_of_note(history, prose):
        # "and the default dwell?": a plain word that is one of its parameters, in a follow-up
        words = set(re.findall(r"[a-z]{4,}", prose.lower()))
        if words & {n for n in names if len(n) >= 4}:
            return "api:" + entry.key
        spaced = " ".join(re.findall(r"[a-z]+", prose.lower()))
        if any(f" {w} " in f" {spaced} " for w in _spoken_names(entry)):  # "what if the rise time is too short?"
            return "api:" + entry.key
        from .usercall import values_for

        if values_for(entry, prose):  # "same but 15 degrees, 300 us": new values for its parameters
            return "api:" + entry.key
    return None


def asked_function_option(api: PulseqApi, history: list[dict], prose: str) -> Optional[str]:
    """"and the block duration raster, does that need the same?" after "how do I set the rasters in pypulseq
    Opts": a follow-up that spells, in words, a parameter of a function the user's previous question named keeps
    that function, even when our answer was a note around it."""
    if not _CUE.search(prose):
        return None
    before = next((m.get("content") or "" for m in reversed(history or []) if m.get("role") == "user"), "")
    spaced = " " + " ".join(re.findall(r"[a-z0-9]+", prose.lower())) + " "
    for word in re.findall(r"\b(?:pp\.|mr\.|seq\.)?[A-Za-z_]\w{2,}\b", before):
        entry = api.get(word[3:] if word.startswith("pp.") else word)
        if entry is not None and any(f" {w} " in spaced for w in _spoken_names(entry)):
            return "api:" + entry.key
    return None


def _spoken_names(entry) -> set[str]:
    """Its parameter and option names of two words or more as a user writes them: `rise_time`, 'RiseTime' ->
    "rise time"."""
    raw = [p.name for p in entry.params] + ([o.name for o in entry.matlab.options] if entry.matlab else [])
    spoken = {" ".join(t.lower() for t in re.split(r"_|(?<=[a-z])(?=[A-Z])", n) if t) for n in raw}
    return {s for s in spoken if " " in s}


# a question that continues the previous one rather than starting a new subject
_CUE = re.compile(r"^\W*(and|also|so|then|what about|how about|and what about|ok(ay)?,? (and|so|what|how)|same|"
                  r"now|instead|what if|what happens (if|when))\b|\b(its|it|that one|the same|same one|same but|"
                  r"instead)\b", re.I)


def carried_values(history: list[dict], prose: str, refers_back: bool):
    """The values of a follow-up: those of the user's previous question, with the follow-up's own on top, when the
    follow-up continues it ("and what is the readout duration then?" after "an ADC with 128 samples and a 20 us
    dwell": 128 x 20 us). A question that starts afresh keeps only its own values."""
    from .knowledge import parse

    own = parse(prose)
    if not (refers_back or _CUE.search(prose)):
        return own
    _bare_values(prose, own.values)
    before = next((m.get("content") or "" for m in reversed(history or []) if m.get("role") == "user"), "")
    earlier = parse(re.sub(r"```.*?```", " ", before, flags=re.S))
    if not earlier.values:
        return own
    earlier.values.update(own.values)
    earlier.series.update(own.series)
    earlier.kind = own.kind or earlier.kind
    return earlier


# A follow-up's value that names no parameter ("make it 45 degrees", "and with 3 mm?") is the previous subject's
# parameter that takes its unit: an angle is the flip angle, a few millimetres a slice, many a field of view.
_BARE_DEGREES = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:deg(?:rees?)?|°)(?!\w)", re.I)
_BARE_LENGTH = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*(mm|cm)(?![\w/])", re.I)  # not a speed (cm/s)


def _bare_values(prose: str, values: dict) -> None:
    """Bind the follow-up's values that parse() could not place to a parameter by their unit alone."""
    m = _BARE_DEGREES.search(prose)
    if m and "flip_deg" not in values:
        values["flip_deg"] = float(m.group(1))
    m = _BARE_LENGTH.search(prose)
    if m and not {"slice_thickness", "fov"} & set(values):
        metres = float(m.group(1)) * (1e-3 if m.group(2).lower() == "mm" else 1e-2)
        values["slice_thickness" if metres <= 20e-3 else "fov"] = float(f"{metres:.12g}")


_SAME_BUT = re.compile(r"^\W*(same|and|but|what about|how about|now|ok(ay)?|with|for)\b|\bsame but\b|\binstead\b",
                       re.I)
_OWN_QUESTION = re.compile(r"\b(how|what|which|why|where|when|does|is|are|can)\b.*[a-z]{3,}\?\s*$", re.I)
_NUMBER_UNIT = re.compile(r"\b\d+(\.\d+)?(e-?\d+)?\s*(%s)?(?![\w.])" % "|".join(
    ("ms", "us", "µs", "s", "mm", "cm", "m", "mt/m", "t/m/s", "hz/m", "hz", "khz", "degrees?", "deg", "°")), re.I)


_VALUE_OF = re.compile(r"\b(what'?s|whats|what is|what are|how (much|many|long|big|fast|high|low)|and the)\b.{0,40}"
                       r"\b(of (that|it|this|them|those)|then|there)\b|"
                       r"^\W*(?:(?:and|so|ok(?:ay)?|then),?\s+)+(?:(?:what'?s|what is|how (?:much|long|big) is)\s+)?"
                       r"(the|its) [a-z]+"
                       r"( [a-z]+)?\s*(then)?\?\s*$", re.I)


def carried_question(history: list[dict], prose: str) -> str:
    """The question a short "same but 512 samples?" asks (a new value and no question of its own): the user's
    previous question, its numbers taken out (the values carry over in `carried_values`), then the follow-up; a
    short "what's the dwell of that?" with no numbers of its own: the previous question whole, then the follow-up
    (the calculators read values however they are written there); any other question as it is."""
    if not re.search(r"\d", prose) and len(prose.split()) <= 8 and _VALUE_OF.search(prose):
        # "so what's the dwell of that?": a quantity of the previous question's own numbers, worked out from them
        before = next((m.get("content") or "" for m in reversed(history or []) if m.get("role") == "user"), "")
        return (re.sub(r"```.*?```", " ", before, flags=re.S) + " " + prose) if re.search(r"\d", before) else prose
    if len(prose.split()) > 10 or not re.search(r"\d", prose) or not _SAME_BUT.search(prose) or \
            _OWN_QUESTION.search(prose):
        return prose
    before = next((m.get("content") or "" for m in reversed(history or []) if m.get("role") == "user"), "")
    if not before or not re.search(r"\d", before):
        return prose
    return _NUMBER_UNIT.sub(" ", re.sub(r"```.*?```", " ", before, flags=re.S)) + " " + prose
