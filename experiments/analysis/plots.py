"""Saving figures: PNG, written atomically.

The backend is left to matplotlib (Agg on a machine without a screen, inline in a
notebook), so importing commsim never changes how a user's own plots show.
"""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib.pyplot as plt

from sim.io import atomic_write

logging.getLogger("matplotlib").setLevel(logging.WARNING)

__all__ = ["plt", "save_figure"]


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Write ``fig`` as a PNG at ``path`` (atomically) and close it."""
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format="png"))
    plt.close(fig)
    return path
