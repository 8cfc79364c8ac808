"""The classroom texts quote only facts: figures of declared runs, checked here.

How the numbers are checked:

- ``experiments/classroom/facts.json`` holds the figures of the runs declared in
  :mod:`experiments.classroom.facts`; :func:`test_facts_json_is_the_runs` recomputes them
  (same seeds, same numbers: an exact comparison) and is marked slow.
- ``docs/teaching.md`` and the worksheets are rendered from ``docs/templates/<name>``:
  each number is a ``{{ path | format }}`` placeholder naming a fact.
  :func:`test_docs_are_their_rendering` fails when a document differs from its rendering
  (``python -m experiments.classroom.facts --write`` rewrites them), and
  :func:`test_templates_write_no_figure` when a template types a count itself
  ("about 180 members") instead of a placeholder.
- The About panel and the preset texts (:mod:`experiments.classroom.texts`) are msgids
  with ``{placeholders}`` filled from the facts; :func:`test_msgids_write_no_figure`
  checks that no msgid writes a count itself.
- The prose around the numbers states directions ("the hubs buy speed, not a bigger
  community"); :data:`CLAIMS` checks each one against the facts.
"""

from __future__ import annotations

import operator
import re
import string
from typing import Any

import pytest

from experiments.classroom import facts as F
from experiments.classroom import texts
from experiments.commands.playbooks import playbooks

#: a count typed next to what it counts: it must be a placeholder
FIGURE = re.compile(
    r"(?<![\w.])\d[\d,.]*%?\s*(members?|posts|visitors|lurkers|contributors|core|people"
    r"|名|人|帖|位)",
)
MSGID_PLACEHOLDER = re.compile(r"\{\w*\}")


#: the directions the prose states: (what the text says, fact, comparison, fact or number)
CLAIMS: list[tuple[str, str, str, str | float]] = [
    ("a minority joins in a year", "baseline.members.365", "<", 500),
    ("still growing on day 90", "baseline.members.30", "<", "baseline.members.90"),
    ("most never post (about 90%)", "baseline.never_posted", ">", 0.8),
    ("members are not visitors", "baseline.active_peak", "<", "baseline.members.90"),
    ("0.02: a peak before the end", "baseline@slow.members.365", "<", "baseline@slow.peak_members"),
    ("0.2: almost everyone", "baseline@fast.peak_members", ">", 900),
    ("0.2: then members leave", "baseline@fast.members.365", "<", "baseline@fast.peak_members"),
    (
        "small world fills sooner than the ring",
        "baseline@ring.members.30",
        "<",
        "baseline@small_world.members.30",
    ),
    ("hubs beat random on day 10", "seed_degree.members.10", ">", "seed_random.members.10"),
    ("random beats nobody on day 10", "seed_random.members.10", ">", "baseline.members.10"),
    ("the hubs' head start lasts", "seed_degree.members.365", ">", "seed_random.members.365"),
    ("random's head start lasts", "seed_random.members.365", ">", "baseline.members.365"),
    ("0.2: the hubs buy speed", "seed_degree@fast.peak_day", "<", "baseline@fast.peak_day"),
    (
        "0.2: not a bigger community",
        "seed_degree@fast.members.365",
        "<=",
        "baseline@fast.members.365",
    ),
    ("Q&A: more visitors a day", "weekly_qa@fast.active_peak", ">", "baseline@fast.active_peak"),
    ("withdrawn points: fewer posts", "points_withdrawn.posts_total", "<", "points.posts_total"),
    (
        "withdrawn points: fewer than never",
        "points_withdrawn.posts_total",
        "<",
        "baseline.posts_total",
    ),
    ("withdrawn points, 0.2", "points_withdrawn@fast.posts_total", "<", "points@fast.posts_total"),
    (
        "community moderation: fewer posts",
        "moderation_community.posts_total",
        "<",
        "moderation_none.posts_total",
    ),
    (
        "a crisis lowers sentiment",
        "crisis_fast_poor.crisis.sentiment_lowest",
        "<",
        "crisis_fast_poor.crisis.sentiment_before",
    ),
    (
        "a slow good answer repairs more",
        "crisis_slow_good.crisis.sentiment_month_after",
        ">",
        "crisis_fast_poor.crisis.sentiment_month_after",
    ),
]
OPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt}


@pytest.fixture(scope="module")
def saved() -> dict[str, Any]:
    return F.load_facts()


@pytest.mark.slow
def test_facts_json_is_the_runs(saved: dict[str, Any]) -> None:
    """Recomputing every declared run gives facts.json exactly (same seed, same result)."""
    assert F.dumps(F.compute_facts()) == F.dumps(saved)


def test_every_declared_run_is_saved(saved: dict[str, Any]) -> None:
    assert sorted(saved["runs"]) == sorted(run.key for run in F.declared_runs())


def test_docs_are_their_rendering(saved: dict[str, Any]) -> None:
    for path, text in F.render_docs(saved).items():
        assert path.read_text("utf-8") == text, (
            f"{path} is stale: python -m experiments.classroom.facts --write"
        )


def test_templates_write_no_figure() -> None:
    for name in F.DOCS:
        template = (F.DOCS_DIR / "templates" / name).read_text("utf-8")
        bare = F.PLACEHOLDER.sub("X", template)
        assert not FIGURE.findall(bare), (name, [m.group(0) for m in FIGURE.finditer(bare)])


def test_msgids_write_no_figure() -> None:
    for msgid in texts.msgids():
        bare = MSGID_PLACEHOLDER.sub("X", msgid)
        assert not FIGURE.search(bare), msgid


@pytest.mark.parametrize("claim", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_claims_hold(saved: dict[str, Any], claim: tuple[str, str, str, str | float]) -> None:
    text, left, op, right = claim
    value = F.lookup(saved, right) if isinstance(right, str) else right
    assert OPS[op](F.lookup(saved, left), value), (text, F.lookup(saved, left), op, value)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_texts_fill_every_placeholder(lang: str) -> None:
    sections = texts.about_sections(lang)
    assert len(sections) == 5
    shown = [body for _, body in sections]
    shown += [texts.preset_text(name, lang) for name in playbooks()]
    for text in shown:
        assert text and not MSGID_PLACEHOLDER.search(text), text


def test_preset_texts_quote_the_run(saved: dict[str, Any]) -> None:
    """Each preset's text ends with its members on the last day, as a person says it."""
    for name in playbooks():
        end = F.about(saved["runs"][name]["members"][str(F.DAYS)])
        assert f"about {end} members on day {F.DAYS}" in texts.preset_text(name, "en")


def test_msgid_placeholders_are_known() -> None:
    """Every ``{name}`` of a msgid is a value the texts provide."""
    known = set(texts.page_values()) | set(texts.run_values("crisis_fast_poor"))
    known |= {f"base_{k}" for k in texts.run_values("baseline")}
    known |= {"base365", "none_posts", "days"}
    for msgid in texts.msgids():
        names = {f for _, f, _, _ in string.Formatter().parse(msgid) if f}
        assert names <= known, (msgid, names - known)


def test_spoken_numbers() -> None:
    assert [F.about(v) for v in (7, 23, 99, 179, 446, 1077, 3925)] == [
        "7",
        "23",
        "99",
        "180",
        "450",
        "1,100",
        "3,900",
    ]
