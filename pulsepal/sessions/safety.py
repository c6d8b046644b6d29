"""What protects stored conversations: redaction before archiving, archive encoding (gzip, optional encryption),
and the audit log.

Users paste API keys and passwords into chats. The live session keeps their text (the user may still need it), but
anything that leaves the active store for long-term keeping is redacted first, so archives and backups never hold a
usable secret.
"""

from __future__ import annotations

import gzip
import os
import re
from pathlib import Path
from typing import Any, Optional

import orjson

from .errors import ArchiveError

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
            event["fields"] = dict(event["fields"], sequence_knowledge=redact_text(event["fields"]["sequence_knowledge"]))
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


class BlobCodec:
    """Turns an archive document into bytes on disk and back: JSON, then gzip, then (optionally) Fernet."""

    def __init__(self, compress: bool, key: Optional[str]) -> None:
        self.compress = compress
        self._fernet = None
        if key:
            from cryptography.fernet import Fernet

            self._fernet = Fernet(key.encode("ascii"))

    @property
    def suffix(self) -> str:
        return ".json" + (".gz" if self.compress else "") + (".enc" if self._fernet else "")

    def encode(self, document: dict) -> bytes:
        data = orjson.dumps(document)
        if self.compress:
            data = gzip.compress(data, compresslevel=6, mtime=0)
        if self._fernet:
            data = self._fernet.encrypt(data)
        return data

    def decode(self, data: bytes, name: str) -> dict:
        """Decode by the file's own suffix, so archives written under other settings stay readable."""
        try:
            if name.endswith(".enc"):
                if self._fernet is None:
                    raise ArchiveError(f"{name} is encrypted but SESSION_ENCRYPTION_KEY is not set")
                from cryptography.fernet import InvalidToken

                try:
                    data = self._fernet.decrypt(data)
                except InvalidToken:
                    raise ArchiveError(
                        f"{name} cannot be decrypted: SESSION_ENCRYPTION_KEY is not the key it was written with"
                    ) from None
                name = name[: -len(".enc")]
            if name.endswith(".gz"):
                data = gzip.decompress(data)
            document = orjson.loads(data)
        except ArchiveError:
            raise
        except (OSError, EOFError, orjson.JSONDecodeError, ValueError) as exc:
            raise ArchiveError(f"{name} is damaged: {exc}") from None
        if not isinstance(document, dict):
            raise ArchiveError(f"{name} does not hold a PulsePal session document")
        return document


ARCHIVE_SUFFIXES = (".json.gz.enc", ".json.enc", ".json.gz", ".json")


def split_archive_name(name: str) -> Optional[str]:
    """'session_<id>.json.gz' -> '<id>' (None for names that are not session archives)."""
    if not name.startswith("session_"):
        return None
    for suffix in ARCHIVE_SUFFIXES:
        if name.endswith(suffix):
            return name[len("session_") : -len(suffix)]
    return None


class AuditLog:
    """Who did what to which session, when: one JSON line per event in `audit.log` (0600).

    Each record is written with a single O_APPEND write, which the kernel keeps whole on a local file system, so
    several processes can log at once without a lock. It is not fsync'd: it records access, it does not carry data.
    """

    def __init__(self, path: Path, clock) -> None:
        self.path = path
        self.clock = clock

    def record(self, actor: str, action: str, session_id: Optional[str] = None, **detail: Any) -> None:
        entry = {"ts": self.clock.now().isoformat(), "actor": actor, "action": action, "session_id": session_id}
        if detail:
            entry["detail"] = detail
        line = orjson.dumps(entry, default=str) + b"\n"
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    ROTATE_BYTES = 32 * 1024 * 1024
    KEEP_ROTATED = 10

    def rotate_if_large(self, limit: Optional[int] = None) -> Optional[Path]:
        """Compress a large audit log to audit-<time>.log.gz and start a fresh one (called by the cleanup pass).

        A writer that still has the old file open finishes its one write there; nothing is lost."""
        limit = self.ROTATE_BYTES if limit is None else limit
        try:
            if os.stat(self.path).st_size < limit:
                return None
        except FileNotFoundError:
            return None
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S")
        moved = self.path.with_name(f".audit-{stamp}.log")
        os.replace(self.path, moved)
        target = self.path.with_name(f"audit-{stamp}.log.gz")
        from . import files

        files.atomic_write_bytes(target, gzip.compress(moved.read_bytes()))
        os.unlink(moved)
        rotated = sorted(self.path.parent.glob("audit-*.log.gz"))
        for old in rotated[: -self.KEEP_ROTATED]:
            old.unlink()
        return target

    def tail(self, limit: int = 100) -> list[dict]:
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                size = handle.tell()
                handle.seek(max(0, size - 256 * 1024))
                lines = handle.read().splitlines()
        except FileNotFoundError:
            return []
        out = []
        for raw in lines[-limit:]:
            try:
                out.append(orjson.loads(raw))
            except orjson.JSONDecodeError:
                continue
        return out
