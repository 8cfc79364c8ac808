"""Preferential attachment without a Python loop over newcomers.

Batagelj & Brandes (2005, "Efficient generation of large random networks", Phys. Rev. E 71)
build a Barabási–Albert graph in linear time from one array ``M`` of edge end points:
slots ``2e`` and ``2e+1`` hold the two ends of edge ``e``; a newcomer's end is itself, and
its target copies ``M[r]`` for ``r`` uniform over the slots filled so far. As every person
appears in ``M`` once per tie, copying a random slot picks a person with probability
proportional to degree.

The sequential scheme fills ``M`` left to right. Here all ``r`` are drawn at once and the
copies resolved by pointer jumping: a target slot pointing at another target slot takes
that slot's pointer, round after round, until it points at a newcomer slot or into the seed
clique, whose values are known. Pointers only point backwards and half the slots are
newcomer slots, so chains are short: about log2(n*m) rounds at most (23 at n=10**6, m=5),
each over the shrinking set of unresolved links.

People ``0..m`` form a seed clique (``m(m+1)/2`` edges at the front of ``M``); newcomer
``i = m+1..n-1`` adds ``m`` links. Each link's ``r`` is drawn from the slots filled before
that newcomer arrived, so it never links to itself (no self-loops) and sees the degrees of
the graph as it was when it joined; two links of one newcomer may pick the same person
(collapsed later into one tie).
"""

from __future__ import annotations

import numpy as np


def preferential_targets(n: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """Targets of the newcomers' links under linear preferential attachment.

    Args:
        n: number of people (>= m + 1).
        m: links per newcomer.
        rng: random generator.

    Returns:
        int64 array of length ``m*(n-m-1)``: link ``j`` of newcomer ``i`` is at
        ``(i-m-1)*m + j``; each value is a person in [0, i).
    """
    n_seed = m + 1
    seed_u, seed_v = np.triu_indices(n_seed, k=1)
    prefix = np.empty(2 * seed_u.size, dtype=np.int64)
    prefix[0::2], prefix[1::2] = seed_u, seed_v
    base = prefix.size  # first slot after the seed clique (even)
    n_links = m * (n - n_seed)
    arrival_slot = base + 2 * m * (np.arange(n_links, dtype=np.int64) // m)
    r = rng.integers(0, arrival_slot)  # slot to copy, among those filled before arrival
    slot = r.copy()
    pending = np.flatnonzero((slot >= base) & (slot % 2 == 1))
    while pending.size:
        slot[pending] = r[(slot[pending] - base) // 2]  # a target slot: follow its pointer
        pending = pending[(slot[pending] >= base) & (slot[pending] % 2 == 1)]
    in_seed = slot < base
    newcomer = n_seed + (slot - base) // (2 * m)
    return np.where(in_seed, prefix[np.minimum(slot, base - 1)], newcomer)


def holme_kim_targets(n: int, m: int, pt: float, rng: np.random.Generator) -> np.ndarray:
    """Targets of the newcomers' links with Holme–Kim triad formation.

    Holme & Kim (2002, "Growing scale-free networks with tunable clustering", Phys. Rev. E
    65): after a preferential link to ``w``, a newcomer's next link goes, with probability
    ``pt``, to a random neighbour of ``w``, closing a triangle. Vectorised variant used here:

    - preferential targets are drawn for all links first (:func:`preferential_targets`);
      a link's preferential draw therefore weighs people by their preferential degree,
      not counting ties added by triad steps;
    - links 2..m of each newcomer are triad steps with probability ``pt``; a triad step
      goes to one of the ``m`` *original* links of ``w`` (the ties ``w`` made when it
      joined; for a seed person, its ``m`` clique partners), chosen uniformly, where ``w``
      is the newcomer's latest preferential target before that link. The chosen link's
      final target (itself possibly a triad step) is resolved by pointer jumping, so the
      triangle (newcomer, w, target) really exists.

    Args:
        n: number of people (>= m + 1).
        m: links per newcomer.
        pt: probability of a triad-formation step, in [0, 1].
        rng: random generator.

    Returns:
        int64 array of length ``m*(n-m-1)``, laid out as in :func:`preferential_targets`.
    """
    n_seed = m + 1
    pa = preferential_targets(n, m, rng).reshape(-1, m)
    triad = rng.random(pa.shape) < pt
    triad[:, 0] = False
    pick = rng.integers(0, m, size=pa.shape)  # which of w's original links to follow
    columns = np.where(triad, -1, np.arange(m))
    last_pa = np.maximum.accumulate(columns, axis=1)  # latest preferential link so far
    w = np.take_along_axis(pa, last_pa, axis=1)
    seed_w = triad & (w < n_seed)
    # A seed person's original links are the m other seed people: skip w itself.
    value = np.where(seed_w, pick + (pick >= w), pa).ravel()
    chained = (triad & ~seed_w).ravel()
    pointer = np.where(chained, ((w - n_seed) * m + pick).ravel(), -1)
    link = np.arange(value.size, dtype=np.int64)
    pending = np.flatnonzero(chained)
    while pending.size:  # follow triad links back until one with a known value
        link[pending] = pointer[link[pending]]
        pending = pending[chained[link[pending]]]
    return value[link]
