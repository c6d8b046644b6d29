"""Which function raised an error message a user pasted, and what it means.

"I get 'Requested area is too large for this gradient' - what's wrong?" used to be answered with the scanner-limits
note. That note is related, but it does not say what the user needs to know: which call raised the message, why,
and what to change. The messages are facts of the toolboxes' own code: pypulseq's are read from the installed
package (its `raise` statements), MATLAB's from the facts file tools/extract_matlab_errors.py wrote from the real
toolbox. The explanations of the common ones (`_MEANING`) are ours.

A message counts as pasted only when the question says it is an error ("I get", "error", "raises", "traceback",
"ValueError", ...) and holds a good part of the message verbatim: five or more words in a row that are at least 60 %
of the message's longest literal part (or eight words), or the whole of a short message. Sharing words is not
enough: "does the ADC delay need to be on a gradient raster?" shares five with "The last time point must be on a
gradient raster" and pastes nothing. The session's toolbox is searched, the other one only when the question marks
it ("ValueError", "Traceback", "pp." for pypulseq; "Error using", "mr." for MATLAB).
"""

from __future__ import annotations

import importlib
import inspect
import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional

from .pulseq_api import PulseqApi
from .source_facts import RAISE, message, raised
from .types import Answer, is_matlab

_DATA = Path(__file__).with_name("data") / "matlab_errors.json"
_ERROR_WORD = re.compile(r"\b(errors?|raises?d?|message|traceback|exception|ValueError|TypeError|AssertionError|"
                         r"RuntimeError|fails?|failed|complains?|throws?|i get|i got|getting|crash\w*|stops? with|says|"
                         r"gives|help|when i (run|call|make|add|build))\b", re.I)
# messages raised inside a Sequence helper module, and the public call that reaches them
_PY_MODULES = {"pypulseq.Sequence.block": "seq.add_block", "pypulseq.Sequence.read_seq": "seq.read",
               "pypulseq.Sequence.write_seq": "seq.write"}
# MATLAB methods a user does not call: the public method that calls them
_ML_CALLER = {"seq.setBlock": "seq.addBlock", "seq.readEvents": "seq.read", "seq.readDefinitions": "seq.read",
              "seq.rfFromLibData": "seq.read", "seq.readBinary": "seq.read"}


def _caller(function: str) -> str:
    """The public MATLAB call behind a method users do not call (seq.registerRfEvent runs inside seq.addBlock)."""
    return "seq.addBlock" if function.startswith("seq.register") else _ML_CALLER.get(function, function)

