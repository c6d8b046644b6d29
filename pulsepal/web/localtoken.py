"""Local mode's start-up token: zero setup for the person at the keyboard, closed to everyone else.

Learned from Jupyter: the server holds a random token and prints it in its start-up URL
(`http://127.0.0.1:8000/?token=...`). Opening that URL exchanges the token for Chainlit's signed session cookie
(then redirects to the same page without the token, so it does not linger in the address bar), and the chat
opens with one click. Without the token or the cookie it produced, nothing is granted: another OS user on the
machine, or a page in the browser that reaches 127.0.0.1, can connect to the port but cannot act as the local
user. Programs can send the token as `Authorization: Token <token>` instead of a cookie.

The token is kept, 0600, in `<storage>/local_token`, and reused by the next start: the printed address stays
valid across restarts (bookmarks keep working) and every server process on the same store agrees on it.
Delete the file to rotate it (the next start makes a new one); cookies already handed out stay valid until they
expire or CHAINLIT_AUTH_SECRET (its file `<storage>/chainlit_auth_secret`) is rotated. Anyone who can read the
storage folder can read every conversation anyway, so the file is protected exactly like the data.
"""

from __future__ import annotations

import hmac
import html
import os
import secrets
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qsl, urlencode

from ..sessions import files
from ..settings import Settings

TOKEN_FILE = "local_token"
TOKEN_PARAM = "token"
AUTH_SCHEME = "token"
_MIN_LENGTH = 32
_tokens: dict[Path, str] = {}


def token_path(settings: Settings) -> Path:
    return Path(settings.session_storage_path) / TOKEN_FILE


def ensure_token(settings: Settings) -> str:
    """The store's token, made (0600, written whole or not at all) on first use; cached for the process."""
    path = token_path(settings)
    cached = _tokens.get(path)
    if cached:
        return cached
    folder = files.ensure_dir(path.parent)
    with files.locked(folder / (TOKEN_FILE + ".lock")):
        try:
            token = files.read_bytes(path).decode("ascii").strip()
        except (FileNotFoundError, UnicodeDecodeError):
            token = ""
        if len(token) < _MIN_LENGTH:
            token = secrets.token_urlsafe(32)
            files.atomic_write_bytes(path, token.encode("ascii"))
        os.chmod(path, 0o600)
    _tokens[path] = token
    return token


def token_matches(candidate: Optional[str], settings: Settings) -> bool:
    if not candidate or len(candidate) > 256:
        return False
    return hmac.compare_digest(candidate.encode("utf-8", "replace"), ensure_token(settings).encode("ascii"))


def token_from_authorization(value: Optional[str]) -> Optional[str]:
    scheme, _, token = (value or "").partition(" ")
    return token.strip() or None if scheme.lower() == AUTH_SCHEME else None


def start_url(settings: Settings, host: str, port: int, root_path: str = "") -> str:
    """The clickable address printed at start-up."""
    shown = host.strip("[]") if host else "127.0.0.1"
    if shown in ("0.0.0.0", "::", ""):
        shown = "127.0.0.1"
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}{root_path}/?{TOKEN_PARAM}={ensure_token(settings)}"


def redirect_target(path: str, query_string: str) -> str:
    """Where a successful exchange sends the browser: the page it asked for, without the token. Always a path on
    this server (a path like `//evil.example` would be a protocol-relative link to another site)."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        path = "/"
    rest = [(k, v) for k, v in parse_qsl(query_string, keep_blank_values=True) if k != TOKEN_PARAM]
    return path + ("?" + urlencode(rest) if rest else "")


def sign_in_page(*, wrong_token: bool) -> str:
    """The page a browser gets without the cookie: what to do, with a field to paste the token. Static text."""
    problem = (
        "<p class=problem>That link's token is not this server's token (it may be from another PulsePal, or the "
        "token was rotated). Use the address PulsePal printed when it started.</p>"
        if wrong_token
        else ""
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>PulsePal: open the start-up link</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 36rem; margin: 12vh auto; padding: 0 1rem; color: #1d2330; }}
h1 {{ font-size: 1.4rem; }} code {{ background: #eef1f6; padding: 0 .25em; border-radius: 3px; }}
.problem {{ color: #9b1c1c; }} input {{ font: inherit; width: 100%; padding: .4rem; box-sizing: border-box; }}
button {{ font: inherit; margin-top: .6rem; padding: .4rem 1rem; }}
</style></head><body>
<h1>Open PulsePal with its start-up link</h1>
{problem}
<p>PulsePal is running in local mode: only the person who started it may use it. When it started, it printed an
address like <code>http://127.0.0.1:8000/?token=…</code> in its terminal. Open that address once; this browser then
stays signed in.</p>
<p>The token is also in the file <code>{html.escape(TOKEN_FILE)}</code> in PulsePal's storage folder. You can paste it
here:</p>
<form method="get" action="">
<label for="token">Token</label>
<input id="token" name="{TOKEN_PARAM}" type="password" autocomplete="off" required>
<button type="submit">Open the chat</button>
</form>
</body></html>
"""
