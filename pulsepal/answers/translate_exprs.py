"""Expressions between MATLAB and Python: everything in a statement that is not a Pulseq call's own argument list.

The rules are the languages', not Pulseq's: `pi` ↔ `np.pi`, `x.flatTime` ↔ `x.flat_time` (event fields follow
each toolbox's naming), `[a b]` ↔ `np.array([a, b])`, `a:b` ↔ `np.arange(a, b + 1)`, `x(i)` ↔ `x[i - 1]` for
variables the snippet defined, `^` ↔ `**`, MATLAB strings in single quotes. Pulseq calls are handed to a hook
(translate.py) that converts them by signature.
"""

from __future__ import annotations

import re
from typing import Callable, Optional

from .codeparse import Tok, join, matching, matlab_elements, matlab_rows, split_top, strip

_M_NAMES = {"pi": "np.pi", "true": "True", "false": "False", "sys": "system", "Inf": "np.inf", "inf": "np.inf",
            "NaN": "np.nan", "nan": "np.nan", "eps": "np.finfo(float).eps"}
# MATLAB built-ins a one-index call could also be (never read as indexing)
_NOT_ARRAYS = frozenset({"disp", "error", "warning", "fprintf", "sprintf", "num2str", "length", "numel", "size",
                         "isempty", "figure", "plot", "mod", "rem", "rand", "randn", "eye", "tic", "toc", "assert"})
_M_FUNCS = {"ceil": "np.ceil", "floor": "np.floor", "round": "np.round", "abs": "np.abs", "sqrt": "np.sqrt",
            "exp": "np.exp", "log": "np.log", "sin": "np.sin", "cos": "np.cos", "tan": "np.tan", "atan2": "np.arctan2",
            "mod": "np.mod", "rem": "np.fmod", "sum": "np.sum", "cumsum": "np.cumsum", "diff": "np.diff",
            "linspace": "np.linspace", "deg2rad": "np.deg2rad", "rad2deg": "np.rad2deg", "length": "len",
            "numel": "len", "disp": "print", "fliplr": "np.flip", "flipud": "np.flip", "max": "max", "min": "min",
            "zeros": "np.zeros", "ones": "np.ones", "num2str": "str", "isempty": "not len", "sign": "np.sign",
            "strcmp": "==", "strcmpi": "lower==", "fix": "np.fix", "any": "np.any", "all": "np.all"}
_M_OPS = {"^": "**", ".^": "**", ".*": "*", "./": "/", "~=": "!=", "&&": " and ", "||": " or ", "~": "not ",
          "'": ".T", ".'": ".T"}
_P_NAMES = {"True": "true", "False": "false", "None": "[]", "system": "sys", "and": "&&", "or": "||", "not": "~"}
_P_FUNCS = {"len": "numel", "print": "disp", "abs": "abs", "int": "fix", "float": "double", "str": "num2str"}
_NP = {"pi": "pi", "inf": "Inf", "nan": "NaN", "ceil": "ceil", "floor": "floor", "round": "round", "abs": "abs",
       "sqrt": "sqrt", "exp": "exp", "log": "log", "sin": "sin", "cos": "cos", "tan": "tan", "arctan2": "atan2",
       "mod": "mod", "sum": "sum", "cumsum": "cumsum", "diff": "diff", "linspace": "linspace", "deg2rad": "deg2rad",
       "rad2deg": "rad2deg", "max": "max", "min": "min", "sign": "sign", "flip": "flip", "zeros": "zeros",
       "ones": "ones", "maximum": "max", "minimum": "min",
       # the math module's, read the same way (math.pi, math.ceil, ...)
       "atan2": "atan2", "radians": "deg2rad", "degrees": "rad2deg", "fabs": "abs"}
_NAMESPACES = frozenset({"np", "numpy", "pp", "pypulseq", "mr", "plt", "math", "os"})


def camel_to_snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower() if re.search(r"[a-z][A-Z]", name) else name


def snake_to_camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest if p) if rest else name


