"""The classroom page (``commsim ui``): one community, day by day, drawn in the browser.

Served by ``solara run experiments/classroom/app.py`` (``commsim ui`` does that). The page
is Solara components for the controls and three browser-side widgets
(:mod:`experiments.classroom.widgets`: the network, the charts, the day's numbers) that
a :class:`~experiments.classroom.player.Player` feeds one day at a time. Any change of the
preset, the network or a lever pauses, builds the new model and resets; the run that was
on screen stays on the charts, faded, for comparison.

Options come from the environment (``commsim ui`` sets them): ``COMMSIM_UI_PLAYBOOK``,
``COMMSIM_UI_SEED``, ``COMMSIM_UI_N``, ``COMMSIM_UI_LANG``, ``COMMSIM_UI_OVERRIDES`` (a
JSON list of command-line overrides), ``COMMSIM_UI_GRAPH_FILE`` and ``COMMSIM_CONFIG_DIR``
(a project folder whose playbooks join the presets).
"""

from __future__ import annotations

import json
import logging
import os
import shlex
from typing import Any

import solara

from experiments.classroom import frames, texts
from experiments.classroom.controls import (
    CHOICE_LABELS,
    DEFAULT_SPEED,
    CommunityControls,
    LeverControls,
    PageSettings,
    SpeedControl,
    build_model,
    choice,
)
from experiments.classroom.model import (
    DEFAULT_NETWORK,
    ClassroomModel,
    available_networks,
    preset_levers,
)
from experiments.classroom.player import Player
from experiments.classroom.widgets import ChartsWidget, NetworkWidget, StatusWidget, default_labels
from experiments.commands.playbooks import playbooks
from experiments.i18n import LANGS, Translate, translator
from sim.errors import CommsimError
from sim.project import use_config_dir

logging.getLogger("MESA").setLevel(logging.WARNING)

use_config_dir(os.environ.get("COMMSIM_CONFIG_DIR") or None)  # commsim ui --config-dir=DIR
GRAPH_FILE = os.environ.get("COMMSIM_UI_GRAPH_FILE") or None
NETWORKS = available_networks(GRAPH_FILE)
START = PageSettings.preset(
    os.environ.get("COMMSIM_UI_PLAYBOOK", "baseline"),
    "file" if GRAPH_FILE else DEFAULT_NETWORK,
    int(os.environ.get("COMMSIM_UI_N", "1000")),
    int(os.environ.get("COMMSIM_UI_SEED", "0")),
    " ".join(shlex.quote(o) for o in json.loads(os.environ.get("COMMSIM_UI_OVERRIDES", "[]"))),
)
LANG = os.environ.get("COMMSIM_UI_LANG", "en")
BOOKS = playbooks()
LANG_NAMES = {"en": "English", "zh": "中文"}

CSS = """
.commsim-page { display: flex; gap: 12px; align-items: flex-start; padding: 6px 10px; }
.commsim-controls { flex: 0 0 300px; max-height: calc(100vh - 12px); overflow-y: auto;
  overflow-x: hidden; padding-right: 8px; }
.commsim-main { flex: 1 1 auto; min-width: 0; }
.commsim-views { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.1fr);
  gap: 10px; align-items: start; }
.commsim-controls .v-input, .commsim-controls .v-label { font-size: 15px !important; }
.commsim-controls .v-input { margin-top: 10px; }
.commsim-controls .v-input__slider { margin-top: 40px; }
.commsim-controls .v-messages { min-height: 18px; }
.commsim-controls .v-messages__message { line-height: 1.25; }
.commsim-controls .v-text-field__details { margin-bottom: 10px; }
.commsim-controls .v-input--checkbox { margin-top: 0; }
.commsim-controls .v-input--checkbox .v-messages { display: none; }
.commsim-controls .v-slider__thumb-label { font-size: 13px; width: auto !important;
  min-width: 36px; padding: 0 4px; border-radius: 6px !important;
  transform: translate(-50%, -115%) !important; }
.commsim-controls .v-slider__thumb-label > * { transform: none !important; }
.commsim-controls .v-btn { font-size: 15px !important; }
.commsim-buttons { display: flex; gap: 6px; flex-wrap: wrap; margin: 6px 0; }
.commsim-run, .commsim-command { display: block; font-size: 13px; opacity: 0.85;
  word-break: break-all; margin-top: 4px; }
.commsim-command { font-family: monospace; }
.commsim-error { display: block; color: #e53935; font-size: 15px; font-weight: 600; }
.commsim-about { font-size: 17px; line-height: 1.5; max-width: 60em; }
.commsim-title { display: block; font-size: 17px; font-weight: 700; }
@media (max-width: 1100px) { .commsim-controls { flex-basis: 250px; } }
"""


def run_label(model: ClassroomModel, _: Translate) -> str:
    """The legend of a finished or interrupted run on the charts: preset and changes."""
    preset = preset_levers(model.playbook)
    changed = [k for k, v in model.plan.levers.items() if preset.get(k) != v]
    tail = ", ".join(changed[:2]) + ("…" if len(changed) > 2 else "")
    return _(
        "{playbook}, seed {seed}, day {day}",
        playbook=model.playbook,
        seed=model.config.seed,
        day=model.day,
    ) + (f" ({tail})" if tail else "")


