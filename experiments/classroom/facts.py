"""The figures the classroom texts quote, computed from declared runs of the page's model.

Every number a teacher or a student reads in the About panel, the preset texts
(``experiments.classroom.texts``), ``docs/teaching.md`` and the worksheet's answer key
comes from :data:`RUNS`: each run is ``ClassroomModel.from_levers(...)`` stepped to its last
day, and :func:`run_facts` turns its daily series (``model.recorder.rows``) into named
figures (members on chosen days, the peak, posts over the year, members by level, the
sentiment around a crisis). ``compute_facts()`` returns them as a nested dict,
``{run key: {figure: value}}``.

``python -m experiments.classroom.facts --write`` saves them to
``experiments/classroom/facts.json`` and renders the documents from their templates in
``docs/templates/`` (:func:`render_docs`);
``--check`` (the default) exits 1 when ``facts.json`` or a rendered document is stale.
``tests/integration/test_classroom_facts.py`` recomputes the facts (same seeds, same
numbers) and checks that every document equals its rendering.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import re
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from agents.states import PROSPECT

#: the saved facts (generated: ``python -m experiments.classroom.facts --write``)
FACTS_PATH = Path(__file__).with_name("facts.json")
#: the page's defaults: every run quoted uses them unless it says otherwise
PEOPLE = 1000
DAYS = 365
#: days on which the texts quote members, active members and levels
MEMBER_DAYS = (0, 10, 30, 60, 90, 150, 180, 270, 365)
LEVEL_DAYS = (90, 180, 365)
LEVELS = ("newcomer", "lurker", "contributor", "core")
#: word of mouth (``acquisition.q``) in the teaching plan's fast community
FAST_Q = 0.2
SLOW_Q = 0.02
#: presets compared in the fast community, and the seeds of "one run is an anecdote"
FAST_PRESETS = (
    "baseline",
    "seed_random",
    "seed_degree",
    "weekly_qa",
    "points",
    "points_withdrawn",
    "moderation_community",
    "moderation_personalised",
)
SEEDS = (1, 2, 3)
SEED_PRESETS = ("baseline", "weekly_qa")
#: the networks on which the lesson shows the spread (at word of mouth FAST_Q)
SPREAD_NETWORKS = ("ring", "small_world")


@dataclass(frozen=True)
class Run:
    """One quoted run: a preset at the page's defaults plus a few levers.

    Attributes:
        key: the name the texts use (``baseline``, ``weekly_qa@fast``: word of mouth
            :data:`FAST_Q`, ``baseline@seed1``, ``baseline@ring``: the ring at FAST_Q).
        playbook: the preset.
        seed: the run's seed.
        levers: keywords of ``ClassroomModel.from_levers`` (``word_of_mouth``, ``network``).
    """

    key: str
    playbook: str
    seed: int = 0
    levers: dict[str, Any] = field(default_factory=dict)


def declared_runs() -> list[Run]:
    """Every run the texts quote: each preset, the word-of-mouth variants, a few seeds."""
    from experiments.commands.playbooks import playbooks

    runs = [Run(name, name) for name in playbooks()]
    runs.append(Run("baseline@slow", "baseline", levers={"word_of_mouth": SLOW_Q}))
    runs += [Run(f"{name}@fast", name, levers={"word_of_mouth": FAST_Q}) for name in FAST_PRESETS]
    runs += [Run(f"{name}@seed{s}", name, seed=s) for name in SEED_PRESETS for s in SEEDS]
    runs += [
        Run(f"baseline@{net}", "baseline", levers={"word_of_mouth": FAST_Q, "network": net})
        for net in SPREAD_NETWORKS
    ]
    return runs


def _at(series: np.ndarray, days: Iterable[int]) -> dict[str, Any]:
    return {str(d): series[d].item() for d in days}


def _crisis(rows: dict[str, list[Any]]) -> dict[str, Any]:
    """Sentiment before a crisis, its lowest in the month after, and a month later."""
    hit = np.asarray(rows["crisis_hit"])
    if not hit.any():
        return {}
    day = int(np.flatnonzero(hit)[0])
    sentiment = np.asarray(rows["sentiment"], dtype=float)
    after = sentiment[day : day + 31]
    return {
        "day": day,
        "hit": int(hit[day]),
        "sentiment_before": round(float(sentiment[day - 1]), 3),
        "sentiment_lowest": round(float(after.min()), 3),
        "sentiment_lowest_day": day + int(after.argmin()),
        "sentiment_month_after": round(float(sentiment[min(day + 30, len(sentiment) - 1)]), 3),
    }


def series_facts(rows: dict[str, list[Any]]) -> dict[str, Any]:
    """The quoted figures of one run's daily series (``model.recorder.rows``)."""
    members = np.asarray(rows["members"])
    active = np.asarray(rows["active"])
    posts = np.asarray(rows["posts"])
    last = len(members) - 1
    later = active[1:]  # day 0 counts every launch member as active
    facts: dict[str, Any] = {
        "members": _at(members, (d for d in MEMBER_DAYS if d <= last)),
        "active": _at(active, (d for d in MEMBER_DAYS if d <= last)),
        "peak_members": int(members.max()),
        "peak_day": int(members.argmax()),
        "active_peak": int(later.max()),
        "active_peak_day": int(later.argmax()) + 1,
        "active_last_month": round(float(active[-30:].mean()), 1),
        "posts_total": int(posts[1:].sum()),
        "joined_total": int(rows["joined_total"][-1]),
        "left_total": int(rows["left_total"][-1]),
        "sentiment_end": round(float(rows["sentiment"][-1]), 3),
        "levels": {
            level: _at(np.asarray(rows[f"level_{level}"]), (d for d in LEVEL_DAYS if d <= last))
            for level in LEVELS
        },
    }
    crisis = _crisis(rows)
    if crisis:
        facts["crisis"] = crisis
    return facts


