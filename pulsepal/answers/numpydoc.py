"""Reading pypulseq's numpydoc docstrings: the summary line, and the Parameters and Returns sections.

Only the structure is taken from them (names, types, which outputs exist); what functions and parameters mean is
said in our own words in glossary.py, because some of these descriptions are wrong.
"""

from __future__ import annotations

import inspect
import re

_SECTION = re.compile(r"^\s*([A-Z][A-Za-z ]+)\s*\n\s*-{3,}\s*$", re.M)


def parse_numpydoc(doc: str) -> tuple[str, dict[str, tuple[str, str]], list[tuple[str, str, str]], str]:
    """Return (summary, {param: (type, description)}, [(ret_name, ret_type, description)], cleaned text)."""
    doc = inspect.cleandoc(doc or "")
    if not doc:
        return "", {}, [], ""
    sections: dict[str, str] = {}
    matches = list(_SECTION.finditer(doc))
    intro = doc[: matches[0].start()] if matches else doc
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(doc)
        sections[m.group(1).strip().lower()] = doc[m.end() : end]
    summary = ""
    for para in re.split(r"\n\s*\n", intro.strip()):
        summary = " ".join(line.strip() for line in para.splitlines()).strip()
        if summary:
            break
    params = {name: (typ, desc) for name, typ, desc in _parse_items(sections.get("parameters", ""))}
    returns = _parse_items(sections.get("returns", ""))
    return summary, params, returns, doc


def _parse_items(text: str) -> list[tuple[str, str, str]]:
    items: list[tuple[str, str, str]] = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        indent = len(raw) - len(raw.lstrip())
        if indent == 0:
            head = raw.strip()
            if ":" in head:
                name, typ = head.split(":", 1)
            else:
                name, typ = head, ""
            items.append((name.strip(), typ.strip(), ""))
        elif items:
            name, typ, desc = items[-1]
            items[-1] = (name, typ, (desc + " " + raw.strip()).strip())
    return items
