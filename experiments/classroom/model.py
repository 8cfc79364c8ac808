"""The classroom model behind ``commsim ui``: a playbook preset plus the main levers.

``ClassroomModel`` is a ``CommunityModel`` with the plan it was built from
(:class:`ClassroomPlan`); ``ClassroomModel.from_levers`` builds one from keyword arguments,
as the page's model (``experiments.classroom.app.PageModel``) does when Mesa's SolaraViz
rebuilds it on Reset. Each lever left at ``None`` keeps what the playbook says; a lever
set to a value is turned into Hydra overrides on top of ``playbook=<name>``, so
the page and the command line run the same configuration (``model.command_line``).

    >>> model = ClassroomModel.from_levers(playbook="weekly_qa", n_people=1000, points=True)
    >>> model.command_line
    'commsim run playbook=weekly_qa seed=0 community.n=1000 ... +strategies.incentives...'
    >>> model.step()

The page draws the social graph with positions computed once per graph
(``experiments.classroom.layout``), coloured from ``model.pop.state`` and ``model.pop.level``.
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from experiments.classroom.layout import layout_positions
from experiments.commands.playbooks import playbooks
from sim.config import SimConfig
from sim.errors import ConfigError
from sim.model import CommunityModel
from sim.runner import compose, prepare, to_plain

#: the page draws every person: keep the community small enough to see and to lay out
MAX_PEOPLE = 3000
MIN_PEOPLE = 100
SEEDING_METHODS = ("none", "random", "degree", "kcore", "pagerank", "degree_discount", "greedy")
MODERATION_MODES = ("none", "community", "personalised")
LEVERS = (
    "seeding_method",
    "seeding_k",
    "weekly_qa",
    "monthly_meetup",
    "points",
    "moderation",
    "welcome_replies",
    "word_of_mouth",
)
POINTS_KEYS = ("points_per_post", "points_per_reply", "points_per_visit")
#: event levers: page lever -> event type, and the playbook whose event it switches on
EVENT_LEVERS = {"weekly_qa": "qa", "monthly_meetup": "meetup"}
EVENT_SOURCES = {"qa": "weekly_qa", "meetup": "monthly_meetup"}
TARGETS = {
    "seeding": "strategies.seeding.Seeding",
    "events": "strategies.events.EventCalendar",
    "incentives": "strategies.incentives.Incentives",
    "moderation": "strategies.moderation.Moderation",
    "onboarding": "strategies.onboarding.Onboarding",
}

# Hydra's GlobalHydra is process-wide; the page may build models from several sessions
_COMPOSE_LOCK = threading.Lock()


def _compose(overrides: list[str]) -> Any:
    with _COMPOSE_LOCK:
        return compose(overrides)


@cache
def playbook_config(name: str) -> dict[str, Any]:
    """The resolved config of ``playbook=<name>`` as a plain dict (cached)."""
    known = playbooks()
    if name not in known:
        raise ConfigError("playbook", name, f"no such playbook; use one of: {', '.join(known)}")
    return to_plain(_compose([f"playbook={name}"]))


def _strategy(cfg: dict[str, Any], kind: str) -> dict[str, Any] | None:
    spec = (cfg.get("strategies") or {}).get(kind)
    return spec if isinstance(spec, dict) else None


def _event_names(cfg: dict[str, Any], kind: str) -> list[str]:
    items = (_strategy(cfg, "events") or {}).get("items") or {}
    return [
        name
        for name, item in items.items()
        if item.get("type") == kind
        and item.get("every") == ("weekly" if kind == "qa" else "monthly")
    ]


def preset_levers(playbook: str) -> dict[str, Any]:
    """The page's levers as the playbook sets them (what the sliders show for a preset)."""
    cfg = playbook_config(playbook)
    seeding = _strategy(cfg, "seeding")
    incentives = _strategy(cfg, "incentives")
    moderation = _strategy(cfg, "moderation")
    onboarding = _strategy(cfg, "onboarding")
    return {
        "seeding_method": seeding["method"] if seeding else "none",
        "seeding_k": int(seeding["k"]) if seeding else 50,
        "weekly_qa": bool(_event_names(cfg, "qa")),
        "monthly_meetup": bool(_event_names(cfg, "meetup")),
        "points": incentives is not None
        and max(float(incentives.get(k, 0)) for k in POINTS_KEYS) > 0,
        "moderation": moderation["mode"] if moderation else "none",
        "welcome_replies": bool(onboarding and onboarding.get("welcome_replies")),
        "word_of_mouth": float(cfg["acquisition"]["q"]),
    }


