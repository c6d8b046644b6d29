"""The PostgreSQL crash and concurrency tests' child process is the writer both stores share,
tests/engine/writer_process.py, given a database URL; this name only starts it."""

from __future__ import annotations

import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).resolve().parent.parent / "engine" / "writer_process.py"), run_name="__main__")
