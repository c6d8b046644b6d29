"""A follow-up read as the question it stands for, with the earlier subject's own words put back in.

"what flip angle does it give with 1 ms and 10 uT?" after a block pulse, "how do I plot it?" after the k-space
trajectory, "and for RF?" after "what's the raster time for gradients?": the follow-up's own words are not enough
for the parts of the responder that read a question's words (the calculators look for "block", the ranker for
"k-space"), and the previous subject's page shown again does not answer what was asked. Rather than a rule per
shape, the follow-up is rewritten the way a person would read it (the pronoun replaced by what it stands for, an
ellipsis completed from the previous question) and the rewritten text is handed to the same parts as a first
question. The subject's words come from our own one-line summary of the function (glossary.py) or the title of the
note or template, so no per-function table has to be kept.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from .followups import _NUMBER_UNIT as NUMBER_UNIT  # the numbers carried_question leaves out too

if TYPE_CHECKING:
    from .ranking import Ranker
    from .search import Index

# where a summary's object phrase ends: "Makes a trapezoidal gradient | on one axis from an area ..."
_PHRASE_END = re.compile(r"\s(?:from|on|with|that|for|into|about|at|by|given|using|in)\s|[:;]|\.\s|\.$")
_OBJECT_PRONOUN = re.compile(r"\b(it|its|that one|this one|them)\b", re.I)
# "make one of 10 ms", "I need another one": "one" standing for the subject (not "one slice", "one of the lobes")
ONE = re.compile(r"\b(?:make|create|build|add|get|need|want|write|define|use|do)\s+(?:another|a new|such|a second|"
                 r"the same kind of)?\s*one\b(?!\s+of\s+(?:the|my|these|those|them)\b)", re.I)
# a follow-up that acts on the subject: "how do I plot it?", "can I write it to a file?"
_ACTS_ON = re.compile(r"\b(plot|show|display|visuali[sz]e|write|save|export|read|load|check|test|simulate|add|insert|"
                      r"place|put|combine|use|apply|repeat|loop|rotate|scale|split|shift|invert|align|reverse|"
                      r"reconstruct)\b", re.I)
# "and for RF?", "what about the ADC?", "and in a 3 T scanner?" (a language is a translation: not this)
_ELLIPSIS = re.compile(r"^\W*(?:(?:and|ok(?:ay)?|so|then|but),?\s+)*(?:what about|how about|and for|and of|and in|"
                       r"and with|and|same for|the same for)\s+(?:the |a |an |my )?(?P<part>[\w. /-]{1,30}?)\s*\??\s*$",
                       re.I)
_LANGUAGE = re.compile(r"^(python|pypulseq|matlab|octave|py|pulseq)$", re.I)
# a previous question that asked for a value or a fact, which the ellipsis asks again of another thing
_ASKED_VALUE = re.compile(r"\b(what(?:'s| is| are)|whats|how (?:much|many|long|big|fast|high|low)|which)\b.{0,40}"
                          r"\b(time|raster|default|unit|units|limit|value|size|duration|amplitude|dead|ringdown|"
                          r"bandwidth|dwell|slew|gradient|maximum|minimum)\b", re.I)
_LAST_OBJECT = re.compile(r"\b(for|of|on|in)\s+(?:the |a |an |my )?[\w./-]+(?:\s+(?:pulses?|events?|gradients?|"
                          r"samples?|times?))?(?=\s*\??\s*$)", re.I)


def subject_phrase(index: "Index", subject: Optional[str]) -> str:
    """What the previous subject is, in a few words: the object of its summary ("a rectangular (hard, block) RF
    pulse" for `make_block_pulse`), a note's or template's title; "" when unknown."""
    if not subject:
        return ""
    kind, _, ref = subject.partition(":")
    if kind in ("howto", "template"):
        doc = next((d for d in index.howto_docs if d.id == subject), None)
        return re.sub(r"\s*\(.*", "", doc.title) if doc is not None else ""
    entry = index.api.get(ref if kind == "api" else subject)
    if entry is None or not entry.summary_text:
        return ""
    text = entry.summary_text.split(" ", 1)[-1]  # without the verb: "Makes", "Computes", "Returns"
    depth, cut = 0, len(text)
    for i, ch in enumerate(text):  # the end of the object phrase, outside parentheses ("(hard, block)")
        depth += (ch == "(") - (ch == ")")
        if depth == 0 and _PHRASE_END.match(text, i) is not None:
            cut = i
            break
    return text[:cut].strip(" ,")


def with_subject(prose: str, phrase: str) -> str:
    """The follow-up with its first pronoun (or "one") replaced by the subject's phrase; else the phrase added."""
    if not phrase:
        return prose
    if ONE.search(prose):
        return ONE.sub(lambda m: m.group(0)[:-3] + phrase, prose, count=1)
    if _OBJECT_PRONOUN.search(prose):
        return _OBJECT_PRONOUN.sub(phrase, prose, count=1)
    return f"{prose} ({phrase})"


def completed_ellipsis(history: list[dict], prose: str) -> Optional[str]:
    """"and for RF?" after "what's the raster time for gradients?": the previous question with its object
    replaced ("what's the raster time for RF?"); None for any other shape, a language ("and in MATLAB?"), or a
    previous question that asked how to do something rather than for a value."""
    m = _ELLIPSIS.match(prose.strip())
    if m is None or _LANGUAGE.match(m.group("part")) or re.search(r"\d", m.group("part")):
        return None
    before = next((str(h.get("content") or "") for h in reversed(history or []) if h.get("role") == "user"), "")
    if "```" in before or not _ASKED_VALUE.search(before) or len(before.split()) > 16:
        return None
    last = list(_LAST_OBJECT.finditer(before.rstrip(" ?")))
    part = m.group("part")
    if last:
        at = last[-1]
        return before[:at.start()] + f"{at.group(1)} {part}" + before[at.end():]
    return before.rstrip(" ?") + f" for {part}?"


def moved_to_note(ranker: "Ranker", index: "Index", previous: Optional[str], prose: str, lang: str) -> Optional[str]:
    """"how do I plot it?" after `seq.calculate_kspace`: the how-to note the question ranks first, clearly, once
    "it" is read as the subject, when the note is built around the previous function (so it still speaks of it)."""
    if not previous or not previous.startswith("api:") or not _ACTS_ON.search(prose) or not (
            _OBJECT_PRONOUN.search(prose) or ONE.search(prose)):
        return None
    from .ranking import note_functions

    entry = index.api.get(previous[4:])
    ranking = ranker.rank(with_subject(prose, subject_phrase(index, previous)), lang=lang)
    top = ranking.top
    if entry is None or top is None or top.kind != "howto" or top.doc is None or not ranking.confident or \
            top.id == previous:
        return None
    return top.id if {entry.key, entry.python_name or ""} & set(note_functions(top.doc)) else None


def context_words(index: "Index", subject: Optional[str], history: list[dict]) -> str:
    """The words a follow-up leaves out, for the calculators: the subject's phrase and the previous question's
    words without its numbers ("how far off resonance at 3T?" after "how do I make a fat saturation pulse?" is about
    fat). The numbers stay out because the follow-up's own values replace them (followups.carried_values)."""
    before = next((str(h.get("content") or "") for h in reversed(history or []) if h.get("role") == "user"), "")
    before = NUMBER_UNIT.sub(" ", re.sub(r"```.*?```", " ", before, flags=re.S))
    return " ".join(w for w in (subject_phrase(index, subject), " ".join(before.split())) if w)


_COMPARE = re.compile(r"\b(difference|differs?|different|compared?|comparison|vs\.?|versus)\b", re.I)


def compared_with(ranker: "Ranker", previous: Optional[str], prose: str, lang: str) -> Optional[str]:
    """"what's the difference to a normal trapezoid?" after `make_extended_trapezoid`: the function the question
    describes, to be shown beside the previous one. Not for "the difference between A and B", which names both."""
    if not previous or not previous.startswith("api:") or not _COMPARE.search(prose) or (
            re.search(r"\bbetween\b", prose, re.I) and not _OBJECT_PRONOUN.search(prose)):
        return None
    ranking = ranker.rank(_COMPARE.sub(" ", prose), lang=lang)
    for c in ranking.candidates[:2]:
        if c.entry is not None and "api:" + c.entry.key != previous and c.vocab >= 1.0:
            return "api:" + c.entry.key
    return None
