"""The classroom page's controls: what the teacher chose, and the widgets to choose it.

:class:`PageSettings` is everything the page runs from (preset, network, people, seed, the
levers and any further command-line override); :func:`build_model` turns it into a
:class:`~experiments.classroom.model.ClassroomModel`. The components here only show and
change settings; the page (:mod:`experiments.classroom.app`) applies a change: pause, build,
reset.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import solara

from experiments.classroom.model import (
    LEVERS,
    MAX_PEOPLE,
    MIN_PEOPLE,
    MODERATION_MODES,
    SEEDING_METHODS,
    ClassroomModel,
    preset_levers,
)
from experiments.i18n import N_, Translate
from sim.errors import ConfigError

#: the speeds of the speed slider, days per second; ``None``: as fast as the browser draws
SPEEDS: tuple[float | None, ...] = (0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 40.0, None)
DEFAULT_SPEED = 5.0

LEVER_LABELS = {
    "seeding_method": N_("Invite at launch: who"),
    "seeding_k": N_("Invite at launch: how many"),
    "weekly_qa": N_("Weekly online Q&A"),
    "monthly_meetup": N_("Monthly offline meetup"),
    "points": N_("Points and badges"),
    "moderation": N_("Moderation"),
    "welcome_replies": N_("Welcome replies to newcomers"),
    "word_of_mouth": N_("Word of mouth q (per day)"),
}
CHOICE_LABELS = {
    "none": N_("none"),
    "random": N_("random people"),
    "degree": N_("the best connected"),
    "kcore": N_("the core of the network (k-core)"),
    "pagerank": N_("the most central (PageRank)"),
    "degree_discount": N_("well connected, spread out (degree discount)"),
    "greedy": N_("greedy search (slow)"),
    "community": N_("moderators delete noise"),
    "personalised": N_("each reader's feed hides noise"),
}


@dataclass(frozen=True)
class PageSettings:
    """What the page runs: a preset, a network, people, seed, levers and extra overrides.

    Attributes:
        playbook: the preset.
        network: a name of ``experiments.classroom.model.NETWORKS``.
        n_people: people in the network (members or not).
        seed: the run's seed.
        levers: the page's levers (:data:`~experiments.classroom.model.LEVERS`).
        extra: further overrides, as typed on the command line (``community.n=100 ...``).
    """

    playbook: str
    network: str
    n_people: int
    seed: int
    levers: dict[str, Any] = field(default_factory=dict)
    extra: str = ""

    @classmethod
    def preset(cls, playbook: str, network: str, n_people: int, seed: int, extra: str = "") -> Any:
        """Settings with the preset's own levers."""
        return cls(playbook, network, n_people, seed, dict(preset_levers(playbook)), extra)

    def with_lever(self, name: str, value: Any) -> PageSettings:
        """These settings with one lever changed."""
        return replace(self, levers={**self.levers, name: value})

    def extra_overrides(self) -> tuple[str, ...]:
        """The extra overrides, split as a shell would."""
        try:
            return tuple(shlex.split(self.extra))
        except ValueError as exc:
            raise ConfigError(
                "more settings", self.extra, f"{exc}: close the quotes, e.g. key='a b'"
            ) from None


def build_model(settings: PageSettings, graph_file: str | None = None) -> ClassroomModel:
    """The model of the settings (composed and checked; raises ConfigError on bad input).

    ``graph_file`` is the graph file given on the command line (the ``file`` network).
    """
    levers: dict[str, Any] = {k: settings.levers.get(k) for k in LEVERS}
    return ClassroomModel.from_levers(
        playbook=settings.playbook,
        seed=settings.seed,
        n_people=settings.n_people,
        network=settings.network,
        extra=settings.extra_overrides(),
        graph_file=graph_file,
        **levers,
    )


def speed_label(speed: float | None, _: Translate) -> str:
    """A speed as the slider shows it."""
    if speed is None:
        return _("as fast as possible")
    return _("{n} days/s", n=format(speed, "g"))


