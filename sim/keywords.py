"""Settings from keyword parameters: what makes ``CommunityModel(seed=3, days=60)`` work.

Mesa's tools (``mesa.batch_run``) build a model class from keyword parameters.
``CommunityModel`` takes the keys of the command line: each keyword is one Hydra override
(``days=60``; a dotted key through a dict, ``**{"community.n": 500}``, or nested,
``community={"n": 500}``; a group option as text, ``playbook="weekly_qa"``), composed and
checked as ``sim.build_model`` does, so a bad key or value is a ``ConfigError`` naming it
before day 1. A text is read as on the command line (quoted when it holds other
characters than letters, digits and ``_./:@+-``).

``seed`` is a keyword of its own, as in ``mesa.Model``: given, it is the run's seed;
omitted (or None), the run draws a fresh one from the operating system's entropy (so the
iterations of ``mesa.batch_run`` differ) and records it as ``model.config.seed``, which
reproduces the run.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from sim.config import MAX_SEED, SimConfig
from sim.errors import ConfigError
from sim.overrides import quote

#: a text a Hydra override reads as written (otherwise it is quoted)
_PLAIN = re.compile(r"[\w./:@+-]*\Z")


def fresh_seed() -> int:
    """A seed from the operating system's entropy, within the range ``seed`` accepts."""
    entropy = np.random.SeedSequence().entropy  # an int when none is given
    assert isinstance(entropy, int)
    return entropy % (MAX_SEED + 1)


def configure(
    config: SimConfig | None, seed: Any, params: Mapping[str, Any]
) -> tuple[SimConfig, list[Any] | None]:
    """The checked settings of a model, and its playbook's strategies (None: a given config).

    Args:
        config: checked settings, or None to build them from ``params``.
        seed: the run's seed; None: ``config``'s seed, or a fresh one for keyword settings.
        params: keyword parameters (config keys), only without ``config``.

    Raises:
        ConfigError: for a bad key or value, naming it; for keywords beside a ``config``.
    """
    if config is not None:
        if params:
            key, value = next(iter(params.items()))
            raise ConfigError(
                key,
                value,
                "give the settings either as a checked config or as keyword parameters "
                "(CommunityModel(seed=1, days=60)), not both",
            )
        if seed is None:
            return config, None
        _check_seed(seed)
        return dataclasses.replace(config, seed=int(seed)), None
    from sim.runner import compose, prepare  # the runner builds models: imported when used

    overrides = [f"{key}={_text(key, value)}" for key, value in flatten(params).items()]
    overrides.append(f"seed={_text('seed', fresh_seed() if seed is None else seed)}")
    settings, strategies = prepare(compose(overrides))
    return settings, strategies


def flatten(params: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings as dotted keys: ``{"community": {"n": 5}}`` -> ``{"community.n": 5}``."""
    out: dict[str, Any] = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            out.update(flatten(value, f"{name}."))
        else:
            out[name] = value
    return out


def _text(key: str, value: Any) -> str:
    """``value`` as the right-hand side of a Hydra override."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, os.PathLike):
        value = os.fspath(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return value if _PLAIN.match(value) else quote(value)
    if isinstance(value, list | tuple | range):
        return "[" + ",".join(_text(key, v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ",".join(f"{k}:{_text(key, v)}" for k, v in value.items()) + "}"
    raise ConfigError(
        key, value, "give a number, a text, true/false, None, a list or a mapping of them"
    )


def _check_seed(seed: Any) -> None:
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise ConfigError("seed", seed, f"give a whole number >= 0 and <= {MAX_SEED}")
    if not 0 <= seed <= MAX_SEED:
        raise ConfigError("seed", seed, f"give a whole number >= 0 and <= {MAX_SEED}")
