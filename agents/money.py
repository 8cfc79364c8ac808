"""Money: purchases by commitment and segment.

A member buys today with probability
``min(purchase_g * c_i * (1 if visited else offsite) * promo_i, 1)``; a purchase is worth
``basket_g * G`` with ``G ~ Gamma(shape, 1/shape)`` (mean 1). Costs are booked by
strategies through the model; ROI, cost per acquired member and lifetime value follow in
the summary.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from agents.params import param


@dataclass(frozen=True)
class MoneyParams:
    """``behaviour.money.*``: purchases and revenue."""

    enabled: bool = param(True, unit="-", source="-", doc="switch purchases on or off")
    offsite: float = param(
        0.2,
        unit="x",
        low=0.0,
        high=1.0,
        source="assumption",
        doc="purchase chance on a day without a visit, relative to a visit",
    )
    basket_shape: float = param(
        2.0,
        unit="-",
        low=1e-9,
        source="assumption",
        doc="gamma shape of order values (higher: less spread)",
    )


def purchases(
    rate: np.ndarray,
    commitment: np.ndarray,
    visited: np.ndarray,
    basket: np.ndarray,
    promo: np.ndarray | float | None,
    params: MoneyParams,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Who buys (mask) and what each purchase is worth (for the buyers).

    ``promo``: the promotions' multiplier of each person, or None for no promotion (the
    same as 1: a product with 1.0 is exact, so it is skipped).
    """
    p = rate * commitment * np.where(visited, 1.0, params.offsite)
    if promo is not None:
        p = p * promo
    buys = rng.random(len(p)) < np.minimum(p, 1.0)
    k = np.count_nonzero(buys)
    value = basket[buys] * rng.gamma(params.basket_shape, 1.0 / params.basket_shape, size=k)
    return buys, value
