"""Translate Pulseq code between MATLAB and Python, statement by statement, through the lexer in codeparse.py.

Each statement is read as tokens: its outputs (`[rf, gz] = ...` / `rf, gz = ...`), then an expression in which
Pulseq calls are rewritten by callmap.py (arguments by meaning) and the rest by the language rules (`pi` ↔
`np.pi`, `gx.flatTime` ↔ `gx.flat_time`, `[a b]` ↔ `np.array([a, b])`, ranges, 1-based indexing, `for`/`if`
blocks ↔ indentation). What cannot be translated is kept as a comment and listed in the notes, never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from .callmap import PY_OUTPUTS, Arg, matlab_to_python, python_to_matlab
from .codeparse import Tok, join, logical_lines, matching, split_top, strip, tokenize, top_level
from .search import Index
from .translate_exprs import MatlabToPython, PythonToMatlab, minus_one, plus_one

_SKIP_MATLAB = frozenset({"clear", "close", "clc", "figure", "hold", "axis", "grid", "xlabel", "ylabel", "title",
                          "legend", "subplot", "format", "warning", "addpath", "disp"})


@dataclass
class Translation:
    code: str
    target: str  # "python" | "matlab"
    notes: list[str] = field(default_factory=list)
    topic: Optional[str] = None  # key of the first Pulseq function translated


class Translator:
    def __init__(self, index: Index):
        self.index = index

    def translate(self, code: str, src: str) -> Translation:
        if src == "python":
            return _PyToMatlab(self.index).run(code)
        return _MatlabToPy(self.index).run(code)


class _MatlabToPy:
    def __init__(self, index: Index):
        self.index = index
        self.notes: list[str] = []
        self.topic: Optional[str] = None
        self.exprs = MatlabToPython(self._call, self.notes)

    def run(self, code: str) -> Translation:
        out: list[str] = []
        indent = 0
        block_open: list[int] = []
        for line in logical_lines(code, "matlab"):
            toks = tokenize(line, "matlab")
            comment = next((t.text for t in toks if t.kind == "comment"), None)
            body = strip([t for t in toks if t.kind != "comment"])
            pad = "    " * indent
            if not body:
                out.append(pad + ("#" + comment if comment is not None else "") if comment is not None else "")
                continue
            suffix = f"  #{comment}" if comment is not None else ""
            for stmt in (s for s in split_top(body, ";") if s):
                head = stmt[0].text if stmt[0].kind == "name" else ""
                pad = "    " * indent
                if head == "end" and len(stmt) == 1:
                    if block_open and block_open[-1] == len(out):
                        out.append("    " * indent + "pass")
                    indent = max(0, indent - 1)
                    block_open = block_open[:-1]
                    continue
                if head == "for":
                    out.append(pad + self._for(stmt) + suffix)
                elif head in ("if", "while"):
                    out.append(pad + f"{head} {self.exprs.convert(strip(stmt[1:]))}:" + suffix)
                elif head == "elseif":
                    out.append("    " * (indent - 1) + f"elif {self.exprs.convert(strip(stmt[1:]))}:" + suffix)
                    continue
                elif head == "else":
                    out.append("    " * (indent - 1) + "else:" + suffix)
                    continue
                elif head in _SKIP_MATLAB and head != "disp" or head in ("function", "switch", "case", "otherwise"):
                    self._note_once(f"`{head}` statements are MATLAB-only (figures, workspace, functions, switch); "
                                    "kept as comments.")
                    out.append(pad + "# MATLAB: " + join(stmt) + suffix)
                    continue
                else:
                    out.append(pad + self._statement(stmt) + suffix)
                    suffix = ""
                    continue
                indent += 1
                block_open.append(len(out))
                suffix = ""
        text = "\n".join(out).rstrip() + "\n"
        header = "import numpy as np\nimport pypulseq as pp\n\n"
        if "system" in self.exprs.used and not re.search(r"^\s*system\s*=", text, re.M):
            header += "system = pp.Opts()  # your scanner's limits (MATLAB's sys)\n"
        if re.search(r"\bseq\.", text) and not re.search(r"^\s*seq\s*=", text, re.M):
            header += "seq = pp.Sequence(system=system)\n" if "system" in self.exprs.used else "seq = pp.Sequence()\n"
        return Translation(header + ("\n" if header.count("\n") > 3 else "") + text, "python", self.notes, self.topic)

    def _note_once(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def _for(self, stmt: list[Tok]) -> str:
        rest = strip(stmt[1:])
        eq = next((i for i, t in enumerate(rest) if t.text == "="), -1)
        var = join(rest[:eq]).strip()
        self.exprs.known.add(var)
        self.exprs.loop_vars.add(var)
        rng = strip(rest[eq + 1:])
        if rng and rng[0].text == "(" and matching(rng, 0) == len(rng) - 1:
            rng = strip(rng[1:-1])
        parts = split_top(rng, ":")
        if len(parts) in (2, 3):
            a, b = self.exprs.as_int(self.exprs.convert(parts[0])), self.exprs.as_int(self.exprs.convert(parts[-1]))
            step = self.exprs.convert(parts[1]) if len(parts) == 3 else None
            end = plus_one(b)
            if step:
                return f"for {var} in range({a}, {end}, {step}):"
            return f"for {var} in range({a}, {end}):"
        return f"for {var} in {self.exprs.convert(rng)}:"

    def _statement(self, stmt: list[Tok]) -> str:
        head = stmt[0].text if stmt and stmt[0].kind == "name" else ""
        if head in ("error", "fprintf") and len(stmt) > 1 and stmt[1].text == "(":
            args = split_top(stmt[2:matching(stmt, 1)])
            text = self._format(args)
            if head == "error":
                return f"raise ValueError({text})"
            return f"print({text}, end=\"\")" if args and args[0][0].kind == "string" else f"print({text})"
        eq = top_level(stmt, "=")
        outs: list[str] = []
        lhs = ""
        rhs = stmt
        if eq > 0:
            left = strip(stmt[:eq])
            rhs = strip(stmt[eq + 1:])
            if left and left[0].text == "[":
                outs = [join(strip(e)) for e in split_top(left[1:-1]) if strip(e)] if "," in join(left) else \
                    [x for x in join(left[1:-1]).split() if x]
                for o in outs:
                    self.exprs.known.add(o)
            else:
                lhs = self.exprs.convert(left, target=True)
                if len(left) == 1:
                    self.exprs.known.add(left[0].text)
                    if len(rhs) == 1 and re.fullmatch(r"\d+", rhs[0].text):
                        self.exprs.ints.add(left[0].text)
        self.exprs.pending_outputs = outs
        self.exprs.whole_call = _is_whole_call(rhs)
        value = self.exprs.convert(rhs)
        self.exprs.whole_call = False
        outs = self.exprs.pending_outputs or outs
        if outs:
            return ", ".join(o if o != "~" else "_" for o in outs) + " = " + value
        return f"{lhs} = {value}" if lhs else value

    def _format(self, args: list[list[Tok]]) -> str:
        """MATLAB's printf-style arguments as one Python expression (`"..." % (a, b)`)."""
        conv = [self.exprs.convert(a) for a in args]
        if not conv:
            return '""'
        if len(conv) == 1:
            return conv[0]
        return f"{conv[0]} % ({', '.join(conv[1:])},)"

    def _call(self, namespace: str, name: str, arg_tokens: list[list[Tok]]) -> Optional[str]:
        """A Pulseq call in MATLAB (`mr.name(...)` or `seq.name(...)`) as Python, or None when unknown."""
        written = f"{namespace}.{name}"
        hit = self.index.lookup(written if namespace == "mr" else "seq." + name)
        e = hit.entry if hit else None
        if e is None or hit is None or hit.invented or e.matlab is None or e.matlab_name != (
                written if namespace == "mr" else "seq." + name):
            real = e.matlab_name if e is not None and e.matlab_name else None
            self._note_once(f"`{written}` is not in the MATLAB toolbox" + (f" (did you mean `{real}`?)" if real else "")
                            + "; left as written.")
            return None
        if e.python_name is None:
            self._note_once(f"`{written}` has no pypulseq equivalent; left as written.")
            return None
        self.topic = self.topic or e.key
        if e.python_import:
            self._note_once(f"`{e.python_name}` is not exported at the top level: add `{e.python_import}`.")
        outs = self.exprs.pending_outputs if self.exprs.whole_call else []
        self.exprs.whole_call = False
        args = [Arg(self.exprs.convert(a), literal=_literal(a)) for a in arg_tokens]
        conv = matlab_to_python(e, e.matlab, args, outs)
        for n in conv.notes:
            self._note_once(n)
        if outs:
            self.exprs.pending_outputs = conv.outputs
        if len(outs) <= 1 and e.key in PY_OUTPUTS:
            return conv.call + "[0]"  # MATLAB gives the first output when one is asked for
        return conv.call


