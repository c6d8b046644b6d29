"""A newcomer's first session in the real UI (issue 14's proof), in Debian's chromium against `chainlit run`.

Open the printed URL, ask and see the streamed answer, open the settings with the gear and switch the language
(the chat confirms it), download the conversation with one action, open the admin page from the chat's header,
and read a transcript rendered. Along the way: PulsePal's own wording instead of Chainlit's defaults, no request
to another site, no logout where it cannot work. Screenshots go to $PULSEPAL_TEST_ARTIFACTS/newcomer.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from chat_harness import REPO, ChatServer

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTION = "What are the parameters of mr.makeTrapezoid?"

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is not installed (apt-get install chromium)")


@pytest.fixture
def artifacts() -> Path:
    folder = Path(os.environ.get("PULSEPAL_TEST_ARTIFACTS") or REPO / "test-artifacts") / "newcomer"
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nnewcomer screenshots: {folder}")
    return folder


def sign_in(page, server: ChatServer) -> None:
    """Open the URL PulsePal printed at start (the local start-up link with its token), as a newcomer clicks it."""
    page.goto(server.printed_url())


def test_a_newcomers_first_session(tmp_path, artifacts):
    from playwright.sync_api import expect, sync_playwright

    server = ChatServer(tmp_path).start()
    foreign: list[str] = []
    console_errors: list[str] = []
    failed: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
            context = browser.new_context(viewport={"width": 1280, "height": 860}, accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(30_000)
            context.on("request", lambda request: foreign.append(request.url)
                       if not request.url.startswith((server.base, "data:", "blob:")) else None)
            page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
            page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)

            # 1. the printed URL lands in the chat, worded as PulsePal, not as Chainlit's defaults
            sign_in(page, server)
            expect(page.locator("#chat-input")).to_be_visible()
            expect(page.locator("#chat-settings-open-modal")).to_be_visible()  # on_chat_start has run
            page.wait_for_load_state("networkidle")
            expect(page.get_by_text("No conversations yet")).to_be_visible()
            expect(page.locator("#command-button")).to_contain_text("Commands")
            expect(page.locator("#user-nav-button")).to_be_hidden()  # no logout in local mode
            admin_link = page.locator('#header a[href="/admin"]')
            expect(admin_link).to_be_visible()  # the local user is the admin
            page.screenshot(path=str(artifacts / "01-first-page.png"))

            # 2. ask; the answer streams in whole
            page.locator("#chat-input").fill(QUESTION)
            page.locator("#chat-submit").click()
            answer = page.locator("[data-step-type='assistant_message']").last
            expect(answer).to_contain_text("makeTrapezoid")
            expect(answer).to_contain_text("FlatTime")
            # the address moves to the new thread once the first answer is saved: wait for it, not for the network
            page.wait_for_url(re.compile(r"/thread/[0-9a-f-]{36}"))
            thread_id = re.search(r"/thread/([0-9a-f-]{36})", page.url).group(1)
            footer = page.locator(".watermark")  # shown under the composer once the chat has messages
            expect(footer).to_contain_text("offline Pulseq reference")
            expect(footer).not_to_contain_text("LLMs can make mistakes")
            page.screenshot(path=str(artifacts / "02-answer.png"))

            # 3. the gear opens the settings; confirming them says so in the chat
            page.locator("#chat-settings-open-modal").click()
            dialog = page.locator("#chat-settings")
            expect(dialog).to_be_visible()
            expect(dialog).to_contain_text("Chat settings")
            dialog.locator("#language").click()
            page.get_by_role("option", name="Python").click()
            page.screenshot(path=str(artifacts / "03-settings.png"))
            page.locator("#confirm").click()
            expect(dialog).to_be_hidden()
            confirmation = page.locator("[data-step-type='system_message']").last
            expect(confirmation).to_contain_text("Settings saved: answers in Python")
            page.screenshot(path=str(artifacts / "04-settings-confirmed.png"))

            # 4. /download + Enter, once: the links come back, and a click downloads the conversation
            before = page.locator("[data-step-type='assistant_message']").count()
            page.locator("#chat-input").fill("/download")
            page.locator("#chat-input").press("Enter")
            links = page.locator("[data-step-type='assistant_message']").nth(before)
            expect(links).to_contain_text("Download this conversation")
            page.screenshot(path=str(artifacts / "05-download.png"))
            with page.expect_download() as download_info:
                links.get_by_role("link", name="JSON").click()
            document = json.loads(Path(download_info.value.path()).read_text())
            assert document["session_id"] == thread_id
            assert [e["content"] for e in document["events"] if e["type"] == "message"][0] == QUESTION
            assert document["session"]["preferred_language"] == "python"

            # the commands menu runs it with one click too
            count = page.locator("[data-step-type='assistant_message']").count()
            page.locator("#command-button").click()
            page.get_by_role("option", name=re.compile("download")).click()
            expect(page.locator("[data-step-type='assistant_message']").nth(count)).to_contain_text(
                "Download this conversation")

            # 5. the header's Admin link opens the admin page, and the transcript reads as rendered Markdown
            page.locator('#header a[href="/admin"]').click()
            page.wait_for_url(server.base + "/admin")
            row = page.locator(f'#sessions-table tr[data-session="{thread_id}"]')
            expect(row).to_be_visible()
            page.screenshot(path=str(artifacts / "06-admin.png"), full_page=True)
            row.locator('[data-action="view"]').click()
            body = page.locator("#dialog-body")
            expect(body.locator(".msg.assistant .md h5").first).to_contain_text("makeTrapezoid")
            expect(body.locator(".msg.assistant .md li").first).to_be_visible()  # the parameter list
            expect(body.locator(".msg.assistant .md pre code").first).to_be_visible()
            assert "###" not in body.inner_text() and "```" not in body.inner_text()
            page.screenshot(path=str(artifacts / "07-transcript.png"))
            browser.close()
    finally:
        server.kill()
    assert not foreign, f"requests to other sites: {foreign}"
    assert not [e for e in console_errors if "ERR_" in e], console_errors  # nothing failed to connect
    # the only refusal is Chainlit's own probe of /user before the page has signed in
    assert all(f.startswith("401 ") and f.endswith("/user") for f in failed), failed
    assert "Translated markdown file" not in server.log()


def test_the_admin_page_from_a_fresh_browser_shows_the_way_in(tmp_path, artifacts):
    """Without the chat's sign-in cookie /admin is a styled page that says what to do, not a bare refusal."""
    from playwright.sync_api import expect, sync_playwright

    server = ChatServer(tmp_path).start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
            page = browser.new_page(viewport={"width": 900, "height": 600})
            response = page.goto(server.base + "/admin")
            assert response.status == 401
            expect(page.locator("h1")).to_contain_text("Sign in to open the admin page")
            expect(page.locator(".signin")).to_contain_text("link PulsePal printed")
            background = page.locator(".topbar").evaluate("el => getComputedStyle(el).backgroundColor")
            assert background == "rgb(27, 36, 54)"  # the admin stylesheet is applied
            page.screenshot(path=str(artifacts / "08-admin-sign-in.png"))
            page.locator("#signin-action").click()  # local mode: the way in is the start-up token
            page.locator("#token").fill(server.local_token())
            page.locator("button[type=submit]").click()
            expect(page.locator("#chat-input")).to_be_visible()
            browser.close()
    finally:
        server.kill()


