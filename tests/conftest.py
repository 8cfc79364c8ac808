"""Shared fixtures: small configs, the shared data folder, a quiet Mesa logger."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

logging.getLogger("MESA").setLevel(logging.WARNING)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"

#: shrinks any run to well under a second
SMOKE = ["community.n=300", "days=30", "run.progress=off"]


@pytest.fixture
def data_dir() -> Path:
    """``../shared/data`` beside the repository; skips the test when it is absent."""
    if not DATA.is_dir():
        pytest.skip(f"shared data folder {DATA} is absent (the real data sets live there)")
    return DATA


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tiers: ``tests/unit`` holds no slow test; ``tests/validation`` only slow ones."""
    for item in items:
        tier = Path(str(item.path)).relative_to(REPO / "tests").parts[0]
        slow = item.get_closest_marker("slow") is not None
        if tier == "unit" and slow:
            raise pytest.UsageError(
                f"{item.nodeid} is marked slow: slow tests live in tests/validation or "
                "tests/integration (the unit tier runs in under a minute)"
            )
        if tier == "validation" and not slow:
            raise pytest.UsageError(f"{item.nodeid}: tests in tests/validation are marked slow")