def run_summary(model: ClassroomModel, _: Translate) -> str:
    """The run on screen, in words."""
    lev = model.plan.levers
    onoff = {True: _("on"), False: _("off")}
    return _(
        "This run: {people} people, seed {seed}; weekly Q&A {qa}; meetup {meetup}; points "
        "{points}; moderation {moderation}; welcome replies {welcome}; word of mouth q {q}.",
        people=format(model.n_people, ","),
        seed=model.config.seed,
        qa=onoff[bool(lev["weekly_qa"])],
        meetup=onoff[bool(lev["monthly_meetup"])],
        points=onoff[bool(lev["points"])],
        moderation=_(CHOICE_LABELS[lev["moderation"]]),
        welcome=onoff[bool(lev["welcome_replies"])],
        q=format(float(lev["word_of_mouth"]), ".3f"),
    )


def days_csv(model: ClassroomModel | None) -> bytes:
    """The day series so far as CSV for Excel (UTF-8 with a byte-order mark)."""
    if model is None:
        return b""
    return frames.series(model).to_csv(index=False).encode("utf-8-sig")


@solara.component
def Page() -> None:
    """The classroom page."""
    lang = solara.use_reactive(LANG)
    _ = translator(lang.value)
    dark = solara.lab.use_dark_effective()
    settings = solara.use_reactive(START)
    playing = solara.use_reactive(False)
    error = solara.use_reactive("")
    speed: solara.Reactive[float | None] = solara.use_reactive(DEFAULT_SPEED)
    version = solara.use_reactive(0)  # bumps when a model is loaded: re-renders the texts
    network, charts, status = solara.use_memo(
        lambda: (NetworkWidget(), ChartsWidget(), StatusWidget()), []
    )

    def stopped() -> None:
        playing.value = False

    player = solara.use_memo(
        lambda: Player(
            network,
            charts,
            status,
            on_stop=stopped,
            person=lambda m, i: frames.person_info(m, i, translator(lang.value)),
        ),
        [],
    )

    def apply(new: PageSettings) -> None:
        """Pause, build the new model and show it (the old run stays, faded)."""
        was = player.model
        player.pause()
        playing.value = False
        try:
            model = build_model(new, GRAPH_FILE)
        except CommsimError as exc:
            error.value = str(exc)
            return
        error.value = ""
        player.load(model, label=run_label(was, _) if was is not None else None)
        settings.value = new
        version.value += 1

    def first_load() -> Any:
        if player.model is None:
            apply(settings.value)
        return player.close

    solara.use_effect(first_load, [])

    labels = default_labels(_)
    for widget, name in ((network, "network"), (charts, "charts"), (status, "status")):
        widget.labels = labels[name]
        widget.dark = bool(dark)

    def toggle() -> None:
        if player.playing:
            player.pause()
            playing.value = False
        elif player.model is not None and not player.finished:
            player.speed = speed.value
            playing.value = True
            player.play()

    def set_speed(value: float | None) -> None:
        speed.value = value
        player.speed = value

    solara.Style(CSS)
    solara.Title(_("commsim: a community, day by day"))
    model = player.model
    with solara.Div(classes=["commsim-page"]):
        with solara.Div(classes=["commsim-controls"]):
            solara.Text(_("commsim: a community, day by day"), classes=["commsim-title"])
            with solara.Div(classes=["commsim-buttons"]):
                label = _("Pause") if playing.value else _("Play")
                solara.Button(
                    label,
                    icon_name="mdi-pause" if playing.value else "mdi-play",
                    on_click=toggle,
                    color="primary",
                    classes=["commsim-play"],
                    attributes={"aria-label": "Pause" if playing.value else "Play"},
                )
                solara.Button(
                    _("Step"),
                    on_click=player.step,
                    disabled=playing.value,
                    classes=["commsim-step"],
                    attributes={"aria-label": "Step"},
                )
                solara.Button(
                    _("Reset"),
                    on_click=lambda: apply(settings.value),
                    classes=["commsim-reset"],
                    attributes={"aria-label": "Reset"},
                )
            SpeedControl(speed.value, set_speed, _)
            choice(
                _("Playbook preset"),
                settings.value.playbook,
                {name: name for name in BOOKS},
                lambda name: apply(
                    PageSettings.preset(
                        name,
                        settings.value.network,
                        settings.value.n_people,
                        settings.value.seed,
                        settings.value.extra,
                    )
                ),
                "commsim-preset",
            )
            solara.Markdown(
                texts.preset_text(settings.value.playbook, lang.value),
                style={"font-size": "15px"},
            )
            if error.value:
                solara.Text(error.value, classes=["commsim-error"])
            CommunityControls(settings.value, apply, NETWORKS, _)
            LeverControls(settings.value, apply, _)
            choice(
                _("Language"),
                lang.value,
                {k: LANG_NAMES[k] for k in LANGS},
                lambda v: lang.set(v),
                "commsim-lang",
            )
            with solara.Row(classes=["commsim-theme"]):
                solara.lab.ThemeToggle(enable_auto=False)
                solara.FileDownload(
                    lambda: days_csv(player.model),
                    filename="commsim-days.csv",
                    label=_("Download the days (CSV)"),
                    mime_type="text/csv",
                )
        with solara.Div(classes=["commsim-main"]):
            with solara.lab.Tabs():
                with solara.lab.Tab(_("Run")):
                    solara.display(status)
                    with solara.Div(classes=["commsim-views"]):
                        solara.display(network)
                        solara.display(charts)
                    if model is not None and version.value >= 0:
                        solara.Text(run_summary(model, _), classes=["commsim-run"])
                        solara.Text(
                            _(
                                "Same run on the command line: {command}",
                                command=model.command_line,
                            ),
                            classes=["commsim-command"],
                        )
                with solara.lab.Tab(_("About this model")):
                    with solara.Div(classes=["commsim-about"]):
                        for title, body in texts.about_sections(lang.value):
                            solara.Markdown(f"### {title}\n\n{body}")
