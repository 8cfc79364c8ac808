"""The classroom page's play loop: one model, stepped in a thread, drawn in the browser.

The page's three widgets (:mod:`experiments.classroom.widgets`) draw client-side; the player
sends the graph once per model (positions and ties) and then, each simulated day, only what
changed: everyone's state, who brought whom, join days and the day's numbers. After each day
it waits for the browser's acknowledgement (``{"drawn": day}``) before the next one, so a
slow browser slows the run instead of queueing frames it will never show, and every day is
drawn. The speed is days per second, or ``None`` for as fast as the browser draws.

    >>> player = Player(network, charts, status)
    >>> player.load(ClassroomModel.from_levers(playbook="weekly_qa"))
    >>> player.speed = 10.0         # days per second; None: as fast as the browser draws
    >>> player.play()               # returns at once; the thread stops on the last day
    >>> player.pause()              # joins the thread: the model is not stepped any more

Every change of the page (a preset, a lever, the network) calls :meth:`Player.pause` then
:meth:`Player.load`: pausing joins the thread first, so a new model never meets an old loop.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from experiments.classroom import frames
from experiments.classroom.model import ClassroomModel
from experiments.classroom.widgets import CHART_COLUMNS, pack_table

#: how long the loop waits for the browser's acknowledgement before drawing on regardless
ACK_TIMEOUT = 2.0
#: unanswered days in a row after which the loop takes the browser for gone and pauses
MAX_MISSES = 3
#: earlier runs the charts keep (faded) for comparison
KEEP_RUNS = 3


class Player:
    """Steps one :class:`ClassroomModel` and sends each day to the page's widgets.

    Args:
        network: the network widget (positions, ties, states, who brought whom).
        charts: the charts widget (the day table and earlier runs).
        status: the day counter and the day's numbers.
        on_stop: called (from the loop's thread, in the page's context) when a run stops
            by itself on its last day.
        person: ``person(model, i)`` the details of person ``i`` for the network's panel.
    """

    def __init__(
        self,
        network: Any,
        charts: Any,
        status: Any,
        on_stop: Callable[[], None] | None = None,
        person: Callable[[ClassroomModel, int], dict[str, Any]] | None = None,
    ) -> None:
        self.network, self.charts, self.status = network, charts, status
        self.on_stop = on_stop
        self.person = person
        self.model: ClassroomModel | None = None
        self.speed: float | None = 5.0
        self._lock = threading.RLock()  # the model and the widgets: one writer at a time
        self._stop = threading.Event()
        self._drawn = threading.Condition()
        self._drawn_day = -1
        self._thread: threading.Thread | None = None
        self._graph: tuple[int, int] | None = None
        self._rows: list[list[float]] = []
        self._sent: dict[str, bytes] = {}  # the arrays last sent, to send only changes
        network.on_drawn(self._on_drawn)
        network.observe(self._on_select, names="selected")

    # ----------------------------------------------------------------- the model
    def load(self, model: ClassroomModel, label: str | None = None) -> None:
        """Show ``model`` from its current day (pauses first; keeps the old run, faded).

        Args:
            model: the new model.
            label: the legend of the run being replaced on the charts; ``None`` keeps
                nothing (e.g. a run with no day played).
        """
        self.pause()
        with self._lock:
            if self.model is not None and self.model.day > 0 and label is not None:
                self._keep(label)
            self.model = model
            self._rows = []
            self._sent = {}
            graph = (id(model.csr), model.n_people)
            if graph != self._graph:
                self.network.set_graph(frames.positions32(model), frames.tie_pairs(model))
                self._graph = graph
            else:
                with self.network.hold_sync():
                    self.network.selected = -1
                    self.network.info = {}
            with self._drawn:
                self._drawn_day = -1
            self.status.finished = False
            self._push()

    def _keep(self, label: str) -> None:
        """Move the current run to the charts' earlier runs (the last :data:`KEEP_RUNS`)."""
        table = np.asarray(self._rows, dtype=np.float64)
        run = {"label": label}
        for name in ("day", "members", "active", "posts", "sentiment"):
            run[name] = table[:, CHART_COLUMNS.index(name)].round(4).tolist()
        self.charts.previous = [*list(self.charts.previous)[-(KEEP_RUNS - 1) :], run]

    def forget_runs(self) -> None:
        """Clear the earlier runs from the charts."""
        self.charts.previous = []

    # ----------------------------------------------------------------- playing
    @property
    def playing(self) -> bool:
        """Whether the loop's thread is running."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def finished(self) -> bool:
        """Whether the model has reached its last day."""
        return self.model is not None and self.model.day >= self.model.config.days

    def play(self) -> None:
        """Play from today to the last day in a thread, at :attr:`speed` days per second
        (``None``: as fast as the browser draws; a new speed applies from the next day)."""
        if self.playing or self.model is None or self.finished:
            return
        self._stop.clear()
        context = _page_context()
        self._thread = threading.Thread(
            target=self._loop, args=(context,), name="commsim-play", daemon=True
        )
        self._thread.start()

    def pause(self) -> None:
        """Stop playing and wait for the loop to end (the model stays where it is)."""
        self._stop.set()
        with self._drawn:
            self._drawn.notify_all()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        self._thread = None

    def step(self) -> None:
        """One day (when paused and not finished)."""
        if self.playing or self.model is None or self.finished:
            return
        with self._lock:
            self.model.step()
            self._push()

    def _loop(self, context: Any) -> None:
        misses = 0
        while not self._stop.is_set() and not self.finished and misses < MAX_MISSES:
            start = time.monotonic()
            with self._lock:
                if self._stop.is_set():
                    break
                assert self.model is not None
                self.model.step()
                day = self.model.day
                self._push()
            misses = 0 if self._wait_drawn(day) else misses + 1
            if self.speed is not None:
                self._stop.wait(max(0.0, 1.0 / self.speed - (time.monotonic() - start)))
        if not self._stop.is_set() and self.on_stop is not None:  # the last day, or no browser
            if context is None:
                self.on_stop()
            else:
                with context:
                    self.on_stop()

    # ----------------------------------------------------------------- the browser
    def _on_drawn(self, day: int) -> None:
        with self._drawn:
            self._drawn_day = max(self._drawn_day, day)
            self._drawn.notify_all()

    def _wait_drawn(self, day: int) -> bool:
        """Wait until the browser has drawn ``day``; False after :data:`ACK_TIMEOUT`."""
        end = time.monotonic() + ACK_TIMEOUT
        with self._drawn:
            while self._drawn_day < day and not self._stop.is_set():
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._drawn.wait(left)
        return True

    def _on_select(self, change: dict[str, Any]) -> None:
        with self._lock:
            self._show_person(int(change["new"]))

    def _show_person(self, i: int) -> None:
        model = self.model
        if model is None or self.person is None or not 0 <= i < model.n_people:
            self.network.info = {}
            return
        self.network.info = self.person(model, i)

    def _push(self) -> None:
        """Send today to the widgets: one message each."""
        model = self.model
        assert model is not None
        row = frames.day_row(model)
        self._rows.append([float(row[name]) for name in CHART_COLUMNS])
        referrer, joined = self._changed(frames.referrers(model), frames.join_days(model))
        with self.network.hold_sync():
            self.network.push_day(model.day, frames.state_codes(model), referrer, joined)
            if self.network.selected >= 0:
                self._show_person(int(self.network.selected))
        with self.charts.hold_sync():
            self.charts.days = int(model.config.days)
            self.charts.table = pack_table(self._rows)
        with self.status.hold_sync():
            self.status.day = model.day
            self.status.days = int(model.config.days)
            self.status.members = int(row["members"])
            self.status.active = int(row["active"])
            self.status.posts = int(row["posts"])
            self.status.sentiment = float(row["sentiment"])
            self.status.finished = self.finished

    def _changed(self, referrer: np.ndarray, joined: np.ndarray) -> tuple[Any, Any]:
        """Who brought whom and the join days, each ``None`` when unchanged since sent."""
        out = []
        for name, values in (("referrer", referrer), ("join_day", joined)):
            raw = values.tobytes()
            out.append(None if self._sent.get(name) == raw else values)
            self._sent[name] = raw
        return out[0], out[1]

    def close(self) -> None:
        """Stop the loop for good (the page's session ended)."""
        self.pause()
        self.on_stop = None


def _page_context() -> Any:
    """The Solara session the loop reports to (None outside a Solara server)."""
    try:
        from solara.server import kernel_context

        return kernel_context.get_current_context()
    except Exception:  # outside a page (tests, notebooks): the loop needs no context
        return None