def run_facts(run: Run, n_people: int = PEOPLE, days: int = DAYS) -> dict[str, Any]:
    """Build the page's model of ``run``, step it to its last day and read its figures."""
    from experiments.classroom.model import ClassroomModel

    model = ClassroomModel.from_levers(
        playbook=run.playbook, seed=run.seed, n_people=n_people, days=days, **run.levers
    )
    model.run()
    joined = model.pop.state != PROSPECT
    never = float(np.mean(model.pop.posts[joined] == 0)) if joined.any() else 0.0
    return {
        "playbook": run.playbook,
        "seed": run.seed,
        "levers": dict(run.levers),
        "command_line": model.command_line,
        "never_posted": round(never, 3),
        **series_facts(model.recorder.rows),
    }


def compute_facts(runs: list[Run] | None = None, workers: int = 2) -> dict[str, Any]:
    """The figures of every declared run, ``{run key: {figure: value}}`` plus the settings.

    Args:
        runs: the runs (default :func:`declared_runs`).
        workers: processes running them (1: in this process).
    """
    runs = declared_runs() if runs is None else runs
    if workers > 1:
        context = multiprocessing.get_context("spawn")  # Hydra's state stays per process
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            results = list(pool.map(run_facts, runs))
    else:
        results = [run_facts(run) for run in runs]
    by_key = {run.key: result for run, result in zip(runs, results, strict=True)}
    return {"settings": settings(), "runs": by_key, "derived": derived(by_key)}


def settings() -> dict[str, Any]:
    """The page's defaults the runs use, and the word of mouth of the variants."""
    from experiments.classroom.model import preset_levers

    default_q = float(preset_levers("baseline")["word_of_mouth"])
    return {
        "people": PEOPLE,
        "days": DAYS,
        "default_q": default_q,
        "fast_q": FAST_Q,
        "slow_q": SLOW_Q,
        "fast_times": round(FAST_Q / default_q),
        "slow_times": round(SLOW_Q / default_q),
    }


def derived(runs: dict[str, Any]) -> dict[str, Any]:
    """Figures combining runs: weekly_qa against baseline on each seed (paired)."""
    seeds = (0, *SEEDS)

    def end(name: str, seed: int) -> int:
        key = name if seed == 0 else f"{name}@seed{seed}"
        return int(runs[key]["members"][str(DAYS)])

    gains = [end("weekly_qa", s) - end("baseline", s) for s in seeds]
    ends = [end("baseline", s) for s in seeds]
    return {
        "qa_gain": {str(s): g for s, g in zip(seeds, gains, strict=True)},
        "qa_gain_min": min(gains),
        "qa_gain_max": max(gains),
        "qa_gain_seeds": len(seeds),
        "baseline_end_min": min(ends),
        "baseline_end_max": max(ends),
    }


