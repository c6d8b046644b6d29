"""Which Pulseq dialect a user is writing in.

PulsePal answers in the user's language (MATLAB toolbox `mr.*` or Python `pypulseq`), so the session keeps a
preference. People rarely say which they use; they show it in the code they paste or the names they type. The
detector looks for strong, unambiguous signals only and returns None when unsure, so a single vague question never
flips an established preference.
"""

from __future__ import annotations

import re
from typing import Literal, Optional

Language = Literal["matlab", "python", "octave"]
LANGUAGES: tuple[str, ...] = ("matlab", "python", "octave")

_EXPLICIT = [
    (re.compile(r"\boctave\b", re.I), "octave"),
    (re.compile(r"\b(pypulseq|python|numpy|import\s+pypulseq)\b", re.I), "python"),
    (re.compile(r"\bmatlab\b", re.I), "matlab"),
]

_PYTHON_SIGNALS = [
    re.compile(r"\bpp\.[a-z]+_[a-z_]+\s*\("),  # pp.make_trapezoid(
    re.compile(r"\b(import|from)\s+\w+"),
    re.compile(r"\bdef\s+\w+\s*\("),
    re.compile(r"\bseq\.[a-z]+_[a-z_]+\b"),  # seq.add_block
    re.compile(r"\b(make|calc|add|get|set)_[a-z_]+\b"),
    re.compile(r"\bsystem\s*=\s*"),
    re.compile(r"\bTrue\b|\bFalse\b|\bNone\b"),
]
_MATLAB_SIGNALS = [
    re.compile(r"\bmr\.[a-z]+[A-Z]\w*"),  # mr.makeTrapezoid
    re.compile(r"\bseq\.[a-z]+[A-Z]\w*"),  # seq.addBlock
    re.compile(r"\bmr\.opts\b"),
    re.compile(r"'[A-Z][A-Za-z]+'\s*,"),  # 'FlatTime',
    re.compile(r"^\s*%", re.M),  # MATLAB comment
    re.compile(r"\bend\s*;?\s*$", re.M),
    re.compile(r"\bfunction\s+\[?\w"),
    re.compile(r"\b(make|calc|add|get|set)[A-Z]\w*\b"),
]


def detect_language(text: str) -> Optional[str]:
    """Return 'matlab', 'python' or 'octave' when the text shows it clearly, else None."""
    if not text:
        return None
    for pattern, lang in _EXPLICIT:
        if pattern.search(text):
            return lang
    py = sum(1 for p in _PYTHON_SIGNALS if p.search(text))
    ml = sum(1 for p in _MATLAB_SIGNALS if p.search(text))
    if py > ml:
        return "python"
    if ml > py:
        return "matlab"
    return None


def normalise_language(value: str) -> str:
    """Accept what people type ('Python', 'py', 'MATLAB', 'm') and return a canonical name, or raise ValueError."""
    v = (value or "").strip().lower()
    aliases = {"py": "python", "pypulseq": "python", "m": "matlab", "mat": "matlab", "oct": "octave"}
    v = aliases.get(v, v)
    if v not in LANGUAGES:
        raise ValueError(f"unknown language {value!r}; choose one of: {', '.join(LANGUAGES)}")
    return v
