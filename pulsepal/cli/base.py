"""How every command runs: the global options, the engine it talks to, and outcome -> exit code.

Exit codes tell scripts what happened without parsing text:

    0  done
    1  not found (no such session or archive), a declined confirmation, or a pass that finished with errors
    2  bad input: invalid id or date, unreadable import file, unknown option, an existing session without
       --force, a refused non-interactive confirmation, invalid settings
    3  the storage failed unexpectedly (one line; set PULSEPAL_DEBUG=1 for the traceback)

Global options. People write `sessions list --storage X` as often as `--storage X sessions list`, so `--storage`
(and `--json` on the commands that print a report) is accepted at every level of the command line: on the root,
on each group and on each command. One mechanism does it: `Group` and `Command` below add the options to every
command built with them and record the values in one `CliState`, whichever level they were given at.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from dataclasses import dataclass
from typing import Any, Callable, Optional

import click

from ..sessions import (
    ArchiveError,
    ImportFormatError,
    InvalidSessionId,
    SessionError,
    SessionExists,
    SessionManager,
    SessionNotFound,
)
from ..settings import SettingsError, load_settings
from . import output as out

EXIT_OK, EXIT_NOT_FOUND, EXIT_BAD_INPUT, EXIT_STORAGE = 0, 1, 2, 3
CONTEXT = {"help_option_names": ["-h", "--help"]}


class Failure(Exception):
    """A problem the command itself detected, with the exit code it means."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


# ---------------------------------------------------------------------------------------------- global options
@dataclass
class CliState:
    storage: Optional[str] = None
    json: bool = False


def state() -> CliState:
    """The global options of the running command line (shared by every level of it)."""
    return click.get_current_context().ensure_object(CliState)


def _remember_storage(ctx: click.Context, _param: click.Parameter, value: Optional[str]) -> Optional[str]:
    current = ctx.ensure_object(CliState)
    if value is not None:
        if current.storage is not None and current.storage != value:
            raise click.BadParameter(f"given twice with different folders ({current.storage!r}, {value!r})")
        current.storage = value
    return value


