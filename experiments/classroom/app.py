"""The classroom page (``commsim ui``): a Mesa SolaraViz page of one community.

Served by ``solara run experiments/classroom/app.py`` (``commsim ui`` does that). Mesa's SolaraViz
gives the sidebar: Step, Play/Pause and Reset, the levers (applied on Reset) and the step
counter. This module adds the main area: the playbook presets, the day's numbers, the
social network (members coloured by level, prospects faded, churned members grey) and live
charts. Large type and high contrast, for a projector.

Options come from the environment (``commsim ui`` sets them): ``COMMSIM_UI_PLAYBOOK``,
``COMMSIM_UI_SEED``, ``COMMSIM_UI_N``, and ``COMMSIM_CONFIG_DIR`` (a project folder whose
playbooks join the presets).
"""

from __future__ import annotations

import logging
import os
from typing import Any

import numpy as np
import pandas as pd
import solara
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from mesa.visualization import Slider, SolaraViz
from mesa.visualization.utils import update_counter

from agents.states import Level, State
from experiments.classroom.model import (
    MAX_PEOPLE,
    MODERATION_MODES,
    PAGE_ARGUMENTS,
    SEEDING_METHODS,
    ClassroomModel,
    ClassroomPlan,
    preset_levers,
)
from experiments.commands.playbooks import playbooks
from sim.project import use_config_dir

logging.getLogger("MESA").setLevel(logging.WARNING)

use_config_dir(os.environ.get("COMMSIM_CONFIG_DIR") or None)  # commsim ui --config-dir=DIR
PLAYBOOK = os.environ.get("COMMSIM_UI_PLAYBOOK", "baseline")
SEED = int(os.environ.get("COMMSIM_UI_SEED", "0"))
N_PEOPLE = int(os.environ.get("COMMSIM_UI_N", "1000"))
BOOKS = playbooks()

# Okabe-Ito colours: distinct for colour-blind viewers and on a washed-out projector
LEVEL_COLOURS = {
    Level.NEWCOMER: "#E69F00",
    Level.LURKER: "#56B4E9",
    Level.CONTRIBUTOR: "#009E73",
    Level.CORE: "#D55E00",
}
LEVEL_SIZES = {Level.NEWCOMER: 36, Level.LURKER: 36, Level.CONTRIBUTOR: 60, Level.CORE: 100}
PROSPECT_COLOUR, CHURNED_COLOUR = "#D9D9D9", "#6B6B6B"
FONT = {"title": 20, "label": 17, "ticks": 15, "legend": 15}

CSS = """
.v-application { font-size: 18px; }
.v-application .v-label, .v-application .v-select__selection,
.v-application .v-input input, .v-application .v-input--checkbox label {
  font-size: 1.15rem !important; color: #111 !important; }
.v-application .v-btn { font-size: 1.15rem !important; min-height: 44px; }
.v-application .v-card__title { font-size: 1.4rem !important; font-weight: 700; }
.v-application .v-toolbar__title { font-size: 1.7rem !important; }
.v-application .v-card__text, .v-application .v-card span { font-size: 1.15rem; }
.commsim-banner { font-size: 2rem; font-weight: 700; color: #111; line-height: 1.3; }
.commsim-about { font-size: 1.25rem; color: #222; }
.commsim-command { font-family: monospace; font-size: 1rem; color: #333; word-break: break-all; }
.commsim-run { font-size: 1.2rem; color: #111; }
.commsim-network img, .commsim-charts img { width: 100%; height: auto; }
.v-application .v-slider__thumb-label-container { display: block !important; }
.v-application .v-slider__thumb-label { font-size: 0.95rem; width: auto !important;
  min-width: 40px; height: 28px !important; padding: 0 6px; border-radius: 8px !important;
  transform: translate(-50%, -115%) !important; }
.v-application .v-slider__thumb-label > * { transform: none !important; }
.v-application .v-input__slider { margin-top: 36px; }
"""


