"""The classroom model behind ``commsim ui``: a playbook preset plus the main levers.

``ClassroomModel`` is a ``CommunityModel`` with the plan it was built from
(:class:`ClassroomPlan`); ``ClassroomModel.from_levers`` builds one from keyword arguments,
as the page's model (``experiments.classroom.app.PageModel``) does when Mesa's SolaraViz
rebuilds it on Reset. Each lever left at ``None`` keeps what the playbook says; a lever
set to a value is turned into Hydra overrides on top of ``playbook=<name>``, so
the page and the command line run the same configuration (``model.command_line``).

    >>> model = ClassroomModel.from_levers(
    ...     playbook="weekly_qa", n_people=1000, points=True, network="small_world",
    ...     extra=("acquisition.p=0.001",))
    >>> model.command_line
    'commsim run playbook=weekly_qa seed=0 community=ws community.n=1000 ... acquisition.p=0.001'
    >>> model.step()

The network is one of ``experiments.classroom.networks.available_networks``; ``extra`` are
any further Hydra overrides (as ``commsim run`` takes them), applied after the levers.
The page draws the social graph with positions computed once per graph
(``experiments.classroom.layout``), frames from ``experiments.classroom.frames``.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from experiments.classroom.layout import layout_positions
from experiments.classroom.levers import (
    LEVERS,
    MODERATION_MODES,
    SEEDING_METHODS,
    compose_locked,
    hydra_value,
    lever_overrides,
    playbook_config,
    preset_levers,
)
from experiments.classroom.networks import (
    CIRCLE_COMMUNITIES,
    DEFAULT_NETWORK,
    MAX_PEOPLE,
    MIN_PEOPLE,
    available_networks,
    check_people,
    network_overrides,
)
from sim.config import SimConfig
from sim.errors import ConfigError
from sim.model import CommunityModel
from sim.runner import prepare

__all__ = [
    "LEVERS",
    "MAX_PEOPLE",
    "MIN_PEOPLE",
    "MODERATION_MODES",
    "PAGE_ARGUMENTS",
    "SEEDING_METHODS",
    "ClassroomModel",
    "ClassroomPlan",
    "available_networks",
    "hydra_value",
    "lever_overrides",
    "playbook_config",
    "preset_levers",
]


@dataclass(frozen=True)
class ClassroomPlan:
    """What the page asks for: a playbook preset, the network, the levers, any overrides.

    Attributes:
        playbook: the preset (``commsim playbooks`` lists them).
        seed: the run's seed (same seed, same community and same run).
        levers: the levers in force: the preset's, then the ones given.
        overrides: the same run as ``commsim run`` overrides.
        network: the network's name (``experiments.classroom.networks.NETWORKS``).
        extra: the further overrides given, the last of ``overrides``.
    """

    playbook: str
    seed: int
    levers: dict[str, Any]
    overrides: tuple[str, ...]
    network: str = DEFAULT_NETWORK
    extra: tuple[str, ...] = ()

    @classmethod
    def from_levers(
        cls,
        playbook: str = "baseline",
        seed: int = 0,
        n_people: int = 1000,
        days: int = 365,
        network: str = DEFAULT_NETWORK,
        extra: Sequence[str] = (),
        graph_file: str | None = None,
        **levers: Any,
    ) -> ClassroomPlan:
        """The plan of a page's keyword arguments (see :class:`ClassroomModel` for each).

        Raises:
            ConfigError: for a community the page cannot draw or a bad lever (a bad
                ``extra`` override is found by :meth:`prepare`).
        """
        overrides = (
            f"playbook={playbook}",
            f"seed={int(seed)}",
            *network_overrides(network, n_people, graph_file),
            f"days={int(days)}",
            *lever_overrides(playbook, **levers),
            *extra,
        )
        chosen = {k: v for k, v in levers.items() if v is not None}
        levers_in_force = {**preset_levers(playbook), **chosen}
        return cls(playbook, int(seed), levers_in_force, overrides, network, tuple(extra))

    @property
    def command_line(self) -> str:
        """The same run on the command line."""
        return "commsim run " + " ".join(shlex.quote(o) for o in self.overrides)

    def prepare(self) -> tuple[SimConfig, list[Any]]:
        """The checked settings and strategies of this plan (as ``sim.build_model`` makes).

        Raises:
            ConfigError: naming the key, value and fix of a bad override, or
                ``community.n`` outside MIN_PEOPLE..MAX_PEOPLE.
        """
        settings, strategies = prepare(compose_locked([*self.overrides, "run.progress=off"]))
        if "n" in settings.community.params:
            check_people("community.n", settings.community.params["n"])
        return settings, strategies


class ClassroomModel(CommunityModel):
    """A community for the classroom page: a ``CommunityModel`` with its plan and layout.

    Build one with :meth:`from_levers` (``ClassroomModel.from_levers(playbook="weekly_qa",
    n_people=1000, points=True)``). Mesa's SolaraViz rebuilds the page's model by calling
    its class with the sliders' keyword arguments: the page's
    :class:`~experiments.classroom.app.PageModel` takes them.

    Args:
        settings: checked settings (``sim.runner.prepare``).
        strategies: the strategies of the plan.
        plan: the playbook, seed, levers and overrides it was built from.
    """

    def __init__(
        self, settings: SimConfig, strategies: Sequence[Any] = (), *, plan: ClassroomPlan
    ) -> None:
        super().__init__(settings, strategies=strategies)
        if self.n_people > MAX_PEOPLE:
            path = settings.community.params.get("path", settings.community.kind)
            raise ConfigError(
                "community.path",
                path,
                f"the page draws everyone: this graph has {self.n_people} people; "
                f"use a graph of at most {MAX_PEOPLE} (commsim run for larger ones)",
            )
        self.plan = plan
        self.playbook = plan.playbook
        self.overrides = list(plan.overrides)
        circle = settings.community.kind in CIRCLE_COMMUNITIES
        self.positions = layout_positions(
            self.csr, seed=plan.seed, kind="circle" if circle else "force"
        )

    @classmethod
    def from_levers(
        cls,
        playbook: str = "baseline",
        seed: int = 0,
        n_people: int = 1000,
        days: int = 365,
        seeding_method: str | None = None,
        seeding_k: int | None = None,
        weekly_qa: bool | None = None,
        monthly_meetup: bool | None = None,
        points: bool | None = None,
        moderation: str | None = None,
        welcome_replies: bool | None = None,
        word_of_mouth: float | None = None,
        network: str = DEFAULT_NETWORK,
        extra: Sequence[str] = (),
        graph_file: str | None = None,
    ) -> ClassroomModel:
        """The classroom model of a preset and levers (composed and checked here).

        Args:
            playbook: the preset (``commsim playbooks`` lists them).
            seed: the run's seed (same seed, same community and same run).
            n_people: people in the social graph, members or not (100..5000; a file's
                network has the file's).
            days: length of the run; the page stops playing after it.
            seeding_method: who the operator invites at launch (``none`` or a method).
            seeding_k: how many people are invited.
            weekly_qa: the weekly online Q&A of the ``weekly_qa`` playbook on or off.
            monthly_meetup: the monthly offline meetup of ``monthly_meetup`` on or off.
            points: the points scheme of the ``points`` playbook on or off.
            moderation: ``none``, ``community`` or ``personalised`` (Ren & Kraut 2014).
            welcome_replies: staff reply to newcomers' unanswered first posts.
            word_of_mouth: ``acquisition.q``, the daily word-of-mouth chance at 100% member
                neighbours.
            network: one of ``available_networks(graph_file)`` (default ``power_law``).
            extra: further Hydra overrides, after the levers (``"acquisition.p=0.001"``).
            graph_file: the graph file of the ``file`` network.

        Levers left at ``None`` keep the playbook's setting.

        Raises:
            ConfigError: naming the key, value and fix of a bad lever or override.
        """
        plan = ClassroomPlan.from_levers(
            **_page_arguments(locals()), extra=tuple(extra), graph_file=graph_file
        )
        settings, strategies = plan.prepare()
        return cls(settings, strategies, plan=plan)

    @property
    def command_line(self) -> str:
        """The same run on the command line."""
        return self.plan.command_line


#: the keyword arguments of the page (SolaraViz's model parameters)
PAGE_ARGUMENTS = ("playbook", "seed", "n_people", "days", "network", *LEVERS)


def _page_arguments(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in PAGE_ARGUMENTS}
