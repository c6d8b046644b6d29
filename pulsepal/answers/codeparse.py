"""A small lexer for MATLAB and Python Pulseq code: enough structure to translate whole statements.

Line-by-line text substitution cannot translate Pulseq code: it does not know where a call's arguments end, which
quote starts a MATLAB string and which is a transpose, or that `[fov fov thk]` has three elements. Tokens can: a
call is a name, `(`, and the tokens up to the matching `)`, split at the commas of its own level.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[ij]?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPS = ("...", ".^", ".*", "./", ".'", "==", "~=", "!=", "<=", ">=", "&&", "||", "**", "//", "+=", "-=", "*=",
        "/=", "->", ":=")
_VALUE_END = ("name", "number", "string")


@dataclass
class Tok:
    kind: str  # "name", "number", "string", "op", "comment", "ws"
    text: str

    @property
    def is_value_end(self) -> bool:
        return self.kind in _VALUE_END or self.text in (")", "]", "}", "'", ".'")


def tokenize(line: str, dialect: str) -> list[Tok]:
    """Tokens of one logical line. `dialect` is "matlab" or "python"; it decides quotes and comments."""
    out: list[Tok] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if ch in " \t":
            j = i
            while j < n and line[j] in " \t":
                j += 1
            out.append(Tok("ws", line[i:j]))
            i = j
            continue
        if (dialect == "matlab" and ch == "%") or (dialect == "python" and ch == "#"):
            out.append(Tok("comment", line[i + 1:]))
            break
        prev = next((t for t in reversed(out) if t.kind != "ws"), None)
        adjacent = bool(out) and out[-1].kind != "ws"
        if ch == "'" and dialect == "matlab" and prev is not None and adjacent and prev.is_value_end:
            out.append(Tok("op", "'"))  # transpose
            i += 1
            continue
        if ch in "'\"" or (dialect == "python" and ch in "fFrRbB" and i + 1 < n and line[i + 1] in "'\""):
            j = i + (0 if ch in "'\"" else 1)
            quote = line[j]
            k = j + 1
            while k < n:
                if dialect == "python" and line[k] == "\\":
                    k += 2
                    continue
                if line[k] == quote:
                    if dialect == "matlab" and k + 1 < n and line[k + 1] == quote:
                        k += 2
                        continue
                    break
                k += 1
            out.append(Tok("string", line[i:k + 1]))
            i = k + 1
            continue
        m = _NUMBER.match(line, i)
        if m and (ch.isdigit() or (ch == "." and i + 1 < n and line[i + 1].isdigit())):
            out.append(Tok("number", m.group(0)))
            i = m.end()
            continue
        m = _NAME.match(line, i)
        if m:
            out.append(Tok("name", m.group(0)))
            i = m.end()
            continue
        op = next((o for o in _OPS if line.startswith(o, i)), ch)
        out.append(Tok("op", op))
        i += len(op)
    return out


def join(tokens: list[Tok]) -> str:
    return "".join(t.text for t in tokens)


def matching(tokens: list[Tok], start: int) -> int:
    """Index of the bracket closing the one at `start`; len(tokens) when the line ends first (so slicing up to it
    takes the rest, and a scan continuing after it stops)."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    stack: list[str] = []
    for i in range(start, len(tokens)):
        t = tokens[i].text if tokens[i].kind == "op" else ""
        if t in pairs:
            stack.append(pairs[t])
        elif t in (")", "]", "}"):
            if not stack or stack.pop() != t:
                return len(tokens)
            if not stack:
                return i
    return len(tokens)


def top_level(tokens: list[Tok], text: str) -> int:
    """Index of the first `text` operator outside any brackets (an assignment's `=`, not a keyword's), or -1."""
    depth = 0
    for i, t in enumerate(tokens):
        if t.kind != "op":
            continue
        if t.text in "([{":
            depth += 1
        elif t.text in ")]}":
            depth -= 1
        elif depth == 0 and t.text == text:
            return i
    return -1


def split_top(tokens: list[Tok], sep: str = ",") -> list[list[Tok]]:
    """Split at `sep` tokens that are not inside brackets; surrounding whitespace is dropped."""
    parts: list[list[Tok]] = [[]]
    depth = 0
    for t in tokens:
        if t.kind == "op" and t.text in "([{":
            depth += 1
        elif t.kind == "op" and t.text in ")]}":
            depth -= 1
        if depth == 0 and t.kind == "op" and t.text == sep:
            parts.append([])
            continue
        parts[-1].append(t)
    return [strip(p) for p in parts if strip(p) or len(parts) > 1]


