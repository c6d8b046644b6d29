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

_EXPLICIT = {"octave": "octave", "python": "python", "pypulseq": "python", "numpy": "python", "matlab": "matlab"}
_EXPLICIT_LENGTHS = {len(word) for word in _EXPLICIT}
_TOKENS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_CAMEL = re.compile(r"[a-z]+[A-Z]")
_VERBS = ("make", "calc", "add", "get", "set")
_PY_KEYWORDS = {"import", "def", "True", "False", "None", "elif", "lambda"}
_MATLAB_LINE = re.compile(r"^\s*%|'[A-Z][A-Za-z]+'\s*,|\bend\s*;?\s*$|\bfunction\s+\[", re.M)


def _kind(token: str) -> Optional[str]:
    """Which language a single identifier (possibly dotted) points to, if any."""
    head, _, name = token.rpartition(".")
    if head in ("mr", "seq", "pp", "pypulseq", "sys") or not head:
        if "_" in name and name.split("_", 1)[0] in _VERBS:
            return "python"
        if head in ("pp", "pypulseq"):
            return "python"
        if _CAMEL.match(name) and name.startswith(_VERBS):
            return "matlab"
        if head == "mr":
            return "matlab"
    return None


def detect_language(text: str) -> Optional[str]:
    """Return 'matlab', 'python' or 'octave' when the text shows it clearly, else None.

    It runs on every user message, so it tokenises once and classifies tokens with string tests; each kind of
    evidence (a token class or a MATLAB-only line form) counts once per language."""
    if not text:
        return None
    tokens = _TOKENS.findall(text[:20000])
    for token in tokens:
        if len(token) in _EXPLICIT_LENGTHS:
            explicit = _EXPLICIT.get(token.lower())
            if explicit:
                return explicit
    python, matlab = set(), set()
    for token in tokens:
        if token in _PY_KEYWORDS:
            python.add(token)
            continue
        if "." not in token and "_" not in token and (token.islower() or not token.startswith(_VERBS)):
            continue  # plain words carry no evidence
        kind = _kind(token)
        if kind == "python":
            python.add(token.split(".", 1)[0] if "." in token else "verb_")
        elif kind == "matlab":
            matlab.add(token.split(".", 1)[0] if "." in token else "verbCamel")
    if "system=" in text.replace(" ", ""):
        python.add("system=")
    if ("%" in text or "'" in text or "end" in text or "function" in text) and _MATLAB_LINE.search(text):
        matlab.add("line")
    if len(python) > len(matlab):
        return "python"
    if len(matlab) > len(python):
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
