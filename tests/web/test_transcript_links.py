"""The admin transcript viewer keeps links on this site: "/\\\\host" is "//host" to a browser (another site), and
so are its percent-encoded and whitespace-padded forms; they stay text. Through a real chat and the admin API."""

from __future__ import annotations

import re

import pytest

from pulsepal.web.admin_markdown import render_markdown

OFF_SITE = ["/\\evil.example", "/%5Cevil.example", "/%5cevil.example", "/%2F/evil.example", "/%09/evil.example",
            "/%0A\\evil.example", "//evil.example", "/\\/evil.example"]


@pytest.mark.parametrize("target", OFF_SITE)
def test_off_site_targets_stay_text(target):
    assert "<a " not in render_markdown(f"[d]({target})")


def test_same_site_paths_and_web_links_stay_links():
    for target in ("/pulsepal/pins", "/share/abc", "#top", "https://pulseq.github.io/", "mailto:a@b.example"):
        assert f'href="{target}"' in render_markdown(f"[d]({target})")


async def test_the_admin_transcript_renders_no_off_site_link(site):
    text = " ".join(f"[d{i}]({target})" for i, target in enumerate(OFF_SITE)) + " and [ok](/pulsepal/pins)"
    thread, client = await site.conversation("alice", text)
    await client.close()
    with site.http("boss") as admin:
        response = admin.get(f"/admin/api/sessions/{thread}/transcript")
    assert response.status_code == 200, response.text
    question = next(m for m in response.json()["messages"] if m["role"] == "user")
    hrefs = re.findall(r'href="([^"]*)"', question["html"])
    assert hrefs == ["/pulsepal/pins"], question["html"]
