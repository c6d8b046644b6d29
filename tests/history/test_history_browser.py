"""Issue 12's proof in the real UI: Debian's chromium (Playwright, never `playwright install`) against `chainlit run`.

1. Local mode, one user: the sidebar search finds a word from an ARCHIVED conversation and opens it; a thumbs-down
   with a comment shows up on the admin page; /export-all downloads a zip that the CLI imports into a fresh store
   as identical sessions; /delete-all (confirmed with its button) leaves nothing of the user but the operator's
   backups.
2. Pins and the real scheduler: with a tiny SESSION_INACTIVE_TIMEOUT_HOURS and a cleanup every ~1 s, the
   conversation pinned through the sidebar's menu stays active while the unpinned one is archived.
3. Password mode, two people: the owner makes a link with Chainlit's Share dialog; another signed-in user opens
   it in a second browser context and reads the transcript, with no settings and no composer; the owner stops
   sharing and the link stops working. Someone not signed in gets the sign-in page.

Screenshots go to $PULSEPAL_TEST_ARTIFACTS/history (default test-artifacts/history).
"""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from chat_harness import ChatServer
from history_harness import CHROMIUM, VIEWPORT, launch_chromium, run_cli, sign_in_page

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is not installed (apt-get install chromium)")
ANSWER = "[data-step-type='assistant_message']"


def _ask(page, text: str) -> None:
    before = page.locator(ANSWER).count()
    page.locator("#chat-input").fill(text)
    page.locator("#chat-submit").click()
    page.locator(ANSWER).nth(before).wait_for()
    page.wait_for_load_state("networkidle")


def _new_chat(page) -> None:
    page.locator("#new-chat-button").click()
    page.wait_for_url(re.compile(r".*/$"))
    page.locator("#chat-settings-open-modal").wait_for()


def _thread_id(page) -> str:
    page.wait_for_url(re.compile(r".*/thread/[0-9a-f-]{36}"))  # the page moves there once the thread exists
    match = re.search(r"/thread/([0-9a-f-]{36})", page.url)
    assert match, page.url
    return match.group(1)


def _command(page, text: str) -> None:
    """Type a command and send it (Chainlit turns "/name" into a chip; a second Enter sends what is left)."""
    page.locator("#chat-input").fill(text)
    page.locator("#chat-input").press("Enter")
    if page.locator("#chat-input").input_value().strip():
        page.locator("#chat-input").press("Enter")


def _engine(storage: Path):
    from pulsepal.sessions import SessionManager
    from pulsepal.settings import Settings

    return SessionManager(Settings(_env_file=None, session_storage_path=storage), actor="test")


def _local_user() -> str:
    from pulsepal.settings import Settings

    return Settings(_env_file=None).local_user_name


