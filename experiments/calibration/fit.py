"""Fitting: blocks of parameters in turn, Nelder-Mead on common random numbers, restarts.

Each restart ``r`` runs its own fit with its own seeds ``seed + 1000 (r + 1) + i``
(``i < reps``): every candidate of that restart is simulated with the same seeds (common
random numbers), so two candidates differ only by their parameters and the loss is a
deterministic function of them. Block by block, in the order of ``calibration.schedule``:
the first time a block comes, it may screen ``screen`` Latin-hypercube candidates and the
current values (one replication each, seeded by the restart), score the best four again on
every replication and start from the best of those;
then ``scipy.optimize.minimize(method="Nelder-Mead")`` moves the block's parameters in
their unit box (log scale where declared) for at most ``evals`` evaluations. A block
holding ``acquisition.p`` and ``acquisition.q`` (Bass rule) starts from the mean-field Bass
curve fitted to the observed cumulative users (:func:`bass_guess`), which costs no
simulation. A levels block fits an outside driver by time block instead
(:func:`fit_levels`). Finally every restart's result is scored on the same fresh seeds
``seed + i`` (``i < final_reps``) and the best one is the fit; the others give the spread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import least_squares, minimize
from scipy.stats import qmc

from experiments.calibration.series import Series, average, loss, retention_cells, vectors
from experiments.calibration.settings import LEVELS, Block, Settings
from experiments.calibration.simulate import simulate, with_values
from experiments.runs.executors import TaskPool
from sim.drivers import DriversParams, day_calendar

Values = dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """What is fitted to what: the simulation config, the observed series, the settings.

    Attributes:
        base: plain simulation config (``days`` = the fit window).
        obs: observed series of the fit window.
        users: people seen in the fit window.
        settings: the checked calibration settings.
        size: the population when a graph file fixes it, else None.
    """

    base: dict[str, Any]
    obs: Series
    users: int
    settings: Settings
    size: int | None = None
    cells: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", retention_cells(self.obs, self.settings.min_cohort))

    @property
    def n_days(self) -> int:
        """Days of the fit window, day 0 included."""
        return self.obs.n_days

    def loss(self, sim: Series, weights: Mapping[str, float]) -> float:
        """The weighted loss of a simulated series over the fit window."""
        return loss(vectors(self.obs, sim, slice(1, self.n_days), self.cells), weights)


class Simulator:
    """Runs replications on the shared executor layer (``experiments.runs.executors``)."""

    def __init__(self, executor: str, workers: int | None) -> None:
        self.pool = TaskPool(executor, workers)
        self.runs = 0
        self._count = threading.Lock()  # restarts share the simulator from their threads

    def series(
        self, configs: Sequence[Mapping[str, Any]], seeds: Sequence[int], n_days: int, active: str
    ) -> list[Series]:
        """Each config over every seed, replications combined (one ``Series`` per config)."""
        tasks = [(c, s, n_days, active) for c in configs for s in seeds]
        with self._count:
            self.runs += len(tasks)
        runs = self.pool.map(simulate, tasks)
        k = len(seeds)
        return [average(runs[i * k : (i + 1) * k]) for i in range(len(configs))]


@dataclass
class Restart:
    """One restart's result."""

    index: int
    values: Values
    loss: float = float("nan")  # on the restart's own seeds
    evaluations: int = 0
    final_loss: float = float("nan")  # on the common final seeds
    seconds: float = 0.0


def start_values(problem: Problem) -> Values:
    """Where the fit starts: each parameter's configured value (clipped into its range),
    or the middle of its range; the mean-field Bass guess for ``acquisition.p``, ``q`` and
    ``community.n`` when they are fitted together under the Bass rule."""
    users, out = problem.users, {}
    for p in problem.settings.params:
        current = _lookup(problem.base, p.key)
        number = isinstance(current, int | float) and not isinstance(current, bool)
        out[p.key] = p.value(p.unit(current, users) if number else 0.5, users)
    keys = {p.key: p for p in problem.settings.params}
    if {"acquisition.p", "acquisition.q"} <= set(keys) and _lookup(
        problem.base, "acquisition.rule"
    ) == "bass":
        size = keys.get("community.n")
        fixed = (
            None if size else float(problem.size or _lookup(problem.base, "community.n") or users)
        )
        guess = bass_guess(
            problem.obs.daily["cumulative_users"],
            int(problem.base["initial_members"]),
            fixed,
            size.bounds(users) if size else (users, users),
        )
        out.update({k: keys[k].value(keys[k].unit(v, users), users) for k, v in guess.items()})
    return out


