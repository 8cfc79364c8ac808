"""The agent-based Bass model on a complete graph of a million people follows the recursion.

``community=complete`` stores no tie (``sim.graphs.implicit``), so a million people fit
in memory and the run takes seconds. Slow (about 5 s: a million people for 40 days, the
size at which the explicit matrix was out of reach) and therefore in this tier. The
tolerances are sampling errors derived from the binomial variance of the daily joins.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import chi2

from experiments.commands.validate import DIFFUSION, bass_recursion
from sim import run

pytestmark = pytest.mark.slow

N, DAYS, P, Q = 1_000_000, 40, 0.01, 0.3


@pytest.fixture(scope="module")
def joined() -> np.ndarray:
    """Cumulative joiners per day, days 0..DAYS, of one run on the implicit complete graph."""
    result = run(
        [
            *DIFFUSION,
            "community=complete",
            f"community.n={N}",
            f"days={DAYS}",
            "acquisition.rule=bass",
            f"acquisition.p={P}",
            f"acquisition.q={Q}",
            "seed=11",
            "run.progress=off",
            "run.handles=off",
        ]
    )
    assert result.summary["n_people"] == N
    return result.metrics["joined_total"].to_numpy().astype(np.float64)


def test_adoption_curve_within_sampling_error_of_the_recursion(joined: np.ndarray) -> None:
    """Each day within 4 standard errors of the Bass curve.

    The standard error propagates the binomial noise of each day's joins through the
    linearised recursion ``F' = F + (p + qF)(1 - F)``: ``V[t+1] = g'(F)^2 V[t] +
    h (1 - h)(1 - F) / n`` with ``h = p + qF`` and ``g'(F) = 1 - p + q - 2qF``.
    """
    f = bass_recursion(P, Q, DAYS)
    var = np.zeros(DAYS + 1)
    for t in range(DAYS):
        h = P + Q * f[t]
        slope = 1 - P + Q - 2 * Q * f[t]
        var[t + 1] = slope**2 * var[t] + h * (1 - h) * (1 - f[t]) / N
    sim = joined / N
    assert sim[0] == 0
    z = np.abs(sim[1:] - f[1:]) / np.sqrt(var[1:])
    assert z.max() <= 4, f"day {int(z.argmax()) + 1}: {z.max():.1f} standard errors off"
    assert sim[-1] > 0.99  # the whole market has joined by day 40


def test_daily_joins_are_binomial_at_the_bass_hazard(joined: np.ndarray) -> None:
    """Given yesterday's members, today's joins are Binomial(prospects, p + q m / (n - 1)):
    the standardised residuals over the days pass a chi-square test at level 1e-4."""
    members = joined[:-1]
    prospects = N - members
    hazard = P + Q * members / (N - 1)
    expected = prospects * hazard
    var = expected * (1 - hazard)
    usable = expected >= 5  # normal approximation of the binomial
    z = (np.diff(joined) - expected)[usable] / np.sqrt(var[usable])
    assert usable.sum() >= 30
    assert float(np.sum(z**2)) <= chi2.ppf(1 - 1e-4, df=int(usable.sum()))
