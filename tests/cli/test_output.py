"""Presentation helpers, and the progress bar's one rule: drawn on a terminal, silent when piped."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

import pytest

from pulsepal.cli import output as out


def test_durations_and_days():
    assert out.parse_duration_hours("90m") == 1.5
    assert out.parse_duration_hours("12h") == 12 and out.parse_duration_hours("12") == 12
    assert out.parse_duration_hours("3d") == 72 and out.parse_duration_hours("1w") == 168
    assert out.parse_duration_hours("0.5D") == 12
    for bad in ("", "h", "3 days", "-3d", "3d4h", "1e9"):
        with pytest.raises(ValueError):
            out.parse_duration_hours(bad)
    assert out.parse_day("2025-01-18") == "2025-01-18"
    for bad in ("2025-02-30", "2025-1-8", "18-01-2025", "yesterday", "2025-01-18/../x"):
        with pytest.raises(ValueError):
            out.parse_day(bad)


def test_table_keeps_ids_whole_and_fits_the_width():
    ids = ["x" * 36, "y" * 36]
    text = out.table(["ID", "N", "TITLE"], [[ids[0], 3, "t" * 200], [ids[1], 12345, None]], flex=2, width=80,
                     right=[1])
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    assert lines[1].startswith(ids[0]) and lines[2].startswith(ids[1])
    assert lines[1].endswith("…") and "    3" in lines[1]


def test_sizes():
    assert out.human_bytes(0) == "0 B" and out.human_bytes(1023) == "1023 B"
    assert out.human_bytes(1536) == "1.5 KB" and out.human_bytes(5 * 1024**3) == "5.0 GB"


def test_progress_bar_draws_only_on_a_terminal():
    assert out.progress_for("x", io.StringIO()) is None
    stream = io.StringIO()
    bar = out.ProgressBar("work", stream, width=10)
    for done in range(1, 5):
        bar(done, 4)
    text = stream.getvalue()
    assert text.count("\r") == 4 and text.endswith("[##########] 4/4\n")


def test_long_commands_show_progress_on_a_tty_and_not_in_a_pipe(ws):
    for _ in range(3):
        ws.seed()
    argv = [sys.executable, "-m", "pulsepal.cli", "sessions", "reindex"]
    piped = subprocess.run(argv, cwd=ws.root, env=ws.env(), capture_output=True, text=True, timeout=60)
    assert piped.returncode == 0 and piped.stderr == "", piped

    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, cwd=ws.root, env=ws.env(), stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    proc.wait(timeout=60)
    os.close(master)
    drawn = b"".join(chunks).decode()
    assert proc.returncode == 0
    assert "reindexing [" in drawn and "3/3" in drawn
