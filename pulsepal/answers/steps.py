"""Two steps asked for in one sentence: "load a .seq file and compute its k-space trajectory", "read the gre.seq
JEMRIS wrote and plot it". Ranked as a whole, the sentence has one clear subject (the k-space call, the reader) and
the other step sinks under how-to notes, so the answer showed one function and missed the other.

Each step is ranked on its own words. A short second step that only names an action on what the first made ("plot
it", "write it out") has too few words to rank; after a method of the sequence object, its action is that object's
method (`seq.plot`, `seq.write`, ...). Apart from offline.py, which only asks whether a sentence is two steps.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Optional

if TYPE_CHECKING:
    from .pulseq_api import ApiEntry, PulseqApi
    from .ranking import Ranking

_VERBS = (r"plot|compute|calculate|get|show|display|write|save|export|check|read|load|open|look|simulate|print|view|"
          r"inspect|test|convert|draw|see")
# "... and then plot it", "..., then compute ...", "... and compute ...": the second step starts with its verb
_SPLIT = re.compile(r",?\s+(?:and\s+then|and|then|,\s*then)\s+(?=(?:also\s+|finally\s+)?(?:" + _VERBS + r")\b)", re.I)
# "... and look at it in the Siemens simulator": another tool does that step, not the sequence object
_ELSEWHERE = re.compile(r"\b(simulator|scanner|viewer|poet|idea|jemris|koma\w*|mr-?zero|matplotlib|console)\b", re.I)
_ON_IT = re.compile(r"\b(it|them|its|the sequence|the result|that)\b", re.I)
# the sequence object's method for an action said in a word or two (both toolboxes have each of these)
_METHOD_FOR = ((r"\b(plot\w*|show|display|view|draw|see|look)\b", "seq.plot"),
               (r"\b(write|save|export)\b", "seq.write"),
               (r"\b(check\w*)\b.{0,20}\btiming\b|\btiming\b", "seq.check_timing"),
               (r"\bk-?space\b|\btrajector\w*", "seq.calculate_kspace"))


def two_steps(prose: str, rank: Callable[[str], "Ranking"], whole: "Ranking",
              api: "PulseqApi") -> Optional[tuple["ApiEntry", "ApiEntry"]]:
    """The two functions a two-step sentence asks for, in its order; None when it is one step, when a step has no
    clear function, or when the two are the same."""
    parts = _SPLIT.split(prose, maxsplit=1)
    if len(parts) == 2:
        first, second = rank(parts[0]).top, rank(parts[1]).top
        if first is not None and first.entry is not None and first.vocab >= 1.0:
            then = second.entry if second is not None and second.entry is not None and second.vocab >= 1.0 else None
            if then is None and first.entry.kind == "method" and _ON_IT.search(parts[1]) and len(
                    parts[1].split()) <= 8 and not _ELSEWHERE.search(parts[1]):
                name = next((n for pattern, n in _METHOD_FOR if re.search(pattern, parts[1], re.I)), None)
                then = api.get(name) if name else None
            if then is not None and then.key != first.entry.key:
                return first.entry, then
    # one ranking with two clear functions and a word joining them: "load a .seq file and look at one of its blocks"
    top, runner = whole.top, whole.runner_up
    if top is not None and top.entry is not None and runner is not None and runner.entry is not None and \
            min(top.vocab, runner.vocab) >= 1.0 and re.search(r"\b(and|then)\b", prose):
        return top.entry, runner.entry
    return None
