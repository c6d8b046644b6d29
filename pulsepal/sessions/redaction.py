"""Redaction: what is removed from conversations before they leave the active store for long-term keeping.

Users paste API keys and passwords into chats. The live session keeps their text (the user may still need it), but
anything archived or backed up is redacted first, so archives and backups never hold a usable secret. This is
policy, applied above the stores (both keep what they are given).
"""

from __future__ import annotations

import re

REDACTED = "[REDACTED]"

_SECRET_PATTERNS = [
    # key=value style secrets: password=..., api_key: ..., token = "..."
    re.compile(
        r"(?i)\b((?:pass(?:word|wd)?|pwd|secret|api[_-]?key|access[_-]?key|auth[_-]?token|token|client[_-]?secret)"
        r"\s*[:=]\s*)(\"[^\"\n]*\"|'[^'\n]*'|[^\s,;&]+)"
    ),
    re.compile(r"(?i)\b(bearer\s+)([A-Za-z0-9\-._~+/]{8,}=*)"),
]
_TOKEN_PATTERNS = [
    re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_\-]{16,}"),  # OpenAI / Anthropic style keys
    re.compile(r"\bAIza[0-9A-Za-z_\-]{30,}"),  # Google API keys
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}"),  # GitHub tokens
    re.compile(r"\bxox[abprs]-[A-Za-z0-9\-]{10,}"),  # Slack tokens
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),  # AWS access key ids
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----"),
]


def redact_text(text: str) -> str:
    for pattern in _SECRET_PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def redact_events(events: list[dict]) -> list[dict]:
    """Copies of the events with secrets removed from every free-text field."""
    out = []
    for event in events:
        event = dict(event)
        for key in ("content", "code", "description"):
            if isinstance(event.get(key), str):
                event[key] = redact_text(event[key])
        if event.get("type") == "update" and isinstance(event.get("fields", {}).get("sequence_knowledge"), str):
            knowledge = redact_text(event["fields"]["sequence_knowledge"])
            event["fields"] = dict(event["fields"], sequence_knowledge=knowledge)
        out.append(event)
    return out


def redact_session(session: dict) -> None:
    """Redact, in place, the free text of a dumped ConversationContext."""
    for message in session.get("conversation_history", []):
        message["content"] = redact_text(message["content"])
    for example in session.get("code_examples", []):
        example["code"] = redact_text(example["code"])
        example["description"] = redact_text(example.get("description") or "")
    for key in ("sequence_knowledge", "title"):
        if isinstance(session.get(key), str):
            session[key] = redact_text(session[key])
