"""Budget: one total for every strategy's spending, paced over the run.

``setup`` calls ``ops.set_budget(total)``; from then on ``ops.spend`` refuses any payment
the budget cannot cover, and the strategy that asked does not act that day. ``pacing``
says how fast the total may be spent; each morning the budget sets the cumulative spend
allowed by the end of day ``t`` of a run of ``T`` days (``ops.pace_budget``):

- ``even``:  ``total * t / T`` (spread evenly over the run; the default),
- ``front``: ``total * (1 - (1 - t / T) ** 2)`` (front-loaded: twice the even rate on day 1,
  tapering linearly to nothing on the last day; half the total is allowed by ``t = 0.29 T``),
- ``asap``:  ``total`` (spend until the total is gone).

Money not spent on a day stays allowed on the next. A payment beyond what pacing allows
today is refused for the day but does not exhaust the budget: ``budget_exhausted_day`` (in
the summary; null if never) is the first day a payment is refused because the remaining
total cannot cover it. The budget acts first (``order = 0``) so it is in force before
anyone spends. Daily metrics: ``budget_left``, ``budget_allowed`` and ``budget_held_back``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from agents.params import param
from sim.verbs import OperatorVerbs
from strategies.base import Strategy

PACINGS = ("even", "front", "asap")


@dataclass(frozen=True)
class BudgetLevers:
    """``strategies.budget.*`` (also the top-level keys ``budget`` and ``budget_pacing``)."""

    total: float = param(
        10000.0,
        unit="currency",
        low=0.0,
        source="assumption",
        doc="total spend allowed over the run, across strategies",
    )
    pacing: str = param(
        "even",
        unit="-",
        choices=PACINGS,
        source="assumption (a budget set for a period is meant to last the period)",
        doc="how fast the total may be spent: even (total * t / days by day t), front "
        "(total * (1 - (1 - t / days)^2)), asap (until it is gone)",
    )


def allowed_share(pacing: str, day: int, days: int) -> float:
    """The share of the total that ``pacing`` allows to be spent by the end of ``day``.

    Args:
        pacing: ``even``, ``front`` or ``asap``.
        day: the day (0 before the first; days past ``days`` count as the last).
        days: the run's length in days.
    """
    x = min(max(day / days, 0.0), 1.0)
    if pacing == "even":
        return x
    if pacing == "front":
        return 1.0 - (1.0 - x) ** 2
    return 1.0


def budget_left(model: Any) -> float:
    """What the budget can still pay at the end of the day (NaN: no budget)."""
    return float("nan") if model.budget_left is None else float(model.budget_left)


def budget_allowed(model: Any) -> float:
    """The cumulative spend the pacing allows by the end of the day (NaN: no budget; the
    total under ``asap``)."""
    if model.budget_left is None:
        return float("nan")
    if model.budget_allowed is None:
        return float(model.budget_spent + model.budget_left)
    return float(model.budget_allowed)


def budget_held_back(model: Any) -> float:
    """Payments the pacing refused today (their amount; one asked again counts again)."""
    return float(model.today.held_back)


class Budget(Strategy):
    """A total budget across strategies, paced over the run (see the module docstring)."""

    kind: ClassVar[str] = "budget"
    Levers: ClassVar[type] = BudgetLevers
    order: ClassVar[int] = 0
    total: float  # the levers, set from BudgetLevers by Strategy.__init__
    pacing: str

    def setup(self, ops: OperatorVerbs) -> None:
        """Put the budget in force and report it each day."""
        ops.set_budget(self.total)
        self._pace(ops)
        ops.add_reporter("budget_left", budget_left)
        ops.add_reporter("budget_allowed", budget_allowed)
        ops.add_reporter("budget_held_back", budget_held_back)

    def act(self, ops: OperatorVerbs) -> None:
        """Morning (before anyone spends): what may be spent by the end of today."""
        self._pace(ops)

    def _pace(self, ops: OperatorVerbs) -> None:
        if self.pacing != "asap":  # asap: only the total holds
            ops.pace_budget(self.total * allowed_share(self.pacing, ops.day, ops.config.days))
