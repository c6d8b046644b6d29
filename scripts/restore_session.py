"""Restore an archived session to active.

Usage: python scripts/restore_session.py --session-id <id> [--date YYYY-MM-DD] [--force]

Same as `python -m pulsepal.cli sessions restore <id>`; this file only makes it runnable by path.
"""

import sys
from pathlib import Path

# Runnable by path from any working directory: the repository root holds the pulsepal package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulsepal.cli import restore_script, run

if __name__ == "__main__":
    sys.exit(run(restore_script, prog_name=Path(__file__).name))