def model_params(playbook: str, seed: int, n_people: int) -> dict[str, Any]:
    """SolaraViz's model parameters: the playbook's levers as the starting values."""
    lev = preset_levers(playbook)
    return {
        "playbook": playbook,
        "seed": Slider("Random seed", seed, 0, 99, 1),
        "n_people": Slider("People in the network", n_people, 200, MAX_PEOPLE, 100),
        "seeding_method": {
            "type": "Select",
            "label": "Invite at launch: who",
            "value": lev["seeding_method"],
            "values": list(SEEDING_METHODS),
        },
        "seeding_k": Slider("Invite at launch: how many", lev["seeding_k"], 0, 200, 10),
        "weekly_qa": {"type": "Checkbox", "label": "Weekly online Q&A", "value": lev["weekly_qa"]},
        "monthly_meetup": {
            "type": "Checkbox",
            "label": "Monthly offline meetup",
            "value": lev["monthly_meetup"],
        },
        "points": {"type": "Checkbox", "label": "Points and badges", "value": lev["points"]},
        "moderation": {
            "type": "Select",
            "label": "Moderation",
            "value": lev["moderation"],
            "values": list(MODERATION_MODES),
        },
        "welcome_replies": {
            "type": "Checkbox",
            "label": "Welcome replies to newcomers",
            "value": lev["welcome_replies"],
        },
        "word_of_mouth": Slider(
            "Word of mouth q (per day)", lev["word_of_mouth"], 0.0, 0.3, 0.001, dtype=float
        ),
    }


def person_style(model: ClassroomModel) -> tuple[np.ndarray, list[str], np.ndarray]:
    """Drawing order (members on top, core last), colours and marker sizes of everyone."""
    state, level = model.pop.state, model.pop.level
    colours = np.full(model.n_people, PROSPECT_COLOUR, dtype=object)
    sizes = np.full(model.n_people, 10.0)
    rank = np.zeros(model.n_people)
    churned = state == State.CHURNED.value
    colours[churned], sizes[churned], rank[churned] = CHURNED_COLOUR, 16.0, 1
    for lev, colour in LEVEL_COLOURS.items():
        mask = (state == State.MEMBER.value) & (level == lev.value)
        colours[mask], sizes[mask], rank[mask] = colour, LEVEL_SIZES[lev], 1 + lev.value
    order = np.argsort(rank, kind="stable")
    return order, list(colours[order]), sizes[order]


def network_figure(model: ClassroomModel) -> tuple[Figure, Any]:
    """The network figure with its ties drawn once; returns it and the people's scatter."""
    fig = Figure(figsize=(7, 7.2), dpi=90)
    ax = fig.add_axes((0.0, 0.0, 1.0, 0.87))
    ax.set_axis_off()
    pos = model.positions
    coo = model.csr.tocoo()
    keep = coo.row < coo.col
    ties = np.stack([pos[coo.row[keep]], pos[coo.col[keep]]], axis=1)
    ax.add_collection(
        LineCollection(list(ties), colors="#B0B0B0", linewidths=0.4, alpha=0.35, zorder=0)
    )
    scatter = ax.scatter(pos[:, 0], pos[:, 1], s=10, c=PROSPECT_COLOUR, linewidths=0, zorder=1)
    ax.autoscale_view()
    ax.set_aspect("equal")
    return fig, scatter


def update_network(fig: Figure, scatter: Any, model: ClassroomModel) -> None:
    """Colour everyone by state and level, and label the legend with today's counts."""
    order, colours, sizes = person_style(model)
    scatter.set_offsets(model.positions[order])
    scatter.set_facecolors(colours)
    scatter.set_sizes(sizes)
    state, level = model.pop.state, model.pop.level
    counts = {
        "prospect": int(np.count_nonzero(state == State.PROSPECT.value)),
        "churned": int(np.count_nonzero(state == State.CHURNED.value)),
    }
    handles = [Patch(color=PROSPECT_COLOUR, label=f"prospect {counts['prospect']}")]
    for lev, colour in LEVEL_COLOURS.items():
        n = int(np.count_nonzero((state == State.MEMBER.value) & (level == lev.value)))
        handles.append(Patch(color=colour, label=f"{lev.name.lower()} {n}"))
    handles.append(Patch(color=CHURNED_COLOUR, label=f"churned {counts['churned']}"))
    for old in fig.legends:
        old.remove()
    fig.legend(
        handles=handles,
        loc="upper center",
        ncol=3,
        fontsize=FONT["legend"] + 1,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.2,
    )


