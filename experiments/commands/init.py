"""``commsim init DIR [--force]``: a project folder of your own, ready to run.

Writes:
    DIR/community/my_community.yaml   your community: the social graph, its size, and
                                      your own segments (they replace the built-in ones)
    DIR/playbook/my_weekly_live.yaml  weekly_qa from another day, for fewer people, with a budget
    DIR/playbook/my_points_lite.yaml  points with lower rewards
    DIR/README.md                     the commands to run

Every command takes the folder with ``--config-dir=DIR``:
``commsim compare --config-dir=DIR community=my_community playbooks=[baseline,my_weekly_live]``.
Existing files are left alone (the command stops and names them); ``--force`` overwrites.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sim.errors import ConfigError
from sim.io import check_output_folder, write_text

COMMUNITY = """\
# Your community: how many people could join, how they know each other, and who they are.
#   commsim run --config-dir={folder} community=my_community
# Change the numbers after the colons; text after a # is a comment.
kind: holme_kim   # the social network: holme_kim (like friendship networks), ba, ws, sbm, ...
n: 5000           # people who could join (your reachable audience), members and prospects
m: 4              # ties each person makes when the network is built (more: a denser network)
pt: 0.5           # chance that a further tie links friends of friends (0 to 1)

# Your segments (groups of people with their own habits). They REPLACE commsim's built-in
# ones (students, professionals, older); set keep_builtin_segments: true to add yours to
# them instead. Add or remove segments freely; a value you leave out takes its default
# (docs/model.md, "Segments"). Plans can target a segment by its name.
keep_builtin_segments: false
segments:
  regulars:             # a name of your choice (letters, digits, _)
    share: 0.3          # relative size: shares are weights (0.3 and 0.7 -> 30% and 70%)
    visit: 1.4          # how often they visit, x the default (1: default, 2: twice as often)
    sociality: 1.3      # how much they post and reply, x the default
    incentive: 1.0      # how strongly points and coupons move them, x the default
    purchase: 0.004     # daily chance that a fully committed visitor buys (0.004: 0.4%)
    basket: 55.0        # average order value, in your currency
  occasional:
    share: 0.7
    visit: 0.8
    sociality: 0.7
    incentive: 1.3
    purchase: 0.0015
    basket: 30.0
"""

WEEKLY_LIVE = """\
# @package _global_
# commsim's weekly_qa, changed in a few places: held from day 3 (then every 7 days), for at
# most 150 people, and a budget for the whole run (spending stops when it is used up).
#   commsim run --config-dir={folder} community=my_community playbook=my_weekly_live
defaults:
  - weekly_qa                                         # start from the ready playbook
  - /schema/strategies/budget@strategies.budget      # add a budget
  - _self_
playbook_name: my_weekly_live
playbook_description: a weekly live Q&A from day 3 for up to 150 people, within a budget of 15,000
strategies:
  events:
    items:
      qa:
        day: 3          # first day it is held, then every 7 days (weekly_qa: day 7)
        capacity: 150   # most people who can attend (weekly_qa: 300)
        cost: 300.0     # what each session costs (weekly_qa: 250)
  budget:
    total: 15000.0      # the whole run's budget, in your currency
"""

POINTS_LITE = """\
# @package _global_
# commsim's points scheme with lower rewards: fewer points per post and reply, and cheaper
# rewards (every other lever as in the ready playbook `points`).
#   commsim run --config-dir={folder} community=my_community playbook=my_points_lite
defaults:
  - points          # start from the ready playbook
  - _self_
playbook_name: my_points_lite
playbook_description: the points scheme with lower rewards (5 points a post, 2 a reply)
strategies:
  incentives:
    points_per_post: 5.0    # points for each post (points: 10)
    points_per_reply: 2.0   # points for each reply (points: 5)
    reward_cost: 3.0        # what one reward costs you (points: 5)
"""

README = """\
# {name}: a commsim project folder

Your community and your plans, beside commsim's own. Every commsim command takes this
folder with `--config-dir={folder}` (run the commands from the folder that holds it).

| file | what it is |
|---|---|
| `community/my_community.yaml` | your community: the network, its size and your segments |
| `playbook/my_weekly_live.yaml` | a plan: commsim's weekly Q&A from another day, smaller, with a budget |
| `playbook/my_points_lite.yaml` | a plan: commsim's points scheme with lower rewards |

Add plans by copying a file of `playbook/` under a new name (and a new `playbook_name`);
a name of one of commsim's own playbooks is refused. Your segments replace commsim's
built-in ones; `keep_builtin_segments: true` keeps those too.

1. See every plan, yours marked:

       commsim playbooks --config-dir={folder}

2. Run one plan on your community:

       commsim run --config-dir={folder} community=my_community playbook=my_weekly_live

3. Compare plans, 5 replications each, with a report:

       commsim compare --config-dir={folder} community=my_community playbooks=[baseline,my_weekly_live,my_points_lite] reps=5
"""  # noqa: E501 (the table and the command are read whole)

#: file (relative to the folder) -> its template
FILES = {
    "community/my_community.yaml": COMMUNITY,
    "playbook/my_weekly_live.yaml": WEEKLY_LIVE,
    "playbook/my_points_lite.yaml": POINTS_LITE,
    "README.md": README,
}


def init(folder: Path, force: bool = False) -> list[Path]:
    """Write a project folder; returns the files written.

    Raises:
        ConfigError: naming a file that exists already (without ``force``), or a folder
            path that is a file.
    """
    if folder.exists() and not folder.is_dir():
        raise ConfigError("init", str(folder), "this is a file; give a folder to create")
    paths = {folder / rel: text for rel, text in FILES.items()}
    if not force:
        for path in paths:
            if path.exists():
                raise ConfigError(
                    "init",
                    str(path),
                    "the file exists and is left alone; choose another folder, or add "
                    "--force to overwrite it",
                )
    for path, text in paths.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text(path, text.format(folder=folder.as_posix(), name=folder.name or "commsim"))
    return list(paths)


def main(args: Sequence[str]) -> int:
    """``commsim init DIR [--force]``: write the folder, say what was written and what next."""
    force = "--force" in args
    rest = [a for a in args if a != "--force"]
    if len(rest) != 1 or rest[0].startswith("-"):
        raise ConfigError(
            "init",
            " ".join(rest) or None,
            "give one folder to create, e.g. commsim init mybrand (--force overwrites)",
        )
    folder = check_output_folder(rest[0], "init", "commsim init DIR")
    written = init(folder, force)
    print(f"commsim init: wrote a project folder, {folder}:")
    for path in written:
        print(f"  {path}")
    print(
        f"\nnext: commsim playbooks --config-dir={folder}\n"
        f"then: commsim compare --config-dir={folder} community=my_community "
        f"playbooks=[baseline,my_weekly_live,my_points_lite] reps=5\n"
        f"(more in {folder / 'README.md'})"
    )
    return 0
