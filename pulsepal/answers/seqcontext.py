"""A sequence named as the setting of a question, not as what it asks for: "in my spin echo, how do I make the
refocusing pulse?", "for my EPI, how do I create the blips?", "radial sequence: how do I rotate each spoke?".

The responder answers a question that names a sequence with its template (or with "no template for that"), which
is right for "a spin echo in pypulseq?" and wrong here: the user has the sequence and asks about one part of it.
What tells the two apart is the shape of the sentence, not the words of any one question: the sequence sits in a
leading phrase set off by a comma or colon ("in/for/inside my ..., ", "<name> sequence: "), or in a trailing
"in/for my ... sequence", and the rest is a question of its own that names no sequence.
"""

from __future__ import annotations

import re
from typing import Optional

from .sequences import requested

_LEAD = re.compile(r"^\W*((?:(?:in|for|inside|within|during|with|on) (?:my|the|a|an|this|our|your)\b[^,:;?]{1,60}"
                   r"|[\w\s/-]{1,40}\b(?:sequence|protocol|scan))\s*[,:;]\s*)(?=\S)", re.I)
_TRAIL = re.compile(r"\s+((?:in|for|inside|within|of) (?:my|this|our) (?:[\w/-]+\s+){0,3}?(?:sequence|protocol|"
                    r"scan|seq)\b[^?]*)\??\s*$", re.I)
_ASKS = re.compile(r"^\W*(?:\w+\W+){0,8}?(how|what|which|where|when|why|can|could|should|is there|are there|do i|"
                   r"does)\b|^\W*(convert|compute|calculate|rotate|make|create|add|get|set|put|turn|scale|split|"
                   r"shift|round|label|plot|read|write|check)\s+(my|the|a|an|each|every|this|these)\b", re.I)

# the rest still asks for the sequence: "..., can you give me one?", "...: is there an example?"
_WANTS_IT = re.compile(r"\b(one|it)\W*$|\b(examples?|templates?|scripts?|implementations?|demos?|code)\b", re.I)


# "the spiral readout", "each radial spoke", "my EPI blips": the sequence's name qualifies one of its parts
_PART = re.compile(r"\W+(?:[\w-]+\W+)?(readouts?|interleaves?|spokes?|trajector(y|ies)|gradients?|lobes?|pulses?|arms?|"
                   r"shots?|blips?|echo trains?|encoding|waveforms?|adcs?|excitations?|refocus\w*|prephasers?|"
                   r"rewinders?|crushers?|spoilers?|kernels?|modules?|blocks?|segments?|partitions?)\b", re.I)
_THE_SEQUENCE = re.compile(r"\b(sequences?|protocols?|scans?|templates?|examples?|scripts?|implementations?|demos?)\b",
                           re.I)


def names_a_part(prose: str) -> bool:
    """The sequence named only as an adjective of one of its parts, and nothing asks for the sequence itself."""
    kind = requested(prose)
    if kind is None or _THE_SEQUENCE.search(prose):
        return False
    def qualifies(end: int) -> bool:
        part = _PART.match(prose, end)
        # "stack of stars gradient echo": the word starts another sequence's name, not a part
        return part is not None and requested(prose[part.start(1):part.start(1) + 30]) is None

    spans = [m for m in kind.pattern.finditer(prose)]
    return bool(spans) and all(qualifies(m.end()) for m in spans)


def part_question(prose: str) -> Optional[str]:
    """The question about a part of a sequence, without the phrase that only sets the scene; None when the
    sequence is what is asked for (or no sequence is named)."""
    if names_a_part(prose) and (_ASKS.search(prose) or re.match(r"^\W*[a-z]+\b", prose)):
        return prose
    for pattern in (_LEAD, _TRAIL):
        m = pattern.search(prose)
        if m is None:
            continue
        setting = m.group(1)
        rest = (prose[:m.start(1)] + " " + prose[m.end(1):]).strip()
        if requested(setting) is not None and requested(rest) is None and _ASKS.search(rest) and \
                not _WANTS_IT.search(rest) and len(re.findall(r"\w+", rest)) >= 4:
            return rest
    return None
