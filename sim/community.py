"""The ``community=`` config group: which social graph the simulated people live on, and
optionally who they are.

A community file may declare its own segments (personas), ``segments: {name: {share: ...,
visit: ...}}`` with the fields of ``behaviour.segments.groups.<name>``
(``agents.segments.SegmentParams``). They replace the built-in personas of
``behaviour.segments.groups`` entirely, unless ``keep_builtin_segments: true`` adds them to
those (a segment of the same name then takes the community's values). ``sim.config`` checks
each segment's values and applies them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.params import MAX_PEOPLE, param
from sim.errors import ConfigError
from sim.graphs import (
    CompleteGraph,
    Graph,
    barabasi_albert,
    check_fits,
    holme_kim,
    karate,
    load_graph,
    ring_lattice,
    stochastic_block_model,
    watts_strogatz,
)
from sim.io import check_input_file

#: kind -> {key: (type, low, high)}; every key is required (the YAML gives defaults); the
#: memory check (``sim.workload``) bounds community.n further
KINDS: dict[str, dict[str, tuple[type, float | None, float | None]]] = {
    "complete": {"n": (int, 2, MAX_PEOPLE)},
    "ring": {"n": (int, 2, MAX_PEOPLE), "k": (int, 2, MAX_PEOPLE)},
    "ws": {"n": (int, 2, MAX_PEOPLE), "k": (int, 2, MAX_PEOPLE), "beta": (float, 0.0, 1.0)},
    "ba": {"n": (int, 2, MAX_PEOPLE), "m": (int, 1, MAX_PEOPLE)},
    "holme_kim": {"n": (int, 2, MAX_PEOPLE), "m": (int, 1, MAX_PEOPLE), "pt": (float, 0.0, 1.0)},
    "sbm": {
        "n": (int, 2, MAX_PEOPLE),
        "blocks": (list, None, None),
        "p_in": (float, 0.0, 1.0),
        "p_out": (float, 0.0, 1.0),
    },
    "karate": {},
    "file": {"path": (str, None, None), "format": (str, None, None)},
}

#: keys every kind takes: the community's own segments (checked by ``sim.config``)
SEGMENT_KEYS = ("segments", "keep_builtin_segments")


@dataclass(frozen=True)
class CommunitySpec:
    """A checked ``community`` section: the kind, its parameters, and the community's own
    segments, if it declares them (name -> ``SegmentParams`` values, checked by
    ``sim.config``)."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    segments: Mapping[str, Mapping[str, Any]] | None = None
    keep_builtin_segments: bool = param(
        False,
        unit="-",
        source="-",
        doc="with community.segments: keep the built-in personas of behaviour.segments.groups "
        "and add these (true), or use only these (false)",
    )

    @property
    def n(self) -> int:
        """Number of people (for a file: known only once loaded, 0 until then)."""
        if self.kind == "karate":
            return 34
        return int(self.params.get("n", 0))

    def expected_edges(self) -> int:
        """Expected undirected ties to store, for the memory check before building (none
        for the complete graph, whose ties stay implicit: ``sim.graphs.implicit``)."""
        p, n = self.params, self.n
        if self.kind == "complete":
            return 0
        if self.kind in ("ring", "ws"):
            return n * p["k"] // 2
        if self.kind in ("ba", "holme_kim"):
            return n * p["m"]
        if self.kind == "sbm":
            return int(n * n / 2 * max(p["p_in"], p["p_out"]))
        return 0


def parse_community(values: Mapping[str, Any] | None) -> CommunitySpec:
    """Check the ``community`` section (kind, required keys, ranges)."""
    values = dict(values or {})
    kind = values.pop("kind", None)
    if kind not in KINDS:
        raise ConfigError("community", kind, f"use one of: {', '.join(KINDS)}")
    spec = KINDS[kind]
    segments = _check_segments(values.pop("segments", None))
    keep = values.pop("keep_builtin_segments", False)
    if not isinstance(keep, bool):
        raise ConfigError("community.keep_builtin_segments", keep, "use true or false")
    for key in values:
        if key not in spec and key != "name":
            takes = [*spec, *SEGMENT_KEYS]
            raise ConfigError(
                f"community.{key}",
                values[key],
                f"unknown key for community={kind}; it takes: {', '.join(takes)}",
            )
    params = {k: _check(f"community.{k}", values.get(k), *spec[k]) for k in spec}
    if kind in ("ring", "ws") and params["k"] % 2:
        raise ConfigError("community.k", params["k"], "use an even number of neighbours")
    if kind in ("ring", "ws") and params["k"] >= params["n"]:
        raise ConfigError("community.k", params["k"], "use k < community.n")
    if kind in ("ba", "holme_kim") and params["m"] >= params["n"]:
        raise ConfigError("community.m", params["m"], "use m < community.n")
    if kind == "sbm":
        params["blocks"] = _check_blocks(params["blocks"], params["n"])
    if kind == "file":
        _check_path(params["path"])
    return CommunitySpec(kind=kind, params=params, segments=segments, keep_builtin_segments=keep)


