"""The whole package type-checks with mypy (configured in pyproject.toml); all code passes ruff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_package_type_checks():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_code_is_linted_and_formatted():
    paths = ["src", "tests", "bench", "tools"]
    # --no-cache: a stale cache once hid an import-order error that a fresh clone showed
    for args in (["check", "--no-cache", *paths], ["format", "--no-cache", "--check", *paths]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
