"""The classroom page's texts: the "About this model" panel and a short text per preset.

Like NetLogo's Info tab, :func:`about_sections` gives WHAT IS IT?, HOW IT WORKS, THINGS TO
NOTICE, THINGS TO TRY and CREDITS AND REFERENCES, each a Markdown body;
:func:`preset_text` says what a preset does, what to watch and what to expect on the last
day at seed 0. Every text is an English msgid translated with ``experiments.i18n``; its
numbers are ``{placeholders}`` filled from ``facts.json`` (:mod:`experiments.classroom.facts`)
as a person says them ("about 180 members"): no msgid writes a figure itself
(``tests/integration/test_classroom_facts.py`` checks it).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from experiments.classroom.facts import DAYS, FORMATS, load_facts, lookup
from experiments.classroom.preset_texts import PRESET_EXPECT, PRESET_TEXTS
from experiments.i18n import N_, translator

ABOUT: tuple[tuple[str, str], ...] = (
    (
        N_("WHAT IS IT?"),
        N_(
            "An online community among {people} people who know each other: the customers "
            "of a brand, the students of a school. On day 0, {m0} of them are members; nobody "
            "advertises. Each day people hear of the community from their member friends and "
            "some join; members visit, read, post and reply, grow more or less committed, and "
            "some go quiet or leave.\n\n"
            "The presets and the levers are what a community manager can do: whom to invite at "
            "launch, weekly Q&As and monthly meetups, points and badges, moderation, welcome "
            "replies to newcomers. The page runs the same model as `commsim run`, one day at "
            "a time."
        ),
    ),
    (
        N_("HOW IT WORKS"),
        N_(
            "- **Joining (word of mouth).** Each day a person who is not a member joins with a "
            "small chance from outside (*p*) plus *q* times the share of their friends who are "
            "members: the Bass model on a network. Few members, few invitations.\n"
            "- **Visiting.** A member visits with a chance that grows with their commitment. "
            "Commitment is a running average of what each visit was worth (interesting posts, "
            "replies to their own posts, events) and fades without visits.\n"
            "- **Posting.** Visitors sometimes post and reply; a reply recognises its author, "
            "a first post above all.\n"
            "- **Levels.** From recent activity: *newcomer* (orange), *lurker* (light blue: "
            "visits, does not post), *contributor* (green), *core* (red, large). Grey: people "
            "who are not members; dark grey: members who left.\n"
            "- **Leaving.** Days without a visit, low commitment and a bad mood raise the "
            "chance to leave. Friends talk: moods spread along the ties, and a crisis turns "
            "a share of members negative at once.\n"
            "- **Ties.** Faint lines are friendships; darker lines show who brought whom, "
            "bright for the last week's joiners."
        ),
    ),
    (
        N_("THINGS TO NOTICE"),
        N_(
            "With the `baseline` preset (seed 0):\n\n"
            "- **A slow start.** {m10} members on day 10, {m30} on day 30. New members appear "
            "next to existing ones: friends bring friends.\n"
            "- **A year on, a minority.** About {m365} members on day {days}, {m365_share} of "
            "the {people} people.\n"
            "- **Members are not visitors.** On day {days}, {active} members came, of about "
            "{m365}: most members go quiet without leaving.\n"
            "- **Most never post.** {never} of the people who joined never posted. On day "
            "{days}, lurkers: {lurkers}; contributors: {contributors}; core members: {core}."
        ),
    ),
    (
        N_("THINGS TO TRY"),
        N_(
            "- **Word of mouth.** Set it to {slow_q} ({slow_times} times the default) and "
            "watch the S-curve: about {slow_peak} members at the peak, on day "
            "{slow_peak_day}, then about {slow_365} on day {days}. At {fast_q}, {fast_30} "
            "members by day 30 and about {fast_365} left on day {days}: fast growth burns "
            "through the network.\n"
            "- **Whom to invite.** `seed_degree` invites the best-connected people: {deg_10} "
            "members on day 10 against {rnd_10} with `seed_random`, about {deg_365} against "
            "{rnd_365} on day {days} (`baseline`: about {m365}).\n"
            "- **Events.** `weekly_qa`: the *active* line jumps every week; about {qa_365} "
            "members on day {days}.\n"
            "- **Luck.** Change the *Seed*: `baseline` ends between {base_min} and "
            "{base_max} members over seeds 0 to 3. Compare strategies on the same seeds "
            "(`commsim compare`)."
        ),
    ),
    (
        N_("CREDITS AND REFERENCES"),
        N_(
            "commsim: the model is described in `docs/model.md`, the lesson plan in "
            "`docs/teaching.md`. The layout of this panel follows NetLogo's Info tab "
            "(Wilensky, 1999).\n\n"
            "- Bass, F. M. (1969). A new product growth for model consumer durables. "
            "*Management Science*.\n"
            "- Holme, P. & Kim, B. J. (2002). Growing scale-free networks with tunable "
            "clustering. *Physical Review E*.\n"
            "- Kempe, D., Kleinberg, J. & Tardos, É. (2003). Maximizing the spread of "
            "influence through a social network. *KDD*.\n"
            "- Nielsen, J. (2006). Participation inequality: the 90-9-1 rule.\n"
            "- Kraut, R. E. & Resnick, P. (2012). *Building Successful Online Communities*. "
            "MIT Press.\n"
            "- Ren, Y. & Kraut, R. E. (2014). Agent-based modeling to inform online community "
            "design. *Human-Computer Interaction*."
        ),
    ),
)


@cache
def facts() -> dict[str, Any]:
    """The saved facts (``experiments/classroom/facts.json``), read once."""
    return load_facts()


def _say(path: str, fmt: str = "about", data: dict[str, Any] | None = None) -> str:
    return FORMATS[fmt](lookup(facts() if data is None else data, path))


def run_values(key: str, data: dict[str, Any] | None = None) -> dict[str, str]:
    """The placeholders of a run's texts, as a person says them (``m365``: "180")."""
    data = facts() if data is None else data
    run = data["runs"][key]
    end = str(DAYS)
    values = {f"m{d}": FORMATS["about"](v) for d, v in run["members"].items()}
    values |= {
        "active": FORMATS["n"](run["active"][end]),
        "peak": FORMATS["about"](run["peak_members"]),
        "peak_day": FORMATS["n"](run["peak_day"]),
        "active_peak": FORMATS["n"](run["active_peak"]),
        "posts": FORMATS["about"](run["posts_total"]),
        "never": FORMATS["pct"](run["never_posted"]),
        "m365_share": FORMATS["people_pct"](run["members"][end]),
        **{f"{lv}s": FORMATS["n"](n[end]) for lv, n in run["levels"].items() if lv != "core"},
        "core": FORMATS["n"](run["levels"]["core"][end]),
    }
    if "crisis" in run:
        crisis = run["crisis"]
        values |= {
            "crisis_day": FORMATS["n"](crisis["day"]),
            "before": FORMATS["s2"](crisis["sentiment_before"]),
            "lowest": FORMATS["s2"](crisis["sentiment_lowest"]),
            "month_after": FORMATS["s2"](crisis["sentiment_month_after"]),
        }
    return values


