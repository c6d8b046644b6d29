"""Hourly session cleanup: archive expired sessions, drop old archives and backups.

Usage (from the repository root, or with an absolute path from anywhere):
    python scripts/cleanup_sessions.py [--days N] [--dry-run] [--force [--all [--yes]]] [--json] [--quiet]

The logic is `python -m pulsepal.cli sessions cleanup`; this file only makes it runnable by path (cron, systemd).
"""

import sys
from pathlib import Path

try:
    from pulsepal.cli import cleanup_command, run
except ModuleNotFoundError as exc:  # a Python without PulsePal installed: say which one to use instead
    print(f"error: {exc} in {sys.executable}; run this with the project's .venv/bin/python "
          "(the README's install command creates it)", file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(run(cleanup_command, prog_name=Path(__file__).name))