def charts_figure(metrics: pd.DataFrame, days: int) -> Figure:
    """Members and active members, posts, sentiment and levels, one panel each."""
    fig = Figure(figsize=(8, 7.2), dpi=90)
    fig.subplots_adjust(left=0.08, right=0.98, top=0.94, bottom=0.09, hspace=0.28, wspace=0.24)
    axes = fig.subplots(2, 2, sharex=True)
    day = metrics["day"]
    ax = axes[0, 0]
    ax.plot(day, metrics["members"], color="#000000", lw=3.5, label="members")
    ax.plot(day, metrics["active"], color="#0072B2", lw=2.5, label="active today")
    top = max(5.0, float(metrics["members"].max()))
    ax.set_ylim(0, 1.3 * top)  # headroom: the legend sits above the curves
    ax.legend(
        fontsize=FONT["legend"] - 1,
        loc="upper center",
        ncol=2,
        frameon=False,
        handlelength=1.2,
        columnspacing=1.0,
    )
    ax.set_title("Members", fontsize=FONT["title"], fontweight="bold")
    ax = axes[0, 1]
    ax.plot(day, metrics["posts"], color="#CC79A7", lw=2.5)
    ax.set_title("Posts per day", fontsize=FONT["title"], fontweight="bold")
    ax = axes[1, 0]
    ax.plot(day, metrics["sentiment"], color="#009E73", lw=3)
    ax.axhline(0, color="#444444", lw=1.5, ls="--")
    low = min(-0.2, float(metrics["sentiment"].min()) - 0.05)
    high = max(0.6, float(metrics["sentiment"].max()) + 0.05)
    ax.set_ylim(low, high)
    ax.set_autoscaley_on(False)
    ax.set_title("Sentiment (-1 to 1)", fontsize=FONT["title"], fontweight="bold")
    ax = axes[1, 1]
    levels = [metrics[f"level_{lev.name.lower()}"] for lev in LEVEL_COLOURS]
    ax.stackplot(day, levels, colors=list(LEVEL_COLOURS.values()))  # colours as the network's
    ax.set_title("Members by level", fontsize=FONT["title"], fontweight="bold")
    # the x axis grows with the run (30 days at first), up to the whole run
    right = min(days, max(30, 10 * int(np.ceil(1.15 * int(day.iloc[-1]) / 10))))
    for ax in axes.flat:
        ax.set_xlim(0, right)
        if ax.get_autoscaley_on():
            ax.set_ylim(0, max(5.0, ax.get_ylim()[1]))
        ax.tick_params(labelsize=FONT["ticks"])
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("day", fontsize=FONT["label"])
    return fig


def metrics_now(model: ClassroomModel) -> pd.DataFrame:
    """The daily metrics so far (cut to whole days, should a step be under way)."""
    rows = model.recorder.rows
    n = min(len(values) for values in rows.values())
    return pd.DataFrame({name: values[:n] for name, values in rows.items()})


def banner_text(model: ClassroomModel) -> str:
    """The day's headline numbers."""
    t = model.today
    sentiment = model.recorder.rows["sentiment"][-1]
    return (
        f"Day {model.day} of {model.config.days}: {model.n_members:,} members, "
        f"{t.active:,} active today, {t.posts:,} posts today, "
        f"sentiment {sentiment:+.2f}"
    )


def run_summary(model: ClassroomModel) -> str:
    """The levers of the run on screen (sidebar changes apply on Reset)."""
    lev = model.plan.levers
    onoff = {True: "on", False: "off"}
    invite = (
        "nobody"
        if lev["seeding_method"] == "none"
        else f"{lev['seeding_k']} by {lev['seeding_method']}"
    )
    return (
        f"This run: {model.n_people:,} people, seed {model.config.seed}; invite at launch "
        f"{invite}; weekly Q&A {onoff[bool(lev['weekly_qa'])]}; meetup "
        f"{onoff[bool(lev['monthly_meetup'])]}; points {onoff[bool(lev['points'])]}; "
        f"moderation {lev['moderation']}; welcome replies "
        f"{onoff[bool(lev['welcome_replies'])]}; word of mouth q "
        f"{float(lev['word_of_mouth']):.3f}. Change levers in the sidebar, then press Reset."
    )


