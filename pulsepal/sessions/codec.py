"""How an archived or backed-up session document becomes bytes and back: JSON, then gzip, then (optionally)
Fernet encryption. Both stores keep archives in this encoding, so an archive moves between them unchanged."""

from __future__ import annotations

import gzip
import zlib
from typing import Any, Optional

import orjson

from .errors import ArchiveError

# A session document is at most a few megabytes in practice (messages are capped at a million characters each);
# anything that inflates beyond this is refused instead of being expanded in memory (a gzip bomb).
MAX_INFLATED_BYTES = 256 * 1024 * 1024


class TooLarge(ValueError):
    """Compressed data that would inflate beyond the cap."""


def inflate(data: bytes, limit: int = MAX_INFLATED_BYTES) -> bytes:
    """gunzip with a ceiling on the output: never holds more than `limit` bytes of it (raises TooLarge)."""
    inflater = zlib.decompressobj(wbits=31)
    out = bytearray()
    view = memoryview(data)
    step = 1 << 20
    while view or inflater.unconsumed_tail:
        chunk = inflater.unconsumed_tail or view[:step]
        if not inflater.unconsumed_tail:
            view = view[step:]
        out += inflater.decompress(chunk, limit + 1 - len(out))
        if len(out) > limit:
            raise TooLarge(f"inflates to more than {limit // (1024 * 1024)} MB")
        if inflater.eof:
            break
    if not inflater.eof:
        raise EOFError("compressed data ended before the end-of-stream marker")
    return bytes(out)


class BlobCodec:
    """Turns an archive document into bytes on disk and back: JSON, then gzip, then (optionally) Fernet."""

    def __init__(self, compress: bool, key: Optional[str]) -> None:
        self.compress = compress
        self._fernet: Any = None
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
                data = inflate(data)
            document = orjson.loads(data)
        except ArchiveError:
            raise
        except (OSError, EOFError, zlib.error, orjson.JSONDecodeError, ValueError) as exc:
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