def test_search_rate_export_and_delete_everything_in_the_browser(tmp_path, artifacts):
    from playwright.sync_api import expect, sync_playwright

    server = ChatServer(tmp_path / "local")
    seed = _engine(server.storage)  # an old conversation, archived before the server starts
    old = seed.create_session(_local_user())
    seed.add_message(old, "user", "How long should the gradient spoiler be after the readout?")
    seed.add_message(old, "assistant", "Make its area a few cycles across the voxel; a zebrafish phantom helps.")
    seed.archive_session(old)
    seed.close()
    server.start()
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(server.printed_url())
            page.locator("#chat-settings-open-modal").wait_for()
            page.wait_for_load_state("networkidle")

            # 1. the sidebar search finds a word that only an archived conversation's answer holds, and opens it
            page.locator("#search-chats-button").click()
            page.keyboard.type("zebrafish")
            hit = page.get_by_role("option").filter(has_text="zebrafish")
            expect(hit).to_contain_text("How long should the gradient spoiler be")  # title, then the snippet
            page.screenshot(path=str(artifacts / "01-search-archived.png"))
            hit.click()
            page.wait_for_url(re.compile(f".*/thread/{old}"))
            expect(page.locator(ANSWER).first).to_contain_text("zebrafish phantom")
            deadline = time.monotonic() + 20
            while _state(server.storage, old) != "active":  # resumed by its owner: back among the active ones
                assert time.monotonic() < deadline, "the archived conversation was not brought back"
                time.sleep(0.2)

            # 2. a thumbs-down with a comment, then the admin page shows it with its question
            _new_chat(page)
            _ask(page, "/python")  # the chat also keeps this user's language choice (for delete-all below)
            _ask(page, "What are the parameters of mr.makeTrapezoid?")
            thumbs_down = page.locator("button.negative-feedback-off")
            expect(thumbs_down).to_have_count(2)  # both answers finished (a streaming one has no buttons yet)
            thumbs_down.last.click()
            page.locator("[role=dialog] textarea").fill("I wanted the pypulseq spelling")
            page.locator("#submit-feedback").click()
            expect(page.locator("button.negative-feedback-on")).to_have_count(1)
            page.screenshot(path=str(artifacts / "02-thumbs-down.png"))
            page.goto(server.base + "/admin")
            listing = page.locator("#not-helpful")
            expect(listing).to_contain_text("What are the parameters of mr.makeTrapezoid?")
            expect(listing).to_contain_text("I wanted the pypulseq spelling")
            expect(page.locator('[data-figure="helpful-rate"]')).to_contain_text("0% helpful of 1 rated")
            page.locator('[data-panel="feedback"]').screenshot(path=str(artifacts / "03-admin-feedback.png"))

            # 3. export everything, and the CLI imports the zip into another store as identical sessions
            page.goto(server.base + "/")
            page.locator("#chat-settings-open-modal").wait_for()
            _command(page, "/export-all")
            link = page.get_by_role("link", name="Download all your conversations (zip)")
            expect(link).to_be_visible()
            with page.expect_download() as download:
                link.click()
            exported = tmp_path / "mine.zip"
            download.value.save_as(exported)
            ids = sorted(n[len("conversations/"):-5] for n in zipfile.ZipFile(exported).namelist()
                         if n.startswith("conversations/"))
            assert len(ids) == 2 and old in ids
            other = tmp_path / "other" / "sessions"
            r = run_cli(other, "sessions", "import", str(exported))
            assert r.returncode == 0 and "imported 2 conversation(s)" in r.stdout, r.stderr
            assert _events(other, ids) == _events(server.storage, ids)

            # 4. delete everything (the button confirms); only the operator's backups remain
            _command(page, "/delete-all")
            button = page.get_by_role("button", name="Delete all 2")
            expect(button).to_be_visible()
            page.screenshot(path=str(artifacts / "04-delete-all-asks.png"))
            button.click()
            expect(page.get_by_text("Deleted all 2 of your conversations").first).to_be_visible()  # chat + toast
            page.screenshot(path=str(artifacts / "05-deleted.png"))
            browser.close()
    finally:
        server.kill()
    left = _engine(server.storage)
    try:
        assert left.list_sessions(state=None, owner=_local_user()) == (0, [])
        assert sorted(b.session_id for b in left.store.backups() if b.reason == "erase") == ids
        assert left.search_sessions("zebrafish", owner=_local_user())["hits"] == []
    finally:
        left.close()
    assert _local_user() not in (server.storage / "preferences.json").read_text()  # their language choice too
    for sid in ids:  # no active file, no log, no archive: nothing but the backups names these conversations
        found = [p for p in server.storage.parent.rglob(f"*{sid}*") if "backups" not in p.parts]
        assert found == [], found


def _state(storage: Path, session_id: str):
    sm = _engine(storage)
    try:
        row = sm.describe(session_id)
        return row and row["state"]
    finally:
        sm.close()


def _events(storage: Path, ids: list[str]) -> dict:
    sm = _engine(storage)
    try:
        return {sid: sm.export_session(sid)["events"] for sid in ids}
    finally:
        sm.close()


def test_a_pinned_conversation_stays_active_while_the_scheduler_archives_the_other(tmp_path, artifacts):
    from playwright.sync_api import expect, sync_playwright

    server = ChatServer(tmp_path / "pins", env={"SESSION_INACTIVE_TIMEOUT_HOURS": "0.003",  # ~11 s idle
                                                "SESSION_CLEANUP_INTERVAL_MINUTES": "0.02"}).start()  # ~1 s
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.set_default_timeout(30_000)
            page.goto(server.printed_url())
            page.locator("#chat-settings-open-modal").wait_for()
            _ask(page, "How do I set the flat time of a trapezoid?")
            kept = _thread_id(page)
            item = page.locator(f"li#thread-{kept}")
            item.hover()
            item.locator("#thread-options").click()
            page.locator("#pin-thread").click()  # PulsePal's entry in the conversation's menu
            pinned_group = page.locator("[data-pulsepal-pins]")
            expect(pinned_group).to_contain_text("How do I set the flat time of a trapezoid?")
            _new_chat(page)
            _ask(page, "What does mr.makeAdc do?")
            other = _thread_id(page)
            page.screenshot(path=str(artifacts / "06-pinned.png"))

            cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "access_token")
            deadline = time.monotonic() + 90
            while _tags(server.base, cookie).get(other) != ["archived"]:  # the scheduler's own passes
                assert time.monotonic() < deadline, f"never archived:\n{server.log()}"
                time.sleep(0.5)
            archived_seen = time.time()
            while _passes_since(server.storage, archived_seen) < 2:  # a few more passes over the pinned one
                assert time.monotonic() < deadline, f"the scheduler stopped:\n{server.log()}"
                time.sleep(0.2)
            tags = _tags(server.base, cookie)
            assert tags[kept] == ["active"], tags
            assert list(tags)[0] == kept  # and it is listed first
            page.goto(server.base + "/")  # a new chat: reloading the archived one's page would resume (restore) it
            expect(page.locator("[data-pulsepal-pins]")).to_contain_text("flat time")
            page.screenshot(path=str(artifacts / "07-pinned-after-cleanup.png"))
            browser.close()
    finally:
        server.kill()
    assert _state(server.storage, other) == "archived"
    assert _state(server.storage, kept) == "active"


