"""How the file store's full-text index is asked (search.py keeps it up to date): the user's words as an FTS5 query
that stays fast at a million messages, and the snippet shown for a hit.

- Words match their beginnings ("crush" finds "crusher"). FTS5 answers a prefix query by merging the lists of
  every term with that prefix into one before it can skip through them, which costs as much as the commonest of
  those terms is common. So a word of four letters or more is first looked up in the index's own vocabulary
  (fts5vocab, a range read over the terms) and asked as the few exact terms it begins (`"gradient" OR
  "gradients"`), which FTS5 can intersect with the owner's short list by seeking. A word that begins too many
  terms, or a short one (the index keeps prefix lists of two and three letters), stays a prefix query.
- No query syntax reaches FTS5: every term is quoted.
- The snippet is cut from the matching message's stored (redacted) text in Python, for the page of hits only:
  FTS5's snippet() would evaluate the whole query again for every hit.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from dataclasses import replace
from typing import Callable, Optional

from ...store import ANY, IndexEntry, SearchHit

MAX_RANKED = 20_000  # best-ranked messages read back: totals count the conversations among them

MAX_WORDS = 12
EXPAND_FROM = 4  # letters: shorter words use FTS5's own prefix lists
EXPAND_AT_MOST = 16  # terms a word may stand for before it is left a prefix query
SNIPPET_WORDS = 16
_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
VOCABULARY = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.message_terms USING fts5vocab(main, messages, 'row')"


def fold(text: str) -> str:
    """Lower case without diacritics, as the index's tokenizer (unicode61, remove_diacritics 2) stores terms."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def words_of(text: str) -> list[str]:
    return _WORD.findall(text.lower())[:MAX_WORDS]


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _after(prefix: str) -> str:
    """The first string that no longer begins with `prefix` (the end of its range of terms)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def word_query(conn: Optional[sqlite3.Connection], word: str) -> str:
    token = fold(word)
    if conn is None or len(token) < EXPAND_FROM or not token.isalnum():
        return _quoted(word) + "*"
    try:
        terms = [row[0] for row in conn.execute(
            "SELECT term FROM temp.message_terms WHERE term >= ? AND term < ? LIMIT ?",
            (token, _after(token), EXPAND_AT_MOST + 1))]
    except sqlite3.Error:  # no vocabulary table on this connection: the plain prefix query is still right
        return _quoted(word) + "*"
    if not terms:
        return _quoted(token)  # no term begins so: nothing matches, cheaply
    if len(terms) > EXPAND_AT_MOST:
        return _quoted(word) + "*"
    return "(" + " OR ".join(_quoted(t) for t in terms) + ")"


def fts_query(text: str, conn: Optional[sqlite3.Connection] = None) -> Optional[str]:
    """Every word of `text` must match (as a word or a word's beginning); None when there is no word."""
    words = words_of(text)
    if not words:
        return None
    return " AND ".join(word_query(conn, word) for word in words)


def snippet(content: str, text: str) -> str:
    """About SNIPPET_WORDS words of `content` around the first word that begins with one of the query's words."""
    wanted = [fold(t) for w in words_of(text) for t in _TOKEN.findall(w)]
    pieces = content.split()
    at = next((i for i, piece in enumerate(pieces)
               if any(token.startswith(w) for token in _TOKEN.findall(fold(piece)) for w in wanted)), 0)
    start = max(0, min(at - SNIPPET_WORDS // 3, len(pieces) - SNIPPET_WORDS))
    window = pieces[start: start + SNIPPET_WORDS]
    return ("… " if start > 0 else "") + " ".join(window) + (" …" if start + SNIPPET_WORDS < len(pieces) else "")


def owner_token(owner: Optional[str]) -> str:
    """One token per owner (hex of the name), so the tokenizer never splits a user name into several words."""
    return "o" + (owner or "").encode("utf-8").hex()


def scoped(query: Optional[str], owner) -> Optional[str]:
    """The words' query limited to one owner's rows (owner=ANY: everyone's, for the admin page)."""
    if query is None:
        return None
    if owner is not ANY:
        return f'owner : "{owner_token(owner)}" AND content : ({query})'
    return f"content : ({query})"


def ranked(conn: sqlite3.Connection, text: str, owner, limit: int, offset: int,
           entry_of: Callable[[str], Optional[IndexEntry]]) -> tuple[int, list[SearchHit]]:
    """The conversations whose messages or title hold the words, best first, each with its best message; only
    those the store still has for this owner (`entry_of` is the store's index) count, and only the page asked for
    reads its messages' text for a snippet (a common word matches thousands of messages)."""
    query = scoped(fts_query(text, conn), owner)
    if query is None:
        return 0, []
    best: dict[str, SearchHit] = {}
    cursor = conn.execute(
        "SELECT rowid, session_id, message_id, bm25(messages) FROM messages WHERE messages MATCH ? "
        f"ORDER BY bm25(messages) LIMIT {MAX_RANKED}", (query,))
    for row, session_id, message_id, rank in cursor:
        if session_id not in best:
            best[session_id] = SearchHit(session_id, -float(rank), "", message_id, row)
    hits = []
    for hit in best.values():
        entry = entry_of(hit.session_id)
        if entry is not None and (owner is ANY or entry.get("owner") == owner):
            hits.append(replace(hit, entry=IndexEntry(**entry)))  # a copy: History.search shows it as it is
    page = hits[offset: offset + limit]
    contents = [conn.execute("SELECT content FROM messages WHERE rowid = ?", (hit.row,)).fetchone() for hit in page]
    return len(hits), [replace(hit, snippet=snippet(row[0], text)) if row else hit
                       for hit, row in zip(page, contents, strict=True)]
