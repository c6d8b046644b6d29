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


def _t(pattern: str, *votes: tuple[str, float], damps: tuple[str, ...] = ()) -> Term:
    return Term(re.compile(pattern), tuple(votes), damps)


def A(key: str, w: float = 1.0) -> tuple[str, float]:  # noqa: N802 - reads like a table
    return ("api:" + key, w)


def H(stem: str, w: float = 1.0) -> tuple[str, float]:  # noqa: N802
    return ("howto:" + stem, w)


def M(call: str, w: float = 1.0) -> tuple[str, float]:  # noqa: N802 - a MATLAB-only function
    return ("api:" + call, w)