def _passes_since(storage: Path, since: float) -> int:
    """How many cleanup passes (the engine's record, shared by every process) started after `since`."""
    from datetime import datetime

    sm = _engine(storage)
    try:
        history = sm.cleanup_record().get("history", [])
    finally:
        sm.close()
    return sum(datetime.fromisoformat(run["started_at"]).timestamp() > since for run in history)


def _tags(base: str, cookie: str) -> dict:
    response = httpx.post(base + "/project/threads", json={"pagination": {"first": 50}, "filter": {}},
                          cookies={"access_token": cookie}, timeout=10)
    response.raise_for_status()
    return {t["id"]: t["tags"] for t in response.json()["data"]}


def test_a_share_link_shows_the_transcript_to_another_user_until_it_is_revoked(own_users_site, artifacts):
    """niaj shares, olivia reads."""
    from playwright.sync_api import expect, sync_playwright

    site = own_users_site
    try:
        with sync_playwright() as pw:
            browser = launch_chromium(pw)
            owner_context = browser.new_context(viewport=VIEWPORT)
            owner_context.grant_permissions(["clipboard-read", "clipboard-write"])  # the dialog copies the link
            owner = sign_in_page(owner_context, site, "niaj")
            _ask(owner, "How do I write a seq file?")
            thread = _thread_id(owner)
            _open_share_dialog(owner, thread)
            dialog = owner.locator("[role=dialog]")
            expect(dialog).to_contain_text(f"/share/{thread}")
            expect(dialog).to_contain_text("people who can sign in to this PulsePal")
            dialog.get_by_role("button", name="Share").click()
            expect(owner.get_by_text("Read-only link created and copied")).to_be_visible()
            owner.screenshot(path=str(artifacts / "08-share-dialog.png"))
            owner.keyboard.press("Escape")
            link = f"{site.base}/share/{thread}"

            viewer_context = browser.new_context(viewport=VIEWPORT)
            viewer = sign_in_page(viewer_context, site, "olivia")  # someone else, signed in as themselves
            viewer.goto(link)
            expect(viewer.locator(ANSWER).first).to_contain_text("seq")
            expect(viewer.get_by_text("How do I write a seq file?")).to_be_visible()
            expect(viewer.locator("#chat-input")).to_have_count(0)  # no way to post
            expect(viewer.locator("#chat-settings-open-modal")).to_have_count(0)  # no settings
            viewer.screenshot(path=str(artifacts / "09-shared-view.png"))
            shared_api = f"{site.base}/project/share/{thread}"  # what the shared page loads its transcript from
            assert viewer_context.request.get(shared_api).status == 200

            anonymous = browser.new_context().new_page()
            anonymous.goto(link)
            expect(anonymous.locator("#email")).to_be_visible()  # not signed in: the sign-in page, not the chat

            _open_share_dialog(owner, thread)  # the owner stops sharing from the same dialog
            dialog = owner.locator("[role=dialog]")
            dialog.get_by_role("button", name=re.compile("Unshare|Stop", re.I)).click()
            expect(owner.get_by_text("Sharing stopped: the link no longer works")).to_be_visible()
            assert viewer_context.request.get(shared_api).status == 404  # the link itself stopped working
            viewer.goto(link)
            viewer.wait_for_load_state("networkidle")
            expect(viewer.get_by_text("How do I write a seq file?")).to_have_count(0)
            viewer.screenshot(path=str(artifacts / "10-link-revoked.png"))
            browser.close()
    finally:
        site.settle()
    actions = [a["action"] for a in site.audit() if a.get("session_id") == thread]  # the server is shared
    assert actions.count("share") == 1 and "share_view" in actions and actions.count("unshare") == 1


def _open_share_dialog(page, thread: str) -> None:
    """Chainlit's Share entry in the conversation's menu (the "..." next to it in the sidebar)."""
    item = page.locator(f"li#thread-{thread}")
    item.hover()
    item.locator("#thread-options").click()
    page.locator("#share-thread").click()
