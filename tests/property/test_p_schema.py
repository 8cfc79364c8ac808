"""Every key of the schema, any value: a valid model or a ConfigError naming that key.

The keys are enumerated from the single schema (``configs.schema``: every section's and
every strategy's declared parameters, the event and segment fields, each community kind's
keys from ``sim.community.KINDS``, and the top-level keys), never listed by hand. Each
value (numbers, NaN, infinities, huge and negative numbers, booleans, text with any
unicode, lists, mappings, null) is put into a small configuration (50 people, one day).
Checking it, then building the model and running one day, must either succeed or raise
``ConfigError`` whose key is that key (or a key under it) or whose message names it (a
bound set by another key, such as ``focus_topics`` by ``topics``). Any other exception,
or a case that takes longer than :data:`LIMIT` seconds, fails.

``COMMSIM_PROPERTY_EXAMPLES`` sets the generated examples per key (default 8).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import math
import os
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.segments import SegmentParams
from configs.schema import sim_nodes, strategy_node
from sim.community import KINDS, SEGMENT_KEYS
from sim.errors import ConfigError
from sim.model import CommunityModel
from sim.runner import compose, prepare, to_plain
from strategies.catalogue import strategy_classes
from strategies.events import EventItem

pytestmark = pytest.mark.slow

#: seconds one case may take (building 50 people and running one day takes well under one)
LIMIT = 20
EXAMPLES = int(os.environ.get("COMMSIM_PROPERTY_EXAMPLES", "8"))
#: a valid community larger than this is checked, not built (a valid million-person graph
#: takes minutes and gigabytes, which is no test of the checks)
BUILD_UP_TO = 20_000
#: values every key is tried with, before the random ones
FIXED: tuple[Any, ...] = (
    math.nan,
    math.inf,
    -math.inf,
    1e308,
    10**30,
    10**12,
    -1,
    -1e-9,
    0,
    1.5,
    True,
    None,
    "",
    "天気",
    "1e3",
    [],
    [1, 2],
    [math.nan],
    [1, math.inf],
    [10**400],
    {"a": 1},
    {"a": math.nan},
)


def _leaves(node: dict[str, Any], prefix: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    for name, value in node.items():
        if name == "_target_":
            continue
        if isinstance(value, dict) and value:
            yield from _leaves(value, (*prefix, name))
        else:
            yield (*prefix, name)


def _field_names(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if "unit" in f.metadata]


def schema_keys() -> list[tuple[str, tuple[str, ...]]]:
    """(community kind, key path) for every key of the schema."""
    keys: list[tuple[str, tuple[str, ...]]] = []
    for section, node in sim_nodes().items():
        keys += [("ba", path) for path in _leaves(node, (section,))]
    keys += [
        ("ba", ("behaviour", "segments", "groups", "fuzz", f)) for f in _field_names(SegmentParams)
    ]
    for cls in strategy_classes():
        node = strategy_node(cls)
        keys += [("ba", path) for path in _leaves(node, ("strategies", cls.kind))]
    keys += [("ba", ("strategies", "events", "items", "fuzz", f)) for f in _field_names(EventItem)]
    for kind, spec in KINDS.items():
        if kind != "file":  # paths belong to the file readers' own tests
            keys += [(kind, ("community", key)) for key in (*spec, *SEGMENT_KEYS)]
    top = ("seed", "days", "initial_members", "initial_placement", "budget", "budget_pacing")
    top += ("crises", "strategies", "behaviour", "community")
    keys += [("ba", (key,)) for key in top]
    return sorted(set(keys))


@functools.cache
def base_config(kind: str) -> dict[str, Any]:
    """The plain config of a small run on a community of ``kind``, every strategy placed."""
    overrides = [f"community={kind}", "days=1"]
    if kind != "karate":
        overrides.append("community.n=50")
    if kind in ("ring", "ws"):
        overrides.append("community.k=4")
    plain = to_plain(compose(overrides))
    plain["strategies"] = {cls.kind: strategy_node(cls) for cls in strategy_classes()}
    plain["strategies"]["seeding"]["k"] = 5
    plain["strategies"]["events"]["items"] = {"fuzz": {}}
    plain["behaviour"]["segments"]["groups"]["fuzz"] = {}
    return plain


def _alarm(signum: int, frame: Any) -> None:
    raise TimeoutError(f"a case took more than {LIMIT} s")


def try_value(kind: str, path: tuple[str, ...], value: Any) -> None:
    """Build and run a day with ``path`` set to ``value``; fail unless it works or a
    ConfigError names the key."""
    cfg = copy.deepcopy(base_config(kind))
    node = cfg
    for name in path[:-1]:
        node = node[name]
    node[path[-1]] = copy.deepcopy(value)
    key = ".".join(path)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(LIMIT)
    try:
        settings, strategies = prepare(cfg)
        if settings.community.n <= BUILD_UP_TO:
            CommunityModel(settings, strategies=strategies).run(days=1)
    except ConfigError as exc:
        named = exc.key.startswith(key) or key in str(exc) or _is_section_key(exc.key, path)
        assert named, f"{key}={value!r}: the error names {exc.key!r}: {exc}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _is_section_key(error_key: str, path: tuple[str, ...]) -> bool:
    """A field of a fuzzed event or segment reported under the item's own key."""
    return "fuzz" in path and error_key == ".".join(path[: path.index("fuzz") + 1])


KEYS = schema_keys()
IDS = [f"{kind}:{'.'.join(path)}" for kind, path in KEYS]

values = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=12),
    st.lists(st.one_of(st.floats(), st.integers(), st.text(max_size=4)), max_size=4),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def test_the_schema_has_its_keys() -> None:
    """The enumeration reaches every part of the schema (a guard against an empty sweep)."""
    names = {".".join(path) for _, path in KEYS}
    for key in ("behaviour.content.topics", "strategies.events.items.fuzz.capacity", "days"):
        assert key in names
    assert {kind for kind, _ in KEYS} == set(KINDS) - {"file"}
    assert len(KEYS) > 200


@pytest.mark.parametrize(("kind", "path"), KEYS, ids=IDS)
def test_fixed_bad_values(kind: str, path: tuple[str, ...]) -> None:
    """NaN, infinities, huge, negative, wrong types: each works or names the key."""
    for value in FIXED:
        try_value(kind, path, value)


@pytest.mark.parametrize(("kind", "path"), KEYS, ids=IDS)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(value=values)
def test_random_values(kind: str, path: tuple[str, ...], value: Any) -> None:
    """Random values of every type: each works or names the key."""
    try_value(kind, path, value)
