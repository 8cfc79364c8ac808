"""``calibration.method=abc``: a posterior of the fitted parameters by ABC-SMC (pyabc).

Approximate Bayesian computation by sequential Monte Carlo (Toni et al. 2009; Beaumont
et al. 2009) as pyabc implements it (Schälte et al. 2022, ``pyabc.ABCSMC``): the prior is
uniform on each parameter's range in its unit box (log-uniform where ``log: true``), the
distance of a particle is the calibration loss of its simulation
(``experiments.calibration.series.loss``, over ``calibration.abc.reps`` replications with
seeds of its own), each generation's tolerance is the ``alpha`` quantile of the last
generation's distances (``pyabc.QuantileEpsilon``), and particles move by pyabc's
multivariate normal kernel. The run stops after ``generations`` generations or
``max_simulations`` simulations, whichever comes first; the last population, weighted,
is the posterior sample.

Reproducibility and speed: pyabc proposes with NumPy's global generator. Particle ``k`` of
generation ``t`` is proposed with the global generator seeded by ``[seed, t, k]``; the
particles of a batch are simulated side by side on commsim's executor layer (only commsim
runs in the workers), and a generation keeps the first ``population`` accepted particles in
the order of ``k`` (:func:`seeded_sampler`), so the same ``seed`` gives the same posterior
whatever the executor and the number of workers. The caller's global NumPy and Python
random states are put back afterwards.

Outside drivers fitted by time block (a levels block, ``fit.fit_levels``) are not part of
the posterior: with levels blocks, the blocks are first fitted as ``method: nelder-mead``
fits them (one restart), the levels of that fit are held fixed for every particle and
written with each candidate, and that fit itself is one more candidate; the posterior is
then the parameters' uncertainty given the levels.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from experiments.calibration.fit import (
    Problem,
    Restart,
    Simulator,
    Values,
    fit_restart,
    start_values,
)
from experiments.calibration.posterior import posterior_frame, summarise
from experiments.calibration.series import average
from experiments.calibration.settings import Param
from experiments.calibration.simulate import simulate, with_values

#: the tolerance of the first generation: every particle of the prior is accepted
PRIOR_EPSILON = 1e300


@dataclass
class Posterior:
    """The result of ABC-SMC.

    Attributes:
        frame: the posterior sample (``experiments.calibration.posterior.posterior_frame``).
        epsilons: the tolerance of each generation (None for the first: the prior sample).
        simulations: simulations run (every generation, rejected particles included).
        generations: generations run.
    """

    frame: pd.DataFrame
    epsilons: list[float | None]
    simulations: int
    generations: int


def _name(i: int) -> str:
    return f"u{i:02d}"


class Model:
    """pyabc's model: a particle's unit-box coordinates to its calibration loss.

    pyabc calls it in this process; simulations run on commsim's executor in batches
    (:meth:`flush`): a call with new coordinates records them and answers an infinite loss,
    a call with coordinates already simulated answers their loss (see :func:`seeded_sampler`).
    Each particle's replications have seeds of their own, from ``seed`` and its coordinates.
    """

    def __init__(self, problem: Problem, reps: int, seed: int) -> None:
        self.problem, self.reps, self.seed = problem, reps, seed
        self.losses: dict[tuple[float, ...], float] = {}
        self.pending: dict[tuple[float, ...], Mapping[str, float]] = {}

    def values(self, unit: Mapping[str, float]) -> Values:
        """The parameter values at unit-box coordinates ``u00``, ``u01``..."""
        params, users = self.problem.settings.params, self.problem.users
        return {p.key: p.value(unit[_name(i)], users) for i, p in enumerate(params)}

    def _key(self, unit: Mapping[str, float]) -> tuple[float, ...]:
        return tuple(float(unit[_name(i)]) for i in range(len(self.problem.settings.params)))

    def __call__(self, unit: Mapping[str, float]) -> dict[str, float]:
        """The loss at ``unit`` if simulated, else infinite (recorded for :meth:`flush`)."""
        key = self._key(unit)
        if key not in self.losses:
            self.pending[key] = dict(unit)
            return {"loss": math.inf}
        return {"loss": self.losses[key]}

    def flush(self, sim: Simulator) -> int:
        """Simulate every recorded particle (``reps`` replications each); returns how many."""
        p, keys = self.problem, list(self.pending)
        tasks = []
        for key in keys:
            config = with_values(p.base, self.values(self.pending[key]))
            entropy = [self.seed, *np.asarray(key).view(np.uint64).tolist()]
            seeds = np.random.SeedSequence(entropy).generate_state(self.reps)
            tasks += [(config, int(s) % 2**31, p.n_days, p.settings.active) for s in seeds]
        with sim._count:
            sim.runs += len(tasks)
        runs = sim.pool.map(simulate, tasks)
        for i, key in enumerate(keys):
            series = average(runs[i * self.reps : (i + 1) * self.reps])
            self.losses[key] = p.loss(series, p.settings.weights)
        self.pending.clear()
        return len(keys)


def distance(x: Mapping[str, float], x0: Mapping[str, float]) -> float:
    """A particle's ABC distance: its loss (the observed data's loss is 0)."""
    return float(x["loss"]) - float(x0["loss"])


def _seeded(seed: Sequence[int], fn: Callable[[], Any]) -> Any:
    """``fn()`` with NumPy's and Python's global generators seeded by ``seed`` (pyabc draws
    from them; commsim's own code never does)."""
    state = int(np.random.SeedSequence(list(seed)).generate_state(1)[0])
    np.random.seed(state)  # noqa: NPY002 (pyabc's generator)
    random.seed(state)
    return fn()


def seeded_sampler(model: Model, sim: Simulator, seed: int, budget: int) -> Any:
    """A pyabc sampler whose particles are reproducible and simulated in parallel.

    Particle ``k`` of generation ``t`` is pyabc's ``simulate_one`` under global generators
    seeded by ``[seed, t, k]``. A batch runs it twice: once to record each particle's
    proposal (the model answers an infinite loss), then, after the recorded particles are
    simulated side by side on ``sim``'s executor (:meth:`Model.flush`), again with the same
    seeds (the same proposals), now with their losses. A generation keeps the first
    ``population`` accepted particles in the order of ``k``. Once ``budget`` particles are
    simulated, a generation left unfinished ends the run (its predecessor is the posterior).
    """
    from pyabc.sampler import Sampler

    class SeededSampler(Sampler):  # type: ignore[misc]
        """Deterministic batches on commsim's executor layer."""

        def __init__(self) -> None:
            super().__init__()
            self.rate, self.generation, self.used = 1.0, 0, 0

        def sample_until_n_accepted(self, n: int, simulate_one: Callable, t: int, **kw: Any) -> Any:
            kept: list[Any] = []
            accepted = k = 0
            while accepted < n and self.used < budget:
                need = n - accepted
                size = need if kw.get("all_accepted") else math.ceil(need / max(self.rate, 0.05))
                size = min(size, 4 * n, budget - self.used)
                ids = [(seed, self.generation, k + i) for i in range(size)]
                k += size
                for i in ids:
                    _seeded(i, simulate_one)  # record the proposals
                self.used += model.flush(sim)
                for i in ids:
                    particle = _seeded(i, simulate_one)
                    if accepted < n:  # the first n accepted, in order: no bias to fast runs
                        kept.append(particle)
                        accepted += int(particle.accepted)
                if model.pending:
                    raise RuntimeError("pyabc proposed differently under the same seed")
            self.rate = accepted / max(len(kept), 1)
            self.generation += 1
            self.nr_evaluations_ = k
            sample = self._create_empty_sample()
            for particle in kept:
                sample.append(particle)
            sample.ok = accepted >= n
            return sample

    return SeededSampler()


def _priors(n: int) -> Any:
    import pyabc

    return pyabc.Distribution(**{_name(i): pyabc.RV("uniform", 0.0, 1.0) for i in range(n)})


def run_abc(problem: Problem, sim: Simulator) -> Posterior:
    """ABC-SMC over every fitted parameter (``calibration.abc``); the last population.

    The caller's global NumPy and Python random states are left as they were.
    """
    import pyabc

    s = problem.settings
    a = s.abc
    logging.getLogger("ABC").setLevel(logging.WARNING)
    model = Model(problem, a.reps, s.seed)
    sampler = seeded_sampler(model, sim, s.seed, a.max_simulations // a.reps)
    state, py_state = np.random.get_state(), random.getstate()  # noqa: NPY002
    try:
        smc = pyabc.ABCSMC(
            model,
            _priors(len(s.params)),
            distance,
            population_size=a.population,
            eps=pyabc.QuantileEpsilon(initial_epsilon=PRIOR_EPSILON, alpha=a.alpha),
            sampler=sampler,
        )
        smc.new("sqlite://", {"loss": 0.0})
        history = _seeded([s.seed, 7], lambda: smc.run(max_nr_populations=a.generations))
        population = history.get_population()
        pops = history.get_all_populations()
        epsilons = pops.loc[pops["t"] >= 0, "epsilon"].to_numpy(dtype=float)
    finally:
        np.random.set_state(state)  # noqa: NPY002
        random.setstate(py_state)
    particles = population.particles
    frame = posterior_frame(
        [model.values(p.parameter) for p in particles],
        [p.weight for p in particles],
        [p.distance for p in particles],
    )
    # the first generation is the prior sample: no tolerance (null in calibration.json)
    eps = [float(e) if e < PRIOR_EPSILON else None for e in epsilons]
    return Posterior(frame, eps, sampler.used * a.reps, len(eps))


def candidates(problem: Problem, posterior: Posterior, n: int) -> list[Restart]:
    """Points to score on the final seeds: the posterior's weighted medians, then the
    ``n - 1`` particles of lowest loss (as restarts, so the report and the plot read them)."""
    frame = posterior.frame
    summary = summarise(frame)
    params: Sequence[Param] = problem.settings.params
    median = {p.key: _typed(p, summary[p.key]["median"]) for p in params}
    best = frame.sort_values("loss", kind="stable").head(max(n - 1, 0))
    points = [
        median,
        *({p.key: _typed(p, row[p.key]) for p in params} for _, row in best.iterrows()),
    ]
    return [Restart(i, v, loss=float("nan"), evaluations=0) for i, v in enumerate(points)]


def _typed(p: Param, value: Any) -> float | int:
    return int(round(float(value))) if p.type == "int" else float(value)


def fit_abc(problem: Problem, sim: Simulator) -> tuple[list[Restart], Posterior]:
    """ABC-SMC, then the candidates the final scoring chooses the fit from (with levels
    blocks: the levels of a Nelder-Mead fit held fixed, and that fit one more candidate;
    see the module docstring)."""
    first = blocks_fit(problem, sim)
    fixed = {k: v for k, v in first.values.items() if k.startswith("drivers.")} if first else {}
    if fixed:
        problem = dataclasses.replace(problem, base=with_values(problem.base, fixed))
    posterior = run_abc(problem, sim)
    points = candidates(problem, posterior, problem.settings.abc.candidates)
    for point in points:
        point.values.update(fixed)
    if first is not None:
        first.index = len(points)
        points.append(first)
    return points, posterior


def blocks_fit(problem: Problem, sim: Simulator) -> Restart | None:
    """With levels blocks, the fit of ``method: nelder-mead``'s first restart (every block
    of ``schedule``, seeds ``seed + 1000 + i``), whose levels ABC-SMC then holds fixed;
    None without levels blocks."""
    if not problem.settings.levels:
        return None
    return fit_restart(problem, sim, 0, start_values(problem))


__all__ = ["Model", "Posterior", "distance", "fit_abc", "run_abc"]
