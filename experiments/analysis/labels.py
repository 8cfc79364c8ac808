"""What a person reads: KPI names, numbers with their units and currency, in a language.

Numbers are formatted by Babel (``babel.numbers``) for the language's locale, so grouping
and decimal marks follow the reader's conventions; words come from the translation
catalogue (``experiments.i18n``).
"""

from __future__ import annotations

import math
from typing import Any

from babel.numbers import format_decimal, format_percent

from experiments.i18n import kpi_label, translator
from sim.kpis import KPIS

#: the locale Babel formats numbers with, by language
LOCALES = {"en": "en_US", "zh": "zh_CN"}


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class Labels:
    """Labels and formatted values in one language, with one currency symbol.

    Args:
        lang: ``en`` or ``zh``.
        currency: the symbol or code put before amounts (``¥``, ``EUR``); empty: none.
    """

    def __init__(self, lang: str = "en", currency: str = "") -> None:
        self.lang = lang
        self.currency = currency
        self.locale = LOCALES[lang]
        self.t = translator(lang)

    def kpi(self, name: str) -> str:
        """A KPI's name as a person reads it (the KPI key itself for an unknown one)."""
        return kpi_label(name, self.lang) if name in KPIS else name

    def unit(self, name: str) -> str:
        """The KPI's unit in words (``members``, the currency...), empty when it has none."""
        _ = self.t
        unit = KPIS[name].unit if name in KPIS else "-"
        if unit == "currency":
            return self.currency
        if unit == "members":
            return _("members")
        if unit == "days":
            return _("days")
        if unit == "posts":
            return _("posts")
        return ""

    def number(self, value: Any, digits: int | None = None) -> str:
        """A number: thousands grouped; 3 significant digits below 100, none above."""
        _ = self.t
        if _missing(value):
            return _("n/a")
        value = float(value)
        if digits is None:
            digits = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
            if 0 < abs(value) < 1:  # two significant digits at least: 0.012, 0.000002
                digits = max(3, min(12, 1 - math.floor(math.log10(abs(value)))))
        pattern = "#,##0" + ("." + "#" * digits if digits else "")
        return format_decimal(round(value, digits), format=pattern, locale=self.locale)

    def value(self, name: str, value: Any, sign: bool = False, units: bool = True) -> str:
        """A KPI value with its unit: ``1,234 members``, ``¥5,000``, ``12.5%``, ``3.2x``."""
        _ = self.t
        if _missing(value):
            return _("n/a")
        unit = KPIS[name].unit if name in KPIS else "-"
        plus = "+" if sign and float(value) > 0 else ""
        if unit == "share":
            digits = "0.0" if abs(float(value)) < 1 else "0"
            pct = format_percent(float(value), format=f"#,##{digits}%", locale=self.locale)
            return plus + pct
        if unit == "currency":
            text = self.number(abs(float(value)))
            minus = "-" if float(value) < 0 else plus
            return f"{minus}{self.currency}{text}" if self.currency else f"{minus}{text}"
        if unit == "ratio":
            return f"{plus}{self.number(value)}x"
        words = self.unit(name) if units else ""
        text = plus + self.number(value)
        if not words:
            return text
        return f"{text} {words}" if self.lang == "en" else f"{text}{words}"

    def interval(self, name: str, low: Any, high: Any) -> str:
        """A 95% interval in words: ``95% CI 347 to 550``."""
        _ = self.t
        return _("95% CI {low} to {high}").format(
            low=self.value(name, low), high=self.value(name, high)
        )
