"""The plot settings of the command that is running: ``plot_format`` and ``plot_dpi``.

Declared once in :class:`sim.config.PlotOptions` (``commsim compare plot_format=[png,pdf]
plot_dpi=300``) and checked by :func:`sim.config.plot_options`. The one Hydra entry
wrapper (``experiments.runs.hydra_app``) applies a command's settings around its job with
:func:`use`, so every plot writer (``experiments.analysis.plots.save_figure``) follows them
without each command passing them on. This module imports no plotting library: a command
that draws nothing pays nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from sim.config import PlotOptions, plot_options

__all__ = ["current", "use"]

_DEFAULTS = PlotOptions()
_current: list[tuple[tuple[str, ...], int]] = [((_DEFAULTS.plot_format,), _DEFAULTS.plot_dpi)]


def current() -> tuple[tuple[str, ...], int]:
    """The formats (in the order given) and the resolution plots are written with now."""
    return _current[-1]


@contextmanager
def use(cfg: Mapping[str, Any]) -> Iterator[tuple[tuple[str, ...], int]]:
    """Write plots with ``cfg``'s ``plot_format`` and ``plot_dpi`` inside the block.

    Raises:
        ConfigError: naming ``plot_format`` or ``plot_dpi`` (before the block runs).
    """
    settings = plot_options(cfg)
    _current.append(settings)
    try:
        yield settings
    finally:
        _current.pop()
