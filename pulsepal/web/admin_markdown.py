"""Transcript Markdown as safe HTML for the admin page's viewer.

Messages are written by users (and by the answer engine, which quotes them), so they are hostile input. The rule
is the one the chat itself follows (Chainlit with `unsafe_allow_html = false`): HTML in a message is shown as text,
never interpreted. Every line is escaped first; only then is a small Markdown subset turned into tags we write
ourselves: headings, paragraphs (a newline is a line break, as in the chat), fenced code, inline code, bold,
italics, links with a safe scheme, lists, quotes, rules and pipe tables. Nothing from the text can end up inside a
tag except an escaped link target, and link targets other than http(s), mailto and same-site paths stay text.
The page's Content-Security-Policy (no inline scripts) is the second wall behind this one.
"""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import unquote

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})\s*([\w+#.-]*)")
_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*)$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^\s*[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,9}[.)]\s+(.*)$")
_QUOTE = re.compile(r"^\s{0,3}>\s?(.*)$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?\s*$")
_CODE_SPAN = re.compile(r"(`+)([^`]+?)\1")
_LINK = re.compile(r"\[([^\[\]]+)\]\(([^()\s\x00]+)\)")
_BOLD = re.compile(r"\*\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*\*|__(?=[^\s_])([^_]+?)(?<=[^\s_])__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![\w*])|"
                     r"(?<![\w_])_(?=[^\s_])([^_]+?)(?<=[^\s_])_(?![\w_])")
# a same-site path is "/" followed by neither "/" nor "\\": browsers read "//host" and "/\\host" as another site
_SAFE_TARGET = re.compile(r"^(https?://|mailto:|/(?![/\\])|#)", re.IGNORECASE)
_HEADING_OFFSET = 2  # a message's "#" sits below the dialog's own title: h1 -> h3
MAX_QUOTE_DEPTH = 8  # deeper ">" nesting is shown as text (no recursion without end on hostile input)
MAX_INLINE_LINE = 4000  # longer lines are escaped but not formatted (bounded time on hostile input)


def render_markdown(text: str, _depth: int = 0) -> str:
    """HTML for one message. Unclosed constructs (a fence without its end) run to the end of the message."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            i = _code_block(lines, i, fence, out)
        elif not line.strip():
            i += 1
        elif heading := _HEADING.match(line):
            level = min(6, len(heading.group(1)) + _HEADING_OFFSET)
            title = heading.group(2).rstrip().rstrip("#").rstrip()  # "## Title ##" closes with hashes
            out.append(f"<h{level}>{inline(title)}</h{level}>")
            i += 1
        elif _RULE.match(line):
            out.append("<hr>")
            i += 1
        elif "|" in line and i + 1 < len(lines) and _TABLE_SEPARATOR.match(lines[i + 1]) and "-" in lines[i + 1]:
            i = _table(lines, i, out)
        elif _BULLET.match(line) or _NUMBERED.match(line):
            i = _list(lines, i, out)
        elif _QUOTE.match(line) and _depth < MAX_QUOTE_DEPTH:
            quoted = []
            while i < len(lines) and (match := _QUOTE.match(lines[i])):
                quoted.append(match.group(1))
                i += 1
            out.append(f"<blockquote>{render_markdown(chr(10).join(quoted), _depth + 1)}</blockquote>")
        else:
            i = _paragraph(lines, i, out)
    return "".join(out)


def inline(text: str) -> str:
    """One line's inline Markdown, escaped first. Code spans are cut out before anything else so that what is
    inside them is shown exactly."""
    text = text.replace("\x00", "")  # NUL marks the code spans cut out below
    if len(text) > MAX_INLINE_LINE:
        return escape(text)
    spans: list[str] = []

    def keep(match: re.Match) -> str:
        spans.append(f"<code>{escape(match.group(2).strip() or match.group(2))}</code>")
        return f"\x00{len(spans) - 1}\x00"

    text = _CODE_SPAN.sub(keep, text)
    html = escape(text, quote=True)
    html = _LINK.sub(_link, html)
    html = _BOLD.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", html)
    html = _ITALIC.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", html)
    return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], html)


def _link(match: re.Match) -> str:
    label, target = match.group(1), match.group(2)  # both already escaped
    plain = re.sub(r"[\x00-\x20\x7f]", "", unescape(target))  # browsers drop tabs and newlines in a URL
    decoded = re.sub(r"[\x00-\x20\x7f]", "", unquote(plain))  # and "/%5Cevil" must not slip past either
    if not (_SAFE_TARGET.match(plain) and _SAFE_TARGET.match(decoded)):
        return match.group(0)  # javascript:, data:, //host ...: left as the text it was
    return f'<a href="{target}" rel="noopener noreferrer nofollow" target="_blank">{label}</a>'


def _code_block(lines: list[str], i: int, fence: re.Match, out: list[str]) -> int:
    marker, language = fence.group(1), fence.group(2)
    body = []
    i += 1
    while i < len(lines) and not lines[i].strip().startswith(marker[0] * len(marker)):
        body.append(lines[i])
        i += 1
    label = f' class="language-{escape(language)}"' if language else ""
    out.append(f"<pre><code{label}>{escape(chr(10).join(body))}</code></pre>")
    return i + 1


def _paragraph(lines: list[str], i: int, out: list[str]) -> int:
    parts = [inline(lines[i].strip())]  # the first line is this paragraph's whatever it looks like
    i += 1
    while i < len(lines) and lines[i].strip() and not _starts_block(lines, i):
        parts.append(inline(lines[i].strip()))
        i += 1
    out.append("<p>" + "<br>".join(parts) + "</p>")
    return i


def _starts_block(lines: list[str], i: int) -> bool:
    line = lines[i]
    return bool(_FENCE.match(line) or _HEADING.match(line) or _RULE.match(line) or _BULLET.match(line)
                or _NUMBERED.match(line) or _QUOTE.match(line))


def _list(lines: list[str], i: int, out: list[str]) -> int:
    numbered = bool(_NUMBERED.match(lines[i])) and not _BULLET.match(lines[i])
    pattern = _NUMBERED if numbered else _BULLET
    items = []
    while i < len(lines) and (match := pattern.match(lines[i])):
        items.append(f"<li>{inline(match.group(1))}</li>")
        i += 1
    tag = "ol" if numbered else "ul"
    out.append(f"<{tag}>{''.join(items)}</{tag}>")
    return i


def _cells(line: str) -> list[str]:
    """A table row's cells; a `|` inside a code span or written as `\\|` does not split."""
    row = line.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") and not row.endswith("\\|") else row
    cells, current, in_code = [], [], False
    index = 0
    while index < len(row):
        char = row[index]
        if char == "\\" and index + 1 < len(row) and row[index + 1] == "|":
            current.append("|")
            index += 2
            continue
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    cells.append("".join(current).strip())
    return cells


def _table(lines: list[str], i: int, out: list[str]) -> int:
    head = _cells(lines[i])
    i += 2  # header and separator
    rows = []
    while i < len(lines) and lines[i].strip() and "|" in lines[i]:
        rows.append(_cells(lines[i]))
        i += 1
    width = len(head)
    thead = "".join(f"<th>{inline(cell)}</th>" for cell in head)
    body = "".join("<tr>" + "".join(f"<td>{inline(cell)}</td>" for cell in (row + [""] * width)[:width]) + "</tr>"
                   for row in rows)
    out.append(f'<div class="table-wrap"><table><thead><tr>{thead}</tr></thead><tbody>{body}</tbody></table></div>')
    return i
