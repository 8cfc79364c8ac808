"""``commsim validate [CHECK...] [n=N] [seeds=R|[s1,s2,...]] [alpha=A]``: reproduce known
published results, each judged by a statistical test against its sampling error.

Every check runs the model over several seeds (replications) and tests what it simulates
against what the literature says, with SciPy's tests:

- ``bass``: Bass (1969) on a complete graph. The target is deterministic: the exact mean
  of the finite-N agent-based Bass chain, computed from its distribution
  (:func:`bass_chain`); the Bass recursion is its limit for N to infinity and lies above
  it by O(1/N) (printed beside it). A two-sided one-sample t-test of the replications'
  mean adoption over the days (the area under the curve per day) against it.
- ``fibich_gibori``: Fibich & Gibori (2010): ring lattice < small world < complete graph
  in mean adoption over the days; two one-sided Welch t-tests, both must reject "no
  greater" (an intersection-union test: its level is alpha).
- ``kempe``: Kempe, Kleinberg & Tardos (2003), independent cascade: high-degree seeds
  reach more people than random ones; one-sided Welch t-test.
- ``centola``: Centola (2010), threshold of two: a ring lattice spreads further than a
  random graph of the same degree; one-sided Welch t-test.
- ``simple_contagion``: Centola (2010), simple contagion: a random graph spreads as far
  or further; it fails only when the one-sided Welch t-test finds the ring lattice
  significantly further.

Options (``key=value``): ``n`` people in every check's community (default: each check's
own, 1000 or 2000), ``seeds`` the replications (a number R for seeds 0..R-1, or a list;
at least 2; default: each check's own, 6 to 16), ``alpha`` the significance level (default
0.01). Names of checks run only those. Each check prints the expected value or ordering,
the simulated means with their standard errors, the test statistic, its p-value and
PASS or FAIL at ``alpha``. Exit code 0 when every check passes, 1 when one fails, 2 for a
bad option. ``tests/validation`` asserts the same checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import yaml
from scipy import special, stats

from experiments.i18n import translator
from sim.errors import ConfigError
from sim.runner import compose, run_config

#: the significance level of ``commsim validate`` without ``alpha=``
ALPHA = 0.01
#: adoption only (no visits, no churn) from nobody at day 0: the Bass and Fibich-Gibori checks
DIFFUSION = ["behaviour=diffusion", "initial_members=0"]
#: the bounds of ``n`` (a check needs room for its seeds and lattice; memory is checked too)
N_RANGE = (100, 1_000_000)
#: the most replications one check may run
MAX_SEEDS = 10_000


@dataclass
class Check:
    """One known result: what was expected, what commsim simulated, the test, the verdict."""

    name: str
    source: str
    expected: str
    simulated: str
    passed: bool
    test: str = ""
    statistic: float = float("nan")
    p_value: float = float("nan")


@dataclass(frozen=True)
class Settings:
    """The options of one ``commsim validate``: None means each check's own default."""

    n: int | None = None
    seeds: tuple[int, ...] | None = None
    alpha: float = ALPHA

    def size(self, default: int) -> int:
        """The community size of a check whose own default is ``default``."""
        return default if self.n is None else self.n

    def reps(self, default: int) -> tuple[int, ...]:
        """The seeds of a check whose own default is ``default`` replications."""
        return tuple(range(default)) if self.seeds is None else self.seeds


def adoption_curves(overrides: Sequence[str], seeds: Sequence[int]) -> np.ndarray:
    """Share of people who have joined, per day (rows: seeds, columns: days 0..T).

    The config is composed and checked once; each replication changes only its seed.
    """
    cfg = compose([*overrides, "run.progress=off", "run.handles=off"])
    curves = []
    for seed in seeds:
        cfg.seed = int(seed)
        result = run_config(cfg)
        curves.append(result.metrics["joined_total"].to_numpy() / result.summary["n_people"])
    return np.array(curves)


def bass_recursion(p: float, q: float, days: int, f0: float = 0.0) -> np.ndarray:
    """The discrete Bass curve ``F[t+1] = F[t] + (p + q F[t]) (1 - F[t])``, days 0..T."""
    f = np.empty(days + 1)
    f[0] = f0
    for t in range(days):
        f[t + 1] = f[t] + (p + q * f[t]) * (1 - f[t])
    return f


