"""Saving figures: PNG, written atomically, with the matplotlib backend that needs no screen."""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
logging.getLogger("matplotlib").setLevel(logging.WARNING)
import matplotlib.pyplot as plt  # noqa: E402

from sim.io import atomic_write  # noqa: E402

__all__ = ["plt", "save_figure"]


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Write ``fig`` as a PNG at ``path`` (atomically) and close it."""
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format="png"))
    plt.close(fig)
    return path
