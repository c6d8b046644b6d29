"""What pypulseq's own code states about a function's arguments: the docstring's "must be one of" sentences and
the messages its code raises. Some limits and accepted values are written nowhere else, so "what values can `use`
take?" and "what is the limit on ...?" are answered from these sentences rather than from our own descriptions.
"""

from __future__ import annotations

import inspect
import re
from functools import lru_cache
from typing import Any, Callable, Optional

from .pulseq_api import ApiEntry

# a raised message, or an assertion's ("assert duration >= min_duration, (f'Requested area is too large ...'")
RAISE = re.compile(r"(?:raise \w+\(|\bassert [^\n]*?,)\s*\(?\s*f?(['\"])(.+?)\1")


def _object(key: str, module: str, name: str) -> Optional[Callable[..., Any]]:
    import importlib

    import pypulseq as pp

    try:
        obj = getattr(pp.Sequence, name, None) if key.startswith("seq.") else getattr(
            importlib.import_module(module), name, None)
    except ImportError:
        return None
    return obj if callable(obj) else None


@lru_cache(maxsize=512)
def raised(key: str, module: str, name: str) -> tuple[str, ...]:
    """The messages a pypulseq function's own code raises, a part computed at run time as "…"."""
    obj = _object(key, module, name)
    try:
        src = inspect.getsource(obj) if obj is not None else ""
    except (OSError, TypeError):
        src = ""
    return tuple(dict.fromkeys(message(m, src) for m in RAISE.finditer(src)))


def message(m: re.Match, src: str) -> str:
    """A matched message with its run-time parts as "…"; a message that goes on in a second string literal
    ("... Minimum required duration is ' f'{round(...)} us'") ends in "…" too."""
    text = re.sub(r"\{[^}]*\}", "…", m.group(2)).strip()
    return text + " …" if re.match(r"\s*f?['\"]", src[m.end():]) else text


@lru_cache(maxsize=256)
def _source_facts(key: str, module: str, name: str) -> tuple[str, ...]:
    """The sentences pypulseq's own code states about its arguments: docstring "must be one of" lines and the
    messages it raises (the only place some limits are written)."""
    obj = _object(key, module, name)
    if obj is None:
        return ()
    doc = inspect.getdoc(obj) or ""
    out = [ln for ln in _sentences(doc) if re.search(r"\b(must be|one of|may not|exceeds?)\b", ln, re.I)]
    out += raised(key, module, name)
    return tuple(dict.fromkeys(s for s in out if len(s) > 12))


def _sentences(doc: str) -> list[str]:
    """A docstring's lines with their continuations joined: "Must be one of 'excitation', 'refocusing',
    'inversion'," runs on to "'saturation', 'preparation', 'other', 'undefined'." on the next line."""
    out: list[str] = []
    for line in (ln.strip() for ln in doc.splitlines()):
        header = re.match(r"^\w+\s*:\s", line) is not None  # "use : str, default='undefined'" starts a parameter
        # only a list cut mid-way runs on (a line ending in a comma, "or", "and", "of"): a Notes paragraph does not
        if out and line and not header and re.search(r"(,|\bor|\band|\bof|\bbe)$", out[-1]):
            out[-1] += " " + line
        else:
            out.append(line)
    return out


def stated(e: ApiEntry) -> tuple[str, ...]:
    """What pypulseq states about a function's arguments (nothing for a MATLAB-only function)."""
    return _source_facts(e.key, e.module, e.python_name) if e.python_name else ()
