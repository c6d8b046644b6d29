"""What a follow-up's "it" refers to: the subject of the previous answer, read back from the conversation.

Kept apart from the responder because several readers need it (the responder, the LLM path's offline hints, the
follow-up rewriting) and because the history it reads may come from an older PulsePal: an answer saved before
subjects were recorded only has its heading and topic, so those are read too.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from .sequences import TEMPLATES

if TYPE_CHECKING:
    from .search import Index


def previous_subject(index: "Index", history: list[dict]) -> Optional[str]:
    """The recorded subject of the previous answer; else what its heading says (a how-to or template answer
    records only its first function as topic); else its topic; else a name the user wrote."""
    for msg in reversed(history or []):
        meta = msg.get("metadata") or {}
        if msg.get("role") == "assistant":
            if meta.get("subject"):
                return str(meta["subject"])
            listed = re.search(r"Closest matches, best first:\s*\n\s*- `([^`]+)`", msg.get("content") or "")
            hit = index.lookup(listed.group(1)) if listed else None
            if hit is not None and not hit.invented:
                return "api:" + hit.entry.key  # a "not sure" answer: its first candidate is the best guess
            heading = re.search(r"^###\s+(.+)$", msg.get("content") or "", re.M)
            subject = subject_of_heading(index, heading.group(1)) if heading else None
            if subject:
                return subject
            if meta.get("topic"):
                return "api:" + str(meta["topic"])
        if msg.get("role") == "user":
            hits = [h for h in index.names_in(msg.get("content", "")) if not h.invented]
            if hits:
                return "api:" + hits[0].entry.key
    return None


def subject_of_heading(index: "Index", heading: str) -> Optional[str]:
    """The subject an answer's heading names: a template by its title, a how-to note by its title, a function."""
    m = re.match(r"Template: (.+?) \((MATLAB|Octave|Python)", heading)
    if m:
        return next((f"template:{stem}" for stem, meta in TEMPLATES.items() if meta["title"] == m.group(1)), None)
    doc = next((d for d in index.howto_docs if d.kind == "howto" and d.title == heading.strip()), None)
    if doc is not None:
        return doc.id
    name = re.match(r"`([^`]+)`", heading)
    hit = index.lookup(name.group(1)) if name else None
    return "api:" + hit.entry.key if hit is not None else None
