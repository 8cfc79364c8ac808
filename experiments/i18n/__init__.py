"""Languages: one gettext catalogue for every text a strategist reads, in English and Chinese.

English is written in the code; each other language is a gettext ``.po`` catalogue,
``experiments/i18n/locale/<lang>/LC_MESSAGES/commsim.po``, read with Babel. Code marks a
text with a function literally named ``_`` (so Babel's extractor finds it)::

    from experiments.i18n import translator

    _ = translator(lang)
    print(_("{n} runs failed", n=3))

A text defined at module level, before any language is known, is marked with
:func:`N_` and translated where it is shown: ``_(LABEL)``. A KPI label comes from
:data:`sim.kpis.KPIS`; :func:`kpi_label` translates it. ``python -m experiments.i18n
--update`` (``make i18n``) refreshes the catalogues from the code, keeping the
translations; ``tests/unit/test_i18n.py`` fails while a text has no translation.
"""

from __future__ import annotations

import functools
import os
from typing import Any, Protocol

from sim.errors import ConfigError

#: the languages commsim speaks; English is the language of the code (the msgids)
LANGS = ("en", "zh")
#: the gettext domain: the catalogues are ``<lang>/LC_MESSAGES/commsim.po``
DOMAIN = "commsim"


class Translate(Protocol):
    """``_(msgid, **values)``: the text in one language, ``str.format``-ed with ``values``."""

    def __call__(self, msgid: str, /, **values: Any) -> str: ...


def N_(text: str) -> str:
    """Mark ``text`` for the catalogue without translating it (module-level constants).

    Translate it where it is shown, with ``_(text)`` of :func:`translator`.
    """
    return text


def default_lang() -> str:
    """The language of the environment: ``zh`` when the locale is Chinese, else ``en``.

    The first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set decides (POSIX's
    order): ``zh_CN.UTF-8``, ``zh_TW`` and ``zh`` give ``zh``; anything else ``en``.
    """
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def check_lang(value: Any, key: str = "lang") -> str:
    """A checked language: ``en`` or ``zh``; ``None`` (``lang: null``) is :func:`default_lang`.

    Args:
        value: the configured language.
        key: the config key that gave it, named in the error.

    Raises:
        ConfigError: naming ``key`` for anything but en, zh or null.
    """
    if value is None:
        return default_lang()
    if not isinstance(value, str) or value not in LANGS:
        raise ConfigError(
            key, value, f"use one of: {', '.join(LANGS)} (or null for the locale's language)"
        )
    return value


@functools.cache
def _messages(lang: str) -> dict[str, str]:
    """msgid -> msgstr of a language's catalogue (translated, not fuzzy), read once."""
    from experiments.i18n.catalogue import read_catalogue

    return {
        str(m.id): str(m.string)
        for m in read_catalogue(lang)
        if m.id and isinstance(m.id, str) and m.string and not m.fuzzy
    }


def translator(lang: Any = None) -> Translate:
    """The ``_`` of a language: ``_(msgid, **values)`` is the text in ``lang``.

    English gives the msgid back; another language looks it up in its catalogue (read
    once per process). A text without a translation is shown in English (the unit test
    ``tests/unit/test_i18n.py`` fails on it). With ``values`` the text is
    ``str.format``-ed: ``_("{n} runs failed", n=3)``.

    Args:
        lang: ``en``, ``zh`` or ``None`` (the locale's language, :func:`default_lang`).

    Raises:
        ConfigError: on ``lang`` for an unknown language.
    """
    lang = check_lang(lang)
    messages = {} if lang == "en" else _messages(lang)

    def _(msgid: str, /, **values: Any) -> str:
        text = messages.get(msgid, msgid)
        return text.format(**values) if values else text

    return _


def kpi_label(name: str, lang: Any = None) -> str:
    """The label of the KPI ``name`` (:data:`sim.kpis.KPIS`) in ``lang``.

    Raises:
        ConfigError: on ``kpi`` for an unknown KPI, on ``lang`` for an unknown language.
    """
    from sim.kpis import kpi

    return translator(lang)(kpi(name).label)


__all__ = [
    "DOMAIN",
    "LANGS",
    "N_",
    "Translate",
    "check_lang",
    "default_lang",
    "kpi_label",
    "translator",
]
