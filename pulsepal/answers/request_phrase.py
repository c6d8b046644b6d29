"""The user's own words for the sequence they asked for, to be shown back in an answer that does not have it.

Its own module because both the no-template answer (render_docs.py) and the request answers (sequence_requests.py)
need it, and those two import each other's ground already.
"""

from __future__ import annotations

import re

_CLAUSE_END = re.compile(r"[,;?!()\[\]:\n]|\s[-–—]\s|\.\s|\.$")
_ASKING = re.compile(r"^\W*(?:(?:hi|hello|hey|please|pls|so|ok|okay|and|also|now)\b\W*)*(?:(?:do|does) (?:you|pulseq|"
                     r"pypulseq) have|have you got|is there|are there|got|(?:can|could|would) you (?:write|give|make|"
                     r"build|send|show|provide)(?: me)?|i (?:want|need|would like|'d like|am looking for|'m looking "
                     r"for)(?: to (?:do|build|write|make|run|implement))?|give me|write me|show me|send me|"
                     r"looking for)?\s*(?:an?|the|some|any)?\s+", re.I)
_TRAILING = re.compile(r"\s+(?:in|as|with|for|using)\s+(?:an?\s+|the\s+)?(?:pypulseq|python|matlab|octave|pulseq)\b.*$"
                       r"|\s+(?:template|script|example|code)s?\s*$", re.I)


def request_words(prose: str, at: int) -> str:
    """The user's own words for the sequence asked for: the clause the recognised name stands in (character `at`),
    without the asking ("do you have a ...") or the language ("... in pypulseq"). "CEST fingerprinting schedule",
    "T2 mapping with an MLEV style T2 prep and spiral readout": a no-template answer that only names the kind we
    recognised ("MR fingerprinting") would not show the user that the rest of the request was read."""
    if prose[:at].count("(") > prose[:at].count(")"):
        at = 0  # named only in an aside ("... (spiral, ECG triggered)"): the request is the main clause
    bounds = [0] + [m.end() for m in _CLAUSE_END.finditer(prose)] + [len(prose)]
    start = max(b for b in bounds if b <= at)
    end = min((m.start() for m in _CLAUSE_END.finditer(prose, at)), default=len(prose))
    clause = _ASKING.sub("", " " + prose[start:end].strip(), count=1).strip()
    clause = _TRAILING.sub("", clause).strip(" .-")
    words = re.sub(r"[*_`#<>\[\]|]", "", clause).split()  # shown in Markdown: none of its markup
    return " ".join(words) if 1 <= len(words) <= 14 else ""
