"""Loading a test module or a script of the eval folder by its path, as a module of its own name.

Why: the later rounds' dataset tests take the pools and helpers from test_dataset.py (over the size limit, so the
new tests live in files of their own) and the checks from eval/answers/split.py, which is a script, not a package.
Each gets its own module name so a test file collected by pytest is not collected again under another name.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
