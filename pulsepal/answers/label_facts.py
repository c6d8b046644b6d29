"""Which label (reconstruction counter) holds what the user describes: "which counter holds the heart phase, next
to LIN and PAR" is PHS, "mark which of the two images a readout belongs to" is SET.

Why: the label names are a short fixed list (the toolboxes' supported labels), but users describe the quantity, not
the name, and the reference of the label function lists the names without saying which is which. A name the
question already gives ("next to LIN and PAR") is not offered again.
"""

from __future__ import annotations

import re

_ASKS = re.compile(r"\b(labels?|counters?|tags?|tagg\w*|mark\w*|flags?|(tell|let) the recon\w*|"
                   r"recon\w* (know|sort|tell)|mdh|belongs? to)\b", re.I)
# (what the user describes, the label, what it counts)
_WHICH: tuple[tuple[str, str, str], ...] = (
    (r"\b(cardiac|heart)[- ]?(phases?|frames?|cycles? (phase|position))\b|\bcine (frames?|phases?)\b", "PHS",
     "the cardiac phase"),
    (r"\b(which|what)\b.{0,25}\b(images?|contrasts?|inversions?|inversion times?|tis?|volumes?|sets?)\b.{0,30}\b"
     r"(belongs?|is from|comes? from|part of)|\b(first|second) (inversion|image|contrast|ti)\b", "SET",
     "which image set (contrast or inversion time) a readout belongs to"),
    (r"\becho (number|index|count)\b|\bwhich echo\b", "ECO", "the echo number"),
    (r"\b(which|what) average\b|\baverage (number|index|count)\b", "AVG", "the average"),
    (r"\b(which|what) repetition\b|\brepetition (number|index|count)\b|\bdynamic (number|index)\b", "REP",
     "the repetition"),
    (r"\b(which|what) slice\b|\bslice (number|index)\b", "SLC", "the slice"),
    (r"\b(which|what) partition\b|\bpartition (number|index)\b|\bkz (index|line|step)\b", "PAR", "the partition"),
    (r"\b(which|what) (ky |phase[- ]encod\w* )?line\b|\bline (number|index)\b|\bky (index|line|step)\b", "LIN",
     "the phase-encoding line"),
    (r"\b(which|what) segment\b|\bsegment (number|index)\b|\bshot (number|index)\b", "SEG", "the segment or shot"),
)


# "label the slices", "tag each echo": the thing counted, named right after the verb
_THING = {"slice": "SLC", "partition": "PAR", "echo": "ECO", "echoe": "ECO", "repetition": "REP", "average": "AVG",
          "segment": "SEG", "shot": "SEG", "line": "LIN"}
_LABEL_THE = re.compile(r"\b(?:label|tag|mark|count|number)\w*\s+(?:the\s+|each\s+|every\s+|my\s+|all\s+)?"
                        r"(slice|partition|echoe|echo|repetition|average|segment|shot|line)s?\b", re.I)


def lines(prose: str, matlab: bool) -> list[str]:
    if not _ASKS.search(prose):
        return []
    named = set(re.findall(r"\b(PHS|SET|ECO|AVG|REP|SLC|PAR|LIN|SEG|TRID)\b", prose))
    out = []
    thing = _LABEL_THE.search(prose)
    said = _THING[thing.group(1).lower()] if thing else None
    for pattern, label, what in _WHICH:
        if label in named or not (re.search(pattern, prose, re.I) or label == said):
            continue
        call = (f"mr.makeLabel('SET', '{label}', value)" if matlab else
                f"pp.make_label(type='SET', label='{label}', value=value)")
        out.append(f"The label for {what} is **`{label}`**: `{call}` in the block of each readout (or 'INC' to "
                   "count up).")
    return out[:2]


def direct(prose: str, matlab: bool) -> list[str]:
    """The label lines when the name is what is asked ("which counter holds ...?"): they answer by themselves."""
    if not re.search(r"\b(which|what)\b.{0,30}\b(labels?|counters?|name)\b|\b(labels?|counters?)\b.{0,20}\b(holds?|"
                     r"for|stores?|keeps?)\b", prose, re.I):
        return []
    return lines(prose, matlab)
