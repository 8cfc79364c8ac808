"""Chinese in plots: a CJK font as matplotlib's fallback after DejaVu Sans.

matplotlib's default font, DejaVu Sans, has no Chinese characters: a Chinese title draws
empty boxes with a "Glyph missing" warning. :func:`use_cjk_font` finds an installed CJK
font (Noto Sans CJK, Source Han Sans, WenQuanYi) and puts it right after DejaVu Sans in
``font.sans-serif``; matplotlib (3.6 and later) falls back glyph by glyph, so Latin text
looks as before and Chinese text is drawn with the CJK font (both are named in
``font.family``, which the fallback follows). On Debian or Ubuntu
``apt-get install fonts-noto-cjk`` installs one (``make test`` and ``make demo`` do when
``fc-list :lang=zh`` finds none).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib import font_manager

from sim.errors import CommsimError

#: the CJK families looked for, best first (Simplified Chinese forms first)
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Sans CJK JP",
    "Source Han Sans",
    "Noto Sans CJK TC",
)
#: a font file that holds one of them (to tell a stale font cache)
CJK_FILE = re.compile(r"cjk|wqy|wenquanyi|sourcehan|notosanssc", re.IGNORECASE)
#: matplotlib's default family, kept first so Latin text looks as it always did
LATIN = "DejaVu Sans"
FIX = (
    "install a Chinese font: apt-get install fonts-noto-cjk (Debian, Ubuntu; make test and "
    "make demo install it), or Noto Sans CJK / Source Han Sans / WenQuanYi on other systems"
)


class FontError(CommsimError):
    """Chinese was asked for and no CJK font is installed."""


def find_cjk_family() -> str | None:
    """The best CJK family of :data:`CJK_FAMILIES` that matplotlib knows, or None."""
    names = {font.name for font in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in names), None)


def _cache_is_stale() -> bool:
    """A CJK font file is installed that matplotlib's cached font list does not hold."""
    known = {font.fname for font in font_manager.fontManager.ttflist}
    return any(
        CJK_FILE.search(Path(path).name) and path not in known
        for path in font_manager.findSystemFonts()
    )


def _rebuild_font_list() -> None:
    """Rescan the installed fonts (matplotlib caches its list; a font installed since is
    missing from it), in place, as matplotlib does when a cached font file is gone."""
    fresh: Any = font_manager._load_fontmanager(try_read_cache=False)  # type: ignore[attr-defined]
    vars(font_manager.fontManager).update(vars(fresh))


def use_cjk_font(lang: str | None = None) -> str | None:
    """Put an installed CJK font after DejaVu Sans in matplotlib's ``font.sans-serif``.

    Sets ``font.family`` to DejaVu Sans, the CJK family, then ``sans-serif``, and puts the
    two first in ``font.sans-serif``. A font installed after matplotlib cached
    its font list is found by rescanning the fonts once.

    Args:
        lang: the language the plots are for; with ``zh`` a missing font is an error.

    Returns:
        The CJK family used, or None when there is none (and ``lang`` is not ``zh``).

    Raises:
        FontError: when ``lang`` is ``zh`` and no CJK font is installed, naming the fix.
    """
    family = find_cjk_family()
    if family is None and _cache_is_stale():
        _rebuild_font_list()
        family = find_cjk_family()
    if family is None:
        if lang == "zh":
            raise FontError(f"lang=zh: no Chinese font for the plots; {FIX}")
        return None
    rest = [name for name in mpl.rcParams["font.sans-serif"] if name not in (LATIN, family)]
    mpl.rcParams["font.sans-serif"] = [LATIN, family, *rest]
    # glyph by glyph fallback runs over font.family's names: a generic name (sans-serif)
    # stands for its first installed font only, so the two are named
    mpl.rcParams["font.family"] = [LATIN, family, "sans-serif"]
    return family


__all__ = ["CJK_FAMILIES", "FontError", "find_cjk_family", "use_cjk_font"]
