"""Languages: every text of the code has its Chinese translation, with the same placeholders.

The texts are what Babel's extractor finds in agents, sim, strategies and experiments
(calls of ``_`` and ``N_``) and the KPI labels of ``sim.kpis.KPIS``: a new text or a new
KPI without a translation in experiments/i18n/locale/zh/LC_MESSAGES/commsim.po fails here
(``make i18n`` adds it to the catalogue to translate).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file

from experiments import i18n
from experiments.i18n import N_, catalogue, check_lang, default_lang, kpi_label, translator
from experiments.i18n.catalogue import KEYWORDS, PROBLEMS, extract_messages, problems
from sim.errors import ConfigError
from sim.kpis import KPIS

FIX = {
    "untranslated": "run `make i18n` and translate the empty msgstr lines",
    "fuzzy": "review the translation, then remove its `#, fuzzy` line",
    "placeholders": "keep the {...} fields of the msgid in the msgstr",
    "obsolete": "run `make i18n`: it drops texts gone from the code",
    "glossary": "use the term of catalogue.GLOSSARY",
}


@pytest.mark.parametrize("lang", i18n.LANGS[1:])
@pytest.mark.parametrize("kind", PROBLEMS)
def test_catalogue_translates_every_text(lang: str, kind: str) -> None:
    found = problems(lang)[kind]
    assert not found, f"{kind} in the {lang} catalogue ({FIX[kind]}):\n" + "\n".join(found)


def test_extraction_collects_the_kpi_labels() -> None:
    template = extract_messages()
    assert {kpi.label for kpi in KPIS.values()} <= {m.id for m in template}


def _template_from(tmp_path: Path, source: str) -> Catalog:
    path = tmp_path / "module.py"
    path.write_text(source, encoding="utf-8")
    template = extract_messages()
    for _line, message, _comments, _context in extract_from_file(
        "python", str(path), keywords=KEYWORDS
    ):
        template.add(message)
    return template


def test_a_new_text_without_translation_is_reported(tmp_path: Path) -> None:
    source = 'LABEL = N_("members who came back")\nprint(_("{n} runs failed", n=3))\n'
    found = problems("zh", _template_from(tmp_path, source))
    assert found["untranslated"] == ["members who came back", "{n} runs failed"]


def test_placeholders_and_glossary_are_checked() -> None:
    assert catalogue.placeholders("{n} runs of {name!r}") == ["{name!r}", "{n}"]
    assert catalogue.placeholders("{n") is None
    assert catalogue._glossary_misses("30-day retention", "30 日留存") == ["retention -> 留存率"]
    assert catalogue._glossary_misses("set playbook=NAME", "设置 playbook=NAME") == []
    assert catalogue._glossary_misses("the KPIs", "指标") == []


def test_update_keeps_translations_adds_new_texts_and_drops_old(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    po = tmp_path / "zh" / "commsim.po"
    po.parent.mkdir()
    shutil.copy(catalogue.po_path("zh"), po)
    monkeypatch.setattr(catalogue, "po_path", lambda lang: po)
    before = po.read_text(encoding="utf-8")
    assert catalogue.update_catalogue("zh").untranslated == []
    assert po.read_text(encoding="utf-8") == before, "make i18n changed an up-to-date catalogue"

    template = _template_from(tmp_path, 'print(_("{n} widgets failed", n=3))\n')
    template.delete("replies")
    monkeypatch.setattr(catalogue, "extract_messages", lambda: template)
    update = catalogue.update_catalogue("zh")
    assert update.untranslated == ["{n} widgets failed"]
    assert update.dropped == ["replies"]
    assert '"replies"' not in po.read_text(encoding="utf-8")
    assert 'msgstr "30 日留存率"' in po.read_text(encoding="utf-8")


def test_translator() -> None:
    _ = translator("zh")
    assert _("30-day retention") == "30 日留存率"
    assert _("a text with no translation") == "a text with no translation"
    assert _("{n} widgets failed", n=3) == "3 widgets failed"
    failed = _("{n} runs failed: see {path}", n=3, path="errors.json")
    assert failed == "3 次运行失败：见 errors.json"
    assert translator("en")("30-day retention") == "30-day retention"
    assert N_("members at the end") == "members at the end"


def test_every_kpi_label_reads_in_chinese() -> None:
    for name, kpi in KPIS.items():
        assert kpi_label(name, "en") == kpi.label
        assert kpi_label(name, "zh") != kpi.label, name
    with pytest.raises(ConfigError, match="kpi"):
        kpi_label("members", "zh")


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LC_MESSAGES": "zh_TW.UTF-8", "LANG": "en_GB.UTF-8"}, "zh"),
        ({}, "en"),
    ],
)
def test_default_lang_follows_the_locale(
    env: dict[str, str], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert default_lang() == lang
    assert check_lang(None) == lang


def test_check_lang() -> None:
    assert check_lang("zh") == "zh"
    assert i18n.LANGS == ("en", "zh")
    for bad in ("fr", "ZH", "zh_CN", 1):
        with pytest.raises(ConfigError, match="report.lang") as info:
            check_lang(bad, key="report.lang")
        assert "en, zh" in str(info.value)


def test_no_marked_text_hides_in_an_f_string() -> None:
    """Babel's extractor reads no call inside an f-string: a ``_(...)`` there would never
    reach the catalogue, so the text must be translated outside and formatted in."""
    import ast

    hidden = []
    for package in ("agents", "sim", "strategies", "experiments"):
        for path in Path(package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.JoinedStr):
                    for part in ast.walk(node):
                        func = getattr(part, "func", None)
                        if isinstance(func, ast.Name) and func.id in ("_", "N_"):
                            hidden.append(f"{path}:{node.lineno}")
    assert not hidden, f"_() inside an f-string (invisible to `make i18n`): {hidden}"
