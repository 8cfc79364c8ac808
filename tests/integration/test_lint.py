"""The codebase stays clean: ruff check and format everywhere, mypy on sim/, agents/,
strategies/ and experiments/ (STYLE.md; ``[tool.mypy] packages`` in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PACKAGES = ("agents", "sim", "strategies", "experiments", "tests", "benchmarks")


@pytest.mark.slow
def test_ruff() -> None:
    proc = subprocess.run(
        [
            str(BIN / "ruff"),
            "check",
            *PACKAGES,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]


@pytest.mark.slow
def test_ruff_format() -> None:
    proc = subprocess.run(
        [str(BIN / "ruff"), "format", "--check", *PACKAGES],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]


@pytest.mark.slow
def test_mypy_covers_every_package() -> None:
    import tomllib

    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert set(config["tool"]["mypy"]["packages"]) == {"sim", "agents", "strategies", "experiments"}


@pytest.mark.slow
def test_mypy() -> None:
    proc = subprocess.run(
        [str(BIN / "mypy")], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
