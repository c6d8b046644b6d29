"""`users add | remove | list`: accounts for AUTH_MODE=password.

The account functions live with the web app (pulsepal.web.users), which checks them at sign-in; they are imported
when a users command runs, so `sessions ...` commands never load the web side.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..settings import load_settings
from . import output as out
from .base import EXIT_BAD_INPUT, EXIT_NOT_FOUND, Failure, Group, state


@click.group(cls=Group)
def users() -> None:
    """Accounts for AUTH_MODE=password (salted scrypt hashes in the users file, 0600)."""


def _users_file() -> Path:
    settings = load_settings()
    if settings.users_file is not None:
        return settings.users_file
    storage = state().storage
    return Path(storage) / "users.json" if storage else settings.users_path


def _read_password(from_stdin: bool) -> str:
    """From a hidden prompt (asked twice) or, for scripts, one line of stdin; never from argv, where other
    users of the machine could read it in the process list."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise Failure("no password on stdin")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise Failure("stdin is not a terminal: pass --password-stdin and send the password on stdin")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)


@users.command("add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="May use /admin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin instead of prompting.")
@click.option("--replace", is_flag=True, help="Change an existing user's password and admin flag.")
def users_add(name: str, admin: bool, password_stdin: bool, replace: bool) -> None:
    """Add a user who can sign in to the chat."""
    from ..web.users import UserError, add_user, validate_user_name

    try:
        validate_user_name(name)
        record = add_user(_users_file(), name, _read_password(password_stdin), admin, replace=replace)
    except UserError as exc:
        raise Failure(str(exc)) from None
    out.say(f"{'updated' if replace else 'added'} user {record.name}{' (admin)' if record.admin else ''}")


@users.command("remove")
@click.argument("name")
def users_remove(name: str) -> None:
    """Remove a user (their conversations stay in the store)."""
    from ..web.users import UserError, remove_user

    try:
        remove_user(_users_file(), name)
    except UserError as exc:
        raise Failure(str(exc), EXIT_NOT_FOUND if str(exc).startswith("no user") else EXIT_BAD_INPUT) from None
    out.say(f"removed user {name}")


@users.command("list", json_output=True)
def users_list() -> None:
    """The users in the users file."""
    from ..web.users import list_users

    records = list_users(_users_file())
    if state().json:
        click.echo(json.dumps([{"name": r.name, "admin": r.admin} for r in records]))
    else:
        out.say(out.table(["USER", "ADMIN"], [[r.name, "yes" if r.admin else ""] for r in records]))
