"""The users and preferences tables are reached through one pool per database and process: the app's store's
when the app's manager is open on that database, else a small one of their own, opened once. Reaching them never
opens the app's manager (a CLI command given its own settings must not build the default store)."""

from __future__ import annotations

from pulsepal import dependencies
from pulsepal.settings import Settings


def test_accounts_share_one_pool_and_never_open_the_app_manager(pg_url, tmp_path):
    dependencies.get_session_manager.cache_clear()
    settings = Settings(_env_file=None, session_storage_path=tmp_path / "sessions", session_database_url=pg_url,
                        auth_mode="password")
    try:
        users = dependencies.accounts_for(settings)
        users.add("alice", "alice password 123")
        assert dependencies.accounts_for(settings).get("alice").name == "alice"
        dependencies.preferences_for(settings).set("alice", "language", "python")
        assert dependencies.preferences_for(settings).get("alice", "language") == "python"
        assert dependencies.get_session_manager.cache_info().currsize == 0  # the app's manager was not built
        assert dependencies.database_pool(settings) is dependencies.database_pool(settings)  # one pool
    finally:
        dependencies.close_pools()