def page_values(data: dict[str, Any] | None = None) -> dict[str, str]:
    """Every placeholder of the About panel: ``baseline``'s, then the variants'."""
    d = facts() if data is None else data
    s = d["settings"]
    end = str(DAYS)

    def say(path: str, fmt: str = "about") -> str:
        return _say(path, fmt, d)

    return {
        **run_values("baseline", d),
        "people": FORMATS["n"](s["people"]),
        "days": FORMATS["n"](s["days"]),
        "slow_q": FORMATS["q"](s["slow_q"]),
        "slow_times": FORMATS["n"](s["slow_times"]),
        "fast_q": FORMATS["q"](s["fast_q"]),
        "slow_peak": say("baseline@slow.peak_members"),
        "slow_peak_day": say("baseline@slow.peak_day", "n"),
        "slow_365": say(f"baseline@slow.members.{end}"),
        "fast_30": say("baseline@fast.members.30"),
        "fast_365": say(f"baseline@fast.members.{end}"),
        "deg_10": say("seed_degree.members.10"),
        "rnd_10": say("seed_random.members.10"),
        "deg_365": say(f"seed_degree.members.{end}"),
        "rnd_365": say(f"seed_random.members.{end}"),
        "qa_365": say(f"weekly_qa.members.{end}"),
        "base_min": say("derived.baseline_end_min", "n"),
        "base_max": say("derived.baseline_end_max", "n"),
    }


def about_sections(lang: Any = None) -> list[tuple[str, str]]:
    """The About panel: ``(title, Markdown body)`` per section, in ``lang``."""
    _ = translator(lang)
    values = page_values()
    return [(_(title), _(body, **values)) for title, body in ABOUT]


def preset_text(playbook: str, lang: Any = None) -> str:
    """What a preset does, what to watch, and its members on the last day at seed 0.

    A playbook without a declared text (a new one) gets the expectation sentence alone.
    """
    _ = translator(lang)
    data = facts()
    if playbook not in data["runs"]:
        return ""
    base = run_values("baseline")
    values = {
        **run_values(playbook),
        **{f"base_{k}": v for k, v in base.items()},
        "base365": base[f"m{DAYS}"],
        "none_posts": run_values("moderation_none")["posts"],
        "days": FORMATS["n"](data["settings"]["days"]),
    }
    expect = PRESET_EXPECT["baseline" if playbook == "baseline" else "other"]
    parts = [_(PRESET_TEXTS[playbook], **values)] if playbook in PRESET_TEXTS else []
    return " ".join([*parts, _(expect, **values)])


def msgids() -> list[str]:
    """Every msgid of this module and of the preset texts (for the checks)."""
    return [
        *(t for pair in ABOUT for t in pair),
        *PRESET_TEXTS.values(),
        *PRESET_EXPECT.values(),
    ]