# what the common messages mean and what to change (our words), by a pattern over the message
_MEANING = (
    (r"area is too large|duration is too short for the area",
     "the area asked for cannot be reached in the duration given with the system's gradient and slew limits. Give "
     "a longer duration, leave the duration out (the shortest trapezoid for that area is made), or use the "
     "scanner's real limits in the system object if they are higher."),
    (r"slew rate violation|maximum slew rate exceeded|slew rate\b.{0,60}\blarger than max",
     "the gradient changes faster than the system's maximum slew rate allows. Use longer ramps (rise and fall "
     "times) or a smoother waveform, or set the system's slew limit to the scanner's real value."),
        (r"amplitude violation|amplitude\b.{0,40}\blarger than max|maximum amplitude exceeded",
     "the gradient amplitude needed is above the system's maximum gradient. Lengthen the flat time or duration "
     "(a readout: a longer readout for the same FOV and matrix), make the slice thicker or the pulse's bandwidth "
     "lower, or set the system's limit to the scanner's real maximum."),
(r"raw float values are not allowed",
     "a bare number was passed to add_block. A pause is an event: wrap the time in a delay (`pp.make_delay(t)` / "
     "`mr.makeDelay(t)`) and add that."),
    (r"'use' is not optional|\"use\" is not optional",
     "since v1.5.0 every RF event must say what it is for, and this one carries no `use`: it was built by hand, read "
     "from an old file or made by code from before v1.5.0. Make the pulse with the toolbox's pulse function and "
     "give `use` ('excitation', 'refocusing', 'inversion', 'saturation' or 'preparation'), or set the field on the "
     "event you built."),
    (r"either dwell or duration must be defined",
     "the ADC needs its timing: give the dwell time (between samples) or the duration of the whole window, with the "
     "number of samples."),
    (r"bandwidth or duration must be defined",
     "the block pulse needs its length: give its duration (or its bandwidth, not both)."),
    (r"negative delay",
     "the alignment would start an event before the block does: an event is longer than the block allows, often "
     "an RF pulse whose ringdown time was not counted. Align against the longest event or give the block more "
     "time."),
    (r"same amplitude at the connection point|ended with non-zero amplitude",
     "a gradient that does not end at zero must be followed, on the same axis in the next block, by one that "
     "starts at that amplitude. Make the two waveforms meet (extended trapezoids with matching end and start "
     "amplitudes), or ramp the first to zero."),
    (r"first gradient in the the first block has to start at 0|first amplitude of a gradient is non-?zero",
     "the first gradient on an axis must start at zero amplitude: nothing before it can connect to it. Start the "
     "waveform at 0 or ramp up first."),
    (r"doesn't end at zero needs to be aligned to the block boundary|no delay allowed for gradients which start",
     "a gradient that starts or ends off zero must touch the block's edge, with no delay or gap, so that it joins "
     "the next (or previous) block's waveform."),
    (r"more than one gradient per axis|multiple \w+ gradient events|multiple rf events|multiple adc events",
     "a block can hold one event of each kind per axis. Sum two gradients on one axis into one "
     "(`pp.add_gradients` / `mr.addGradients`) or put them in consecutive blocks."),
    (r"not a multiple of .?adc_raster|on a gradient raster|last time point must be on",
     "times must lie on their raster (ADC dwell on the ADC raster, gradient corners on the gradient raster). Round "
     "the value to a whole number of raster steps."),
    (r"slice thickness must be provided",
     "a slice gradient was asked for (`return_gz=True`) without a slice thickness. Give `slice_thickness`, or "
     "leave the gradient out for a non-selective pulse."),
    (r"must supply area or duration|must supply either 'area'",
     "the trapezoid needs exactly one of area, flat area or amplitude, and a duration when only an amplitude "
     "is given."),
    (r"block duration cannot be negative|is negative|delay [-\d.…]+ ?m?s is invalid|delay … is invalid",
     "a computed delay came out below zero: the events already take longer than the TE or TR asked for. Compute "
     "the minimum (the sum of the events' durations) and choose a longer TE/TR."),
)


@dataclass(frozen=True)
class Raised:
    message: str  # as the code writes it; a part computed at run time as "…"
    call: str  # the public function or method, in its toolbox's spelling
    matlab: bool


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


@lru_cache(maxsize=1)
def _python(api_keys: tuple[tuple[str, str, str, str], ...]) -> tuple[Raised, ...]:
    out = [Raised(m, call, False) for key, module, name, call in api_keys for m in raised(key, module, name)]
    for module, key in _PY_MODULES.items():
        try:
            src = inspect.getsource(importlib.import_module(module))
        except (ImportError, OSError, TypeError):
            continue
        out += [Raised(message(m, src), key, False) for m in RAISE.finditer(src)]
    return tuple(out)


@lru_cache(maxsize=1)
def _matlab() -> tuple[Raised, ...]:
    rows = json.loads(_DATA.read_text(encoding="utf-8"))["errors"]
    return tuple(Raised(r["message"], _caller(r["function"]), True) for r in rows)


def _pasted(message: str, words: list[str]) -> int:
    """The longest run of the message's words found verbatim in the question, when it is a paste (else 0)."""
    joined = " " + " ".join(words) + " "
    pieces = [_words(p) for p in message.split("…")]
    longest = max((len(p) for p in pieces), default=0)
    best = 0
    for pw in pieces:
        for n in range(len(pw), 2, -1):  # the longest run first, from any start (a paste may begin mid-sentence)
            if n <= best:
                break
            if any(f" {' '.join(pw[i:i + n])} " in joined for i in range(len(pw) - n + 1)):
                best = n
                break
    whole_short = 3 <= best == longest <= 4  # "Gradient amplitude violation (112%)": all of a short message
    return best if whole_short or best >= 8 or (best >= 5 and best >= 0.6 * longest) else 0


def _grams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i:i + 3]) for i in range(len(words) - 2)}


