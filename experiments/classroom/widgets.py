"""The classroom page's three widgets: the network, the charts and the day's numbers.

Each is an :class:`anywidget.AnyWidget` that draws in the browser, on a ``<canvas>`` (the
network and the charts) or in plain HTML (the status line). Its JavaScript is a file of
``experiments/classroom/static``. Python sends the positions and ties once per graph; each
simulated day it sends only small binary arrays (``pack_*`` makes them). After drawing a day
the network widget answers ``{"drawn": day}`` (:meth:`NetworkWidget.on_drawn`), so the play
loop never sends days faster than the browser draws them.

Texts come from the ``labels`` trait: :func:`default_labels` gives them in a language.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from experiments.classroom.frames import CHART_COLUMNS  # the rows of ChartsWidget.table
from experiments.i18n import N_, Translate

#: the folder of the widgets' JavaScript
STATIC = Path(__file__).parent / "static"

#: the legend of the network: a state's name, and the ties of who brought whom
NETWORK_LABELS = {
    "prospect": N_("prospect"),
    "newcomer": N_("newcomer"),
    "lurker": N_("lurker"),
    "contributor": N_("contributor"),
    "core": N_("core"),
    "churned": N_("churned"),
    "brought": N_("who brought whom"),
}
#: the charts' titles, the button's text and the legend
CHARTS_LABELS = {
    "members": N_("Members"),
    "active": N_("Active"),
    "posts": N_("Posts per day"),
    "sentiment": N_("Sentiment"),
    "levels": N_("Members by level"),
    "day": N_("day"),
    "png": N_("Download PNG"),
    "previous": N_("previous: {label}"),
    "newcomer": N_("newcomer"),
    "lurker": N_("lurker"),
    "contributor": N_("contributor"),
    "core": N_("core"),
}
#: the status line; the browser fills in ``{day}``, ``{days}``, ``{n}`` and ``{s}``
STATUS_LABELS = {
    "day": N_("Day {day}"),
    "of": N_("of {days}"),
    "members": N_("{n} members"),
    "active": N_("{n} active today"),
    "posts": N_("{n} posts today"),
    "sentiment": N_("sentiment {s}"),
    "finished": N_("Finished: the run reached its last day, {days}."),
}


def default_labels(_: Translate) -> dict[str, dict[str, str]]:
    """The texts of every widget, translated with ``_``: ``{"network": ..., "charts": ...,
    "status": ...}``, each the ``labels`` trait of that widget.

    Placeholders such as ``{day}`` stay in the texts: the browser fills them in.
    """
    return {
        "network": {key: _(text) for key, text in NETWORK_LABELS.items()},
        "charts": {key: _(text) for key, text in CHARTS_LABELS.items()},
        "status": {key: _(text) for key, text in STATUS_LABELS.items()},
    }


def _english(labels: dict[str, str]) -> dict[str, str]:
    """A copy of ``labels`` (English, a widget's default)."""
    return dict(labels)


def pack(values: Any, dtype: str, width: int = 1) -> bytes:
    """``values`` as the bytes of a C-ordered array of ``dtype`` (little-endian).

    Args:
        values: an array-like of numbers (any shape: it is flattened).
        dtype: ``"float32"``, ``"int32"``, ``"int16"`` or ``"uint8"``.
        width: the numbers per item (2 for positions and ties); the size must divide by it.

    Raises:
        ValueError: when the size is not a multiple of ``width``.
    """
    array = np.ascontiguousarray(np.asarray(values), dtype=np.dtype(dtype).newbyteorder("<"))
    if array.size % width:
        raise ValueError(f"{array.size} numbers are not rows of {width}: pass an n x {width} array")
    return array.tobytes()


def pack_positions(xy: Any) -> bytes:
    """Positions, an ``n x 2`` array of x and y in [0, 1], as float32 bytes."""
    return pack(xy, "float32", 2)


def pack_ties(edges: Any) -> bytes:
    """Ties, an ``m x 2`` array of person indices (i < j), as int32 bytes."""
    return pack(edges, "int32", 2)


def pack_states(codes: Any) -> bytes:
    """Each person's state code (0 prospect ... 5 churned) as uint8 bytes."""
    return pack(codes, "uint8")


def pack_referrers(referrer: Any) -> bytes:
    """Who brought each person (an index, -1 nobody) as int32 bytes."""
    return pack(referrer, "int32")


def pack_join_days(join_day: Any) -> bytes:
    """The day each person joined (-1 never) as int16 bytes."""
    return pack(join_day, "int16")


def pack_table(rows: Any) -> bytes:
    """The charts' rows (``rows x len(CHART_COLUMNS)``) as float32 bytes, row after row."""
    return pack(rows, "float32")


def _script(name: str) -> str:
    """The JavaScript of the widget ``name`` (``static/<name>.js``)."""
    return (STATIC / f"{name}.js").read_text(encoding="utf-8")


class NetworkWidget(anywidget.AnyWidget):
    """The people and their ties, coloured by state; who brought whom; a legend with counts.

    Clicking a person sets ``selected`` (-1 on empty space); fill ``info`` in answer.
    """

    _esm = _script("network")
    positions = traitlets.Bytes(b"").tag(sync=True)
    ties = traitlets.Bytes(b"").tag(sync=True)
    state = traitlets.Bytes(b"").tag(sync=True)
    referrer = traitlets.Bytes(b"").tag(sync=True)
    join_day = traitlets.Bytes(b"").tag(sync=True)
    day = traitlets.Int(0).tag(sync=True)
    selected = traitlets.Int(-1).tag(sync=True)
    info = traitlets.Dict({}).tag(sync=True)
    labels = traitlets.Dict(_english(NETWORK_LABELS)).tag(sync=True)
    dark = traitlets.Bool(False).tag(sync=True)

    def set_graph(self, positions: Any, ties: Any) -> None:
        """Send a new graph: positions (``n x 2`` in [0, 1]) and ties (``m x 2``)."""
        with self.hold_sync():
            self.selected = -1
            self.info = {}
            self.positions = pack_positions(positions)
            self.ties = pack_ties(ties)

    def push_day(self, day: int, state: Any, referrer: Any = None, join_day: Any = None) -> None:
        """Send one day in one message: the states, and the referrers and join days if given."""
        with self.hold_sync():
            self.state = pack_states(state)
            if referrer is not None:
                self.referrer = pack_referrers(referrer)
            if join_day is not None:
                self.join_day = pack_join_days(join_day)
            self.day = int(day)

    def on_drawn(self, callback: Callable[[int], None]) -> None:
        """Call ``callback(day)`` each time the browser has drawn a day."""

        def handle(_widget: Any, content: Any, _buffers: Any) -> None:
            if isinstance(content, dict) and "drawn" in content:
                callback(int(content["drawn"]))

        self.on_msg(handle)


class ChartsWidget(anywidget.AnyWidget):
    """Four live charts: members and active, posts, sentiment, members by level.

    Earlier runs (``previous``) are drawn faded underneath; a button downloads a PNG.
    """

    _esm = _script("charts")
    columns = traitlets.List(traitlets.Unicode(), list(CHART_COLUMNS)).tag(sync=True)
    table = traitlets.Bytes(b"").tag(sync=True)
    previous = traitlets.List(traitlets.Dict(), []).tag(sync=True)
    days = traitlets.Int(365).tag(sync=True)
    labels = traitlets.Dict(_english(CHARTS_LABELS)).tag(sync=True)
    dark = traitlets.Bool(False).tag(sync=True)
    png_name = traitlets.Unicode("commsim-charts.png").tag(sync=True)


class StatusWidget(anywidget.AnyWidget):
    """The day's numbers in large type, and a note when the run has finished."""

    _esm = _script("status")
    day = traitlets.Int(0).tag(sync=True)
    days = traitlets.Int(365).tag(sync=True)
    members = traitlets.Int(0).tag(sync=True)
    active = traitlets.Int(0).tag(sync=True)
    posts = traitlets.Int(0).tag(sync=True)
    sentiment = traitlets.Float(0.0).tag(sync=True)
    finished = traitlets.Bool(False).tag(sync=True)
    labels = traitlets.Dict(_english(STATUS_LABELS)).tag(sync=True)
    dark = traitlets.Bool(False).tag(sync=True)
