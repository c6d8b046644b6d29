"""Hourly session cleanup: archive expired sessions, drop old archives and backups.

Usage (from the repository root, or with an absolute path from anywhere):
    python scripts/cleanup_sessions.py [--days N] [--dry-run] [--force [--all [--yes]]] [--json] [--quiet]

The logic is `python -m pulsepal.cli sessions cleanup`; this file only makes it runnable by path (cron, systemd).
"""

import sys
from pathlib import Path

# Runnable by path from any working directory: the repository root holds the pulsepal package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulsepal.cli import cleanup_command, run

if __name__ == "__main__":
    sys.exit(run(cleanup_command, prog_name=Path(__file__).name))
