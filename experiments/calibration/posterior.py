"""The posterior sample of a calibration: ``posterior.parquet``, its summaries and its draws.

``commsim calibrate ... calibration.method=abc`` writes the last ABC-SMC population into
the run folder as ``posterior.parquet``: one row per particle, one column per fitted key
(in the parameter's own units), ``weight`` (importance weights, summing to 1) and
``loss`` (the particle's calibration loss, its ABC distance). ``calibration.json`` sums it
up per parameter (:func:`summarise`: weighted median and 5% and 95% quantiles), and
``commsim compare from=DIR posterior=on`` draws one particle per replication
(:func:`draw`), with the replication's seed, so every playbook of a replication gets the
same parameters (common random numbers) and the same command gives the same draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.errors import ConfigError
from sim.io import write_parquet

if TYPE_CHECKING:
    from experiments.calibration.abc import Posterior

FILE = "posterior.parquet"
#: the columns of ``posterior.parquet`` that are not fitted keys
META = ("weight", "loss")
QUANTILES = {"q05": 0.05, "median": 0.5, "q95": 0.95}


def posterior_frame(
    values: Sequence[Mapping[str, Any]], weights: Sequence[float], losses: Sequence[float]
) -> pd.DataFrame:
    """One row per particle: its values, its normalised weight and its loss.

    Raises:
        ValueError: when there are no particles or the weights do not sum to a positive number.
    """
    w = np.asarray(weights, dtype=float)
    if len(values) == 0 or not np.isfinite(w).all() or w.sum() <= 0:
        raise ValueError("a posterior sample needs particles with positive weights")
    frame = pd.DataFrame([dict(v) for v in values])
    frame["weight"] = w / w.sum()
    frame["loss"] = np.asarray(losses, dtype=float)
    return frame


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The ``q`` quantile of ``x`` under weights ``w`` (the inverse of the weighted CDF,
    interpolated between the midpoints of each value's weight)."""
    order = np.argsort(x, kind="stable")
    xs, ws = np.asarray(x, dtype=float)[order], np.asarray(w, dtype=float)[order]
    cdf = (np.cumsum(ws) - 0.5 * ws) / ws.sum()
    return float(np.interp(q, cdf, xs))


def summarise(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per fitted key: weighted ``median``, ``q05``, ``q95``, ``mean`` and ``sd``."""
    w = frame["weight"].to_numpy(dtype=float)
    out = {}
    for key in keys(frame):
        x = frame[key].to_numpy(dtype=float)
        mean = float(np.sum(w * x) / w.sum())
        row = {name: weighted_quantile(x, w, q) for name, q in QUANTILES.items()}
        row.update(mean=mean, sd=float(np.sqrt(np.sum(w * (x - mean) ** 2) / w.sum())))
        out[key] = row
    return out


def effective_size(frame: pd.DataFrame) -> float:
    """Kish's effective sample size of the weights, ``1 / sum(w^2)`` (w summing to 1)."""
    w = frame["weight"].to_numpy(dtype=float)
    w = w / w.sum()
    return float(1.0 / np.sum(w**2))


def keys(frame: pd.DataFrame) -> list[str]:
    """The fitted keys of a posterior sample (every column but ``weight`` and ``loss``)."""
    return [c for c in frame.columns if c not in META]


def draw(frame: pd.DataFrame, seed: int) -> dict[str, Any]:
    """One particle, drawn by weight with ``numpy.random.default_rng(seed)``: its values
    (Python numbers; whole-number columns such as ``community.n`` stay whole)."""
    w = frame["weight"].to_numpy(dtype=float)
    i = int(np.random.default_rng(seed).choice(len(frame), p=w / w.sum()))
    return {k: _plain(frame[k].iloc[i]) for k in keys(frame)}


def _plain(value: Any) -> Any:
    return value.item() if isinstance(value, np.generic) else value


def write_posterior(folder: Path, frame: pd.DataFrame) -> Path:
    """Write ``posterior.parquet`` into ``folder`` atomically."""
    return write_parquet(Path(folder) / FILE, frame)


def read_posterior(path: Path, key: str = "posterior") -> pd.DataFrame:
    """Read and check a posterior sample.

    Raises:
        ConfigError: on ``key`` when the file is missing or is not a posterior sample.
    """
    fix = "calibrate with calibration.method=abc, which writes posterior.parquet"
    if not Path(path).is_file():
        raise ConfigError(key, str(path), f"no posterior sample there; {fix}")
    frame = pd.read_parquet(path)
    w = frame.get("weight")
    if w is None or not keys(frame) or len(frame) == 0 or not (w >= 0).all() or w.sum() <= 0:
        raise ConfigError(
            key, str(path), f"not a posterior sample (no particles or weights); {fix}"
        )
    return frame


def add_posterior(report: dict[str, Any], out_dir: Path, posterior: Posterior | None) -> None:
    """Write ``posterior.parquet`` and add the intervals to the report (``method: abc``)."""
    report["method"] = "abc" if posterior else "nelder-mead"
    if posterior is None:
        report["posterior"] = None
        return
    write_posterior(out_dir, posterior.frame)
    summary = summarise(posterior.frame)
    for key, row in summary.items():
        report["parameters"][key].update(row)
    report["posterior"] = {
        "file": FILE,
        "particles": len(posterior.frame),
        "effective_size": round(effective_size(posterior.frame), 1),
        "generations": posterior.generations,
        "epsilons": posterior.epsilons,
        "final_epsilon": next((e for e in reversed(posterior.epsilons) if e is not None), None),
        "simulations": posterior.simulations,
        "parameters": summary,
    }


def format_posterior(report: dict[str, Any]) -> str:
    """The posterior's intervals, printed after the report (``method: abc``)."""
    post = report["posterior"]
    lines = [
        f"posterior (ABC-SMC): {post['particles']} particles (effective {post['effective_size']}),"
        f" {post['generations']} generations, final epsilon {post['final_epsilon']}; "
        f"written as {post['file']}",
        f"{'parameter':<38} {'median':>12} {'5%':>12} {'95%':>12}",
    ]
    for key, row in post["parameters"].items():
        lines.append(f"{key:<38} {row['median']:>12.4g} {row['q05']:>12.4g} {row['q95']:>12.4g}")
    return "\n".join(lines)


__all__ = [
    "FILE",
    "add_posterior",
    "draw",
    "effective_size",
    "format_posterior",
    "posterior_frame",
    "read_posterior",
    "summarise",
    "weighted_quantile",
    "write_posterior",
]
