"""On the file store, deletions made by another process reach the open tabs at once: the operator's CLI deleting a
conversation, and a cleanup pass run from the CLI that moves everything to the backups. Both go through the
store's notice log (stores/files/notices.py), which the app process reads; before it, such a tab kept listing the
conversation until its next page load, and a tab showing it kept the deleted chat on screen."""

from __future__ import annotations

import pytest

from pulsepal.web.history_push import DELETED, MARK


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from history_harness import serving_site

    yield from serving_site(tmp_path_factory.mktemp("notices-site"))


def _refreshed(client, since: int) -> list:
    return [d for d in client.find("first_interaction", since) if str(d.get("interaction")).startswith(MARK)]


async def test_the_operators_cli_deletion_reaches_the_users_open_tab(site):
    shown, watching = await site.conversation("alice", "How do I make a block pulse?")
    other, client = await site.conversation("alice", "What does mr.makeDelay do?")
    await client.close()
    try:
        mark = len(watching.events)
        deleted = site.cli("sessions", "delete", other, "--yes")
        assert deleted.returncode == 0, deleted.stderr
        await watching.wait_for(lambda: _refreshed(watching, mark), timeout=20)
        assert _refreshed(watching, mark)[0]["thread_id"] == shown  # the list is fetched again, the tab stays
        assert not watching.find("window_message", mark)

        mark = len(watching.events)
        deleted = site.cli("sessions", "delete", shown, "--yes")  # the conversation the tab shows
        assert deleted.returncode == 0, deleted.stderr
        await watching.wait_for(lambda: watching.find("window_message", mark), timeout=20)
        assert watching.find("window_message", mark)[0] == {"kind": DELETED, "thread": shown}  # on to a new chat
    finally:
        await watching.close()


async def test_a_cleanup_pass_from_the_cli_reaches_every_users_open_tabs(site):
    shown, watching = await site.conversation("bob", "What does mr.makeAdc do?")
    try:
        mark = len(watching.events)
        purged = site.cli("sessions", "cleanup", "--force", "--all", "--yes")
        assert purged.returncode == 0, purged.stderr
        await watching.wait_for(lambda: watching.find("window_message", mark), timeout=20)
        assert watching.find("window_message", mark)[0] == {"kind": DELETED, "thread": shown}
        assert _refreshed(watching, mark)
        assert site.threads("bob") == []
    finally:
        await watching.close()