def minus_one(expr: str) -> str:
    if re.fullmatch(r"\d+", expr):
        return str(int(expr) - 1)
    m = re.fullmatch(r"(.*?)\s*\+\s*1", expr)
    return m.group(1) if m else f"{expr} - 1"


def plus_one(expr: str) -> str:
    if re.fullmatch(r"-?\d+", expr):
        return str(int(expr) + 1)
    m = re.fullmatch(r"(.*?)\s*-\s*1", expr)
    return m.group(1) if m else f"{expr} + 1"


class _Base:
    def __init__(self, notes: list[str]):
        self.notes = notes
        self.known: set[str] = set()
        self.loop_vars: set[str] = set()
        self.seq_vars: set[str] = {"seq"}
        self.used: set[str] = set()
        self.pending_outputs: list[str] = []
        self.whole_call = False
        self.ints: set[str] = set()  # variables known to hold integers (MATLAB does not care; Python indexing does)

    @staticmethod
    def _looks_indexed(name: str, toks: list[Tok], open_at: int) -> bool:
        if name in _M_FUNCS or name in _NOT_ARRAYS or not re.match(r"[a-z]\w*$", name) or open_at < 1:
            return False
        if open_at >= 2 and toks[open_at - 2].text == ".":
            return False
        close = matching(toks, open_at)
        inner = join(toks[open_at + 1:close]).strip()
        return bool(re.fullmatch(r"(i|j|k|n|ii|jj|idx|ind|index|iz|iy|ix|c|s|e|\d+|end)(\s*[-+]\s*\d+)?", inner))

    def as_int(self, expr: str) -> str:
        """An index or range bound: Python needs an int where MATLAB took any whole number."""
        simple = re.fullmatch(r"-?\d+|len\(.*\)", expr) or expr in self.ints or expr in self.loop_vars
        if simple or re.fullmatch(r"[\w.]+\s*[-+]\s*\d+", expr) and expr.split()[0] in self.ints | self.loop_vars:
            return expr
        return f"int({expr})"

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


