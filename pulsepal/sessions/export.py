"""A session document as a readable Markdown transcript (the JSON export is the lossless one)."""

from __future__ import annotations

from datetime import datetime


def _when(value: str) -> str:
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M UTC")
    except (TypeError, ValueError):
        return str(value)


def document_to_markdown(document: dict) -> str:
    session = document.get("session", {})
    title = session.get("title") or "PulsePal conversation"
    lines = [
        f"# {title}",
        "",
        f"- Session: `{document.get('session_id')}`",
        f"- Started: {_when(session.get('created_at'))}",
        f"- Last activity: {_when(session.get('last_activity'))}",
        f"- Language: {session.get('preferred_language', 'matlab')}",
        f"- Messages: {session.get('conversation_count', 0)}",
        "",
    ]
    if session.get("use_sequence_knowledge") and session.get("sequence_knowledge"):
        lines += ["## Sequence context", "", session["sequence_knowledge"].strip(), ""]
    lines += ["## Transcript", ""]
    speakers = {"user": "You", "assistant": "PulsePal", "system": "System"}
    for event in document.get("events", []):
        if event.get("type") != "message":
            continue
        lines.append(f"### {speakers.get(event.get('role'), event.get('role'))} — {_when(event.get('timestamp'))}")
        lines.append("")
        lines.append(str(event.get("content", "")).rstrip())
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
