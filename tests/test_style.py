"""The code stays ruff clean: the linter runs as part of the test command."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_code_is_ruff_clean():
    if shutil.which("ruff") is None:
        pytest.skip("ruff is not installed (pip install -e '.[test]' brings it)")
    folders = ["intents", "bot", "tests", "testkit", "bench", "tools"]
    result = subprocess.run(["ruff", "check", *folders], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_engine_never_imports_telegram():
    code = "import sys, intents.engine; print(any(m.startswith('telegram') for m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


def test_types_check():
    """mypy over the engine and the front ends (configured in pyproject.toml), as part of the test command."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (pip install -e '.[test]' brings it)")
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