def choice(
    label: str,
    value: Any,
    options: dict[Any, str],
    on_value: Callable[[Any], None],
    css: str,
) -> None:
    """A drop-down of ``options`` (value -> shown text), with a class for tests."""
    solara.v.Select(
        label=label,
        items=[{"text": text, "value": key} for key, text in options.items()],
        v_model=value,
        on_v_model=on_value,
        dense=True,
        hide_details=True,
        class_=f"{css} commsim-control",
    )


@solara.component
def SpeedControl(
    speed: float | None, on_speed: Callable[[float | None], None], _: Translate
) -> None:
    """Days per second, from slow motion to as fast as the browser draws (a slider)."""
    index = SPEEDS.index(speed) if speed in SPEEDS else SPEEDS.index(DEFAULT_SPEED)
    solara.v.Slider(
        label=_("Speed"),
        v_model=index,
        min=0,
        max=len(SPEEDS) - 1,
        step=1,
        ticks="always",
        tick_size=4,
        hint=speed_label(SPEEDS[index], _),
        persistent_hint=True,
        on_v_model=lambda i: on_speed(SPEEDS[int(i)]),
        class_="commsim-speed commsim-control",
    )


@solara.component
def LeverControls(
    settings: PageSettings, change: Callable[[PageSettings], None], _: Translate
) -> None:
    """The levers of the preset, applied at once (the page pauses and resets)."""
    lev = settings.levers

    def setter(name: str) -> Callable[[Any], None]:
        return lambda value: change(settings.with_lever(name, value))

    choice(
        _(LEVER_LABELS["seeding_method"]),
        lev["seeding_method"],
        {m: _(CHOICE_LABELS[m]) for m in SEEDING_METHODS},
        setter("seeding_method"),
        "commsim-lever-seeding",
    )
    solara.SliderInt(
        _(LEVER_LABELS["seeding_k"]),
        value=int(lev["seeding_k"]),
        min=0,
        max=200,
        step=10,
        on_value=setter("seeding_k"),
        thumb_label="always",
    )
    for name in ("weekly_qa", "monthly_meetup", "points", "welcome_replies"):
        solara.Checkbox(label=_(LEVER_LABELS[name]), value=bool(lev[name]), on_value=setter(name))
    choice(
        _(LEVER_LABELS["moderation"]),
        lev["moderation"],
        {m: _(CHOICE_LABELS[m]) for m in MODERATION_MODES},
        setter("moderation"),
        "commsim-lever-moderation",
    )
    solara.SliderFloat(
        _(LEVER_LABELS["word_of_mouth"]),
        value=float(lev["word_of_mouth"]),
        min=0.0,
        max=0.3,
        step=0.001,
        on_value=setter("word_of_mouth"),
        thumb_label="always",
    )


@solara.component
def CommunityControls(
    settings: PageSettings,
    change: Callable[[PageSettings], None],
    networks: dict[str, str],
    _: Translate,
) -> None:
    """Network, people, seed and the free command-line overrides."""
    choice(
        _("Network"),
        settings.network,
        {k: _(v) for k, v in networks.items()},
        lambda v: change(replace(settings, network=v)),
        "commsim-network-choice",
    )
    solara.SliderInt(
        _("People in the network"),
        value=settings.n_people,
        min=MIN_PEOPLE,
        max=MAX_PEOPLE,
        step=100,
        on_value=lambda v: change(replace(settings, n_people=int(v))),
        thumb_label="always",
    )
    solara.InputInt(
        _("Random seed"),
        value=settings.seed,
        on_value=lambda v: change(replace(settings, seed=int(v or 0))),
        classes=["commsim-seed"],
    )
    solara.InputText(
        _("More settings, as on the command line"),
        value=settings.extra,
        on_value=lambda v: change(replace(settings, extra=str(v or ""))),
        message=_("e.g. community.n=100 acquisition.p=0.001; Enter applies"),
        classes=["commsim-overrides"],
    )
