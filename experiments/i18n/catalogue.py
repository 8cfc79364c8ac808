"""The catalogues: extracting the texts from the code, reading, updating and checking them.

The texts are what Babel's Python extractor finds in ``agents``, ``sim``, ``strategies``
and ``experiments`` in calls of ``_`` and ``N_``, and the KPI labels of
:data:`sim.kpis.KPIS` (written in sim/kpis.py without a marker). :func:`update_catalogue`
merges them into a language's ``.po`` as ``pybabel update`` does: translations are kept,
a changed text gets the old translation marked fuzzy (to review), a text gone from the
code is dropped. :func:`problems` lists what a catalogue still lacks.
"""

from __future__ import annotations

import importlib
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from experiments.i18n import DOMAIN, LANGS

#: the packages whose texts a strategist reads
SOURCES = ("agents", "sim", "strategies", "experiments")
#: the marker functions: ``_`` translates, ``N_`` only marks
KEYWORDS: dict[str, None] = {"_": None, "N_": None}
#: the comment on each KPI label in the catalogue
KPI_COMMENT = "sim/kpis.py KPI label"
#: a comment above a marked text that starts with this goes to the translators
COMMENT_TAG = "TRANSLATORS:"

#: the words of community operations, each with its one Chinese term: a msgstr of a msgid
#: using the word (not as a config key: ``playbook=``, ``cost_total``) uses the term
GLOSSARY: dict[str, str] = {
    "community": "社群",
    "member": "成员",
    "active": "活跃",
    "retention": "留存率",
    "conversion": "转化率",
    "lifetime value": "生命周期价值",
    "word of mouth": "口碑",
    "playbook": "方案",
    "plan": "方案",
    "baseline": "基线",
    "replication": "重复实验",
    "scenario": "情景",
    "budget": "预算",
    "revenue": "收入",
    "cost": "成本",
    "confidence interval": "置信区间",
    "KPI": "指标",
    "stickiness": "黏性",
    "churn": "流失",
    "dormant": "沉默",
    "segment": "用户分群",
}

PROBLEMS = ("untranslated", "fuzzy", "placeholders", "obsolete", "glossary")


def po_path(lang: str) -> Path:
    """The catalogue of ``lang``: ``experiments/i18n/locale/<lang>/LC_MESSAGES/commsim.po``."""
    return Path(__file__).parent / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalogue(lang: str) -> Catalog:
    """The ``.po`` catalogue of ``lang`` as Babel reads it (empty when there is none)."""
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="commsim")
    with path.open("rb") as file:
        return read_po(file, locale=lang, domain=DOMAIN)


def _package_dir(name: str) -> Path:
    module = importlib.import_module(name)
    return Path(str(module.__file__)).parent


@cache
def _code_messages() -> tuple[tuple[str, str, int, tuple[str, ...]], ...]:
    found = []
    for package in SOURCES:
        root = _package_dir(package)
        for filename, line, message, comments, _context in extract_from_dir(
            root, keywords=KEYWORDS, comment_tags=(COMMENT_TAG,), strip_comment_tags=True
        ):
            if isinstance(message, str) and message:
                found.append((message, f"{package}/{filename}", line, tuple(comments)))
    return tuple(found)


def extract_messages() -> Catalog:
    """The template: every text of the code (``_``/``N_``) and every KPI label."""
    from sim.kpis import KPIS

    template = Catalog(domain=DOMAIN, project="commsim", charset="utf-8")
    for kpi in KPIS.values():
        template.add(kpi.label, auto_comments=[KPI_COMMENT])
    for message, filename, line, comments in _code_messages():
        template.add(message, locations=[(filename, line)], auto_comments=comments)
    return template


@dataclass(frozen=True)
class Update:
    """What :func:`update_catalogue` changed: texts to translate, to review, dropped."""

    untranslated: list[str]
    fuzzy: list[str]
    dropped: list[str]


def update_catalogue(lang: str) -> Update:
    """Merge the code's texts into the catalogue of ``lang``, keeping its translations."""
    if lang == "en":
        raise ValueError("English is the language of the code: it has no catalogue")
    catalog = read_catalogue(lang)
    catalog.update(extract_messages(), update_creation_date=False)
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        write_po(file, catalog, width=100, ignore_obsolete=True, include_lineno=False)
    _messages_cache_clear()
    return Update(
        untranslated=[str(m.id) for m in _texts(catalog) if not m.string],
        fuzzy=[str(m.id) for m in _texts(catalog) if m.string and m.fuzzy],
        dropped=sorted(str(m.id) for m in catalog.obsolete.values()),
    )


def _messages_cache_clear() -> None:
    from experiments.i18n import _messages

    _messages.cache_clear()


def _texts(catalog: Catalog) -> Iterable[Message]:
    return (m for m in catalog if m.id and isinstance(m.id, str))


def placeholders(text: str) -> list[str] | None:
    """The ``str.format`` fields of ``text`` (sorted), or None when its braces do not parse."""
    try:
        fields = [
            f"{{{name}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
            for _lit, name, spec, conv in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        return None
    return sorted(fields)


def _glossary_misses(msgid: str, msgstr: str) -> list[str]:
    misses = []
    msgid = re.sub(r"\{[^{}]*\}", "", msgid)  # a placeholder's name is not a word shown
    for word, term in GLOSSARY.items():
        used = rf"(?<![\w.`=/-]){re.escape(word)}\w*(?![\w.=(`])"
        flags = 0 if word.isupper() else re.IGNORECASE
        if re.search(used, msgid, flags) and term not in msgstr:
            misses.append(f"{word} -> {term}")
    return misses


def problems(lang: str, template: Catalog | None = None) -> dict[str, list[str]]:
    """What the catalogue of ``lang`` lacks against the code, by kind (:data:`PROBLEMS`).

    - ``untranslated``: a text of the code with no (or an empty) translation;
    - ``fuzzy``: a translation marked fuzzy (to review, then remove the flag);
    - ``placeholders``: a translation whose ``{...}`` fields differ from its text's;
    - ``obsolete``: a catalogue entry no longer in the code (``make i18n`` drops it);
    - ``glossary``: a translation not using the :data:`GLOSSARY` term of a word.

    Args:
        lang: a language of :data:`~experiments.i18n.LANGS` other than English.
        template: the texts to check against (default: :func:`extract_messages`).
    """
    template = extract_messages() if template is None else template
    catalog = read_catalogue(lang)
    found: dict[str, list[str]] = {kind: [] for kind in PROBLEMS}
    wanted = {str(m.id) for m in _texts(template)}
    for msgid in sorted(wanted):
        entry = catalog.get(msgid)
        msgstr = str(entry.string) if entry is not None and entry.string else ""
        if not msgstr:
            found["untranslated"].append(msgid)
            continue
        if entry is not None and entry.fuzzy:
            found["fuzzy"].append(msgid)
        if placeholders(msgid) != placeholders(msgstr):
            found["placeholders"].append(f"{msgid!r} -> {msgstr!r}")
        misses = _glossary_misses(msgid, msgstr)
        found["glossary"] += [f"{msgid!r} -> {msgstr!r}: {m}" for m in misses]
    found["obsolete"] = sorted(str(m.id) for m in _texts(catalog) if str(m.id) not in wanted)
    found["obsolete"] += sorted(str(m.id) for m in catalog.obsolete.values())
    return found


__all__ = [
    "GLOSSARY",
    "KEYWORDS",
    "LANGS",
    "PROBLEMS",
    "SOURCES",
    "Update",
    "extract_messages",
    "placeholders",
    "po_path",
    "problems",
    "read_catalogue",
    "update_catalogue",
]