def _check_segments(value: Any) -> dict[str, Mapping[str, Any]] | None:
    """``community.segments``: None or a mapping of segment name -> mapping of values."""
    if value is None or (isinstance(value, Mapping) and not value):
        return None
    fix = "give segment name -> its values, e.g. {regulars: {share: 0.3, visit: 1.4}}"
    if not isinstance(value, Mapping):
        raise ConfigError("community.segments", value, fix)
    for name, values in value.items():
        if not isinstance(values, Mapping):
            raise ConfigError(f"community.segments.{name}", values, fix)
    return {str(name): dict(values) for name, values in value.items()}


def _check(key: str, value: Any, typ: type, low: float | None, high: float | None) -> Any:
    if typ is str:
        if key == "community.format" and value is None:
            return None
        if not isinstance(value, str) or not value:
            raise ConfigError(
                key,
                value,
                "give a path to an edge list, GraphML or GEXF file"
                if key == "community.path"
                else "give a text value",
            )
        return value
    if typ is list:
        if not isinstance(value, list | tuple) or not value:
            raise ConfigError(key, value, "give a list of block shares, e.g. [0.5,0.3,0.2]")
        return list(value)
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and not _finite(value):
        raise ConfigError(key, value, "give a finite number")
    if typ is int and ok and float(value) != int(value):
        ok = False
    if not ok:
        what = "a whole number" if typ is int else "a number"
        raise ConfigError(key, value, f"give {what}")
    if (low is not None and value < low) or (high is not None and value > high):
        if key == "community.n" and value < 2:
            raise ConfigError(key, value, "a community needs at least 2 people")
        bounds = f"[{low}, {high:,}]" if high is not None else f">= {low}"
        what = "a probability" if (low, high) == (0.0, 1.0) else "a value"
        raise ConfigError(key, value, f"use {what} in {bounds}")
    return typ(value)


def _check_blocks(blocks: list, n: int) -> list[float]:
    """Positive, finite block shares, at most one block per person."""
    if len(blocks) > n:
        raise ConfigError(
            "community.blocks", blocks, f"give at most community.n ({n}) blocks, one per person"
        )
    shares = []
    for b in blocks:
        if isinstance(b, bool) or not isinstance(b, int | float) or not _finite(b) or b <= 0:
            raise ConfigError("community.blocks", blocks, "give positive, finite block shares")
        shares.append(float(b))
    total = sum(shares)
    if not math.isfinite(total) or min(shares) / total * n < 1:
        raise ConfigError(
            "community.blocks",
            blocks,
            f"give shares that leave every block at least one of the {n} people",
        )
    return shares


def _finite(value: float) -> bool:
    """Whether ``value`` is a finite number (an int beyond any float is not)."""
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def _check_path(path: str) -> None:
    """A graph file: a regular file of a sensible size (``sim.io.check_input_file``)."""
    check_input_file("community.path", path)


def build_community(spec: CommunitySpec, rng: np.random.Generator) -> Graph:
    """Build (or load) the social graph, refusing one too large for this machine first.

    ``community=complete`` gives the implicit :class:`~sim.graphs.CompleteGraph` (O(n)
    memory: no tie stored), every other kind a CSR ``SocialGraph``.
    """
    p = spec.params
    if spec.kind == "file":
        return load_graph(Path(p["path"]).expanduser(), fmt=p.get("format"))
    key = "community.n"
    check_fits(key, spec.n, spec.expected_edges())
    if spec.kind == "complete":
        return CompleteGraph(p["n"])
    if spec.kind == "ring":
        return ring_lattice(p["n"], p["k"])
    if spec.kind == "ws":
        return watts_strogatz(p["n"], p["k"], p["beta"], rng)
    if spec.kind == "ba":
        return barabasi_albert(p["n"], p["m"], rng)
    if spec.kind == "holme_kim":
        return holme_kim(p["n"], p["m"], p["pt"], rng)
    if spec.kind == "sbm":
        total = sum(p["blocks"])
        sizes = _block_sizes(p["n"], [b / total for b in p["blocks"]])
        return stochastic_block_model(sizes, p["p_in"], p["p_out"], rng)
    return karate()


def _block_sizes(n: int, shares: list[float]) -> list[int]:
    sizes = [int(np.floor(n * s)) for s in shares]
    sizes[0] += n - sum(sizes)
    return sizes
