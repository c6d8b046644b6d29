"""The way into the admin page for someone who has never used it (issue 14, items 14-16): a sign-in page that says
how to get in for the server's mode, transcripts shown rendered, and storage figures that say what they count."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI

from pulsepal.web.admin import build_admin_router

from .conftest import ADMIN, USER, LiveServer, header_user


@pytest.fixture
def server_in_mode(store):
    """A server whose sign-in page knows its auth mode (the chat server passes the configured one)."""
    mode = {"value": "local"}
    app = FastAPI()
    app.include_router(build_admin_router(header_user, lambda: store.manager, auth_mode=lambda: mode["value"]))
    with LiveServer(app) as server, httpx.Client(base_url=server.url) as client:
        yield client, mode


def action_of(html: str) -> str:
    return re.search(r'<a class="btn solid" id="signin-action" href="([^"]+)">', html).group(1)


def test_the_sign_in_page_says_how_to_get_in_for_each_mode(server_in_mode):
    client, mode = server_in_mode
    expected = {"local": ("link PulsePal printed", "/"), "password": ("PulsePal account", "/login"),
                "proxy": ("sign-in proxy", "/")}
    for name, (words, target) in expected.items():
        mode["value"] = name
        page = client.get("/admin")
        assert page.status_code == 401 and words in page.text and action_of(page.text) == target, (name, page.text)
        assert "Sign in to open the admin page" in page.text
    denied = client.get("/admin", headers=USER)
    assert denied.status_code == 403 and "not an admin" in denied.text and action_of(denied.text) == "/"
    assert client.get("/admin/static/admin.css").status_code == 200  # the page's style loads before sign-in


def test_a_transcript_comes_with_its_markdown_rendered_safely(client, store):
    sid = store.ids["day"]
    store.manager.add_message(sid, "assistant", "### Spoiler\n\n```matlab\ngz = mr.makeTrapezoid('z');\n```\n"
                                                "<img src=x onerror=alert(1)> and **bold**")
    messages = client.get(f"/admin/api/sessions/{sid}/transcript", headers=ADMIN).json()["messages"]
    last = messages[-1]
    assert last["content"].startswith("### Spoiler")  # the API keeps the exact text
    assert "<h5>Spoiler</h5>" in last["html"] and '<pre><code class="language-matlab">' in last["html"]
    assert "&lt;img src=x onerror=alert(1)&gt;" in last["html"] and "<strong>bold</strong>" in last["html"]
    assert all("html" in m for m in messages)


def test_storage_figures_say_what_each_counts(client, store):
    card = re.search(r'data-card="storage">(.*?)</div></div>', client.get("/admin", headers=ADMIN).text, re.S)
    text = re.sub(r"<[^>]+>", " ", card.group(1))
    assert "Session storage" in text and "active and archived sessions" in text and "storage alert" in text
    assert "on disk in all folders" in text and "measured every 10 s" in text
