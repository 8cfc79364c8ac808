"""The classroom page's widgets: traits, their JavaScript, the packed arrays, the texts."""

from __future__ import annotations

import numpy as np
import pytest

from experiments.classroom import widgets
from experiments.classroom.widgets import (
    CHART_COLUMNS,
    ChartsWidget,
    NetworkWidget,
    StatusWidget,
    default_labels,
    pack,
    pack_join_days,
    pack_positions,
    pack_referrers,
    pack_states,
    pack_table,
    pack_ties,
)
from experiments.i18n import translator

NETWORK_TRAITS = [
    "positions", "ties", "state", "referrer", "join_day", "day", "selected", "info", "labels",
    "dark",
]  # fmt: skip
CHARTS_TRAITS = ["columns", "table", "previous", "days", "labels", "dark", "png_name"]
STATUS_TRAITS = [
    "day", "days", "members", "active", "posts", "sentiment", "finished", "labels", "dark",
]  # fmt: skip


@pytest.mark.parametrize(
    ("cls", "names"),
    [(NetworkWidget, NETWORK_TRAITS), (ChartsWidget, CHARTS_TRAITS), (StatusWidget, STATUS_TRAITS)],
)
def test_widgets_have_synced_traits(cls: type, names: list[str]) -> None:
    synced = cls().trait_names(sync=True)
    assert set(names) <= set(synced)


@pytest.mark.parametrize("name", ["network", "charts", "status"])
def test_scripts_are_package_files_and_modules(name: str) -> None:
    path = widgets.STATIC / f"{name}.js"
    assert path.is_file()
    text = path.read_text(encoding="utf-8")
    assert "export default" in text and "render" in text


def test_esm_holds_the_hooks_the_page_and_tests_use() -> None:
    network, charts, status = NetworkWidget()._esm, ChartsWidget()._esm, StatusWidget()._esm
    for hook in ["commsim-network", "commsim-person", "commsim-legend", "drawn", "commsimFrames"]:
        assert hook in network
    for hook in ["commsim-charts", "commsim-png", "toBlob"]:
        assert hook in charts
    for hook in ["commsim-status", "commsim-day", "commsim-finished"]:
        assert hook in status


def test_defaults() -> None:
    assert NetworkWidget().selected == -1
    assert ChartsWidget().columns == list(CHART_COLUMNS)
    assert ChartsWidget().png_name == "commsim-charts.png"
    assert StatusWidget().labels["day"] == "Day {day}"


def test_pack_gives_little_endian_bytes_of_the_dtype() -> None:
    xy = np.array([[0.25, 0.5], [1.0, 0.0]])
    assert np.array_equal(np.frombuffer(pack_positions(xy), "<f4"), xy.ravel())
    edges = np.array([[0, 1], [1, 2]], dtype=np.int64)
    assert np.array_equal(np.frombuffer(pack_ties(edges), "<i4"), [0, 1, 1, 2])
    assert pack_states([0, 5, 3]) == bytes([0, 5, 3])
    assert np.frombuffer(pack_referrers([-1, 0]), "<i4").tolist() == [-1, 0]
    assert np.frombuffer(pack_join_days([-1, 300]), "<i2").tolist() == [-1, 300]
    table = pack_table(np.ones((3, len(CHART_COLUMNS))))
    assert len(table) == 4 * 3 * len(CHART_COLUMNS)
    assert pack([], "uint8") == b""


def test_pack_refuses_odd_pairs() -> None:
    with pytest.raises(ValueError, match="rows of 2"):
        pack_ties([0, 1, 2])


def test_network_sends_a_day_and_hears_drawn() -> None:
    net = NetworkWidget()
    net.set_graph(np.zeros((3, 2)), [[0, 1]])
    net.push_day(4, [0, 1, 4], referrer=[-1, 0, 0], join_day=[-1, 3, 4])
    assert net.day == 4 and net.state == bytes([0, 1, 4])
    assert np.frombuffer(net.join_day, "<i2").tolist() == [-1, 3, 4]
    heard: list[int] = []
    net.on_drawn(heard.append)
    net._handle_custom_msg({"drawn": 4}, [])
    net._handle_custom_msg({"other": 1}, [])
    assert heard == [4]


def test_default_labels_cover_every_widget_in_each_language() -> None:
    english = default_labels(translator("en"))
    assert set(english) == {"network", "charts", "status"}
    assert english["status"] == StatusWidget().labels
    assert english["network"] == NetworkWidget().labels
    assert english["charts"] == ChartsWidget().labels
    assert {"prospect", "newcomer", "lurker", "contributor", "core", "churned", "brought"} <= set(
        english["network"]
    )
    chinese = default_labels(translator("zh"))
    assert set(chinese["status"]) == set(english["status"])
    assert "{day}" in chinese["status"]["day"]
