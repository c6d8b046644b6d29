"""The pieces of the vocabulary (vocabulary.py, phrasings.py): a term is a pattern over the normalised question and
the candidates it votes for, each with a weight on the ranker's scale.

Kept apart so both tables can be written with the same short helpers without importing each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    pattern: re.Pattern
    votes: tuple[tuple[str, float], ...]
    # candidates this meaning rules out when it matches ("output trigger" is not the trigger one waits for)
    damps: tuple[str, ...] = ()


_DETERMINERS = frozenset("a an the my this that its your our one each every some these those".split())
_ANY_DETERMINER = r"(?:(?:a|an|the|my|this|that|its|your|our|one|each|every|some|these|those) )?"
_GROUP = re.compile(r"\(((?:[a-z]+ ?\|)*[a-z]+ ?)\)(\?)?( )?")


def _article_free(pattern: str) -> str:
    """Every group of determiners ("(a |the |my )?", "(a|an) ") accepts any determiner or none: people write "an
    EPI blip", "the blip", "my blip" or just "blip", and a pattern should not care which."""
    def swap(m: re.Match) -> str:
        words = [w.strip() for w in m.group(1).split("|")]
        if not all(w in _DETERMINERS for w in words):
            return m.group(0)
        spaced = m.group(1).endswith(" ") or m.group(3) is not None
        return _ANY_DETERMINER if spaced else m.group(0)
    return _GROUP.sub(swap, pattern)


def _t(pattern: str, *votes: tuple[str, float], damps: tuple[str, ...] = ()) -> Term:
    return Term(re.compile(_article_free(pattern)), tuple(votes), damps)


def A(key: str, w: float = 1.0) -> tuple[str, float]:  # noqa: N802 - reads like a table
    return ("api:" + key, w)


def H(stem: str, w: float = 1.0) -> tuple[str, float]:  # noqa: N802
    return ("howto:" + stem, w)


def M(call: str, w: float = 1.0) -> tuple[str, float]:  # noqa: N802 - a MATLAB-only function
    return ("api:" + call, w)
