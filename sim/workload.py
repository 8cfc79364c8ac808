"""Refuse, before day 1, a run this machine cannot finish: too much memory or too much time.

The estimate is made from the checked settings alone (community size and ties, days,
topics), so ``sim.config.parse_config`` can refuse a run before anything is allocated. The
memory of the graph and the population is the graph builder's own estimate
(:func:`sim.graphs.memory.check_fits`; the implicit complete graph stores no tie, so its
``n_edges`` is 0 and it costs the population alone, O(n)); this module adds what grows
with the topics (an interest per person and topic) and with the days (the per-day
multipliers and the metrics table), and a lower bound of the running time. Both constants
are lower bounds, so a run refused here could not have finished; a run let through may
still be slow.
"""

from __future__ import annotations

from sim.errors import ConfigError
from sim.graphs.csr import estimate_graph_bytes
from sim.graphs.memory import BYTES_PER_PERSON, USABLE_SHARE, available_memory_bytes

#: bytes per person and topic: the float32 interests plus the float64 draw they come from
BYTES_PER_INTEREST = 12
#: bytes per simulated day: the drivers' multipliers and a row of the metrics table
BYTES_PER_DAY = 1_000
#: seconds a simulated day takes at least, whatever the community (measured: about 0.5 ms)
SECONDS_PER_DAY = 2e-4
#: seconds a person-day takes at least (measured: 0.05 to 0.4 microseconds)
SECONDS_PER_PERSON_DAY = 2e-8
#: the longest run refused up front: a week of computing
MAX_SECONDS = 7 * 86_400.0

_GB = 1e9


def memory_parts(n: int, n_edges: int, days: int, topics: int) -> dict[str, int]:
    """Estimated bytes of a run, by the config key that makes them grow."""
    return {
        "community.n": estimate_graph_bytes(n, n_edges) + n * BYTES_PER_PERSON,
        "behaviour.content.topics": n * topics * BYTES_PER_INTEREST,
        "days": (days + 1) * BYTES_PER_DAY,
    }


def estimate_seconds(n: int, days: int) -> float:
    """A lower bound of a run's time on this machine, in seconds."""
    return days * (SECONDS_PER_DAY + n * SECONDS_PER_PERSON_DAY)


def check_workload(n: int, n_edges: int, days: int, topics: int) -> None:
    """Refuse a run whose memory or time cannot be had, naming the key that weighs most.

    Args:
        n: people in the community (0 when not known yet: a community file).
        n_edges: expected undirected ties.
        days: simulated days.
        topics: ``behaviour.content.topics``.

    Raises:
        ConfigError: naming ``community.n``, ``behaviour.content.topics`` or ``days``, the
            value, the estimate and what to lower.
    """
    values = {"community.n": n, "behaviour.content.topics": topics, "days": days}
    parts = memory_parts(n, n_edges, days, topics)
    need = sum(parts.values())
    available = available_memory_bytes()
    if available and need > USABLE_SHARE * available:
        key = max(parts, key=lambda k: parts[k])
        raise ConfigError(
            key,
            values[key],
            f"{n:,} people, {days:,} days and {topics:,} topics need about "
            f"{need / _GB:.1f} GB, this machine has {available / _GB:.1f} GB available; "
            f"use a smaller {key}",
        )
    seconds = estimate_seconds(n, days)
    if seconds > MAX_SECONDS:
        key = (
            "days" if days * SECONDS_PER_DAY >= days * n * SECONDS_PER_PERSON_DAY else "community.n"
        )
        raise ConfigError(
            key,
            values[key],
            f"{n:,} people over {days:,} days take at least {seconds / 86_400:.0f} days to "
            f"compute on this machine; use fewer days or a smaller community.n",
        )
