"""``commsim ui`` options and the page's model, without a browser."""

from __future__ import annotations

import socket
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from experiments.classroom.layout import spring_layout
from experiments.classroom.model import (
    LEVERS,
    ClassroomModel,
    lever_overrides,
    preset_levers,
)
from experiments.commands.playbooks import playbooks
from experiments.commands.ui import UiOptions, parse_options, solara_command, solara_env
from sim import ConfigError, run

COMMSIM = [sys.executable, "-m", "experiments.cli"]


@pytest.mark.parametrize(
    ("arg", "key"),
    [
        ("playbook=moon", "playbook"),
        ("port=abc", "port"),
        ("port=0", "port"),
        ("port=70000", "port"),
        ("community.n=20", "community.n"),
        ("colour=red", "ui"),
        ("weekly_qa", "ui"),
    ],
)
def test_bad_option_exits_2_with_the_fix(arg: str, key: str) -> None:
    proc = subprocess.run([*COMMSIM, "ui", arg], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"commsim: error: {key}=" in proc.stderr


def test_port_in_use_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(ConfigError, match="choose another"):
            parse_options([f"port={port}"])


def test_options_reach_solara() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    options = parse_options(["playbook=points", "community.n=500", "seed=3", f"port={port}"])
    assert options == UiOptions(playbook="points", port=port, seed=3, n_people=500)
    assert options.url == f"http://127.0.0.1:{port}/"
    command = solara_command(options)
    assert command[1:4] == ["-m", "solara", "run"]
    assert command[4].endswith("experiments/classroom/app.py")
    assert "--no-open" in command and str(port) in command
    env = solara_env(options)
    assert (env["COMMSIM_UI_PLAYBOOK"], env["COMMSIM_UI_SEED"], env["COMMSIM_UI_N"]) == (
        "points",
        "3",
        "500",
    )


def test_every_playbook_gives_the_page_its_levers() -> None:
    for name in playbooks():
        levers = preset_levers(name)
        assert set(levers) == set(LEVERS), name
        assert lever_overrides(name) == [], name  # the preset itself needs no override


def test_the_page_model_is_the_command_line_run() -> None:
    model = ClassroomModel.from_levers(
        playbook="baseline",
        n_people=300,
        days=20,
        seeding_method="degree",
        seeding_k=10,
        weekly_qa=True,
        monthly_meetup=True,
        points=True,
        moderation="personalised",
        welcome_replies=True,
        word_of_mouth=0.1,
    )
    assert model.plan.levers["moderation"] == "personalised"
    while model.running:
        model.step()
    assert model.day == 20
    result = run([*model.overrides, "run.progress=off"])
    pd.testing.assert_frame_equal(model.recorder.frame(), result.metrics)


def test_switching_off_what_a_playbook_has() -> None:
    overrides = lever_overrides("knowledge_sessions_offline", monthly_meetup=False)
    assert overrides == ["~strategies.events.items.meetup"]
    model = ClassroomModel.from_levers(
        playbook="weekly_qa", n_people=200, days=5, weekly_qa=False, seeding_method="none"
    )
    kinds = {type(s).__name__: s for s in model.strategies}
    assert kinds["EventCalendar"].items == {}


def test_bad_levers_are_named() -> None:
    with pytest.raises(ConfigError, match="moderation"):
        ClassroomModel.from_levers(n_people=200, moderation="strict")
    with pytest.raises(ConfigError, match="n_people"):
        ClassroomModel.from_levers(n_people=5000)
    with pytest.raises(ConfigError, match="playbook"):
        ClassroomModel.from_levers(playbook="moon", n_people=200)


def test_layout_spreads_people_and_is_reproducible() -> None:
    model = ClassroomModel.from_levers(n_people=500, days=5)
    a = spring_layout(model.csr, seed=1)
    b = spring_layout(model.csr, seed=1)
    assert a.shape == (500, 2) and np.isfinite(a).all()
    np.testing.assert_array_equal(a, b)
    assert np.unique(np.round(a, 4), axis=0).shape[0] == 500  # nobody on top of another
