"""How people differ in engagement: a lifelong propensity and one-off visitors.

Real logs show most people act once or a few times while a small core stays for years.
Two per-person traits, drawn once for every person before day 1 (prospects included, as
segments and interests are), produce that shape:

- **Propensity.** ``lambda_i ~ Gamma(shape=k, scale=1/k)``, mean 1 and variance ``1/k``,
  multiplies the person's daily visit chance. Gamma-distributed rates across people are the
  assumption of the Pareto/NBD and BG/NBD models of repeat activity (Schmittlein, Morrison &
  Colombo 1987; Fader, Hardie & Lee 2005); a small ``k`` (0.3-0.5) gives many people a tiny
  rate and a few a large one. ``k = 0`` switches it off (everyone 1, nothing drawn).
- **One-off visitors.** A share ``one_off_share`` of people are one-off: after the day they
  join they visit only at ``one_off_visit`` a day, whatever their commitment. ``0`` switches
  it off (nothing drawn).

Both are drawn from the model's one generator only when switched on, so a run without them
consumes the same random numbers as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.params import param


@dataclass(frozen=True)
class HeterogeneityParams:
    """``behaviour.heterogeneity.*``: per-person engagement propensity and one-off visitors."""

    shape: float = param(
        0.5,
        unit="-",
        low=0.0,
        high=1000.0,
        source="Fader, Hardie & Lee 2005 (BG/NBD: Gamma-distributed rates); 0.5: most "
        "members go quiet, monthly actives 10-40% of members "
        "(docs/model.md, Plausible defaults); 0: off",
        doc="shape k of each person's Gamma(k, 1/k) visit propensity (mean 1; 0: everyone 1)",
    )
    one_off_share: float = param(
        0.29,
        unit="share",
        low=0.0,
        high=1.0,
        source="calibrated on CollegeMsg (docs/calibration.md, section 9); most people "
        "in a log act once or a few times (Panciera et al. 2009); 0: off",
        doc="share of people who, once joined, hardly come back",
    )
    one_off_visit: float = param(
        0.0005,
        unit="1/day",
        low=0.0,
        high=1.0,
        source="assumption (about one return in five years)",
        doc="daily visit chance of a one-off person after the day they join",
    )

    @property
    def propensity_on(self) -> bool:
        """Whether people differ in visit propensity."""
        return self.shape > 0

    @property
    def one_off_on(self) -> bool:
        """Whether some people are one-off visitors."""
        return self.one_off_share > 0


def draw_propensity(n: int, params: HeterogeneityParams, rng: np.random.Generator) -> np.ndarray:
    """Each of ``n`` people's visit propensity, ``Gamma(k, 1/k)`` (mean 1)."""
    k = params.shape
    return rng.gamma(k, 1.0 / k, size=n)


def draw_one_off(n: int, params: HeterogeneityParams, rng: np.random.Generator) -> np.ndarray:
    """Whether each of ``n`` people is a one-off visitor (chance ``one_off_share``)."""
    return rng.random(n) < params.one_off_share
