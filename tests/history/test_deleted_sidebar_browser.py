"""Deleted conversations leave every open tab at once (Debian's chromium against `chainlit run`, no reload).

Before this, /delete-all emptied the store but the open tab's sidebar kept listing the conversations until the page
was reloaded (opening one then failed), and another tab of the same user kept them too. Chainlit 2.12's sidebar
only fetches its list on page load and on a chat's first interaction; pulsepal/web/history_push.py sends each of
the user's tabs that event, and public/pulsepal.js moves a tab whose open conversation is gone to a new chat.

Screenshots go to $PULSEPAL_TEST_ARTIFACTS/history (default test-artifacts/history).
"""

from __future__ import annotations

import re

import pytest
from history_harness import CHROMIUM, VIEWPORT, launch_chromium, sign_in_page

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is not installed (apt-get install chromium)")
ANSWER = "[data-step-type='assistant_message']"
LISTED = "#thread-history li[id^='thread-']"
QUESTIONS = ("How do I set the flat time of a trapezoid?", "What does mr.makeAdc do?",
             "How do I write a seq file?")


def _ask(page, text: str) -> str:
    """Ask in the open chat; returns its thread id (the page moves to /thread/<id> once the thread exists)."""
    before = page.locator(ANSWER).count()
    page.locator("#chat-input").fill(text)
    page.locator("#chat-submit").click()
    page.locator(ANSWER).nth(before).wait_for()
    page.wait_for_url(re.compile(r".*/thread/[0-9a-f-]{36}$"))
    page.wait_for_load_state("networkidle")
    return re.search(r"/thread/([0-9a-f-]{36})$", page.url).group(1)


def _new_chat(page) -> None:
    page.locator("#new-chat-button").first.click()
    page.wait_for_url(re.compile(r".*/$"))
    page.locator("#chat-settings-open-modal").wait_for()


def _listed(page) -> list[str]:
    return [i[len("thread-"):] for i in page.locator(LISTED).evaluate_all("items => items.map(li => li.id)")]


def _command(page, text: str) -> None:
    page.locator("#chat-input").fill(text)
    page.locator("#chat-input").press("Enter")
    if page.locator("#chat-input").input_value().strip():
        page.locator("#chat-input").press("Enter")


def test_delete_all_empties_every_open_tab_of_the_user_and_the_chat_goes_on(own_users_site, artifacts):
    """ivan deletes all his conversations; judy is someone else on the same server."""
    from playwright.sync_api import expect, sync_playwright

    site = own_users_site
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            ivan_context = browser.new_context(viewport=VIEWPORT)
            page = sign_in_page(ivan_context, site, "ivan")
            deleted = []
            for number, question in enumerate(QUESTIONS):
                if number:
                    _new_chat(page)
                deleted.append(_ask(page, question))
            expect(page.locator(LISTED)).to_have_count(3)

            other_tab = ivan_context.new_page()  # the same user in a second tab, showing the first conversation
            other_tab.set_default_timeout(30_000)
            other_tab.goto(f"{site.base}/thread/{deleted[0]}")
            expect(other_tab.locator(ANSWER).first).to_be_visible()
            expect(other_tab.locator(LISTED)).to_have_count(3)

            judy = sign_in_page(browser.new_context(viewport=VIEWPORT), site, "judy")
            judys = _ask(judy, "What is a gradient spoiler?")  # someone else's tab: untouched by ivan's deletion

            _command(page, "/delete-all")
            button = page.get_by_role("button", name="Delete all 3")
            expect(button).to_be_visible()
            button.click()

            # no reload anywhere: both of ivan's tabs list nothing, and both left the deleted conversation
            expect(page.locator(LISTED)).to_have_count(0)
            expect(page.get_by_text("Deleted all 3 of your conversations").first).to_be_visible()
            page.wait_for_url(re.compile(r".*/$"))
            expect(page.get_by_text(QUESTIONS[2])).to_have_count(0)  # the chat shows a new, empty conversation
            page.screenshot(path=str(artifacts / "11-delete-all-sidebar-empty.png"))
            expect(other_tab.locator(LISTED)).to_have_count(0)
            other_tab.wait_for_url(re.compile(r".*/$"))
            expect(other_tab.get_by_text(QUESTIONS[0])).to_have_count(0)
            assert "resume" not in other_tab.locator("body").inner_text().lower()  # no "Couldn't resume" error
            other_tab.screenshot(path=str(artifacts / "12-delete-all-other-tab.png"))
            assert _listed(judy) == [judys] and judy.url.endswith(f"/thread/{judys}")

            # the chat goes on: a question gets an answer and makes exactly one new conversation in the sidebar
            fresh = _ask(page, "How do I check the timing of my sequence?")
            assert fresh not in deleted
            expect(page.locator(LISTED)).to_have_count(1)
            assert _listed(page) == [fresh]
            expect(page.locator(f"li#thread-{fresh}")).to_contain_text("How do I check the timing")
            page.screenshot(path=str(artifacts / "13-after-delete-all-new-conversation.png"))
            browser.close()
    finally:
        site.settle()
    left = site.engine()
    try:
        total, rows = left.list_sessions(state=None, owner="ivan")
        assert total == 1 and [r["session_id"] for r in rows] == [fresh], rows
    finally:
        site.settle()


def test_deleting_one_conversation_in_one_tab_updates_the_other_tab(own_users_site, artifacts):
    from playwright.sync_api import expect, sync_playwright

    site = own_users_site
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = browser.new_context(viewport=VIEWPORT)
            page = sign_in_page(context, site, "mallory")
            kept = _ask(page, QUESTIONS[0])
            _new_chat(page)
            gone = _ask(page, QUESTIONS[1])
            other_tab = context.new_page()  # the second tab shows the conversation the first tab deletes
            other_tab.set_default_timeout(30_000)
            other_tab.goto(f"{site.base}/thread/{gone}")
            expect(other_tab.locator(ANSWER).first).to_be_visible()
            expect(other_tab.locator(LISTED)).to_have_count(2)
            page.locator(f"li#thread-{kept} a[href]").click()  # the first tab moves to the one it keeps
            page.wait_for_url(re.compile(f".*/thread/{kept}$"))
            expect(page.locator(ANSWER).first).to_be_visible()

            item = page.locator(f"li#thread-{gone}")  # Chainlit's own delete, in the sidebar's menu
            item.hover()
            item.locator("#thread-options").click()
            page.locator("#delete-thread").click()
            page.locator("[role=alertdialog] button").last.click()  # "Confirm"
            expect(page.locator(LISTED)).to_have_count(1)

            expect(other_tab.locator(LISTED)).to_have_count(1)  # no reload
            assert _listed(other_tab) == [kept]
            other_tab.wait_for_url(re.compile(r".*/$"))  # its open conversation is gone: a new chat instead
            expect(other_tab.get_by_text(QUESTIONS[1])).to_have_count(0)
            other_tab.screenshot(path=str(artifacts / "14-deleted-in-another-tab.png"))
            assert page.url.endswith(f"/thread/{kept}")  # the deleting tab keeps its conversation
            fresh = _ask(other_tab, "How do I check the timing of my sequence?")
            expect(other_tab.locator(LISTED)).to_have_count(2)
            assert set(_listed(other_tab)) == {kept, fresh}
            browser.close()
    finally:
        site.settle()
