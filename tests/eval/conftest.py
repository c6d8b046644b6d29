"""The evaluation files every dataset test module reads, once per module.

Why here: test_dataset.py and the modules split off it (test_dataset_sealed.py, test_dataset_rounds.py) take the same
first files; a fixture in a conftest is found by all of them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

EVAL = Path(__file__).resolve().parents[2] / "eval" / "answers"
FIRST_FILES = ("dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6")


@pytest.fixture(scope="module")
def splits() -> dict[str, list[dict]]:
    return {name: [json.loads(line) for line in (EVAL / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
                   if line.strip()] for name in FIRST_FILES}
