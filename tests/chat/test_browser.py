"""The real UI in Debian's chromium: ask, see the streamed answer, reload, find and resume it, switch language.

Screenshots go to $PULSEPAL_TEST_ARTIFACTS (default <repo>/test-artifacts) so a person can look at the page.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest
from chat_harness import REPO, ChatServer

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is not installed (apt-get install chromium)")


@pytest.fixture
def artifacts() -> Path:
    folder = Path(os.environ.get("PULSEPAL_TEST_ARTIFACTS") or REPO / "test-artifacts") / "browser"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {folder}")
    return folder


def test_ask_reload_resume_and_switch_language(tmp_path, artifacts):
    from playwright.sync_api import expect, sync_playwright

    server = ChatServer(tmp_path).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 860})
            page.set_default_timeout(30_000)

            # local mode: no login form, one click on the printed start-up link lands in the chat
            page.goto(server.printed_url())
            chat_input = page.locator("#chat-input")
            expect(chat_input).to_be_visible()
            page.wait_for_load_state("networkidle")
            expect(page.locator("#chat-settings-open-modal")).to_be_visible()  # on_chat_start has run
            assert "/login" not in page.url and "token=" not in page.url
            page.screenshot(path=str(artifacts / "01-start.png"))

            chat_input.fill("What does mr.makeTrapezoid do?")
            page.locator("#chat-submit").click()
            answer = page.locator("[data-step-type='assistant_message']").last
            expect(answer).to_contain_text("makeTrapezoid")
            expect(answer).to_contain_text("Parameter")  # the whole answer, not only the first tokens
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(artifacts / "02-answer.png"))
            match = re.search(r"/thread/([0-9a-f-]{36})", page.url)
            token = next(c["value"] for c in page.context.cookies() if c["name"] == "access_token")

            # reload: a new chat; the conversation is in the sidebar
            page.goto(server.base + "/")
            expect(page.locator("#chat-input")).to_be_visible()
            entry = page.locator("#thread-history").get_by_text("What does mr.makeTrapezoid do?").first
            expect(entry).to_be_visible()
            page.screenshot(path=str(artifacts / "03-sidebar.png"))

            entry.click()
            resumed = page.locator("[data-step-type='assistant_message']").first
            expect(resumed).to_contain_text("makeTrapezoid")
            expect(page.locator("#chat-input")).to_be_visible()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(artifacts / "04-resumed.png"))
            thread_id = match.group(1) if match else re.search(r"/thread/([0-9a-f-]{36})", page.url).group(1)

            # switch language in the settings panel
            page.locator("#chat-settings-open-modal").click()
            dialog = page.locator("#chat-settings")
            expect(dialog).to_be_visible()
            dialog.locator("#language").click()
            page.get_by_role("option", name="Python").click()
            page.screenshot(path=str(artifacts / "05-settings.png"))
            page.locator("#confirm").click()
            expect(dialog).to_be_hidden()

            page.locator("#chat-input").fill("How do I make a sinc pulse?")
            page.locator("#chat-submit").click()
            expect(page.locator("[data-step-type='assistant_message']").last).to_contain_text("make_sinc_pulse")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(artifacts / "06-python-answer.png"), full_page=True)
            browser.close()

        document = httpx.get(f"{server.base}/pulsepal/conversations/{thread_id}.json",
                             cookies={"access_token": token}, timeout=10).json()
        assert document["session"]["preferred_language"] == "python"
        messages = [e["content"] for e in document["events"] if e["type"] == "message"]
        assert messages[0] == "What does mr.makeTrapezoid do?" and messages[2] == "How do I make a sinc pulse?"
    finally:
        server.kill()