def hydra_value(value: Any) -> str:
    """A Python value in Hydra's override grammar (``{a:1,b:[x]}``, ``null``, ``true``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{hydra_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(hydra_value(v) for v in value) + "]"
    if isinstance(value, float):
        return repr(round(value, 6))
    return str(value)


def _set(cfg: dict[str, Any], kind: str, levers: dict[str, Any]) -> list[str]:
    """Overrides setting ``strategies.<kind>.<lever>``, adding the strategy when absent."""
    key = f"strategies.{kind}"
    if _strategy(cfg, kind) is None:
        return [
            f"+{key}._target_={TARGETS[kind]}",
            *(f"+{key}.{k}={hydra_value(v)}" for k, v in levers.items()),
        ]
    return [f"{key}.{k}={hydra_value(v)}" for k, v in levers.items()]


def _event_overrides(cfg: dict[str, Any], switches: dict[str, bool]) -> list[str]:
    """Overrides switching the weekly Q&A / monthly meetup (``switches``: kind -> on)."""
    removed = [name for kind, on in switches.items() if not on for name in _event_names(cfg, kind)]
    added = {}
    for kind, on in switches.items():
        if on and not _event_names(cfg, kind):
            source = EVENT_SOURCES[kind]
            added.update(playbook_config(source)["strategies"]["events"]["items"])
    out = [f"~strategies.events.items.{name}" for name in removed]
    if added and _strategy(cfg, "events") is None:
        return [
            *out,
            f"+strategies.events._target_={TARGETS['events']}",
            f"+strategies.events.items={hydra_value(added)}",
        ]
    return [*out, *(f"++strategies.events.items.{n}={hydra_value(v)}" for n, v in added.items())]


def lever_overrides(playbook: str, **levers: Any) -> list[str]:
    """Hydra overrides that turn ``playbook=<name>`` into the chosen levers.

    Args:
        playbook: the preset.
        **levers: any of :data:`LEVERS`; ``None`` or the preset's own value adds nothing.

    Raises:
        ConfigError: for an unknown lever or a value outside its choices.
    """
    cfg = playbook_config(playbook)
    preset = preset_levers(playbook)
    unknown = set(levers) - set(LEVERS)
    if unknown:
        raise ConfigError("levers", sorted(unknown), f"use: {', '.join(LEVERS)}")
    chosen = {k: (preset[k] if levers.get(k) is None else levers[k]) for k in LEVERS}
    _check_choice("seeding_method", chosen["seeding_method"], SEEDING_METHODS)
    _check_choice("moderation", chosen["moderation"], MODERATION_MODES)
    out: list[str] = []
    method, k = chosen["seeding_method"], int(chosen["seeding_k"])
    if method == "none" and preset["seeding_method"] != "none":
        out.append("~strategies.seeding")
    elif method != "none" and (method, k) != (preset["seeding_method"], preset["seeding_k"]):
        out += _set(cfg, "seeding", {"method": method, "k": k})
    switches = {
        kind: bool(chosen[lever])
        for lever, kind in EVENT_LEVERS.items()
        if bool(chosen[lever]) != preset[lever]
    }
    out += _event_overrides(cfg, switches)
    if bool(chosen["points"]) != preset["points"]:
        scheme = playbook_config("points")["strategies"]["incentives"]
        out += _set(
            cfg, "incentives", {k: scheme[k] if chosen["points"] else 0.0 for k in POINTS_KEYS}
        )
    if chosen["moderation"] != preset["moderation"]:
        out += _set(cfg, "moderation", {"mode": chosen["moderation"]})
    if bool(chosen["welcome_replies"]) != preset["welcome_replies"]:
        extra = {} if _strategy(cfg, "onboarding") else {"mentors": False}
        out += _set(
            cfg, "onboarding", {"welcome_replies": bool(chosen["welcome_replies"]), **extra}
        )
    q = round(float(chosen["word_of_mouth"]), 6)
    if q != round(preset["word_of_mouth"], 6):
        out.append(f"acquisition.q={hydra_value(q)}")
    return out


def _check_choice(key: str, value: Any, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ConfigError(key, value, f"use one of: {', '.join(choices)}")


@dataclass(frozen=True)
class ClassroomPlan:
    """What the page asks for: a playbook preset, the community, and the levers.

    Attributes:
        playbook: the preset (``commsim playbooks`` lists them).
        seed: the run's seed (same seed, same community and same run).
        levers: the levers in force: the preset's, then the ones given.
        overrides: the same run as ``commsim run`` overrides.
    """

    playbook: str
    seed: int
    levers: dict[str, Any]
    overrides: tuple[str, ...]

    @classmethod
    def from_levers(
        cls,
        playbook: str = "baseline",
        seed: int = 0,
        n_people: int = 1000,
        days: int = 365,
        **levers: Any,
    ) -> ClassroomPlan:
        """The plan of a page's keyword arguments (see :class:`ClassroomModel` for each).

        Raises:
            ConfigError: for a community the page cannot draw or a bad lever.
        """
        if not MIN_PEOPLE <= int(n_people) <= MAX_PEOPLE:
            raise ConfigError(
                "n_people",
                n_people,
                f"the page draws everyone: use "
                f"{MIN_PEOPLE}..{MAX_PEOPLE} (commsim run for larger ones)",
            )
        overrides = (
            f"playbook={playbook}",
            f"seed={int(seed)}",
            f"community.n={int(n_people)}",
            f"days={int(days)}",
            *lever_overrides(playbook, **levers),
        )
        chosen = {k: v for k, v in levers.items() if v is not None}
        return cls(playbook, int(seed), {**preset_levers(playbook), **chosen}, overrides)

    @property
    def command_line(self) -> str:
        """The same run on the command line."""
        return "commsim run " + " ".join(shlex.quote(o) for o in self.overrides)

    def prepare(self) -> tuple[SimConfig, list[Any]]:
        """The checked settings and strategies of this plan (as ``sim.build_model`` makes)."""
        return prepare(_compose([*self.overrides, "run.progress=off"]))


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
        self.plan = plan
        self.playbook = plan.playbook
        self.overrides = list(plan.overrides)
        self.positions = layout_positions(self.csr, seed=plan.seed)

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
    ) -> ClassroomModel:
        """The classroom model of a preset and levers (composed and checked here).

        Args:
            playbook: the preset (``commsim playbooks`` lists them).
            seed: the run's seed (same seed, same community and same run).
            n_people: people in the social graph, members or not (100..3000).
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

        Levers left at ``None`` keep the playbook's setting.
        """
        plan = ClassroomPlan.from_levers(**_page_arguments(locals()))
        settings, strategies = plan.prepare()
        return cls(settings, strategies, plan=plan)

    @property
    def command_line(self) -> str:
        """The same run on the command line."""
        return self.plan.command_line


#: the keyword arguments of the page (SolaraViz's model parameters)
PAGE_ARGUMENTS = ("playbook", "seed", "n_people", "days", *LEVERS)


def _page_arguments(values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in PAGE_ARGUMENTS}