class MatlabToPython(_Base):
    def __init__(self, call: Callable[[str, str, list[list[Tok]]], Optional[str]], notes: list[str]):
        super().__init__(notes)
        self.call = call

    def convert(self, toks: list[Tok], target: bool = False) -> str:
        toks = strip(toks)
        parts = split_top(toks, ":")
        if not target and len(parts) in (2, 3) and all(parts):
            a, b = self.convert(parts[0]), self.convert(parts[-1])
            if len(parts) == 3:
                return f"np.arange({a}, {b} + {self.convert(parts[1])} / 2, {self.convert(parts[1])})"
            return f"np.arange({a}, {plus_one(b)})"
        out: list[str] = []
        i, n = 0, len(toks)
        while i < n:
            t = toks[i]
            nxt = toks[i + 1] if i + 1 < n else None
            if t.kind == "ws":
                out.append(" ")
            elif t.kind == "name" and nxt is not None and nxt.text == "." and i + 2 < n and toks[i + 2].kind == "name" \
                    and (t.text == "mr" or t.text in self.seq_vars):
                name = toks[i + 2].text
                j = i + 3
                args: list[list[Tok]] = []
                has_parens = j < n and toks[j].text == "("
                if has_parens:
                    close = matching(toks, j)
                    args = split_top(toks[j + 1:close]) if close > j + 1 else []
                    j = close + 1
                ns = "mr" if t.text == "mr" else "seq"
                if ns == "seq" and not has_parens and not self._is_method(name):
                    out.append(f"{t.text}.{camel_to_snake(name)}")
                    i = j
                    continue
                converted = self.call(ns, name, args)
                if converted is None:
                    converted = f"{t.text}.{name}(" + ", ".join(self.convert(a) for a in args) + ")"
                elif ns == "seq" and t.text != "seq":
                    converted = t.text + converted[3:]
                if name == "Sequence":
                    self.seq_vars.update(self.pending_outputs)
                out.append(converted)
                i = j
                continue
            elif t.kind == "name" and nxt is not None and nxt.text == "(" and t.text not in self.known and \
                    self._looks_indexed(t.text, toks, i + 1):
                # `phaseAreas(i)` with phaseAreas defined elsewhere: in a Pulseq script a name called with one loop
                # index is an array being indexed
                self.known.add(t.text)
                self.notes.append(f"`{t.text}(...)` read as indexing an array defined elsewhere (0-based in Python).")
                continue
            elif t.kind == "name" and nxt is not None and (nxt.text == "(" and t.text in self.known or nxt.text == "{"):
                close = matching(toks, i + 1)
                idx = [self._index(a) for a in split_top(toks[i + 2:close])]
                out.append(f"{t.text}[{', '.join(idx)}]")
                i = close + 1
                continue
            elif t.kind == "name" and nxt is not None and nxt.text == "(" and t.text in _M_FUNCS:
                close = matching(toks, i + 1)
                args = split_top(toks[i + 2:close])
                fn = _M_FUNCS[t.text]
                conv = [self.convert(a) for a in args]
                if t.text in ("zeros", "ones") and len(conv) == 2 and "1" in conv:
                    conv = [c for c in conv if c != "1"] or ["1"]
                if fn == "not len":
                    out.append(f"(len({conv[0]}) == 0)")
                elif fn == "==" and len(conv) == 2:
                    out.append(f"({conv[0]} == {conv[1]})")
                elif fn == "lower==" and len(conv) == 2:
                    out.append(f"({conv[0]}.lower() == {conv[1]}.lower())")
                else:
                    out.append(f"{fn}({', '.join(conv)})")
                i = close + 1
                continue
            elif t.kind == "name":
                if t.text == "sys":
                    self.used.add("system")
                out.append(_M_NAMES.get(t.text, t.text) if not (i > 0 and toks[i - 1].text == ".") else t.text)
            elif t.kind == "op" and t.text == "." and nxt is not None and nxt.kind == "name":
                out.append("." + camel_to_snake(nxt.text))
                i += 2
                continue
            elif t.kind == "number":
                out.append(re.sub(r"[ij]$", "j", t.text))
            elif t.kind == "string":
                body = t.text[1:-1].replace("''", "'") if t.text.startswith("'") else t.text[1:-1]
                plain = "'" not in body and "\\" not in body
                out.append("'" + body + "'" if plain else '"' + body.replace('"', '\\"') + '"')
            elif t.kind == "op" and t.text in ("[", "{"):
                close = matching(toks, i)
                inner = toks[i + 1:close]
                out.append(self._matrix(inner, cell=t.text == "{"))
                i = close + 1
                continue
            elif t.kind == "op" and t.text == "(":
                close = matching(toks, i)
                out.append("(" + self.convert(toks[i + 1:close]) + ")")
                i = close + 1
                continue
            elif t.kind == "op":
                out.append(_M_OPS.get(t.text, t.text))
            i += 1
        return re.sub(r" {2,}", " ", "".join(out)).strip()

    def _is_method(self, name: str) -> bool:
        from .matlab_facts import load_facts

        return ("seq." + name) in load_facts()

    def _index(self, toks: list[Tok]) -> str:
        text = join(toks).strip()
        if text == ":":
            return ":"
        if text == "end":
            return "-1"
        parts = split_top(toks, ":")
        if len(parts) == 2:
            a = minus_one(self.as_int(self.convert(parts[0])))
            b = join(parts[1]).strip()
            return f"{a}:" if b == "end" else f"{a}:{self.as_int(self.convert(parts[1]))}"
        return self.as_int(minus_one(self.convert(toks).replace("end", "-1")))

    def _matrix(self, inner: list[Tok], cell: bool) -> str:
        rows = matlab_rows(inner)
        if not rows:
            return "[]"
        conv = [[self.convert(e) for e in matlab_elements(r)] for r in rows]
        if cell:
            return "[" + ", ".join(x for r in conv for x in r) + "]"
        if len(conv) == 1:
            return "np.array([" + ", ".join(conv[0]) + "])"
        return "np.array([" + ", ".join("[" + ", ".join(r) + "]" for r in conv) + "])"


