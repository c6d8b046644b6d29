"""Recreate active sessions and the index from conversation logs (safe to run repeatedly).

Usage: python scripts/rebuild_sessions.py --from-logs conversationLogs/ [--json]

Same as `python -m pulsepal.cli sessions rebuild`; this file only makes it runnable by path.
"""

import sys
from pathlib import Path

# Runnable by path from any working directory: the repository root holds the pulsepal package.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulsepal.cli import rebuild_script, run

if __name__ == "__main__":
    sys.exit(run(rebuild_script, prog_name=Path(__file__).name))
