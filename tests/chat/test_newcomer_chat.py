"""The chat page's own wording and what it loads (issue 14, items 7, 9, 12-14), against a real `chainlit run`."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from chat_harness import ChatClient, ChatServer, login_local

from pulsepal.settings import Settings
from pulsepal.web import chat_ui

CHAINLIT_DEFAULTS = ("LLMs can make mistakes", "Settings panel", "No threads found", "Available Tools")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = ChatServer(tmp_path_factory.mktemp("newcomer")).start()
    yield running
    running.kill()


def test_the_page_loads_nothing_from_other_sites(server):
    html = httpx.get(server.base + "/", cookies={"access_token": login_local(server.base)}, timeout=10).text
    for third_party in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "katex", "github.com/Chainlit"):
        assert third_party not in html, third_party
    assert '<script src="/public/pulsepal.js"' in html and "/public/pulsepal.css" in html
    assert httpx.get(server.base + "/public/pulsepal.js", timeout=10).status_code == 200


@pytest.mark.parametrize("language", ["en-US", "de-DE", "fr-FR", "ja"])
def test_every_browser_gets_pulsepals_wording(server, language):
    response = httpx.get(server.base + "/project/translations", params={"language": language}, timeout=10)
    strings = response.json()["translation"]
    text = json.dumps(strings)
    for default in CHAINLIT_DEFAULTS:
        assert default not in text, (language, default)
    assert "offline Pulseq reference" in strings["chat"]["watermark"]
    assert strings["chat"]["settings"]["title"] == "Chat settings"
    assert strings["chat"]["commands"]["button"] == "Commands"


def test_the_readme_is_found_without_a_warning(server):
    token = login_local(server.base)
    settings = httpx.get(server.base + "/project/settings", params={"language": "en-US"},
                         cookies={"access_token": token}, timeout=10).json()
    assert "the **gear** icon" in settings["markdown"]  # the settings button (the sliders are the commands)
    assert [link["url"] for link in settings["ui"]["header_links"]] == ["/admin"]
    assert "Translated markdown file" not in server.log()


def test_me_says_who_may_see_the_admin_link_and_the_logout(server):
    assert httpx.get(server.base + "/pulsepal/me", timeout=10).status_code == 401
    token = login_local(server.base)
    me = httpx.get(server.base + "/pulsepal/me", cookies={"access_token": token}, timeout=10).json()
    assert me == {"user": "local", "admin": True, "logout": False}


async def test_confirming_the_settings_is_answered_in_one_line(server):
    client = ChatClient(server.base, login_local(server.base))
    await client.connect()
    try:
        mark = len(client.events)
        await client.change_settings({"language": "octave", "use_sequence_knowledge": True,
                                      "sequence_knowledge": "Sequence type: EPI, 3 T"})

        def confirmation():
            return [m["output"] for m in client.find("new_message", mark) if isinstance(m, dict)
                    and m.get("output", "").startswith("Settings saved")]

        said = await client.wait_for(confirmation)
        assert said == ["Settings saved: answers in Octave; sequence knowledge on."]
        assert "Nothing to download yet" in await client.ask("", command="download")  # nothing stored yet
        await client.ask("What does mr.makeAdc return?")
        links = await client.ask("", command="download")
        assert "Download this conversation" in links and "/pulsepal/conversations/" in links
    finally:
        await client.close()


def test_the_wording_is_chainlits_strings_with_ours_laid_over(tmp_path):
    from chainlit import config as chainlit_config

    written = json.loads(chat_ui.write_ui_strings(Settings(_env_file=None), tmp_path).read_text())
    original = json.loads((Path(chainlit_config.TRANSLATIONS_DIR) / "en-US.json").read_text())

    def keys(tree, prefix=""):
        return {k for key, value in tree.items() for k in
                (keys(value, f"{prefix}{key}.") if isinstance(value, dict) else {prefix + key})}

    assert keys(written) == keys(original)  # nothing missing (no raw keys on the page), nothing invented
    assert written["common"] == original["common"]
    with_llm = chat_ui.ui_strings(Settings(_env_file=None, llm_base_url="http://127.0.0.1:9/v1"))
    assert "language model" in with_llm["chat"]["watermark"]


def test_the_page_filter_removes_exactly_the_third_party_links():
    from chainlit.server import get_html_template

    served = chat_ui.without_third_parties(get_html_template(""))
    assert "https://" not in served.replace('content="https://', "")  # links gone; other meta content untouched
    assert '<link rel="stylesheet" crossorigin href="/assets/' in served  # Chainlit's own stylesheet stays
    custom = '<meta property="og:url" content="https://pulsepal.example.org/">'
    assert custom in chat_ui.without_third_parties(custom)