def _remember_json(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    current = ctx.ensure_object(CliState)
    current.json = current.json or bool(value)
    return value


def _storage_option() -> click.Option:
    return click.Option(["--storage"], type=click.Path(file_okay=False), metavar="PATH", expose_value=False,
                        callback=_remember_storage, help="Session storage folder (overrides SESSION_STORAGE_PATH).")


def _json_option() -> click.Option:
    return click.Option(["--json"], is_flag=True, expose_value=False, callback=_remember_json,
                        help="Print JSON for scripts instead of text.")


class Command(click.Command):
    """A command that takes the global options wherever they are written. `json_output=True` for commands that
    can print their report as JSON; `--json` given to one that cannot is refused rather than ignored."""

    def __init__(self, *args: Any, json_output: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(*args, **kwargs)
        self.json_output = json_output
        self.params.append(_storage_option())
        if json_output:
            self.params.append(_json_option())

    def invoke(self, ctx: click.Context) -> Any:
        if state().json and not self.json_output:
            raise click.UsageError(f"--json is not available for '{ctx.command_path}'", ctx)
        return super().invoke(ctx)


class Group(click.Group):
    """A group whose commands and sub-groups are built with the classes above, and which takes the global
    options itself (`--storage X sessions list` and `sessions --json list` work as well)."""

    command_class = Command
    group_class = type  # sub-groups are Groups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", CONTEXT)
        super().__init__(*args, **kwargs)
        self.params += [_storage_option(), _json_option()]


# ------------------------------------------------------------------------------------------------- helpers
def open_manager(*, speak: bool = False) -> SessionManager:
    """The engine, configured like the app (environment, .env) except for an explicit --storage.

    `speak` lets the engine print its own one-line summary of a single-session change (which includes paths
    the CLI could not know, such as the backup taken before a forced import)."""
    settings = load_settings()
    echo: Callable[[str], None] = out.say if speak else (lambda _text: None)
    manager = SessionManager(settings, storage_path=storage_folder(settings), actor="cli", echo=echo)
    _OPENED.append(manager)  # closed when the command ends (run), so its background work finishes first
    return manager


_OPENED: list[SessionManager] = []


def storage_folder(settings: Any) -> Optional[str]:
    """The --storage folder, refused when the sessions are in PostgreSQL: there it would name a store the command
    does not act on, and a delete meant for a folder's sessions would remove the database's."""
    folder = state().storage
    if folder is not None and settings.session_database_url:
        raise Failure("--storage names a file store, but SESSION_DATABASE_URL is set: the sessions are in PostgreSQL "
                      "(unset it to act on the folder; `db copy` moves sessions between the two)")
    return folder


def _close_opened() -> None:
    """Let what a command started in the background finish (the search index's catch-up and its purge of
    deleted rows) before the process exits; a failure here is logged, the command's outcome stands."""
    while _OPENED:
        try:
            _OPENED.pop().close()
        except Exception:  # noqa: BLE001 - the command has already reported its result
            logging.getLogger("pulsepal.cli").exception("closing the store after the command failed")


def confirm_or_refuse(question: str, *, yes: bool, action: str) -> None:
    """Destructive commands ask on a terminal; without one, only --yes may stand in for the answer."""
    if yes:
        return
    if not sys.stdin.isatty():
        raise Failure(f"refusing to {action} without confirmation (stdin is not a terminal); pass --yes")
    if not click.confirm(out.printable(question), default=False, err=True):
        raise Failure("aborted; nothing was changed", EXIT_NOT_FOUND)


def progress(label: str, enabled: bool = True) -> Optional[Callable[[int, int], None]]:
    return out.progress_for(label) if enabled else None


# ------------------------------------------------------------------------------------------------- running
def run(command: click.Command, args: Optional[list[str]] = None, prog_name: Optional[str] = None) -> int:
    """Invoke a click command and turn every outcome into a message on stderr and an exit code."""
    try:
        return _run(command, args, prog_name)
    finally:
        _close_opened()


def _run(command: click.Command, args: Optional[list[str]], prog_name: Optional[str]) -> int:
    try:
        result = command.main(args=args, prog_name=prog_name, standalone_mode=False)
        return result if isinstance(result, int) else EXIT_OK
    except click.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # a group run without a command: its help is the message
            out.say(exc.format_message(), err=True)
            return EXIT_BAD_INPUT
        if exc.ctx is not None:
            out.say(exc.ctx.get_usage(), err=True)
            out.say(f"Try '{exc.ctx.command_path} --help' for help.", err=True)
        return _fail(exc.format_message(), EXIT_BAD_INPUT)
    except click.ClickException as exc:
        return _fail(exc.format_message(), exc.exit_code)
    except click.Abort:  # Ctrl-C, or end of input at a prompt
        return _fail("interrupted", EXIT_NOT_FOUND)
    except Failure as exc:
        return _fail(str(exc), exc.code)
    except SessionNotFound as exc:
        return _fail(str(exc), EXIT_NOT_FOUND)
    except (InvalidSessionId, ImportFormatError, SessionExists, SettingsError, ValueError) as exc:
        return _fail(str(exc), EXIT_BAD_INPUT)
    except BrokenPipeError:
        _silence_stdout()  # `... | head`: the reader left, which is not an error
        return EXIT_OK
    except (ArchiveError, SessionError, OSError) as exc:
        return _fail(f"storage failure: {_one_line(exc)}", EXIT_STORAGE, exc)
    except Exception as exc:  # noqa: BLE001 - the promise is one line, not a traceback
        return _fail(f"unexpected {type(exc).__name__}: {_one_line(exc)}", EXIT_STORAGE, exc)


def _fail(message: str, code: int, exc: Optional[BaseException] = None) -> int:
    if exc is not None and os.environ.get("PULSEPAL_DEBUG") == "1":
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    elif exc is not None:
        message += " (set PULSEPAL_DEBUG=1 for details)"
    out.say(f"error: {message}", err=True)
    return code


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
