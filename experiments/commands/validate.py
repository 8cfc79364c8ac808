"""``commsim validate``: reproduce known published results on small settings.

Each check runs the model over several seeds and compares what it simulates with what
the literature says; ``commsim validate`` prints expected vs simulated with pass/fail,
and ``tests/validation`` asserts the same checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from sim.runner import run


@dataclass
class Check:
    """One known result: what was expected, what commsim simulated, and whether they agree."""

    name: str
    source: str
    expected: str
    simulated: str
    passed: bool


def adoption_curves(overrides: Sequence[str], seeds: Sequence[int]) -> np.ndarray:
    """Share of people who have joined, per day (rows: seeds, columns: days 0..T)."""
    curves = []
    for seed in seeds:
        result = run([*overrides, f"seed={seed}", "run.progress=off", "run.handles=off"])
        curves.append(result.metrics["joined_total"].to_numpy() / result.summary["n_people"])
    return np.array(curves)


def bass_recursion(p: float, q: float, days: int, f0: float = 0.0) -> np.ndarray:
    """The discrete Bass curve ``F[t+1] = F[t] + (p + q F[t]) (1 - F[t])``, days 0..T."""
    f = np.empty(days + 1)
    f[0] = f0
    for t in range(days):
        f[t + 1] = f[t] + (p + q * f[t]) * (1 - f[t])
    return f


DIFFUSION = ["behaviour=diffusion", "initial_members=0"]


def check_bass(seeds: Sequence[int] = range(8), n: int = 1000, tol: float = 0.03) -> Check:
    """Bass (1969): on a complete graph, mean adoption follows the Bass recursion."""
    p, q, days = 0.01, 0.3, 40
    sim = adoption_curves(
        [
            *DIFFUSION,
            "community=complete",
            f"community.n={n}",
            f"days={days}",
            "acquisition.rule=bass",
            f"acquisition.p={p}",
            f"acquisition.q={q}",
        ],
        seeds,
    ).mean(axis=0)
    expected = bass_recursion(p, q, days)
    err = float(np.max(np.abs(sim - expected)))
    return Check(
        "Bass curve on a complete graph",
        "Bass 1969",
        f"max |mean F - Bass F| <= {tol}",
        f"max error {err:.4f} (F[20]: {sim[20]:.3f} vs {expected[20]:.3f})",
        err <= tol,
    )


def check_fibich_gibori(seeds: Sequence[int] = range(6), n: int = 1000, tol: float = 0.01) -> Check:
    """Fibich & Gibori (2010): ring lattice <= small world <= complete graph."""
    base = [
        *DIFFUSION,
        "days=60",
        "acquisition.rule=bass",
        "acquisition.p=0.005",
        "acquisition.q=0.2",
        f"community.n={n}",
    ]
    ring = adoption_curves([*base, "community=ring", "community.k=4"], seeds).mean(axis=0)
    ws = adoption_curves(
        [*base, "community=ws", "community.k=4", "community.beta=0.2"], seeds
    ).mean(axis=0)
    full = adoption_curves([*base, "community=complete"], seeds).mean(axis=0)
    ok = bool(np.all(ring <= ws + tol) and np.all(ws <= full + tol))
    t = 30
    return Check(
        "Ring <= small world <= complete",
        "Fibich & Gibori 2010",
        "ring <= ws <= complete on every day",
        f"day {t}: {ring[t]:.3f} <= {ws[t]:.3f} <= {full[t]:.3f}",
        ok,
    )


def check_kempe(seeds: Sequence[int] = range(8), n: int = 2000) -> Check:
    """Kempe, Kleinberg & Tardos (2003): high-degree seeds reach more than random ones."""
    base = [
        "behaviour=diffusion",
        "days=30",
        "acquisition.rule=cascade",
        "acquisition.p=0",
        "acquisition.w=0.08",
        "community=ba",
        f"community.n={n}",
        "community.m=3",
        "initial_members=10",
    ]
    deg = adoption_curves([*base, "initial_placement=degree"], seeds)[:, -1].mean()
    rnd = adoption_curves([*base, "initial_placement=random"], seeds)[:, -1].mean()
    return Check(
        "Degree seeding beats random seeding (cascade)",
        "Kempe et al. 2003",
        "reach(degree) > reach(random)",
        f"degree {deg * n:.0f} vs random {rnd * n:.0f} people",
        bool(deg > rnd),
    )


def check_centola(seeds: Sequence[int] = range(8), n: int = 1000) -> Check:
    """Centola (2010): complex contagion spreads further on clustered than random graphs."""
    base = [
        "behaviour=diffusion",
        "days=120",
        "acquisition.rule=threshold",
        "acquisition.p=0",
        "acquisition.threshold=2",
        "acquisition.threshold_kind=count",
        f"community.n={n}",
        "community=ws",
        "community.k=6",
        "initial_members=8",
    ]
    clustered = adoption_curves([*base, "community.beta=0"], seeds)[:, -1].mean()
    random_ = adoption_curves([*base, "community.beta=1"], seeds)[:, -1].mean()
    return Check(
        "Clustered beats random at threshold 2",
        "Centola 2010",
        "reach(ring lattice) > reach(random graph, same degree)",
        f"clustered {clustered:.3f} vs random {random_:.3f} of people",
        bool(clustered > random_),
    )


def check_simple_contagion(seeds: Sequence[int] = range(8), n: int = 1000) -> Check:
    """Centola (2010): under simple contagion, random graphs do as well or better."""
    base = [
        "behaviour=diffusion",
        "days=25",
        "acquisition.rule=cascade",
        "acquisition.p=0",
        "acquisition.w=0.3",
        f"community.n={n}",
        "community=ws",
        "community.k=6",
        "initial_members=8",
    ]
    clustered = adoption_curves([*base, "community.beta=0"], seeds)[:, -1].mean()
    random_ = adoption_curves([*base, "community.beta=1"], seeds)[:, -1].mean()
    return Check(
        "Random >= clustered under simple contagion",
        "Centola 2010",
        "reach(random) >= reach(ring lattice)",
        f"random {random_:.3f} vs clustered {clustered:.3f} of people",
        bool(random_ >= clustered),
    )


CHECKS: dict[str, Callable[[], Check]] = {
    "bass": check_bass,
    "fibich_gibori": check_fibich_gibori,
    "kempe": check_kempe,
    "centola": check_centola,
    "simple_contagion": check_simple_contagion,
}


def format_checks(checks: Sequence[Check]) -> str:
    """A readable table of checks."""
    lines = []
    for c in checks:
        mark = "PASS" if c.passed else "FAIL"
        lines.append(f"[{mark}] {c.name} ({c.source})")
        lines.append(f"       expected:  {c.expected}")
        lines.append(f"       simulated: {c.simulated}")
    passed = sum(c.passed for c in checks)
    lines.append(f"{passed} passed, {len(checks) - passed} failed")
    return "\n".join(lines)


def main(args: Sequence[str] = ()) -> int:
    """Run every check (or those named in ``args``); exit 0 when all pass, 1 otherwise."""
    from sim.errors import ConfigError

    names = list(args) or list(CHECKS)
    for name in names:
        if name not in CHECKS:
            raise ConfigError("validate", name, f"use one of: {', '.join(CHECKS)}")
    checks = []
    for name in names:
        check = CHECKS[name]()
        print(format_checks([check]).rsplit("\n", 1)[0], flush=True)
        checks.append(check)
    print(format_checks(checks).rsplit("\n", 1)[1])
    return 0 if all(c.passed for c in checks) else 1
