"""Saving figures: PNG, SVG or PDF (``plot_format``), written atomically; Chinese drawn with
an installed CJK font.

The backend is left to matplotlib (Agg on a machine without a screen, inline in a
notebook). Importing this module adds an installed CJK font after DejaVu Sans in
``font.sans-serif`` (:func:`experiments.i18n.fonts.use_cjk_font`): Latin text looks as
before, Chinese text is drawn instead of empty boxes. SVG and PDF files carry no date and
SVG ids are salted with a fixed text, so the same figure gives the same bytes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import matplotlib.pyplot as plt

from experiments.analysis import plot_settings
from experiments.i18n.fonts import use_cjk_font
from sim.io import atomic_write

logging.getLogger("matplotlib").setLevel(logging.WARNING)
use_cjk_font()
plt.rcParams["svg.hashsalt"] = "commsim"

__all__ = ["BROWSER_FORMATS", "plt", "save_figure"]

#: the formats a web page shows in ``<img>`` (report.html embeds the first one chosen)
BROWSER_FORMATS = ("png", "svg")
#: per format, the metadata that would make two writes of one figure differ
_NO_DATE = {"png": None, "svg": {"Date": None}, "pdf": {"CreationDate": None}}


def save_figure(fig: plt.Figure, path: Path, embed: bool = False) -> Path:
    """Write ``fig`` in every format of ``plot_format`` and close it.

    Args:
        fig: the figure.
        path: where it goes; its suffix is replaced by each format's (``plots/cost.png``
            gives ``plots/cost.svg`` and ``plots/cost.pdf`` with ``plot_format=[svg,pdf]``).
        embed: the figure goes into a web page (report.html): a PNG is also written when
            no format a browser shows (png, svg) was chosen.

    Returns:
        The first file written in a format a browser shows, else the first file written.
    """
    formats, dpi = plot_settings.current()
    if embed and not any(f in BROWSER_FORMATS for f in formats):
        formats = (*formats, "png")
    written = []
    for fmt in formats:
        target = path.with_suffix(f".{fmt}")

        def draw(p: Path, fmt: str = fmt) -> None:
            fig.savefig(p, dpi=dpi, bbox_inches="tight", format=fmt, metadata=_NO_DATE[fmt])

        atomic_write(target, draw)
        written.append(target)
    plt.close(fig)
    shown = [p for p in written if p.suffix[1:] in BROWSER_FORMATS]
    return (shown or written)[0]
