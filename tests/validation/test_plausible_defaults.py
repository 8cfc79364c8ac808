"""The default community's year looks like a real community's (docs/model.md, Plausible defaults).

The ranges and their sources are ``sim.plausible.TARGETS``, the same table the docs are
generated from. Two seeds of the default community (5,000 people, 365 days).
"""

from __future__ import annotations

import pytest

from sim import run
from sim.plausible import TARGETS, measure

pytestmark = [pytest.mark.slow, pytest.mark.validation]

SEEDS = (0, 1)


@pytest.fixture(scope="module")
def figures() -> list[dict[str, float]]:
    return [measure(run(["run.progress=off", f"seed={s}"])) for s in SEEDS]


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_default_year_is_inside_the_documented_range(figures: list, target) -> None:
    for seed, fig in zip(SEEDS, figures, strict=True):
        value = fig[target.name]
        assert target.holds(value), (
            f"seed {seed}: {target.what} = {value:.3f}, outside {target.low}-{target.high} "
            f"({target.source})"
        )


def test_not_nearly_everyone_joins_in_six_weeks(figures: list) -> None:
    """A strategist saw 99.95% of a customer base join by day 45: a real community does not."""
    for fig in figures:
        assert fig["joined_45"] < 0.5 * fig["joined_365"] + 0.05
