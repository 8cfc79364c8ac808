"""Saving figures: PNG, written atomically; Chinese drawn with an installed CJK font.

The backend is left to matplotlib (Agg on a machine without a screen, inline in a
notebook). Importing this module adds an installed CJK font after DejaVu Sans in
``font.sans-serif`` (:func:`experiments.i18n.fonts.use_cjk_font`): Latin text looks as
before, Chinese text is drawn instead of empty boxes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib.pyplot as plt

from experiments.i18n.fonts import use_cjk_font
from sim.io import atomic_write

logging.getLogger("matplotlib").setLevel(logging.WARNING)
use_cjk_font()

__all__ = ["plt", "save_figure"]


def save_figure(fig: plt.Figure, path: Path) -> Path:
    """Write ``fig`` as a PNG at ``path`` (atomically) and close it."""
    atomic_write(path, lambda p: fig.savefig(p, dpi=110, bbox_inches="tight", format="png"))
    plt.close(fig)
    return path
