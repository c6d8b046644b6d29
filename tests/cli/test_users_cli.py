"""`python -m pulsepal.cli users ...`: accounts for password mode, with the password never on the command line."""

from __future__ import annotations

import json
import os

from pulsepal.web.users import verify_user


def test_add_list_remove_users(ws):
    users_file = ws.storage / "users.json"
    r = ws.cli("users", "add", "alice", "--password-stdin", stdin="correct horse battery\n")
    assert r.code == 0 and "added user alice" in r.out, r
    r = ws.cli("users", "add", "root", "--admin", "--password-stdin", stdin="another long secret\n")
    assert r.code == 0 and "(admin)" in r.out, r
    assert os.stat(users_file).st_mode & 0o777 == 0o600
    assert "correct horse" not in users_file.read_text()  # only salted hashes are stored
    assert verify_user(users_file, "alice", "correct horse battery").name == "alice"
    assert verify_user(users_file, "alice", "wrong password!!") is None
    assert verify_user(users_file, "root", "another long secret").admin

    listed = json.loads(ws.cli("users", "list", "--json").out)
    assert listed == [{"name": "alice", "admin": False}, {"name": "root", "admin": True}]

    r = ws.cli("users", "add", "alice", "--password-stdin", stdin="some other secret\n")
    assert r.code == 2 and "already exists" in r.err, r
    assert verify_user(users_file, "alice", "correct horse battery") is not None  # unchanged
    r = ws.cli("users", "add", "alice", "--replace", "--password-stdin", stdin="some other secret\n")
    assert r.code == 0 and verify_user(users_file, "alice", "some other secret") is not None

    r = ws.cli("users", "remove", "alice")
    assert r.code == 0, r
    r = ws.cli("users", "remove", "alice")
    assert r.code == 1 and "no user" in r.err, r
    assert [u["name"] for u in json.loads(ws.cli("users", "list", "--json").out)] == ["root"]


def test_bad_user_input_is_refused(ws):
    cases = [
        (("users", "add", "../evil", "--password-stdin"), "long enough pw\n", "user names"),
        (("users", "add", "bob", "--password-stdin"), "short\n", "at least"),
        (("users", "add", "bob", "--password-stdin"), "", "no password"),
        (("users", "add", "bob"), "", "not a terminal"),
    ]
    for args, stdin, message in cases:
        r = ws.cli(*args, stdin=stdin)
        assert r.code == 2 and message in r.err, (args, r)
    users_file = ws.storage / "users.json"
    assert not users_file.exists() or json.loads(users_file.read_text())["users"] == {}
