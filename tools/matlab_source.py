"""Reading MATLAB source text well enough to pull function facts out of it (used by extract_matlab_api.py).

Why separate: these are the lexing rules (comments vs. transposes, `...` continuations, top-level commas, literal
defaults, local constants) that the extractor needs; they say nothing about Pulseq and are easier to check alone.
"""

from __future__ import annotations

import re
from typing import Any

IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def strip_comment(line: str) -> str:
    """Drop a trailing % comment; a % inside a string literal stays (a ' after a name or bracket is a transpose)."""
    out, i, prev = [], 0, ""
    while i < len(line):
        c = line[i]
        if c == "%":
            break
        if c == '"' or (c == "'" and not (prev.isalnum() or prev in "_)]}.'")):
            j = i + 1
            while j < len(line):
                if line[j] == c and j + 1 < len(line) and line[j + 1] == c:
                    j += 2
                    continue
                if line[j] == c:
                    break
                j += 1
            out.append(line[i:j + 1])
            i, prev = j + 1, c
            continue
        out.append(c)
        if not c.isspace():
            prev = c
        i += 1
    return "".join(out)


def logical_lines(text: str) -> list[tuple[int, str]]:
    """Source lines without comments, with `...` continuations joined; each keeps the number of its first line."""
    result: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), 1):
        code = strip_comment(raw)
        if not pending:
            start = number
        if code.rstrip().endswith("..."):
            pending += code.rstrip()[:-3] + " "
            continue
        result.append((start, pending + code))
        pending = ""
    if pending:
        result.append((start, pending))
    return result


def split_args(text: str) -> list[str]:
    """Split a call's argument text at top-level commas (brackets, braces, parentheses and strings respected)."""
    parts, depth, cur, quote = [], 0, [], ""
    for i, c in enumerate(text):
        if quote:
            cur.append(c)
            if c == quote:
                quote = ""
            continue
        if c in "'\"" and (c == '"' or not cur or not (cur[-1].isalnum() or cur[-1] in "_)]}.")):
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
            continue
        cur.append(c)
        del i
    if "".join(cur).strip():
        parts.append("".join(cur).strip())
    return parts


def call_args(code: str, open_paren: int) -> str:
    """The text between the parenthesis at `open_paren` and its match."""
    depth, quote = 0, ""
    for j in range(open_paren, len(code)):
        c = code[j]
        if quote:
            quote = "" if c == quote else quote
        elif c in "'\"" and not (code[j - 1].isalnum() or code[j - 1] in "_)]}."):
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return code[open_paren + 1:j]
    return code[open_paren + 1:]


def literal(src: str) -> tuple[bool, Any]:
    """(True, value) when a default is a plain literal JSON can hold; (False, None) for expressions."""
    s = src.strip()
    if NUMBER.match(s):
        value = float(s)
        return True, int(value) if value.is_integer() and "." not in s and "e" not in s.lower() else value
    if s in ("true", "false"):
        return True, s == "true"
    if re.fullmatch(r"'(?:[^']|'')*'", s) or re.fullmatch(r'"[^"]*"', s):
        return True, s[1:-1].replace("''", "'")
    if s in ("[]", "{}"):
        return True, []
    if re.fullmatch(r"\[\s*[-+\d.eE ]+\]", s):
        items = s[1:-1].split()
        if all(NUMBER.match(x) for x in items):
            return True, [float(x) if any(ch in x for ch in ".eE") else int(x) for x in items]
    return False, None


def default_entry(name: str, src: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": name}
    if src is not None:
        entry["default"] = src.strip()
        ok, value = literal(src)
        if ok:
            entry["value"] = value
        else:
            entry["expression"] = True
    return entry


def local_values(lines: list[tuple[int, str]]) -> dict[str, str]:
    """Source text of simple local constants (`x = 3;`, `u = {'a','b'};`, `s = struct('f', v, ...)`, aliases),
    so a default written as `defaultB`, `validGradUnits{1}` or `defaultOpts.rfDeadTime` can be resolved."""
    found: dict[str, str] = {}
    for _, code in lines:
        m = re.match(r"^\s*([A-Za-z]\w*)\s*=\s*(.+?)\s*;?\s*$", code)
        if not m:
            continue
        name, rhs = m.groups()
        rhs = rhs.rstrip(";").strip()
        if rhs.startswith("{") and rhs.endswith("}"):
            for k, item in enumerate(split_args(rhs[1:-1]), 1):
                found.setdefault(f"{name}{{{k}}}", item)
        elif rhs.startswith("struct(") and rhs.endswith(")"):
            items = split_args(rhs[7:-1])
            for key, val in zip(items[::2], items[1::2], strict=False):
                found.setdefault(f"{name}.{key.strip(chr(39))}", val)
        elif literal(rhs)[0]:
            found.setdefault(name, rhs)
        elif IDENT.fullmatch(rhs):
            if any(k.startswith(rhs + ".") for k in found):
                found[name] = rhs  # alias of a struct seen earlier (the last one that resolves wins)
    return found


def resolve(entry: dict[str, Any], found: dict[str, str]) -> None:
    """Add `resolved` (and `value` when literal) to a default that names a local constant."""
    if not entry.get("expression"):
        return
    src = entry["default"]
    head, _, field = src.partition(".")
    if field and found.get(head) and IDENT.fullmatch(head):
        src = f"{found[head]}.{field}"
    if src in found:
        entry["resolved"] = found[src]
        ok, value = literal(found[src])
        if ok:
            entry["value"] = value
