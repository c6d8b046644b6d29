"""Chainlit's page made PulsePal's: its wording, what it loads, and the little it must know about the user.

- Wording. Chainlit takes its UI strings from `.chainlit/translations/<language>.json`. It copies its own files
  there when `chainlit` is imported, but only those that are missing (chainlit.config.init_config), and reads the
  file again on every page load. .chainlit/config.toml fixes the language to en-US, so one file matters, and
  `write_ui_strings()` writes it at start-up (after Chainlit's copy): Chainlit's English strings with ours laid
  over them. Keys a later Chainlit adds are kept, so the page never shows a raw key, and nothing here depends on
  what is or is not committed under .chainlit/.
- What the page loads. Chainlit's index.html links KaTeX's stylesheet from a CDN (LaTeX is off here) and
  preconnects to Google Fonts; offline both fail with console errors, online they tell third parties who opens
  PulsePal. public/theme.json's empty `custom_fonts` drops the font stylesheet; `install_page_filter()` drops
  the remaining third-party links, and the `og:url` that names Chainlit's repository, from the served page.
- GET /pulsepal/me: whether the signed-in user is an admin (public/pulsepal.js then shows the header's admin
  link) and whether signing out means anything: not in local mode (nobody else can sign in there) and not behind
  a proxy (the proxy signs the same person in again on the next request), so the page hides it there.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any, Optional

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from ..sessions.files import atomic_write_bytes
from ..settings import Settings, get_settings

log = logging.getLogger("pulsepal.ui")

UI_LANGUAGE = "en-US"
CHAINLIT_META_URL = "https://github.com/Chainlit/chainlit"
_THIRD_PARTY_LINK = re.compile(r"<link\b[^>]*\bhref=\"(?:https?:)?//[^\"]*\"[^>]*>\s*", re.IGNORECASE)
_CHAINLIT_OG_URL = re.compile(r"<meta property=\"og:url\" content=\"" + re.escape(CHAINLIT_META_URL) + r"\">\s*")
CHECK_TIMING = "check the sequence with seq.checkTiming (pypulseq: seq.check_timing()) before you scan"


def ui_strings(settings: Settings) -> dict:
    """PulsePal's wording for the parts of Chainlit's page it keeps. The footer says where answers come from."""
    if settings.llm_base_url:
        footer = f"Answers are written by a language model and can be wrong: {CHECK_TIMING}."
    else:
        footer = f"Answers come from PulsePal's offline Pulseq reference, not an AI model: {CHECK_TIMING}."
    return {
        "chat": {
            "input": {"placeholder": "Ask about Pulseq: mr.* / pypulseq functions, timing, sequences…"},
            "commands": {"button": "Commands", "changeTool": "Change command", "availableTools": "Commands"},
            "settings": {"title": "Chat settings",
                         "customize": "The answer language, and what PulsePal should know about your sequence."},
            "watermark": footer,
        },
        "threadHistory": {
            "sidebar": {"title": "Your conversations", "empty": "No conversations yet"},
            "thread": {
                "actions": {
                    "delete": {"description": "This removes the conversation from your history. The server keeps "
                                              "a backup copy for a while (SESSION_BACKUP_DAYS)."},
                    "rename": {"title": "Rename conversation", "description": "A new name for this conversation",
                               "success": "Conversation renamed"},
                    "share": {"title": _share_title(settings),
                              "status": {"created": "Read-only link created and copied",
                                         "unshared": "Sharing stopped: the link no longer works"}},
                },
            },
        },
        "navigation": {"header": {"readme": "About PulsePal"}},
    }


def _share_title(settings: Settings) -> str:
    """The Share dialog says who the link works for (history_actions.share_reach_note says it in the chat)."""
    if settings.auth_mode == "local":
        return "Read-only link (local mode: it only works on this machine, for whoever is signed in here)"
    return "Read-only link for people who can sign in to this PulsePal"


def _laid_over(base: Any, ours: Any) -> Any:
    if isinstance(base, dict) and isinstance(ours, dict):
        merged = dict(base)
        for key, value in ours.items():
            merged[key] = _laid_over(base.get(key), value)
        return merged
    return ours


def write_ui_strings(settings: Optional[Settings] = None, folder: Optional[Path] = None) -> Path:
    """Write `<folder>/en-US.json` (default: Chainlit's translation folder of this app) from Chainlit's own English
    strings with PulsePal's laid over them."""
    from chainlit import config as chainlit_config

    source = Path(chainlit_config.TRANSLATIONS_DIR) / f"{UI_LANGUAGE}.json"
    target_dir = Path(folder or chainlit_config.config_translation_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    strings = _laid_over(json.loads(source.read_text(encoding="utf-8")), ui_strings(settings or get_settings()))
    target = target_dir / f"{UI_LANGUAGE}.json"
    atomic_write_bytes(target, json.dumps(strings, indent=4, ensure_ascii=False).encode("utf-8"))
    return target


def without_third_parties(html: str) -> str:
    """The page with every `<link>` to another site (stylesheets, preconnects) and Chainlit's own og:url removed."""
    return _CHAINLIT_OG_URL.sub("", _THIRD_PARTY_LINK.sub("", html))


def install_page_filter() -> None:
    """Serve Chainlit's page without third-party links: its catch-all route builds the page with
    `chainlit.server.get_html_template`, looked up at each request, so wrapping that one function is enough."""
    import chainlit.server as chainlit_server

    original = chainlit_server.get_html_template
    if getattr(original, "pulsepal_filtered", False):
        return

    def filtered(root_path: str) -> str:
        return without_third_parties(original(root_path))

    filtered.pulsepal_filtered = True  # type: ignore[attr-defined]
    chainlit_server.get_html_template = filtered


LANGUAGE_NAMES = {"matlab": "MATLAB (`mr.*`)", "python": "Python (`pypulseq`)", "octave": "Octave"}


def settings_confirmation(ctx: Any) -> str:
    """The one line the chat shows when the settings dialog is confirmed, so the change is seen to have happened."""
    language = LANGUAGE_NAMES.get(ctx.preferred_language, str(ctx.preferred_language))
    knowledge = "on" if ctx.use_sequence_knowledge and ctx.sequence_knowledge else "off"
    return f"Settings saved: answers in {language}; sequence knowledge {knowledge}."


def me_router() -> APIRouter:
    router = APIRouter()

    @router.get("/pulsepal/me", include_in_schema=False)
    async def me(request: Request):
        from .auth import request_user

        user = await request_user(request)
        if user is None:
            raise HTTPException(401, "not signed in")
        mode = get_settings().auth_mode
        body = {"user": user.identifier, "admin": bool(user.is_admin), "logout": mode == "password"}
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    return router


def install(app) -> None:
    """Everything above, once, on Chainlit's app (server.install_routes calls it)."""
    try:
        write_ui_strings()
    except OSError:  # a read-only app folder: Chainlit's own strings still work
        log.warning("could not write PulsePal's UI strings; the page keeps Chainlit's wording", exc_info=True)
    install_page_filter()
    app.include_router(me_router())