def bass_chain(n: int, p: float, q: float, days: int, tail: float = 1e-12) -> np.ndarray:
    """The exact mean adoption share per day (days 0..T) of the agent-based Bass model on
    a complete graph of ``n`` people, none a member on day 0.

    Each day every prospect joins with chance ``p + q M / (n - 1)`` (M members, each
    prospect's n - 1 neighbours), so ``M[t+1] = M[t] + Binomial(n - M[t], p + q M[t]/(n-1))``:
    a Markov chain whose distribution is carried forward exactly, day by day (states of
    probability below ``tail`` are dropped and the rest renormalised; binomial terms
    beyond 8 standard deviations are below 1e-15). Its mean is the deterministic target
    of the simulated mean; the recursion :func:`bass_recursion` is its limit for large n.
    """
    dist = np.zeros(n + 1)
    dist[0] = 1.0
    share = np.arange(n + 1) / n
    log_factorial = special.gammaln(np.arange(n + 1) + 1.0)
    mean = np.zeros(days + 1)
    for t in range(days):
        kept = np.nonzero(dist > tail)[0]
        members = np.arange(kept[0], kept[-1] + 1)
        trials = n - members
        prob = np.minimum(p + q * members / (n - 1), 1.0)
        mu = trials * prob
        half = int(np.ceil(8 * np.sqrt((mu * (1 - prob)).max()))) + 2
        joins = np.maximum(np.floor(mu).astype(int) - half, 0)[:, None] + np.arange(2 * half + 1)
        valid = joins <= trials[:, None]
        joins = np.minimum(joins, trials[:, None])
        rest = trials[:, None] - joins
        log_pmf = (
            log_factorial[trials][:, None]
            - log_factorial[joins]
            - log_factorial[rest]
            + special.xlogy(joins, prob[:, None])
            + special.xlog1py(rest, -prob[:, None])
        )
        weight = np.where(valid, np.exp(log_pmf), 0.0) * dist[members][:, None]
        grown = np.bincount(
            (members[:, None] + joins).ravel(), weights=weight.ravel(), minlength=n + 1
        )
        dist = grown / grown.sum()
        mean[t + 1] = dist @ share
    return mean


def _se(x: np.ndarray) -> float:
    return float(np.std(x, ddof=1) / np.sqrt(len(x)))


def _p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def one_sample(x: np.ndarray, target: float) -> tuple[float, float]:
    """Two-sided one-sample t-test of mean(x) = target: (t, p). Without sampling variation
    the mean is exact: p is 1 when it equals the target, else 0."""
    if _se(x) == 0:
        same = bool(np.isclose(x.mean(), target, rtol=0, atol=1e-12))
        return (0.0, 1.0) if same else (float(np.sign(x.mean() - target) * np.inf), 0.0)
    result = stats.ttest_1samp(x, target)
    return float(result.statistic), float(result.pvalue)


