"""Restore an archived session to active.

Usage: python scripts/restore_session.py --session-id <id> [--date YYYY-MM-DD] [--force]

Same as `python -m pulsepal.cli sessions restore <id>`; this file only makes it runnable by path.
"""

import sys
from pathlib import Path

try:
    from pulsepal.cli import restore_script, run
except ModuleNotFoundError as exc:  # a Python without PulsePal installed: say which one to use instead
    print(f"error: {exc} in {sys.executable}; run this with the project's .venv/bin/python "
          "(the README's install command creates it)", file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(run(restore_script, prog_name=Path(__file__).name))
