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
from .base import EXIT_BAD_INPUT, EXIT_NOT_FOUND, Failure, Group, state, storage_folder


@click.group(cls=Group)
def users() -> None:
    """Accounts for AUTH_MODE=password (salted scrypt hashes in the users file, 0600)."""


def _accounts():  # noqa: ANN202 - FileUsers or DatabaseUsers (dependencies.accounts_for)
    """The accounts this installation signs people in with: the users file (USERS_FILE, or users.json in the store
    given by --storage), or the database's users table when SESSION_DATABASE_URL is set."""
    from ..dependencies import accounts_for

    settings = load_settings()
    storage = storage_folder(settings)
    path = settings.users_file or (Path(storage) / "users.json" if storage else settings.users_path)
    return accounts_for(settings, path)


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
    from ..passwords import UserError, validate_user_name

    try:
        validate_user_name(name)
        record = _accounts().add(name, _read_password(password_stdin), admin, replace=replace)
    except UserError as exc:
        raise Failure(str(exc)) from None
    out.say(f"{'updated' if replace else 'added'} user {record.name}{' (admin)' if record.admin else ''}")


@users.command("remove")
@click.argument("name")
def users_remove(name: str) -> None:
    """Remove a user (their conversations stay in the store)."""
    from ..passwords import UserError

    try:
        _accounts().remove(name)
    except UserError as exc:
        raise Failure(str(exc), EXIT_NOT_FOUND if str(exc).startswith("no user") else EXIT_BAD_INPUT) from None
    out.say(f"removed user {name}")


@users.command("list", json_output=True)
def users_list() -> None:
    """The users who may sign in (the users file, or the database with SESSION_DATABASE_URL)."""
    records = _accounts().list()
    if state().json:
        click.echo(json.dumps([{"name": r.name, "admin": r.admin} for r in records]))
    else:
        out.say(out.table(["USER", "ADMIN"], [[r.name, "yes" if r.admin else ""] for r in records]))