@lru_cache(maxsize=4)
def _by_gram(group: tuple[Raised, ...]) -> dict[tuple[str, ...], list[Raised]]:
    """Each three-word run of the messages, and the messages holding it: a question shares one with a message it
    pastes, so only those few are compared word by word (every question passes through here)."""
    index: dict[tuple[str, ...], list[Raised]] = {}
    for r in group:
        for piece in r.message.split("…"):
            for g in _grams(_words(piece)):
                index.setdefault(g, []).append(r)
    return index


_PYTHON_MARK = re.compile(r"\b(ValueError|TypeError|AssertionError|RuntimeError|Traceback|pypulseq|python)\b|"
                          r"\bpp\.\w", re.I)
_MATLAB_MARK = re.compile(r"\bError using\b|\bmatlab\b|\bmr\.\w")


def found(question: str, matlab: bool, api_keys: tuple[tuple[str, str, str, str], ...]) -> list[Raised]:
    """The message pasted into the question and every function that raises it (several pulse functions raise
    "Slice thickness must be provided"); [] when none is pasted."""
    words = _words(question)
    if len(words) < 3 or not _ERROR_WORD.search(question):
        return []
    grams = _grams(words)
    python, matlab_rows = _python(api_keys), _matlab()
    other_marked = bool(_PYTHON_MARK.search(question)) if matlab else bool(_MATLAB_MARK.search(question))
    own_marked = bool(_MATLAB_MARK.search(question)) if matlab else bool(_PYTHON_MARK.search(question))
    groups = [matlab_rows if matlab else python]
    if other_marked and not own_marked:
        groups = [python if matlab else matlab_rows] + groups
    for group in groups:
        index = _by_gram(group)
        near = dict.fromkeys(r for g in grams for r in index.get(g, ()))
        scored = [(_pasted(r.message, words), -len(r.message), r) for r in near]
        best = max(scored, key=lambda t: (t[0], t[1]), default=None)
        if best is not None and best[0]:
            same = best[2].message.rstrip(". ")
            return list(dict.fromkeys(r for n, _, r in scored if n == best[0] and r.message.rstrip(". ") == same))
    return []


def explain(hits: list[Raised]) -> str:
    """The lines that open the answer: who raised it, the message, and what it means when we know."""
    toolbox = "MATLAB's Pulseq toolbox" if hits[0].matlab else "pypulseq"
    calls = [f"`{h.call}`" for h in hits]
    who = calls[0] if len(calls) == 1 else ", ".join(calls[:-1]) + " and " + calls[-1]
    shown = hits[0].message.rstrip(". ")
    text = f"**This message comes from {who}**: {toolbox} raises “{shown}.”"
    meaning = next((m for pattern, m in _MEANING if re.search(pattern, hits[0].message, re.I)), None)
    if meaning:
        text += f" It means that {meaning}"
    return text


def keys_of(api: PulseqApi) -> tuple[tuple[str, str, str, str], ...]:
    """(key, module, name, call) of every pypulseq function and method, the form `found` caches on."""
    return tuple((e.key, e.module, e.python_name, e.python_call) for e in api.by_key.values()
                 if e.python_name and e.python_call and e.kind in ("function", "method"))


def error_answer(question: str, lang: str, api: PulseqApi,
                 subject_of: Callable[[str, str, str], Answer]) -> Optional[Answer]:
    """The answer to a question that holds a toolbox's error message: who raised it and what it means, then the
    reference of that function in the session's language (its parameters are usually what has to change)."""
    hits = found(question, is_matlab(lang), keys_of(api))
    if not hits:
        return None
    head = explain(hits)
    # the function whose reference follows: the only one, or the one the question names
    named = [h for h in hits if len(hits) == 1 or re.search(rf"\b{re.escape(h.call.split('.', 1)[1])}\b", question)]
    entry = (api.get(named[0].call) or api.get(named[0].call.removeprefix("pp."))) if len(named) == 1 else None
    if entry is None:
        return Answer(text=head, confident=True)
    ans = subject_of("api:" + entry.key, lang, "overview")
    return replace(ans, text=head + "\n\n" + ans.text, confident=True, topic=entry.key, subject="api:" + entry.key)
