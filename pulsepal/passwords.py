"""Accounts' passwords and names, the same whichever store keeps the accounts (the users file or PostgreSQL).

Passwords are stored only as salted scrypt hashes (memory-hard, so a stolen copy is expensive to brute-force);
verification compares digests in constant time and spends the same work on unknown names (`dummy_hash`), so response
times do not reveal which user names exist. User names become session owners and appear in URLs and logs, so they
are kept to a safe alphabet.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from typing import Optional

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024
# scrypt cost: about 16 MiB and a few tens of milliseconds per check on a laptop core.
SCRYPT_N, SCRYPT_R, SCRYPT_P, KEY_LENGTH = 2**14, 8, 1, 32
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")


class UserError(ValueError):
    """A bad user name or password, or a missing/duplicate user; the message is fit to print."""


@dataclass(frozen=True)
class UserRecord:
    name: str
    admin: bool
    # Which password the account has now (credential_of its hash): a sign-in cookie carries a keyed tag of it, so
    # setting a new password signs out every cookie issued for the old one. Never the hash itself.
    credential: str = field(default="", compare=False, repr=False)


def credential_of(encoded: object) -> str:
    """A short digest that changes whenever the stored hash does (a new password, or the same one salted anew)."""
    raw = encoded.encode("utf-8") if isinstance(encoded, str) else b""
    return hashlib.sha256(b"pulsepal-credential:" + raw).hexdigest()[:32]


def validate_user_name(name: object) -> str:
    """User names become session owners and appear in URLs and logs, so they are kept to a safe alphabet."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise UserError("user names are 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit")
    return name


def hash_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"passwords must have at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"passwords may have at most {MAX_PASSWORD_LENGTH} characters")
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "scrypt${}${}${}${}${}".format(SCRYPT_N, SCRYPT_R, SCRYPT_P, _b64(salt), _b64(digest))


def check_password(password: str, encoded: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.urlsafe_b64decode(digest)
        actual = _scrypt(password, base64.urlsafe_b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=KEY_LENGTH, maxmem=2**26)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


# A hash of a random password, checked against when the user does not exist so that both paths cost the same.
_DUMMY_HASH: Optional[str] = None  # computed once, on the first unknown name


def dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    return _DUMMY_HASH
