"""Budget: one total for every strategy's spending.

``setup`` calls ``ops.set_budget(total)``; from then on ``ops.spend`` refuses any
payment the budget cannot cover, the strategy that asked does not act that day, and the
first refusal's day is recorded as ``budget_exhausted_day`` (in the summary; -1 if never).
The budget acts first (``order = 0``) so it is in force before anyone spends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from agents.params import param
from sim.verbs import OperatorVerbs
from strategies.base import Strategy


@dataclass(frozen=True)
class BudgetLevers:
    """``strategies.budget.*``."""

    total: float = param(
        10000.0,
        unit="currency",
        low=0.0,
        source="assumption",
        doc="total spend allowed over the run, across strategies",
    )


def budget_left(model: Any) -> float:
    """What the budget can still pay at the end of the day (NaN: no budget)."""
    return float("nan") if model.budget_left is None else float(model.budget_left)


class Budget(Strategy):
    """A total budget across strategies (see the module docstring)."""

    kind: ClassVar[str] = "budget"
    Levers: ClassVar[type] = BudgetLevers
    order: ClassVar[int] = 0
    total: float  # the lever, set from BudgetLevers by Strategy.__init__

    def setup(self, ops: OperatorVerbs) -> None:
        """Put the budget in force and report what is left each day (``budget_left``)."""
        ops.set_budget(self.total)
        ops.add_reporter("budget_left", budget_left)
