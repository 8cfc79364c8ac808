"""The social networks the classroom page offers, as Hydra overrides of ``community``.

    >>> available_networks(None)   # name -> label (an N_ msgid: translate where shown)
    {'ring': 'Ring', 'small_world': 'Small world', 'power_law': 'Power law', 'facebook': ...}
    >>> network_overrides("small_world", n_people=500)
    ['community=ws', 'community.n=500']

``facebook`` is the ego-Facebook graph (McAuley & Leskovec 2012, 4,039 people) beside the
repository (``../shared/data/facebook_combined.txt.gz``), offered only when that file
exists; ``file`` is the graph file given on the command line (``commsim ui
community=file community.path=edges.txt.gz``), offered only when given. A file's
network has the file's people, whatever the people slider says.
"""

from __future__ import annotations

from pathlib import Path

from experiments.i18n import N_
from sim.errors import ConfigError

#: the page draws every person: keep the community small enough to see and to lay out
MAX_PEOPLE = 5000
MIN_PEOPLE = 100
REPO = Path(__file__).resolve().parents[2]
FACEBOOK = REPO.parent / "shared" / "data" / "facebook_combined.txt.gz"
#: network name -> (label, the ``community`` config it uses)
NETWORKS: dict[str, tuple[str, str]] = {
    "ring": (N_("Ring"), "ring"),
    "small_world": (N_("Small world"), "ws"),
    "power_law": (N_("Power law"), "holme_kim"),
    "facebook": (N_("Facebook friends"), "file"),
    "file": (N_("Graph file"), "file"),
}
DEFAULT_NETWORK = "power_law"
#: the network of each ``community=`` choice the page offers (``commsim ui community=ws``)
NETWORK_OF_COMMUNITY = {"ring": "ring", "ws": "small_world", "holme_kim": "power_law"}
#: communities drawn on a circle in index order (their neighbours sit side by side)
CIRCLE_COMMUNITIES = ("ring", "ws")


def available_networks(graph_file: str | None = None) -> dict[str, str]:
    """The networks the page can offer: name -> label msgid (``_(label)`` where shown).

    Args:
        graph_file: the graph file given on the command line, if any (offers ``file``).
    """
    out = {name: label for name, (label, _) in NETWORKS.items()}
    if not FACEBOOK.is_file():
        del out["facebook"]
    if not graph_file:
        del out["file"]
    return out


def check_people(key: str, n: object) -> int:
    """A number of people the page can draw (MIN_PEOPLE..MAX_PEOPLE).

    Raises:
        ConfigError: naming ``key`` for anything else.
    """
    fix = (
        f"the page draws everyone: use {MIN_PEOPLE}..{MAX_PEOPLE} "
        "(commsim run for larger communities)"
    )
    try:
        number = int(str(n))
    except ValueError:
        raise ConfigError(key, n, fix) from None
    if not MIN_PEOPLE <= number <= MAX_PEOPLE:
        raise ConfigError(key, n, fix)
    return number


def network_overrides(network: str, n_people: int, graph_file: str | None = None) -> list[str]:
    """The ``community`` overrides of a network of ``n_people`` (a file's: its own people).

    Raises:
        ConfigError: on ``network`` for an unknown or unavailable one, on ``n_people``
            outside MIN_PEOPLE..MAX_PEOPLE.
    """
    offered = available_networks(graph_file)
    if network not in offered:
        raise ConfigError(
            "network",
            network,
            f"use one of: {', '.join(offered)}"
            + (
                " (a graph file: commsim ui community=file community.path=edges.txt.gz)"
                if network == "file"
                else ""
            ),
        )
    community = NETWORKS[network][1]
    if network == "facebook":
        return ["community=file", f"community.path={FACEBOOK}"]
    if network == "file":
        return ["community=file", f"community.path={graph_file}"]
    return [f"community={community}", f"community.n={check_people('n_people', n_people)}"]
