"""When a follow-up's subject is not the previous answer's function, though it says "it" or names no function.

The responder keeps the previous subject for "it", which is right for "what are its parameters?" and wrong for
four kinds of follow-up seen in real conversations:

* "which one takes num_samples?" after two answers about two functions: one of the two, picked by the words;
* "same but with 3 slices" after a template: the template again, with the new values;
* "why does it fail the raster check?" after `make_delay`: the note on that problem, when the note is built
  around the function;
* "what about the slice gradient?", "same for the readout" after anything: the part of a sequence the ellipsis
  names (its note or the function that makes it), unless the previous function is already what makes that part;
* "and how do I get its centre time?" after a pulse: the next function, applied to what the previous one made
  (its first argument is one of the previous function's outputs, or both are methods of the sequence and the
  previous one returned nothing, so "it" is the sequence).

Each rule only fires on its own shape of question, so a follow-up about the previous function itself still gets
that function.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from .event_pairing import paired_subject
from .followups import READ_BACK, speaks_of_parameter, two_subjects
from .pulseq_api import ApiEntry, PulseqApi

if TYPE_CHECKING:  # the ranker is handed in by offline.py; importing it here would only serve the hints
    from .ranking import Ranking

_WHICH_OF_TWO = re.compile(r"\bwhich (one|of (them|the two|these|those|both|the 2))\b|\bwhich is (the )?(one|better|"
                           r"faster|right)\b", re.I)
_WHY = re.compile(r"^\W*(and |so |but )?(why|how come|what if|what happens (if|when))\b", re.I)
_NEXT_STEP = re.compile(r"^\W*((and|so|then|ok(ay)?),?\s+)?how (do|can|would|should) (i|we|one)\b|"
                        r"^\W*(and|so|now)\b,?\s+(then\s+)?(plot|write|save|export|check|show|display|rotate|read)\w*\b",
                        re.I)
_PRONOUN = re.compile(r"\b(it|its|that|this|them)\b", re.I)
_SAME = re.compile(r"^\W*(same|now|and|then|ok(ay)?|instead|what about|how about|make it|but)\b|\b(same but|"
                   r"instead|this time)\b", re.I)
_STOP = frozenset("which one them the two these those both does lets give gives take takes that this with have from "
                  "into what when where there their about would could should tell me need want just also then "
                  "more less than only".split())
_HEADING = re.compile(r"^###\s+`(?:pp\.)?([^`(]+)`", re.M)


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _bag(text: str) -> set[str]:
    """The words of a text, stemmed; "non-selective" stays one word (it says the opposite of "selective")."""
    out: set[str] = set()
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).replace("_", " ").lower()
    for word in re.findall(r"[a-z]+(?:-[a-z]+)*", text):
        if word.startswith("non-"):
            out.add(word)
            continue
        out |= {_stem(w) for w in word.split("-") if len(w) >= 4 and w not in _STOP}
    return out


def _words_of(e: ApiEntry) -> set[str]:
    names = [p.name for p in e.params] + [r[0] for r in e.returns]
    if e.matlab is not None:
        names += [o.name for o in e.matlab.options] + [a.name for a in e.matlab.args]
    return _bag(" ".join(names) + " " + e.summary_text)


def _answer_subject(api: PulseqApi, msg: dict) -> Optional[ApiEntry]:
    meta = msg.get("metadata") or {}
    subject = str(meta.get("subject") or "")
    if subject.startswith("api:"):
        return api.get(subject[4:])
    heading = _HEADING.search(msg.get("content") or "")
    entry = api.get(heading.group(1).strip()) if heading else None
    return entry or (api.get(str(meta["topic"])) if meta.get("topic") else None)


def which_of_two(api: PulseqApi, history: list[dict], prose: str) -> Optional[str]:
    """"which of them takes num_samples?" after one answer about `make_adc` and one about `make_delay`: the one
    whose parameters and description share the most words with the question, when one clearly does."""
    if not _WHICH_OF_TWO.search(prose):
        return None
    pair = two_subjects(api, history)
    entries = [api.get(s[4:]) for s in pair] if pair else []
    if not pair:
        for msg in reversed(history or []):
            if msg.get("role") == "assistant":
                e = _answer_subject(api, msg)
                if e is not None and all(e.key != x.key for x in entries if x is not None):
                    entries.append(e)
            if len(entries) == 2:
                break
    found = [e for e in entries if e is not None]
    if len(found) != 2:
        return None
    asked = _bag(prose)
    # a description that says "non-selective" counts against a question asking which one is selective
    scores = [len(asked & w) - len({a for a in asked if "non-" + a in w}) for w in map(_words_of, found)]
    if max(scores) <= 0 or scores[0] == scores[1]:
        return None
    return "api:" + found[scores.index(max(scores))].key


def template_again(history: list[dict], prose: str) -> Optional[str]:
    """"same but with 3 slices please" after a template: that template, which then takes the new values."""
    from .knowledge import parse
    from .sequences import TEMPLATES, requested

    last = next((m for m in reversed(history or []) if m.get("role") == "assistant"), None)
    m = re.search(r"^###\s+Template: (.+?) \((MATLAB|Octave|Python)", (last or {}).get("content") or "", re.M)
    if m is None or not _SAME.search(prose) or not parse(prose).values:
        return None
    stem = next((s for s, meta in TEMPLATES.items() if meta["title"] == m.group(1)), None)
    kind = requested(prose)
    if stem is None or (kind is not None and kind.template != stem):
        return None
    return "template:" + stem


def _previous(api: PulseqApi, history: list[dict]) -> Optional[ApiEntry]:
    last = next((m for m in reversed(history or []) if m.get("role") == "assistant"), None)
    return _answer_subject(api, last) if last is not None else None


def why_note(api: PulseqApi, history: list[dict], prose: str, ranking: "Optional[Ranking]") -> Optional[str]:
    """"why does it fail the raster check?" after `make_delay`: the how-to note the question ranks first, when
    that note is built around the previous function (so the answer still speaks of it)."""
    top = ranking.top if ranking is not None else None
    if top is None or top.kind != "howto" or top.doc is None or top.vocab < 0.8 or not _WHY.search(prose):
        return None
    from .ranking import note_functions

    e = _previous(api, history)
    if e is None or not {e.key, e.python_name or ""} & set(note_functions(top.doc)):
        return None
    return top.id


def _outputs(e: ApiEntry) -> set[str]:
    return {r[0].lower() for r in e.returns} | ({o.lower() for o in e.matlab.outputs} if e.matlab else set())


def _first_input(e: ApiEntry) -> str:
    if e.params:
        return e.params[0].name.lower()
    return e.matlab.args[0].name.lower() if e.matlab is not None and e.matlab.args else ""


def next_step(api: PulseqApi, history: list[dict], prose: str, ranking: "Optional[Ranking]") -> Optional[str]:
    """"and how do I get its centre time?" after `make_block_pulse`: a function the question ranks among its
    first three that takes what the previous one made (`calc_rf_center(rf)`), or another method of the sequence
    after a method that returned nothing ("and how do I plot it then?" after `seq.read`)."""
    if ranking is None or not _NEXT_STEP.search(prose) or not _PRONOUN.search(prose) or re.search(
            r"\b(matlab|python|pypulseq|octave)\b", prose, re.I):  # "and write it in MATLAB?": the same, translated
        return None
    e = _previous(api, history)
    if e is None or speaks_of_parameter(api, "api:" + e.key, prose, common=True):
        return None
    made = _outputs(e)
    for c in ranking.candidates[:3]:
        n = c.entry
        if n is None or n.key == e.key or c.score < 0.3:
            continue
        # a method that made nothing (`seq.read`) changed the sequence, so "it" is the sequence; one that made
        # something (`seq.calculate_kspace`) leaves "it" meaning what it made
        if _first_input(n) in made or (n.kind == "method" and e.kind == "method" and not made):
            return "api:" + n.key
    return None


# "what about the slice gradient?", "same for the readout", "and for the spoiler?": an ellipsis that names a part of
# a sequence and nothing else
_ELLIPSIS = re.compile(r"^\W*(?:(?:and|ok(?:ay)?|so|then|now|but),?\s+)*(?:what about|how about|same (?:thing )?for|"
                       r"and (?:for|with)|the same for|do the same for|likewise for|and)\s+(?:the |a |an |my )?"
                       r"(?P<part>[a-z][a-z -]{1,40}?)\s*\??\s*$", re.I)
_GRADIENT_MAKERS = ("make_trapezoid", "make_extended_trapezoid", "make_arbitrary_grad", "make_extended_trapezoid_area")
# (part words, its subject, the previous subjects that already make it)
_PARTS: tuple[tuple[re.Pattern, str, tuple[str, ...]], ...] = (
    (re.compile(r"^slice(?:[- ]select\w*)?(?: (?:selection|gradient|grad|rephaser|refocus\w*))?s?$"),
     "howto:slice_selection", ("make_sinc_pulse", "make_gauss_pulse", "make_slr", "make_adiabatic_pulse")),
    (re.compile(r"^(?:readout|read[- ]out|read|frequency[- ]encod\w*)(?: (?:gradient|grad|lobe|part|event))?s?$"),
     "api:make_adc", ("make_adc",) + _GRADIENT_MAKERS),
    (re.compile(r"^(?:adc|acquisition|sampling)(?: event| window)?s?$"), "api:make_adc", ("make_adc",)),
    (re.compile(r"^phase[- ]?encod\w*(?: (?:gradient|grad|step|table|blip))?s?$"), "howto:phase_encoding",
     _GRADIENT_MAKERS),
    (re.compile(r"^(?:spoil\w*|crusher)(?: (?:gradient|grad))?s?$"), "howto:spoiler", _GRADIENT_MAKERS),
    (re.compile(r"^(?:pre-?phaser|rephaser|dephaser|prewinder|rewinder)s?$"), "api:make_trapezoid", _GRADIENT_MAKERS),
    (re.compile(r"^(?:excitation|refocusing|refocus|inversion|rf)(?: pulse)?s?$"), "api:make_sinc_pulse",
     ("make_sinc_pulse", "make_block_pulse", "make_gauss_pulse", "make_adiabatic_pulse", "make_arbitrary_rf",
      "make_slr")),
    (re.compile(r"^fat[- ]?(?:sat\w*|suppression)(?: pulse)?$"), "howto:fat_saturation", ()),
)


def part_subject(api: PulseqApi, history: list[dict], prose: str) -> Optional[str]:
    """"what about the slice gradient?" after a delay or a template: the note or function that makes that part;
    after a function that already makes it (a sinc pulse, with its slice gradient), None: "it" stays."""
    m = _ELLIPSIS.match(prose.strip())
    if m is None:
        return None
    part = re.sub(r"\s+", " ", m.group("part").strip().lower())
    e = _previous(api, history)
    if e is not None and e.key == "make_label" and re.match(r"^(slices?|lines?|echo(es)?|partitions?|repetitions?|"
                                                           r"averages?|segments?|sets?|phases?)$", part):
        return None  # "and for slices?" after a line counter: the slice counter, the same function
    for pattern, subject, makers in _PARTS:
        if pattern.match(part):
            if e is not None and (e.key in makers or "api:" + e.key == subject):
                return None
            return subject
    return None


def moved_subject(api: PulseqApi, history: list[dict], prose: str,
                  ranking: "Optional[Ranking]" = None) -> Optional[str]:
    """The subject of a follow-up that is not the previous answer's function, by the rules above; else None (and
    always None for a question that reads a value back: followups.getter_subject's)."""
    if not history or READ_BACK.search(prose):
        return None
    e = _previous(api, history)
    return (paired_subject("api:" + e.key if e else None, prose) or part_subject(api, history, prose)
            or which_of_two(api, history, prose) or template_again(history, prose)
            or why_note(api, history, prose, ranking) or next_step(api, history, prose, ranking))