def _lookup(plain: Mapping[str, Any], key: str) -> Any:
    node: Any = plain
    for part in key.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def bass_guess(
    cumulative: np.ndarray, initial: int, n: float | None, n_bounds: tuple[float, float]
) -> dict[str, float]:
    """Mean-field Bass fit to cumulative users: ``F[t+1] = F[t] + (p + q F[t]) (1 - F[t])``.

    Args:
        cumulative: observed cumulative users by day (day 0 first).
        initial: people on day 0.
        n: the population when fixed (a graph file), else None (fitted within ``n_bounds``).
    """
    scale = max(float(cumulative[-1]), 1.0)

    def curve(theta: np.ndarray) -> np.ndarray:
        size = n if n is not None else theta[2]
        p, q = theta[0], theta[1]
        f = np.empty(len(cumulative))
        f[0] = min(initial / size, 1.0)
        for t in range(1, len(f)):
            f[t] = f[t - 1] + (p + q * f[t - 1]) * (1.0 - f[t - 1])
        return f * size

    x0, lo, hi = [0.01, 0.1], [1e-7, 0.0], [1.0, 1.0]
    if n is None:
        x0, lo, hi = (
            [*x0, float(np.clip(1.1 * scale, *n_bounds))],
            [*lo, n_bounds[0]],
            [*hi, n_bounds[1]],
        )
    fit = least_squares(lambda th: (curve(th) - cumulative) / scale, x0, bounds=(lo, hi))
    out = {"acquisition.p": float(fit.x[0]), "acquisition.q": float(fit.x[1])}
    if n is None:
        out["community.n"] = float(fit.x[2])
    return out


def fit_restart(problem: Problem, sim: Simulator, index: int, start: Values) -> Restart:
    """One full fit (every block of the schedule) with the restart's own seeds."""
    s = problem.settings
    clock = time.perf_counter()
    seeds = [s.seed + 1000 * (index + 1) + i for i in range(s.reps)]
    result = Restart(index, dict(start))
    for step, name in enumerate(s.schedule):
        first = name not in s.schedule[:step]
        screen_seed = s.seed + 7919 * (index + 1) + step if first else None
        block = s.block(name)
        if block.levels:
            result.values, series, n = fit_levels(problem, sim, block, result.values, seeds)
        else:
            result.values, series, n = fit_block(
                problem, sim, block, result.values, seeds, screen_seed
            )
        result.loss = problem.loss(series, s.weights)
        result.evaluations += n
    result.seconds = time.perf_counter() - clock
    return result


def evaluate(
    problem: Problem,
    sim: Simulator,
    candidates: Sequence[Values],
    seeds: Sequence[int],
    n_days: int | None = None,
) -> list[Series]:
    """Simulated series of each candidate (replications over ``seeds`` combined)."""
    configs = [with_values(problem.base, v) for v in candidates]
    days = n_days or problem.n_days
    if n_days:
        configs = [with_values(c, {"days": n_days - 1}) for c in configs]
    return sim.series(configs, seeds, days, problem.settings.active)


def fit_block(
    problem: Problem,
    sim: Simulator,
    block: Block,
    values: Values,
    seeds: Sequence[int],
    screen_seed: int | None,
) -> tuple[Values, Series, int]:
    """Nelder-Mead on one block's parameters.

    Returns:
        The values with the block's best, that point's simulated series, and the number of
        candidates simulated.
    """
    users, params = problem.users, block.params
    seen: dict[tuple, tuple[float, Series]] = {}

    def point(u: np.ndarray) -> Values:
        return {**values, **{p.key: p.value(x, users) for p, x in zip(params, u, strict=True)}}

    def objective(u: np.ndarray) -> float:
        v = point(u)
        key = tuple(v[p.key] for p in params)
        if key not in seen:
            series = evaluate(problem, sim, [v], seeds)[0]
            seen[key] = (problem.loss(series, block.weights), series)
        return seen[key][0]

    x0 = np.array([p.unit(values[p.key], users) for p in params])
    screened = 0
    if screen_seed is not None and block.screen:
        top = _screen(problem, sim, block, x0, point, seeds[0], screen_seed)
        x0 = min(top, key=objective)  # the best few again, on every replication
        screened = block.screen + 1
    minimize(
        objective,
        x0,
        method="Nelder-Mead",
        bounds=[(0.0, 1.0)] * len(params),
        options={
            "maxfev": block.evals,
            "initial_simplex": _simplex(x0),
            "xatol": 1e-3,
            "fatol": 1e-4,
        },
    )
    best = min(seen, key=lambda k: seen[k][0])
    best_values = {**values, **dict(zip([p.key for p in params], best, strict=True))}
    return best_values, seen[best][1], len(seen) + screened


def level_blocks(problem: Problem, block: Block) -> np.ndarray:
    """The level block of each day of the fit window (``drivers.day_calendar``)."""
    start = str(_lookup(problem.base, "drivers.start_date") or "")
    params = DriversParams(start_date=start, level_days=block.block_days, level_start=start)
    return day_calendar(params, problem.n_days)["since"].to_numpy()


