"""Chinese in plots: with an installed CJK font a Chinese title draws without a missing glyph."""

from __future__ import annotations

import warnings
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib import font_manager

from experiments.analysis.plots import plt, save_figure
from experiments.i18n import fonts
from experiments.i18n.fonts import FontError, find_cjk_family, use_cjk_font

TITLE = "社群留存率 retention (30 日)"
NO_FONT = "no CJK font installed: apt-get install fonts-noto-cjk (make test installs it)"


def missing_glyphs(path: Path) -> list[str]:
    """Draw a figure with a Chinese title and axis label into ``path``; the glyph warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots(figsize=(3, 2))
        ax.set_title(TITLE)
        ax.set_xlabel("天 (day)")
        ax.plot([0, 1], [0, 1], label="方案 A")
        ax.legend()
        save_figure(fig, path)
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def test_chinese_title_draws_with_the_cjk_font(tmp_path: Path) -> None:
    with mpl.rc_context():
        family = use_cjk_font("zh") if find_cjk_family() else None
        if family is None:
            pytest.skip(NO_FONT)
        assert mpl.rcParams["font.family"] == ["DejaVu Sans", family, "sans-serif"]
        assert mpl.rcParams["font.sans-serif"][:2] == ["DejaVu Sans", family]
        assert missing_glyphs(tmp_path / "zh.png") == []
    assert (tmp_path / "zh.png").stat().st_size > 0


def test_without_the_cjk_font_glyphs_are_missing(tmp_path: Path) -> None:
    """The check above can fail: DejaVu Sans alone misses the Chinese glyphs."""
    with mpl.rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["DejaVu Sans"]}):
        assert missing_glyphs(tmp_path / "latin.png")


def test_a_font_installed_after_the_cache_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    """matplotlib's cached font list lacks a font installed since: it is rescanned."""
    manager = font_manager.fontManager
    if find_cjk_family() is None:
        pytest.skip(NO_FONT)
    cached = [f for f in manager.ttflist if not fonts.CJK_FILE.search(Path(f.fname).name)]
    monkeypatch.setattr(manager, "ttflist", cached)
    assert find_cjk_family() is None
    with mpl.rc_context():
        assert use_cjk_font() in fonts.CJK_FAMILIES


def test_no_font_is_an_error_for_chinese_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "find_cjk_family", lambda: None)
    monkeypatch.setattr(fonts, "_cache_is_stale", lambda: False)
    with mpl.rc_context():
        assert use_cjk_font() is None
        assert use_cjk_font("en") is None
        with pytest.raises(FontError, match="apt-get install fonts-noto-cjk"):
            use_cjk_font("zh")
