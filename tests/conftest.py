"""Shared fixtures: the smoke config, the one model builder, the shared data folder."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from sim import build_model, check, compose
from sim.config import SimConfig
from sim.model import CommunityModel

logging.getLogger("MESA").setLevel(logging.WARNING)

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"

#: the smoke config (configs/experiment/smoke.yaml: 300 people, no progress bar) cut to 30
#: days; later overrides (``days=90``, ``community.n=1000``...) win over it
SMOKE = ["+experiment=smoke", "days=30"]

#: a community that fills within the year (the growth of the defaults before
#: docs/model.md's "Plausible defaults", as in the smoke config): tests of directions and
#: facts that need a large, fast-growing community set it; the default community grows
#: slower (about a third of the graph joins in a year)
FILLS = ["acquisition.p=0.0005", "acquisition.q=0.08"]

#: what the ``make_model`` fixture returns
Builder = Callable[..., CommunityModel]


def build(*overrides: str, strategies: Sequence[Any] | None = None) -> CommunityModel:
    """A checked model at day 0 from Hydra overrides, built through the public API.

    Without ``strategies``: ``sim.build_model`` (the playbook's strategies attached). With
    them: the checked config and exactly these strategy instances, in the order given (the
    playbook's own strategies are not built). Step it with ``model.run(days)``.

    Module-scoped fixtures call this directly; tests use the ``make_model`` fixture.
    """
    if strategies is None:
        return build_model(list(overrides))
    return CommunityModel(checked(overrides), strategies=list(strategies))


@functools.cache
def checked(overrides: tuple[str, ...]) -> SimConfig:
    """``sim.check(sim.compose(overrides))``, composed once a session (the settings are frozen;
    composing takes a tenth of a second, most of a small test's time)."""
    return check(compose(list(overrides)))


@pytest.fixture(scope="session")
def make_model() -> Builder:
    """The model builder: ``make_model(*overrides, strategies=None) -> CommunityModel``."""
    return build


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
    # the files with the most slow tests first: on pytest-xdist's workers (``--dist
    # loadfile``, a file per worker at a time) the quick files then fill the end of the run
    # instead of one worker finishing a long file alone
    slow_in: dict[Path, int] = {}
    for item in items:
        slow_in[item.path] = slow_in.get(item.path, 0) + bool(item.get_closest_marker("slow"))
    items.sort(key=lambda item: -slow_in[item.path])


#: when this run started: the screenshots written since are this run's
_STARTED = time.time()


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: Any) -> None:
    """Name the browser tests' screenshots of this run at its end (``make test`` output),
    also when pytest-xdist's workers took them."""
    folder = Path(__file__).resolve().parents[1] / "test-artifacts"
    for path in sorted(folder.glob("*.png")) if folder.is_dir() else []:
        if path.stat().st_mtime >= _STARTED:
            terminalreporter.write_line(f"browser test screenshot: {path}")
