"""What some KPIs measure against: who counts as churned (``churn.*``) and the goals
(``targets.*``). Declared once with ``param`` like every other setting; the KPIs
themselves are in ``sim.kpis``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agents.params import param
from sim.errors import ConfigError

CHURN_DEFINITIONS = ("left", "inactive_days:N")


@dataclass(frozen=True)
class ChurnDefinition:
    """``churn.*``: who counts as churned in the metrics and KPIs."""

    definition: str = param(
        "left",
        unit="-",
        source="-",
        doc="left: members who left; inactive_days:N: also members without a visit for N days",
    )

    @property
    def inactive_days(self) -> int | None:
        """N of ``inactive_days:N`` (None for ``left``)."""
        if self.definition == "left":
            return None
        return int(self.definition.split(":", 1)[1])


def parse_churn(values: Any) -> ChurnDefinition:
    """``churn.definition``: ``left`` or ``inactive_days:N`` (N a whole number >= 1).

    Raises:
        ConfigError: naming ``churn.definition`` (or an unknown key of ``churn``).
    """
    values = dict(values or {})
    for key in values:
        if key != "definition":
            raise ConfigError(f"churn.{key}", values[key], "unknown key; churn has: definition")
    value = values.get("definition", "left")
    if value == "left":
        return ChurnDefinition()
    head, _, n = str(value).partition(":")
    if head != "inactive_days" or not n.isdigit() or int(n) < 1:
        raise ConfigError(
            "churn.definition",
            value,
            "use left (members who left) or inactive_days:N (also members without a visit "
            "for N days, e.g. inactive_days:30)",
        )
    return ChurnDefinition(f"inactive_days:{int(n)}")


@dataclass(frozen=True)
class Targets:
    """``targets.*``: the goals some KPIs measure against."""

    members: int = param(
        0,
        unit="members",
        low=0,
        source="-",
        doc="a members target: days_to_members is the first day members reach it (0: none)",
    )


def parse_targets(values: Any) -> Targets:
    """``targets``: ``members`` (a whole number >= 0).

    Raises:
        ConfigError: naming ``targets.<key>``.
    """
    values = dict(values or {})
    for key in values:
        if key != "members":
            raise ConfigError(f"targets.{key}", values[key], "unknown key; targets has: members")
    members = values.get("members", 0)
    if members is None:
        members = 0
    if isinstance(members, bool) or not isinstance(members, int) or members < 0:
        raise ConfigError(
            "targets.members", members, "give a whole number of members (0: no target)"
        )
    return Targets(members=members)
