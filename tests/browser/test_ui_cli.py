"""``commsim ui`` options and the page's model, without a browser."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from experiments.classroom.browser import free_port
from experiments.classroom.layout import circle_layout, layout_positions, spring_layout
from experiments.classroom.model import (
    LEVERS,
    ClassroomModel,
    ClassroomPlan,
    available_networks,
    lever_overrides,
    preset_levers,
)
from experiments.classroom.networks import FACEBOOK
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
        ("community.n=6000", "community.n"),
        ("lang=fr", "lang"),
        ("colour=red", "colour"),
        ("acquisition.p=2", "acquisition.p"),
        ("community=sbm", "community"),
        ("community.path=edges.txt", "community.path"),
        ("weekly_qa", "ui"),
    ],
)
def test_bad_option_exits_2_with_the_fix(arg: str, key: str) -> None:
    proc = subprocess.run([*COMMSIM, "ui", arg], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert f"commsim: error: {key}=" in proc.stderr
    if key == "colour":
        assert "no such key" in proc.stderr


def test_port_in_use_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        with pytest.raises(ConfigError, match="choose another"):
            parse_options([f"port={port}"])


def test_options_reach_solara() -> None:
    port = free_port()
    options = parse_options(
        ["playbook=points", "community.n=500", "seed=3", f"port={port}", "lang=zh"]
        + ["community=ws", "acquisition.p=0.001", "community.k=4"]
    )
    assert options == UiOptions(
        playbook="points",
        port=port,
        seed=3,
        n_people=500,
        lang="zh",
        network="small_world",
        overrides=("acquisition.p=0.001", "community.k=4"),
    )
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
    assert (env["COMMSIM_UI_LANG"], env["COMMSIM_UI_NETWORK"]) == ("zh", "small_world")
    assert json.loads(env["COMMSIM_UI_OVERRIDES"]) == ["acquisition.p=0.001", "community.k=4"]
    assert env["COMMSIM_UI_GRAPH_FILE"] == ""


def test_a_graph_file_becomes_the_file_network(tmp_path) -> None:  # type: ignore[no-untyped-def]
    edges = tmp_path / "edges.txt"
    edges.write_text("".join(f"{i} {(i + 1) % 150}\n" for i in range(150)))
    options = parse_options(["community=file", f"community.path={edges}", f"port={free_port()}"])
    assert (options.network, options.graph_file) == ("file", str(edges.resolve()))
    assert solara_env(options)["COMMSIM_UI_GRAPH_FILE"] == str(edges.resolve())
    assert "file" in available_networks(options.graph_file)
    model = ClassroomModel.from_levers(days=3, network="file", graph_file=options.graph_file)
    assert model.n_people == 150
    with pytest.raises(ConfigError, match="community.n"):
        parse_options(["community=file", f"community.path={edges}", "community.n=200"])


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
        ClassroomModel.from_levers(n_people=6000)
    with pytest.raises(ConfigError, match="community.n=20"):
        ClassroomModel.from_levers(n_people=200, extra=("community.n=20",))
    with pytest.raises(ConfigError, match="colour"):
        ClassroomModel.from_levers(n_people=200, extra=("colour=red",))
    with pytest.raises(ConfigError, match="network"):
        ClassroomModel.from_levers(n_people=200, network="file")
    with pytest.raises(ConfigError, match="playbook"):
        ClassroomModel.from_levers(playbook="moon", n_people=200)


def test_layout_spreads_people_and_is_reproducible() -> None:
    model = ClassroomModel.from_levers(n_people=500, days=5)
    a = spring_layout(model.csr, seed=1)
    b = spring_layout(model.csr, seed=1)
    assert a.shape == (500, 2) and np.isfinite(a).all()
    np.testing.assert_array_equal(a, b)
    assert np.unique(np.round(a, 4), axis=0).shape[0] == 500  # nobody on top of another


@pytest.mark.parametrize(
    ("network", "community"),
    [("ring", "ring"), ("small_world", "ws"), ("power_law", "holme_kim")],
)
def test_networks_and_extra_overrides_reach_the_run(network: str, community: str) -> None:
    plan = ClassroomPlan.from_levers(
        n_people=300, days=5, network=network, extra=("acquisition.p=0.001",)
    )
    assert f"community={community}" in plan.overrides
    assert plan.overrides[-1] == "acquisition.p=0.001"
    assert plan.command_line.endswith("acquisition.p=0.001")
    settings, _ = plan.prepare()
    assert settings.community.kind == community
    assert settings.acquisition.p == 0.001


def test_ring_networks_are_drawn_on_a_circle_in_index_order() -> None:
    model = ClassroomModel.from_levers(n_people=200, days=3, network="small_world")
    np.testing.assert_array_equal(model.positions, circle_layout(200))
    assert model.positions.min() >= 0 and model.positions.max() <= 1


@pytest.mark.skipif(not FACEBOOK.is_file(), reason="the ego-Facebook graph is not here")
def test_the_facebook_network_has_the_files_people() -> None:
    model = ClassroomModel.from_levers(n_people=200, days=3, network="facebook")
    assert model.n_people == 4039
    assert "community=file" in model.command_line


def test_layout_is_cached_and_leaves_the_simulation_alone() -> None:
    model = ClassroomModel.from_levers(n_people=300, days=3)
    state = model.rng.bit_generator.state
    again = layout_positions(model.csr, seed=0)
    assert again is model.positions  # computed once per graph
    assert model.rng.bit_generator.state == state