def strip(tokens: list[Tok]) -> list[Tok]:
    a, b = 0, len(tokens)
    while a < b and tokens[a].kind == "ws":
        a += 1
    while b > a and tokens[b - 1].kind == "ws":
        b -= 1
    return tokens[a:b]


def matlab_elements(tokens: list[Tok]) -> list[list[Tok]]:
    """Elements of a MATLAB `[...]` body: commas and also spaces separate them (`[a b -c]` has three, `[a - b]`
    one)."""
    out: list[list[Tok]] = [[]]
    depth = 0
    for i, t in enumerate(tokens):
        if t.kind == "op" and t.text in "([{":
            depth += 1
        elif t.kind == "op" and t.text in ")]}":
            depth -= 1
        if depth == 0 and t.kind == "op" and t.text == ",":
            out.append([])
            continue
        if depth == 0 and t.kind == "ws" and out[-1]:
            prev = next((x for x in reversed(out[-1]) if x.kind != "ws"), None)
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            after = tokens[i + 2] if i + 2 < len(tokens) else None
            starts = nxt is not None and (nxt.kind in _VALUE_END or nxt.text in ("(", "[", "{", "~") or (
                nxt.text in ("-", "+") and after is not None and after.kind != "ws"))
            if prev is not None and prev.is_value_end and starts and not (prev.kind == "op" and prev.text in "+-*/^"):
                out.append([])
                continue
        out[-1].append(t)
    return [strip(e) for e in out if strip(e)]


def matlab_rows(tokens: list[Tok]) -> list[list[Tok]]:
    """Rows of a MATLAB matrix literal (split at top-level `;`)."""
    return [r for r in split_top(tokens, ";") if r]


def logical_lines(code: str, dialect: str) -> list[str]:
    """Physical lines joined where a statement continues (MATLAB `...`, Python open brackets or a backslash)."""
    return [text for _, text in numbered_lines(code, dialect)]


def numbered_lines(code: str, dialect: str) -> list[tuple[int, str]]:
    """Logical lines with the (1-based) physical line each starts on."""
    out: list[tuple[int, str]] = []
    first = 0
    pending = ""
    depth = 0
    for number, raw in enumerate(code.splitlines(), 1):
        line = raw.rstrip()
        if not pending:
            first = number
        if dialect == "matlab":
            toks = tokenize(line, "matlab")
            if any(t.kind == "op" and t.text == "..." for t in toks):
                cut = next(i for i, t in enumerate(toks) if t.kind == "op" and t.text == "...")
                pending += join(toks[:cut]).rstrip() + " "
                continue
            out.append((first, pending + (line.lstrip() if pending else line)))
            pending = ""
            continue
        toks = tokenize(line, "python")
        for t in toks:
            if t.kind == "op" and t.text in "([{":
                depth += 1
            elif t.kind == "op" and t.text in ")]}":
                depth = max(0, depth - 1)
        body = join([t for t in toks if t.kind != "comment"]).rstrip()
        if depth > 0 or body.endswith("\\"):
            piece = body[:-1] if body.endswith("\\") else body
            pending += (piece.strip() if pending else piece.rstrip()) + " "
            continue
        out.append((first, pending + (line.lstrip() if pending else line)))
        pending = ""
    if pending.strip():
        out.append((first, pending.rstrip()))
    return out


def sequence_variables(code: str) -> set[str]:
    """The names that hold a Sequence object: `seq`, whatever is assigned a `Sequence(...)`, and any variable with
    `seq` in its name that has a method called on it (`pp_seq.write`, `seqObj.addBlock`): snippets are often cut
    from a script whose constructor line is not shown, and the name is the only sign of what the object is."""
    names = {"seq"} | set(re.findall(r"(\w+)\s*=\s*(?:(?:mr|pp|pypulseq)\.)?Sequence\s*\(", code))
    names |= {v for v in re.findall(r"(?<![\w.])([A-Za-z_]\w*)\.[A-Za-z_]\w*\s*\(", code)
              if "seq" in v.lower() and v not in ("pp", "pypulseq", "mr")}
    return names