class PythonToMatlab(_Base):
    def __init__(self, call: Callable[[str, str, list[str], list[tuple[str, str]]], Optional[str]],
                 notes: list[str]):
        super().__init__(notes)
        self.call = call
        self.imported: set[str] = set()

    def _args(self, toks: list[Tok]) -> tuple[list[str], list[tuple[str, str]]]:
        positional: list[str] = []
        keywords: list[tuple[str, str]] = []
        for a in split_top(toks):
            if len(a) >= 2 and a[0].kind == "name" and next((t for t in a[1:] if t.kind != "ws"), a[1]).text == "=":
                eq = next(k for k, t in enumerate(a) if t.text == "=")
                keywords.append((a[0].text, self.convert(strip(a[eq + 1:]))))
            elif a:
                positional.append(self.convert(a))
        return positional, keywords

    def convert(self, toks: list[Tok], target: bool = False) -> str:
        toks = strip(toks)
        out: list[str] = []
        i, n = 0, len(toks)
        while i < n:
            t = toks[i]
            nxt = toks[i + 1] if i + 1 < n else None
            if t.kind == "ws":
                out.append(" ")
            elif t.kind == "name" and nxt is not None and nxt.text == "." and i + 2 < n and toks[i + 2].kind == "name" \
                    and t.text in ("np", "numpy", "math"):
                name = toks[i + 2].text
                j = i + 3
                if j < n and toks[j].text == "(":
                    close = matching(toks, j)
                    pos, kw = self._args(toks[j + 1:close])
                    out.append(self._numpy_call(name, pos, kw))
                    i = close + 1
                    continue
                out.append(_NP.get(name, name))
                i = j
                continue
            elif t.kind == "name" and nxt is not None and nxt.text == "." and i + 3 < n and toks[i + 2].kind == "name" \
                    and toks[i + 3].text == "(" and (t.text in ("pp", "pypulseq") or t.text in self.seq_vars):
                name = toks[i + 2].text
                close = matching(toks, i + 3)
                pos, kw = self._args(toks[i + 4:close])
                ns = "pp" if t.text in ("pp", "pypulseq") else "seq"
                converted = self.call(ns, name, pos, kw)
                if converted is None:
                    converted = f"{t.text}.{name}(" + ", ".join(pos + [f"'{k}', {v}" for k, v in kw]) + ")"
                elif ns == "seq" and t.text != "seq":
                    converted = t.text + converted[3:]
                if name == "Sequence":
                    self.seq_vars.update(self.pending_outputs or [])
                out.append(converted)
                i = close + 1
                if i + 2 < n and toks[i].text == "[" and toks[i + 1].text == "0" and toks[i + 2].text == "]":
                    i += 3  # the first of a tuple: MATLAB returns it when one output is asked for
                continue
            elif t.kind == "name" and nxt is not None and nxt.text == "(" and t.text in self.imported:
                close = matching(toks, i + 1)
                pos, kw = self._args(toks[i + 2:close])
                out.append(self.call("", t.text, pos, kw) or f"{t.text}({', '.join(pos)})")
                i = close + 1
                continue
            elif t.kind == "name" and nxt is not None and nxt.text == "[" and t.text in self.known:
                close = matching(toks, i + 1)
                idx = [self._index(a) for a in split_top(toks[i + 2:close])]
                out.append(f"{t.text}({', '.join(idx)})")
                i = close + 1
                continue
            elif t.kind == "name" and nxt is not None and nxt.text == "(" and t.text in _P_FUNCS:
                close = matching(toks, i + 1)
                pos, kw = self._args(toks[i + 2:close])
                if t.text == "print" and len(pos) > 1:
                    self.note("`print` with several values becomes `disp` of the first; use `fprintf` for more.")
                out.append(f"{_P_FUNCS[t.text]}({pos[0] if t.text == 'print' and pos else ', '.join(pos)})")
                i = close + 1
                continue
            elif t.kind == "name":
                if i > 0 and toks[i - 1].text == ".":
                    out.append(t.text)
                else:
                    out.append(_P_NAMES.get(t.text, t.text) + (" " if t.text == "not" else ""))
            elif t.kind == "op" and t.text == "." and nxt is not None and nxt.kind == "name":
                out.append("." + snake_to_camel(nxt.text))
                i += 2
                continue
            elif t.kind == "number":
                out.append(re.sub(r"j$", "i", t.text.replace("_", "")))
            elif t.kind == "string":
                if t.text[:1] in "fFrRbB":
                    self.note("f-strings and raw strings are copied as plain MATLAB strings; use `sprintf` there.")
                    body = t.text[2:-1]
                else:
                    body = t.text[1:-1]
                out.append("'" + body.replace("'", "''") + "'")
            elif t.kind == "op" and t.text in ("[", "("):
                close = matching(toks, i)
                elems = split_top(toks[i + 1:close])
                conv = [self.convert(e) for e in elems]
                prev = next((x for x in reversed(toks[:i]) if x.kind != "ws"), None)
                if t.text == "(" and prev is not None and (prev.kind == "name" or prev.text in (")", "]")):
                    if prev.text in ("max", "min") and len(conv) > 2:
                        out.append("([" + ", ".join(conv) + "])")
                    else:
                        out.append("(" + ", ".join(conv) + ")")
                elif t.text == "[" or len(elems) > 1:
                    out.append("[" + ", ".join(conv) + "]")
                else:
                    out.append("(" + (conv[0] if conv else "") + ")")
                i = close + 1
                continue
            elif t.kind == "op":
                out.append({"**": "^", "!=": "~=", "//": "/", "%": " mod "}.get(t.text, t.text))
                if t.text in ("//", "%"):
                    self.note("`//` and `%` have no MATLAB operator; use `floor(a/b)` and `mod(a, b)`.")
            i += 1
        return re.sub(r" {2,}", " ", "".join(out)).strip()

    def format_args(self, toks: list[Tok], newline: bool = False) -> str:
        """An f-string (or plain expression) as MATLAB printf arguments: `'TE %.2f ms', te * 1e3`."""
        toks = strip(toks)
        if len(toks) == 1 and toks[0].kind == "string" and toks[0].text[:1] in "fF":
            body = toks[0].text[2:-1]
            args: list[str] = []

            def field(m: re.Match) -> str:
                from .codeparse import tokenize

                args.append(self.convert(tokenize(m.group(1), "python")))
                return "%" + (m.group(2) or "g")

            fmt = re.sub(r"\{([^{}:]+)(?::([^{}]+))?\}", field, body).replace("'", "''")
            fmt += "\\n" if newline else ""
            return ", ".join([f"'{fmt}'", *args])
        return self.convert(toks)

    def _index(self, toks: list[Tok]) -> str:
        text = join(toks).strip()
        if text == ":":
            return ":"
        if text == "-1":
            return "end"
        parts = split_top(toks, ":")
        if len(parts) == 2:
            a = join(parts[0]).strip()
            b = join(parts[1]).strip()
            start = plus_one(self.convert(parts[0])) if a else "1"
            return f"{start}:{self.convert(parts[1]) if b else 'end'}"
        return plus_one(self.convert(toks))

    def _numpy_call(self, name: str, pos: list[str], kw: list[tuple[str, str]]) -> str:
        if name in ("array", "asarray"):
            return pos[0] if pos else "[]"
        if name == "arange":
            if len(pos) == 1:
                return f"(0:{pos[0]}-1)"
            if len(pos) == 2:
                return f"({pos[0]}:{pos[1]}-1)"
            return f"({pos[0]}:{pos[2]}:{pos[1]}-{pos[2]})"
        if name == "clip" and len(pos) == 3:
            return f"min(max({pos[0]}, {pos[1]}), {pos[2]})"
        if name in ("zeros", "ones") and len(pos) == 1:
            return f"{name}(1, {pos[0]})"
        if name not in _NP:
            self.note(f"`np.{name}` has no one-to-one MATLAB function; check it.")
        return f"{_NP.get(name, name)}({', '.join(pos)})"
