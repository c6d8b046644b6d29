"""Imports from pypulseq modules that do not exist (any more): `from pypulseq.make_trap_pulse import make_trapezoid`.

Why: scripts written for older pypulseq versions (and copied between projects) import functions from the module
file they once lived in; pypulseq 1.5 renamed or merged several of them, and such an import fails before any
Pulseq name is used, so the name checks never see it. The check asks the installed pypulseq whether the module
exists, and names the import that works: the function from the package itself.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache

from .types import Finding

_FROM = re.compile(r"^\s*from\s+(pypulseq(?:\.\w+)+)\s+import\s+\(?\s*([\w\s,]+)", re.M)
_IMPORT = re.compile(r"^\s*import\s+(pypulseq(?:\.\w+)+)", re.M)


@lru_cache(maxsize=256)
def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _exported(name: str) -> bool:
    import pypulseq

    return hasattr(pypulseq, name)


def check_imports(code: str, lang: str) -> list[Finding]:
    """One finding per import of a pypulseq module the installed version does not have."""
    if lang != "python":
        return []
    out: list[Finding] = []
    for m in _FROM.finditer(code):
        module = m.group(1)
        if _exists(module):
            continue
        line = code[:m.start(1)].count("\n") + 1
        names = [n for n in re.split(r"[\s,]+", m.group(2)) if n and n != "as"][:1]
        name = names[0] if names else ""
        if name and _exported(name):
            msg = (f"the module `{module}` does not exist in the installed pypulseq (old scripts import from files "
                   f"that were renamed); `{name}` is part of the package itself: `pp.{name}`.")
            out.append(Finding(module, line, "invented", msg, f"from pypulseq import {name}"))
        else:
            out.append(Finding(module, line, "invented", f"the module `{module}` does not exist in the installed "
                               "pypulseq.",
                               "import pypulseq as pp"))
    for m in _IMPORT.finditer(code):
        if not _exists(m.group(1)):
            line = code[:m.start(1)].count("\n") + 1
            out.append(Finding(m.group(1), line, "invented", f"the module `{m.group(1)}` does not exist in the "
                               "installed pypulseq.", "import pypulseq as pp"))
    return out