def fit_levels(
    problem: Problem, sim: Simulator, block: Block, values: Values, seeds: Sequence[int]
) -> tuple[Values, Series, int]:
    """An outside driver's levels, one per time block, by damped multiplicative updates.

    The observed series the driver moves (active users for ``activity``, new users for
    ``reach``) is summed by block, ``o_b``, and so is the simulated one at the current
    levels, ``m_b``. Each update aims at ``log L_b + step * log((o_b + 1) / (m_b + 1))``
    (the series taken as proportional to its level, damped because a level also moves
    the blocks after it: members kept active stay committed; a reach level moves all
    joining, ``drivers.reach_to=all``, so that new users are proportional to it, which
    they are not when it moves only outside reach and word of mouth brings most people)
    and smooths the aims by
    penalised least squares: ``x`` minimises ``sum_b (x_b - aim_b)^2 + smooth * sum_b
    (x_b - x_(b-1))^2`` (every block counts alike, the quiet ones too: a community's tail
    is as much its shape as its peak), then shifts ``x`` to a mean of 0: the levels have a
    geometric mean of 1 over the fit window, as seasonal indices average 1, so that the
    typical rate stays the behaviour's (``visits.*``, which the level would otherwise
    trade against) and the levels say only when it runs higher or lower. The new levels
    are ``exp(x)`` within [0.01, 100], 4 significant digits. Of the ``evals`` simulated
    points, the one of lowest block loss is kept.
    """
    key, series_name = LEVELS[block.levels]
    days = level_blocks(problem, block)[1:]
    n_levels = int(days.max()) + 1
    start = str(_lookup(problem.base, "drivers.start_date") or "")
    fixed: Values = {"drivers.level_days": block.block_days}
    if block.levels == "reach":  # the level moves all joining, so new users follow it
        fixed["drivers.reach_to"] = "all"
    if start:
        fixed["drivers.level_start"] = start
    current = list(values.get(key) or [])
    levels = np.ones(n_levels)
    levels[: min(len(current), n_levels)] = current[:n_levels]
    observed = np.bincount(days, problem.obs.daily[series_name][1:], n_levels)
    diff = np.diff(np.eye(n_levels), axis=0)
    system = np.eye(n_levels) + block.smooth * diff.T @ diff
    best: tuple[float, Values, Series] | None = None
    for i in range(block.evals):
        point = {**values, **fixed, key: [float(f"{v:.4g}") for v in levels]}
        series = evaluate(problem, sim, [point], seeds)[0]
        score = problem.loss(series, block.weights)
        if best is None or score < best[0]:
            best = (score, point, series)
        if i == block.evals - 1:
            break
        simulated = np.bincount(days, series.daily[series_name][1:], n_levels)
        aim = np.log(levels) + block.step * np.log((observed + 1.0) / (simulated + 1.0))
        x = np.linalg.solve(system, aim)
        levels = np.clip(np.exp(x - x.mean()), 0.01, 100.0)
    assert best is not None
    return best[1], best[2], block.evals


def _screen(
    problem: Problem,
    sim: Simulator,
    block: Block,
    x0: np.ndarray,
    point: Callable[[np.ndarray], Values],
    seed: int,
    screen_seed: int,
    keep: int = 4,
) -> list[np.ndarray]:
    """The ``keep`` best of the current point and ``block.screen`` Latin-hypercube
    candidates, each simulated once (seed ``seed``)."""
    sample = qmc.LatinHypercube(d=len(x0), seed=np.random.default_rng(screen_seed))
    candidates = [x0, *sample.random(block.screen)]
    runs = evaluate(problem, sim, [point(u) for u in candidates], [seed])
    losses = [problem.loss(r, block.weights) for r in runs]
    return [np.asarray(candidates[i]) for i in np.argsort(losses, kind="stable")[:keep]]


def _simplex(x0: np.ndarray, step: float = 0.1) -> np.ndarray:
    """A starting simplex: ``x0`` and one step along each axis, inward from the bounds."""
    rows = [x0]
    for i in range(len(x0)):
        x = x0.copy()
        x[i] = x[i] + step if x[i] + step <= 1.0 else x[i] - step
        rows.append(x)
    return np.vstack(rows)


def fit_all(problem: Problem, sim: Simulator, start: Values) -> list[Restart]:
    """Every restart (in threads sharing the worker pool when there is one)."""
    n = problem.settings.restarts
    if not sim.pool.parallel or n == 1:
        return [fit_restart(problem, sim, r, start) for r in range(n)]
    with ThreadPoolExecutor(max_workers=n) as threads:
        return list(threads.map(lambda r: fit_restart(problem, sim, r, start), range(n)))
