"""Operator command line: `pulsepal ...`, also `python -m pulsepal.cli ...` (the spec's spelling).

One module per command group: sessions.py (look at and move sessions), maintenance.py (restore, verify, reindex,
rebuild, cleanup, and the spec's scripts), users.py (password-mode accounts). base.py holds what every command
shares (global options, exit codes, the engine it opens) and output.py what the operator sees.
"""

from __future__ import annotations

import sys
from typing import Optional

import click

from . import maintenance
from .base import EXIT_BAD_INPUT, EXIT_NOT_FOUND, EXIT_OK, EXIT_STORAGE, Group, run
from .db import db
from .maintenance import cleanup_command, rebuild_script, restore_script
from .sessions import sessions
from .users import users

__all__ = [
    "EXIT_BAD_INPUT", "EXIT_NOT_FOUND", "EXIT_OK", "EXIT_STORAGE", "cleanup_command", "cli", "main",
    "maintenance", "rebuild_script", "restore_script", "run",
]


@click.group(cls=Group)
def cli() -> None:
    """PulsePal operator commands. --storage PATH (and --json for reports) may be given anywhere."""


cli.add_command(sessions)
cli.add_command(users)
cli.add_command(db)


def main(args: Optional[list[str]] = None) -> int:
    """Entry point of the `pulsepal` command and of `python -m pulsepal.cli`."""
    prog = "pulsepal" if sys.argv and sys.argv[0].endswith("pulsepal") else "python -m pulsepal.cli"
    return run(cli, args, prog_name=prog)