def greater(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """One-sided Welch t-test of mean(a) > mean(b): (t, p). Without sampling variation in
    either, the difference is exact: p is 0 when a's mean is larger, else 1."""
    if _se(a) == 0 and _se(b) == 0:
        diff = a.mean() - b.mean()
        return (float(np.sign(diff) * np.inf), 0.0) if diff > 0 else (0.0, 1.0)
    result = stats.ttest_ind(a, b, equal_var=False, alternative="greater")
    return float(result.statistic), float(result.pvalue)


def _mean_se(x: np.ndarray, scale: float = 1.0, digits: int = 3) -> str:
    return f"{x.mean() * scale:.{digits}f} ± {_se(x) * scale:.{digits}f}"


def _verdict(passed: bool, alpha: float) -> str:
    return f"{'PASS' if passed else 'FAIL'} at alpha = {alpha:g}"


def check_bass(settings: Settings = Settings()) -> Check:
    """Bass (1969): on a complete graph, mean adoption is that of the agent-based Bass chain."""
    p, q, days = 0.01, 0.3, 40
    n, seeds = settings.size(1000), settings.reps(8)
    curves = adoption_curves(
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
    )
    per_rep = curves[:, 1:].mean(axis=1)
    exact = float(bass_chain(n, p, q, days)[1:].mean())
    limit = float(bass_recursion(p, q, days)[1:].mean())
    t, pv = one_sample(per_rep, exact)
    passed = pv >= settings.alpha
    return Check(
        "Bass curve on a complete graph",
        "Bass 1969",
        f"mean adoption over days 1-{days}: {exact:.4f} (exact for N={n}; the Bass "
        f"recursion, N -> infinity: {limit:.4f})",
        f"{_mean_se(per_rep, digits=4)} (SE, {len(seeds)} replications)",
        passed,
        f"one-sample t = {t:.2f} (df {len(seeds) - 1}), two-sided p {_p_text(pv)}: "
        + _verdict(passed, settings.alpha),
        t,
        pv,
    )


def check_fibich_gibori(settings: Settings = Settings()) -> Check:
    """Fibich & Gibori (2010): ring lattice < small world < complete graph."""
    n, seeds = settings.size(1000), settings.reps(6)
    base = [
        *DIFFUSION,
        "days=60",
        "acquisition.rule=bass",
        "acquisition.p=0.005",
        "acquisition.q=0.2",
        f"community.n={n}",
    ]
    ring, ws, full = (
        adoption_curves([*base, *graph], seeds)[:, 1:].mean(axis=1)
        for graph in (
            ["community=ring", "community.k=4"],
            ["community=ws", "community.k=4", "community.beta=0.2"],
            ["community=complete"],
        )
    )
    (t1, p1), (t2, p2) = greater(ws, ring), greater(full, ws)
    passed = max(p1, p2) < settings.alpha
    return Check(
        "Ring < small world < complete",
        "Fibich & Gibori 2010",
        "mean adoption over days 1-60: ring lattice < small world < complete graph",
        f"{_mean_se(ring)} < {_mean_se(ws)} < {_mean_se(full)} (SE, {len(seeds)} replications)",
        passed,
        f"one-sided Welch t: small world > ring t = {t1:.2f}, p {_p_text(p1)}; complete > "
        f"small world t = {t2:.2f}, p {_p_text(p2)}; both below alpha: "
        + _verdict(passed, settings.alpha),
        min(t1, t2),
        max(p1, p2),
    )


def _reach(overrides: Sequence[str], seeds: Sequence[int]) -> np.ndarray:
    """Share of people reached by the end, per replication."""
    return adoption_curves(overrides, seeds)[:, -1]


def _ordering(
    names: tuple[str, str],
    claim: tuple[str, str, str],
    a: np.ndarray,
    b: np.ndarray,
    settings: Settings,
    scale: float = 1.0,
    unit: str = "of people",
) -> Check:
    """A claim that ``a`` reaches further than ``b``: passes when the one-sided test rejects."""
    t, pv = greater(a, b)
    passed = pv < settings.alpha
    digits = 0 if scale > 1 else 3
    return Check(
        *names,
        claim[0],
        f"{claim[1]} {_mean_se(a, scale, digits)} vs {claim[2]} {_mean_se(b, scale, digits)} "
        f"{unit} (SE, {len(a)} replications)",
        passed,
        f"one-sided Welch t = {t:.2f}, p {_p_text(pv)}: " + _verdict(passed, settings.alpha),
        t,
        pv,
    )


def check_kempe(settings: Settings = Settings()) -> Check:
    """Kempe, Kleinberg & Tardos (2003): high-degree seeds reach more than random ones."""
    n, seeds = settings.size(2000), settings.reps(8)
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
    degree = _reach([*base, "initial_placement=degree"], seeds)
    random_ = _reach([*base, "initial_placement=random"], seeds)
    return _ordering(
        ("Degree seeding beats random seeding (cascade)", "Kempe et al. 2003"),
        ("reach(degree) > reach(random)", "degree", "random"),
        degree,
        random_,
        settings,
        scale=n,
        unit="people",
    )


def _lattice_or_random(base: list[str], seeds: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
    """Reach on the ring lattice (beta 0) and on the random graph of the same degree."""
    return _reach([*base, "community.beta=0"], seeds), _reach([*base, "community.beta=1"], seeds)


def check_centola(settings: Settings = Settings()) -> Check:
    """Centola (2010): complex contagion spreads further on clustered than random graphs.

    15 random seeds start a spread on the ring lattice in about two replications of three
    (when two of them fall within one person's neighbourhood), never a lasting one on the
    random graph; 16 replications make the difference of means clear whatever the seeds.
    """
    n, seeds = settings.size(1000), settings.reps(16)
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
        "initial_members=15",
    ]
    clustered, random_ = _lattice_or_random(base, seeds)
    return _ordering(
        ("Clustered beats random at threshold 2", "Centola 2010"),
        ("reach(ring lattice) > reach(random graph, same degree)", "clustered", "random"),
        clustered,
        random_,
        settings,
    )


def check_simple_contagion(settings: Settings = Settings()) -> Check:
    """Centola (2010): under simple contagion, random graphs do as well or better."""
    n, seeds = settings.size(1000), settings.reps(8)
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
    clustered, random_ = _lattice_or_random(base, seeds)
    t, pv = greater(clustered, random_)
    passed = pv >= settings.alpha
    return Check(
        "Random >= clustered under simple contagion",
        "Centola 2010",
        "reach(random) >= reach(ring lattice)",
        f"random {_mean_se(random_)} vs clustered {_mean_se(clustered)} of people "
        f"(SE, {len(seeds)} replications)",
        passed,
        f"one-sided Welch t of clustered > random = {t:.2f}, p {_p_text(pv)} (fails only "
        "below alpha): " + _verdict(passed, settings.alpha),
        t,
        pv,
    )


CHECKS: dict[str, Callable[[Settings], Check]] = {
    "bass": check_bass,
    "fibich_gibori": check_fibich_gibori,
    "kempe": check_kempe,
    "centola": check_centola,
    "simple_contagion": check_simple_contagion,
}


def format_checks(checks: Sequence[Check]) -> str:
    """A readable table of checks, then how many passed."""
    _ = translator(None)
    lines = []
    for c in checks:
        mark = "PASS" if c.passed else "FAIL"
        lines.append(f"[{mark}] {c.name} ({c.source})")
        lines.append("       " + _("expected:  {what}", what=c.expected))
        lines.append("       " + _("simulated: {what}", what=c.simulated))
        if c.test:
            lines.append("       " + _("test:      {what}", what=c.test))
    passed = sum(c.passed for c in checks)
    lines.append(_("{passed} passed, {failed} failed", passed=passed, failed=len(checks) - passed))
    return "\n".join(lines)


def _value(key: str, text: str, fix: str) -> object:
    """A value as YAML reads it (``[0,1]``, ``5``), a number in any Python spelling
    (``1e-3``, which YAML 1.1 reads as text)."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        raise ConfigError(key, text, fix) from None
    if isinstance(value, str):
        try:
            return float(value) if key == "alpha" else int(value)
        except ValueError:
            return value
    return value


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_args(args: Sequence[str]) -> tuple[list[str], Settings]:
    """The checks named in ``args`` (all when none) and the options ``n``, ``seeds``,
    ``alpha``.

    Raises:
        ConfigError: naming the key (or the check) and the value, with the fix.
    """
    names: list[str] = []
    given: dict[str, object] = {}
    for arg in args:
        key, sep, text = arg.partition("=")
        if not sep:
            if arg not in CHECKS:
                raise ConfigError(
                    "validate",
                    arg,
                    f"name a check ({', '.join(CHECKS)}) or give n=, seeds=, alpha=",
                )
            names.append(arg)
            continue
        fixes = {
            "n": f"give a whole number of people from {N_RANGE[0]:,} to {N_RANGE[1]:,}: n=2000",
            "seeds": "give a number of replications (at least 2: seeds=5) or a list of "
            "different seeds >= 0: seeds=[0,1,2]",
            "alpha": "give a significance level above 0 and at most 0.5: alpha=0.01",
        }
        if key not in fixes:
            raise ConfigError(key, text, "use n=, seeds= or alpha= (commsim validate --help)")
        value = _value(key, text, fixes[key])
        given[key] = value
        if key == "n" and not (_whole(value) and N_RANGE[0] <= value <= N_RANGE[1]):  # type: ignore[operator]
            raise ConfigError(key, text, fixes[key])
        if key == "alpha" and not (
            isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= 0.5
        ):
            raise ConfigError(key, text, fixes[key])
        if key == "seeds":
            given[key] = _seeds(value, text, fixes[key])
    return names or list(CHECKS), Settings(
        n=given.get("n"),  # type: ignore[arg-type]
        seeds=given.get("seeds"),  # type: ignore[arg-type]
        alpha=float(given.get("alpha", ALPHA)),  # type: ignore[arg-type]
    )


def _seeds(value: object, text: str, fix: str) -> tuple[int, ...]:
    if _whole(value):
        seeds = tuple(range(int(value)))  # type: ignore[call-overload]
    elif isinstance(value, list) and all(_whole(s) and s >= 0 for s in value):
        seeds = tuple(value)
    else:
        raise ConfigError("seeds", text, fix)
    if len(seeds) < 2 or len(set(seeds)) != len(seeds) or len(seeds) > MAX_SEEDS:
        raise ConfigError("seeds", text, f"{fix}; at most {MAX_SEEDS:,}")
    return seeds


def main(args: Sequence[str] = ()) -> int:
    """Run every check (or those named in ``args``); exit 0 when all pass, 1 otherwise."""
    names, settings = parse_args(args)
    checks = []
    for name in names:
        check = CHECKS[name](settings)
        print(format_checks([check]).rsplit("\n", 1)[0], flush=True)
        checks.append(check)
    print(format_checks(checks).rsplit("\n", 1)[1])
    return 0 if all(c.passed for c in checks) else 1