def test_password_mode_shows_logout_and_hides_the_admin_link_from_non_admins(tmp_path, artifacts):
    from playwright.sync_api import expect, sync_playwright

    from pulsepal.web.users import add_user

    server = ChatServer(tmp_path, env={"AUTH_MODE": "password"})
    add_user(server.storage / "users.json", "bob", "bob-password-long")
    add_user(server.storage / "users.json", "boss", "boss-password-long", admin=True)
    server.start()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS, headless=True)
            for name, admin in (("bob", False), ("boss", True)):
                page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                page.set_default_timeout(30_000)
                page.goto(server.base + "/login")
                page.locator("#email").fill(name)
                page.locator("#password").fill(f"{name}-password-long")
                page.locator("button[type=submit]").click()
                expect(page.locator("#chat-input")).to_be_visible()
                expect(page.locator("#user-nav-button")).to_be_visible()  # signing out works in this mode
                link = page.locator('#header a[href="/admin"]')
                if admin:
                    expect(link).to_be_visible()
                else:
                    page.wait_for_load_state("networkidle")
                    expect(link).to_be_hidden()
                page.screenshot(path=str(artifacts / f"09-password-mode-{name}.png"))
                page.locator("#user-nav-button").click()
                page.get_by_role("menuitem", name="Logout").click()
                expect(page.locator("#email")).to_be_visible()  # back at the login form, not signed in again
                page.context.close()
            browser.close()
    finally:
        server.kill()
