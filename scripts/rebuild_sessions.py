"""Recreate active sessions and the index from conversation logs (safe to run repeatedly).

Usage: python scripts/rebuild_sessions.py --from-logs conversationLogs/ [--json]

Same as `python -m pulsepal.cli sessions rebuild`; this file only makes it runnable by path.
"""

import sys
from pathlib import Path

try:
    from pulsepal.cli import rebuild_script, run
except ModuleNotFoundError as exc:  # a Python without PulsePal installed: say which one to use instead
    print(f"error: {exc} in {sys.executable}; run this with the project's .venv/bin/python "
          "(the README's install command creates it)", file=sys.stderr)
    sys.exit(2)

if __name__ == "__main__":
    sys.exit(run(rebuild_script, prog_name=Path(__file__).name))