class _PyToMatlab:
    def __init__(self, index: Index):
        self.index = index
        self.notes: list[str] = []
        self.topic: Optional[str] = None
        self.exprs = PythonToMatlab(self._call, self.notes)

    def run(self, code: str) -> Translation:
        out: list[str] = []
        stack: list[int] = []
        for line in logical_lines(code, "python"):
            if not line.strip():
                out.append("")
                continue
            width = len(line) - len(line.lstrip())
            while stack and width <= stack[-1] and not re.match(r"\s*(elif|else)\b", line):
                stack.pop()
                blank = bool(out) and not out[-1].strip()
                out.insert(len(out) - 1 if blank else len(out), "    " * len(stack) + "end")
            if re.match(r"\s*(elif|else)\b", line) and stack and width < stack[-1] + 1:
                pass
            toks = tokenize(line.strip(), "python")
            comment = next((t.text for t in toks if t.kind == "comment"), None)
            body = strip([t for t in toks if t.kind != "comment"])
            pad = "    " * len(stack)
            suffix = f"  %{comment}" if comment is not None else ""
            if not body:
                out.append(pad + "%" + (comment or ""))
                continue
            head = body[0].text
            if head in ("import", "from"):
                m = re.match(r"\s*from\s+pypulseq[\w.]*\s+import\s+(.+)$", line)
                if m:
                    self.exprs.imported.update(x.strip().split(" as ")[0] for x in m.group(1).split(","))
                continue
            if body[-1].text == ":" and head in ("for", "if", "while", "elif", "else"):
                stmt = strip(body[1:-1])
                if head == "for":
                    out.append(pad + self._for(stmt) + suffix)
                elif head in ("elif", "else"):
                    word = "elseif " if head == "elif" else "else"
                    cond = self.exprs.convert(stmt) if head == "elif" else ""
                    out.append("    " * (len(stack) - 1) + word + cond + suffix)
                    continue
                else:
                    if head == "if" and re.search(r"__name__", join(stmt)):
                        self._note_once("`if __name__ == \"__main__\":` has no MATLAB meaning; its body runs always.")
                        out.append(pad + "if true" + suffix)
                    else:
                        out.append(pad + f"{head} {self.exprs.convert(stmt)}" + suffix)
                stack.append(width)
                continue
            if head in ("def", "class", "with", "try", "except", "return", "lambda"):
                self._note_once(f"`{head}` has no direct MATLAB translation here; kept as a comment.")
                out.append(pad + "% Python: " + join(body))
                continue
            out.append(pad + self._statement(body) + ";" + suffix)
        while stack:
            stack.pop()
            out.append("    " * len(stack) + "end")
        text = "\n".join(out).strip("\n") + "\n"
        return Translation(text, "matlab", self.notes, self.topic)

    def _note_once(self, note: str) -> None:
        if note not in self.notes:
            self.notes.append(note)

    def _for(self, stmt: list[Tok]) -> str:
        i = next((k for k, t in enumerate(stmt) if t.text == "in"), -1)
        var = join(strip(stmt[:i]))
        self.exprs.known.add(var)
        self.exprs.loop_vars.add(var)
        it = strip(stmt[i + 1:])
        if it and it[0].text in ("range",) and len(it) > 1 and it[1].text == "(":
            args = [self.exprs.convert(a) for a in split_top(it[2:matching(it, 1)])]
            if len(args) == 1:
                return f"for {var} = 0:{minus_one(args[0]).replace(' ', '')}"
            if len(args) == 2:
                return f"for {var} = {args[0]}:{minus_one(args[1])}"
            return f"for {var} = {args[0]}:{args[2]}:{minus_one(args[1])}"
        return f"for {var} = {self.exprs.convert(it)}"

    def _statement(self, stmt: list[Tok]) -> str:
        head = stmt[0].text if stmt and stmt[0].kind == "name" else ""
        if any(t.kind == "name" and t.text in ("if", "lambda", "for") for t in stmt[1:]):
            self._note_once("Python one-line conditionals, lambdas and comprehensions have no MATLAB form; "
                            "they are kept as comments: rewrite them as if/else or loops.")
            return "% Python: " + join(stmt)
        if head == "raise":
            inner = strip(stmt[1:])
            if len(inner) > 2 and inner[1].text == "(":
                inner = strip(inner[2:matching(inner, 1)])
            return "error(" + self.exprs.format_args(inner) + ")"
        if head == "print" and len(stmt) > 1 and stmt[1].text == "(":
            args = split_top(stmt[2:matching(stmt, 1)])
            args = [a for a in args if not (a and a[0].text == "end")]
            if len(args) == 1 and args[0][0].kind == "string" and args[0][0].text[:1] in "fF":
                return "fprintf(" + self.exprs.format_args(args[0], newline=True) + ")"
            if len(args) == 1:
                return "disp(" + self.exprs.convert(args[0]) + ")"
            return "disp([" + ", ".join("num2str(" + self.exprs.convert(a) + ")" if a[0].kind != "string"
                                        else self.exprs.convert(a) for a in args) + "])"
        eq = top_level(stmt, "=")
        if eq > 0:
            left = strip(stmt[:eq])
            parts = [join(p) for p in split_top(left)]
            if left and left[0].text in ("(", "["):
                parts = [join(p) for p in split_top(left[1:-1])]
            for p in parts:
                self.exprs.known.add(p)
            values = split_top(strip(stmt[eq + 1:]))
            if len(parts) > 1 and len(values) == len(parts):  # a, b = 1, 2
                return "; ".join(f"{p} = {self.exprs.convert(v)}" for p, v in zip(parts, values, strict=True))
            self.exprs.pending_outputs = parts if len(parts) > 1 else []
            value = self.exprs.convert(strip(stmt[eq + 1:]))
            outs = self.exprs.pending_outputs
            if len(parts) > 1 or len(outs) > 1:
                names = [("~" if o == "_" else o) for o in (outs or parts)]
                return "[" + ", ".join(names) + "] = " + value
            target = self.exprs.convert(left, target=True)
            return f"{target} = {value}"
        self.exprs.pending_outputs = []
        return self.exprs.convert(stmt)

    def _call(self, namespace: str, name: str, positional: list[str], keywords: list[tuple[str, str]]) \
            -> Optional[str]:
        written = f"{namespace}.{name}" if namespace != "seq" else f"seq.{name}"
        hit = self.index.lookup(written if namespace != "" else name)
        e = hit.entry if hit else None
        if e is None or hit is None or hit.invented or (namespace == "seq" and e.kind != "method") or (
                namespace in ("pp", "") and e.kind == "method") or e.python_name != name:
            self._note_once(f"`{written}` is not a pypulseq name; left as written.")
            return None
        if e.matlab is None or e.matlab_name is None:
            self._note_once(f"`{e.python_call}` has no MATLAB equivalent; left as written.")
            return None
        self.topic = self.topic or e.key
        conv = python_to_matlab(e, e.matlab, positional, keywords, self.exprs.pending_outputs)
        for n in conv.notes:
            self._note_once(n)
        self.exprs.pending_outputs = conv.outputs
        return conv.call


def _is_whole_call(tokens: list[Tok]) -> bool:
    """The right-hand side is one call (`mr.f(...)`, `seq.m(...)` or `seq.m`), so its outputs are the statement's."""
    t = strip(tokens)
    if len(t) < 3 or t[0].kind != "name" or t[1].text != "." or t[2].kind != "name":
        return False
    if len(t) == 3:
        return True
    return t[3].text == "(" and matching(t, 3) == len(t) - 1


def _literal(tokens: list[Tok]) -> Optional[str]:
    if len(tokens) == 1 and tokens[0].kind == "string":
        return tokens[0].text[1:-1]
    return None
