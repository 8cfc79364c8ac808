"""The classroom page's play loop, without a browser: the widgets answer in Python."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pytest

from experiments.classroom import player as player_module
from experiments.classroom.frames import state_codes
from experiments.classroom.model import ClassroomModel
from experiments.classroom.player import Player
from experiments.classroom.widgets import CHART_COLUMNS, ChartsWidget, NetworkWidget, StatusWidget

DAYS = 25


def small(playbook: str = "baseline", seed: int = 0) -> ClassroomModel:
    return ClassroomModel.from_levers(
        playbook=playbook, seed=seed, n_people=200, extra=(f"days={DAYS}",)
    )


def make_player(answer: bool = True) -> tuple[Player, list[int]]:
    """A player on real widgets; with ``answer`` the 'browser' acknowledges every day."""
    stops: list[int] = []
    network, charts, status = NetworkWidget(), ChartsWidget(), StatusWidget()
    player = Player(network, charts, status, on_stop=lambda: stops.append(status.day))
    if answer:
        network.observe(lambda change: player._on_drawn(int(change["new"])), names="day")
    return player, stops


def test_load_sends_the_graph_once_and_day_zero() -> None:
    player, _ = make_player()
    model = small()
    player.load(model)
    n = model.n_people
    assert len(player.network.positions) == n * 2 * 4
    assert len(player.network.ties) == model.csr.nnz // 2 * 2 * 4
    assert np.array_equal(np.frombuffer(player.network.state, np.uint8), state_codes(model))
    assert player.status.day == 0 and not player.status.finished
    table = np.frombuffer(player.charts.table, np.float32).reshape(-1, len(CHART_COLUMNS))
    assert table.shape[0] == 1 and table[0, CHART_COLUMNS.index("members")] == model.n_members


def test_step_and_play_to_the_last_day_then_stop() -> None:
    player, stops = make_player()
    player.load(small())
    player.step()
    assert player.status.day == 1
    player.speed = None
    player.play()
    player._thread.join(timeout=60)  # type: ignore[union-attr]
    assert not player.playing
    assert player.status.day == DAYS and player.status.finished
    assert stops == [DAYS]  # told once, on the last day
    table = np.frombuffer(player.charts.table, np.float32).reshape(-1, len(CHART_COLUMNS))
    assert table[:, 0].tolist() == list(range(DAYS + 1))  # every day sent
    player.play()  # finished: nothing happens
    assert not player.playing
    player.step()
    assert player.status.day == DAYS


def test_pause_then_load_keeps_the_old_run_faded() -> None:
    player, stops = make_player()
    player.load(small())
    player.speed = 20.0
    player.play()
    wait = threading.Event()
    wait.wait(0.3)
    player.pause()
    assert not player.playing
    day = player.status.day
    assert 0 < day < DAYS
    player.load(small("weekly_qa"), label="baseline, day so far")
    assert player.status.day == 0 and stops == []
    (kept,) = player.charts.previous
    assert kept["label"] == "baseline, day so far" and kept["day"][-1] == day
    for _ in range(4):  # at most three earlier runs stay
        player.step()
        player.load(small("weekly_qa"), label="again")
    assert len(player.charts.previous) == player_module.KEEP_RUNS


def test_a_browser_that_never_answers_pauses_the_loop(monkeypatch: Any) -> None:
    monkeypatch.setattr(player_module, "ACK_TIMEOUT", 0.01)
    player, stops = make_player(answer=False)
    player.load(small())
    player.speed = None
    player.play()
    player._thread.join(timeout=30)  # type: ignore[union-attr]
    assert player.status.day == player_module.MAX_MISSES and stops == [player.status.day]


def test_a_click_fills_the_person_panel() -> None:
    player, _ = make_player()
    player.person = lambda model, i: {"title": f"Person {i}", "rows": []}
    player.load(small())
    player.network.selected = 7
    assert player.network.info == {"title": "Person 7", "rows": []}
    player.network.selected = -1
    assert player.network.info == {}


@pytest.mark.parametrize("speed", [2.0, 20.0])
def test_speed_is_days_per_second(speed: float) -> None:
    import time

    player, _ = make_player()
    player.load(small())
    player.speed = speed
    start = time.monotonic()
    player.play()
    time.sleep(1.0)
    player.pause()
    elapsed = time.monotonic() - start
    assert player.status.day <= speed * elapsed + 1
    assert player.status.day >= min(DAYS, speed * elapsed * 0.5)
