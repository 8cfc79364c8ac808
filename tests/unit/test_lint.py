"""The codebase stays clean: ruff everywhere, mypy on sim/, agents/, strategies/ (STYLE.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


@pytest.mark.slow
def test_ruff() -> None:
    proc = subprocess.run(
        [
            str(BIN / "ruff"),
            "check",
            "agents",
            "sim",
            "strategies",
            "experiments",
            "tests",
            "benchmarks",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout[-4000:]


@pytest.mark.slow
def test_mypy() -> None:
    proc = subprocess.run(
        [str(BIN / "mypy")], cwd=REPO, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout[-4000:]
