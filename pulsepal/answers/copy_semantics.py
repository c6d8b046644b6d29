"""Whether a function changes the event it is given or hands back a new one: "does scale_grad change my original
gradient or give me a new one?".

Why: it decides whether the user must keep the result (`g = scale_grad(g, -1)`) and whether the original may be
reused unchanged. The fact differs by dialect and is read, not written by hand:

* pypulseq: from the installed function's source. A function that rebinds a parameter to `copy(...)` /
  `deepcopy(...)` of it before changing it works on a copy (the original is untouched); one that assigns to a
  parameter's fields without copying changes the caller's object. A `Sequence` method changes the sequence it is
  called on.
* MATLAB: events are structs, and MATLAB passes structs by value, so an `mr.*` function never changes the caller's
  variable (keep what it returns); the sequence is a handle object, so a `seq.*` method changes it in place.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from functools import lru_cache
from typing import Optional

from .pulseq_api import ApiEntry

ASKS = re.compile(r"\bin[- ]place\b|\b(change|modif\w*|alter\w*|mutate\w*|overwrit\w*|touch\w*)\b.{0,40}\b(original|"
                  r"input|argument|the one i (pass|gave)|what i pass\w*|(the|my) \w+ i (pass|give|gave|hand)\w*)\b|"
                  r"\b(a copy|copies|new (one|object|event|gradient|pulse|struct|instance))\b.{0,40}\bor\b|"
                  r"\bor\b.{0,40}\b(a copy|copies|a new (one|object|event|gradient|pulse|struct))\b|"
                  r"\bis (the result|it|that|the output|what it returns) a (copy|new)\b",
                  re.I)


@lru_cache(maxsize=None)
def _python_behaviour(module: str, name: str) -> Optional[str]:
    """"copy" / "changes" / "untouched" for a pypulseq function, read from its source; None when unreadable."""
    import importlib

    try:
        fn = getattr(importlib.import_module(module), name)
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (ImportError, AttributeError, OSError, TypeError, SyntaxError):
        return None
    func = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))), None)
    if func is None:
        return None
    params = {a.arg for a in func.args.args + func.args.kwonlyargs + [func.args.vararg, func.args.kwarg] if a}
    copied, changed = False, False
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and isinstance(node.func, (ast.Name, ast.Attribute)) and \
                (node.func.id if isinstance(node.func, ast.Name) else node.func.attr) in ("copy", "deepcopy") and \
                any(isinstance(a, ast.Name) and a.id in params or isinstance(a, ast.Subscript) and
                    isinstance(a.value, ast.Name) and a.value.id in params for a in node.args):
            copied = True
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, (ast.Attribute, ast.Subscript)) and isinstance(t.value, ast.Name) and \
                        t.value.id in params:
                    changed = True
    return "copy" if copied else "changes" if changed else "untouched"


def fact(e: ApiEntry, matlab: bool) -> Optional[str]:
    """One or two sentences on whether `e` changes what it is given, in the dialect asked for; None if unknown."""
    from .render_api import name_of

    name = name_of(e, "matlab" if matlab else "python")
    if not name:
        return None
    method = e.kind == "method" or name.startswith("seq.")
    if matlab:
        if method:
            return (f"`{name}` changes the sequence object itself: `mr.Sequence` is a handle class, so there is "
                    "nothing to assign back.")
        return (f"`{name}` does **not** change the event you pass: MATLAB passes structs by value, so it returns a "
                "new one and your variable keeps its old value unless you assign the result back (`g = "
                f"{name}(g, ...)`).")
    if method:
        return f"`{name}` changes the sequence it is called on, in place (there is nothing to assign back)."
    how = _python_behaviour(e.module or "pypulseq", e.python_name) if e.python_name else None
    if how == "copy":
        return (f"`{name}` works on a **copy**: it copies the event you pass before changing it and returns the new "
                "one, so your original is unchanged; keep the result (`g2 = " + name + "(g, ...)`).")
    if how == "changes":
        return (f"`{name}` **changes the object you pass** (it sets its fields without copying it); copy it first "
                "(`copy.deepcopy`) if you still need the original.")
    if how == "untouched":
        return f"`{name}` does not change what you pass to it: it builds and returns a new object."
    return None