def dumps(facts: dict[str, Any]) -> str:
    """``facts`` as the text of ``facts.json`` (sorted keys, indented, a final newline)."""
    return json.dumps(facts, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def load_facts(path: Path = FACTS_PATH) -> dict[str, Any]:
    """The saved facts (``facts.json``)."""
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


# -- numbers as a person says them, and the documents rendered from templates --------------

#: the documents rendered from ``docs/templates/<name>``: every number they quote is a fact
DOCS = (
    "teaching.md",
    "worksheet.md",
    "worksheet.zh.md",
    "worksheet-answers.md",
    "worksheet-answers.zh.md",
)
DOCS_DIR = Path(__file__).resolve().parents[2] / "docs"
#: ``{{ path | format }}``: a fact by its dotted path (``baseline.members.365``,
#: ``settings.people``, ``derived.qa_gain_min``), written by a format of :data:`FORMATS`
PLACEHOLDER = re.compile(r"\{\{\s*([\w@.-]+)\s*(?:\|\s*(\w+)\s*)?\}\}")


def about(value: float) -> str:
    """A count as a person says it: exact under 100, else to 2 significant digits.

    >>> about(23), about(179), about(1077), about(-7)
    ('23', '180', '1,100', '-7')
    """
    n = round(value)
    if abs(n) < 100:
        return str(n)
    digits = len(str(abs(n))) - 2
    return f"{round(n, -digits):,}"


FORMATS: dict[str, Callable[[Any], str]] = {
    "n": lambda v: f"{round(v):,}",  # exact count
    "about": about,
    "s2": lambda v: f"{v:.2f}",  # sentiment, two decimals
    "pct": lambda v: f"{100 * v:.0f}%",  # a share in [0, 1]
    "people_pct": lambda v: f"{100 * v / PEOPLE:.0f}%",  # a count as a share of the people
    "q": lambda v: f"{v:g}",  # a rate as set
}


def lookup(facts: dict[str, Any], path: str) -> Any:
    """The fact at a dotted ``path``: a run's key first, or ``settings``/``derived``."""
    head, *rest = path.split(".")
    node = facts[head] if head in ("settings", "derived") else facts["runs"][head]
    for part in rest:
        node = node[part]
    return node


def render(template: str, facts: dict[str, Any]) -> str:
    """``template`` with each ``{{ path | format }}`` replaced by the formatted fact.

    Raises:
        KeyError: for a path that is not a fact or an unknown format.
    """

    def fill(match: re.Match[str]) -> str:
        return FORMATS[match.group(2) or "n"](lookup(facts, match.group(1)))

    return PLACEHOLDER.sub(fill, template)


def render_docs(facts: dict[str, Any]) -> dict[Path, str]:
    """Each document of :data:`DOCS` rendered from its template with ``facts``."""
    return {
        DOCS_DIR / name: render((DOCS_DIR / "templates" / name).read_text("utf-8"), facts)
        for name in DOCS
    }


def main(argv: list[str] | None = None) -> int:
    """``--write``: recompute the facts, save them and render the docs; ``--check``: compare."""
    parser = argparse.ArgumentParser(prog="python -m experiments.classroom.facts")
    parser.add_argument("--write", action="store_true", help="rewrite facts.json and the docs")
    args = parser.parse_args(argv)
    facts = compute_facts()
    stale = FACTS_PATH.read_text(encoding="utf-8") != dumps(facts) if FACTS_PATH.exists() else True
    docs = render_docs(facts)
    stale_docs = [p for p, text in docs.items() if not p.exists() or p.read_text("utf-8") != text]
    if args.write:
        FACTS_PATH.write_text(dumps(facts), encoding="utf-8")
        for path, text in docs.items():
            path.write_text(text, encoding="utf-8")
        return 0
    for name in ([FACTS_PATH] if stale else []) + stale_docs:
        print(f"stale: {name} (python -m experiments.classroom.facts --write)", file=sys.stderr)
    return 1 if stale or stale_docs else 0


if __name__ == "__main__":
    sys.exit(main())