@solara.component
def NetworkView(model: ClassroomModel) -> None:
    """The social network, laid out once, recoloured every step."""
    update_counter.get()
    fig, scatter = solara.use_memo(lambda: network_figure(model), [model])
    update_network(fig, scatter, model)
    with solara.Div(classes=["commsim-network"]):
        solara.FigureMatplotlib(fig, dependencies=[model, model.steps], format="png")


@solara.component
def ChartsView(model: ClassroomModel) -> None:
    """Live charts of the daily metrics."""
    update_counter.get()
    fig = solara.use_memo(
        lambda: charts_figure(metrics_now(model), model.config.days), [model, model.steps]
    )
    with solara.Div(classes=["commsim-charts"]):
        solara.FigureMatplotlib(fig, dependencies=[model, model.steps], format="png")


class PageModel(ClassroomModel):
    """The page's model, as Mesa's SolaraViz rebuilds it on Reset and when a slider moves.

    SolaraViz calls the model's class with the sliders' keyword arguments; this class takes
    them (see :meth:`ClassroomModel.from_levers` for each) and builds through the same plan.
    """

    def __init__(
        self,
        playbook: str = PLAYBOOK,
        seed: int = SEED,
        n_people: int = N_PEOPLE,
        days: int = 365,
        seeding_method: str | None = None,
        seeding_k: int | None = None,
        weekly_qa: bool | None = None,
        monthly_meetup: bool | None = None,
        points: bool | None = None,
        moderation: str | None = None,
        welcome_replies: bool | None = None,
        word_of_mouth: float | None = None,
    ) -> None:
        values = locals()
        plan = ClassroomPlan.from_levers(**{k: values[k] for k in PAGE_ARGUMENTS})
        settings, strategies = plan.prepare()
        super().__init__(settings, strategies, plan=plan)


@solara.component
def Main(model: solara.Reactive[ClassroomModel], preset: str, on_preset: Any) -> None:
    """The main area: presets, the day's numbers, network and charts."""
    update_counter.get()
    current = model.value
    with solara.Column(style={"padding": "8px 16px"}):
        with solara.Row(style={"align-items": "center", "gap": "24px"}):
            solara.Select(
                "Playbook preset",
                values=list(BOOKS),
                value=preset,
                on_value=on_preset,
                style={"max-width": "420px"},
                classes=["commsim-preset"],
            )
            solara.Text(BOOKS.get(preset, ""), classes=["commsim-about"])
        solara.Text(banner_text(current), classes=["commsim-banner"])
        solara.Text(run_summary(current), classes=["commsim-run"])
        with solara.Columns([1, 1]):
            NetworkView(current)
            ChartsView(current)
        solara.Text(
            "Same run on the command line: " + current.command_line, classes=["commsim-command"]
        )


#: per browser session (solara scopes reactive variables to the session): the preset and
#: the community (seed, people) the next page build starts from
PRESET = solara.reactive(PLAYBOOK)
COMMUNITY = solara.reactive((SEED, N_PEOPLE))


@solara.component
def Layout(children: list[Any] | None = None) -> Any:
    """Solara's AppLayout, built afresh for each preset.

    Mesa's sidebar controls live in the layout (a portal) and keep their state across
    re-renders; a new key rebuilds them with the preset's levers.
    """
    return solara.AppLayout(children=children or []).key(f"preset-{PRESET.value}")


@solara.component
def Page() -> None:
    """The page: Mesa's SolaraViz controls plus the classroom views."""
    preset, (seed, n_people) = PRESET.peek(), COMMUNITY.peek()
    model = solara.use_memo(
        lambda: solara.reactive(PageModel(playbook=preset, seed=seed, n_people=n_people)), []
    )

    def choose(name: str) -> None:
        COMMUNITY.value = (int(model.value.config.seed), int(model.value.n_people))
        PRESET.value = name

    solara.Style(CSS)
    solara.Title("commsim: a community, day by day")
    SolaraViz(
        model,
        components=[],
        model_params=model_params(preset, seed, n_people),
        play_interval=150,
        name="commsim: a community, day by day",
    )
    Main(model, preset, choose)
