"""Where the classroom page draws each person: positions that keep neighbours together.

Two layouts, both normalised to [0, 1] with a margin and cached per graph:

- ``circle``: everyone on a circle in index order. The ring lattice and the small world
  are built on a circle in that order, so neighbours sit side by side and word of mouth
  visibly travels round.
- ``force``: a force-directed layout (Fruchterman-Reingold forces, the push of everyone
  on everyone from an FFT mesh) started from a pivot-MDS embedding (hop distances from 50
  pivots), so the global shape, and a file's communities, show. About a second for
  5,000 people and 20,000 ties, or for the ego-Facebook graph (4,039 people, 88,000 ties).

Drawing has its own generator, seeded here, so laying out never changes a simulation.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import scipy.sparse as sp
from scipy import fft
from scipy.sparse.csgraph import shortest_path

#: the layout of each kind of network on the page
LAYOUTS = ("circle", "force")
MARGIN = 0.04

_CACHE: OrderedDict[tuple[int, int, int, int, str], np.ndarray] = OrderedDict()
_LOCK = threading.Lock()


def layout_positions(csr: sp.csr_array, seed: int = 0, kind: str = "force") -> np.ndarray:
    """Positions (n x 2, float64 in [0, 1]) for drawing the graph, computed once per graph,
    seed and kind (the last 8 are cached).

    Raises:
        ValueError: for a kind not in :data:`LAYOUTS`.
    """
    if kind not in LAYOUTS:
        raise ValueError(f"layout kind {kind!r}: use one of {', '.join(LAYOUTS)}")
    key = (csr.shape[0], csr.nnz, hash(csr.indices.tobytes()), seed, kind)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    positions = circle_layout(csr.shape[0]) if kind == "circle" else spring_layout(csr, seed=seed)
    with _LOCK:
        _CACHE[key] = positions
        while len(_CACHE) > 8:
            _CACHE.popitem(last=False)
    return positions


def normalise(xy: np.ndarray, margin: float = MARGIN) -> np.ndarray:
    """Scale and shift positions into ``[margin, 1 - margin]``, keeping the aspect ratio."""
    xy = np.asarray(xy, dtype=np.float64)
    if len(xy) == 0:
        return xy.reshape(0, 2)
    low, high = xy.min(axis=0), xy.max(axis=0)
    span = float((high - low).max()) or 1.0
    centred = (xy - (low + high) / 2) / span  # in [-0.5, 0.5]
    return 0.5 + centred * (1 - 2 * margin)


def circle_layout(n: int) -> np.ndarray:
    """Everyone on a circle in index order, starting at the top, clockwise."""
    angle = np.pi / 2 - 2 * np.pi * np.arange(n) / max(n, 1)
    return normalise(np.column_stack([np.cos(angle), np.sin(angle)]))


def pivot_mds(csr: sp.csr_array, rng: np.random.Generator, pivots: int = 50) -> np.ndarray:
    """A 2-D embedding from hop distances to a few pivots (Brandes & Pich 2006).

    Pivots are chosen far apart (each the farthest from those before); people in another
    component than a pivot count as one hop beyond the farthest.
    """
    n = csr.shape[0]
    k = min(pivots, n)
    chosen = [int(rng.integers(n))]
    nearest = np.full(n, np.inf)
    rows = []
    for _ in range(k):
        d = shortest_path(csr, unweighted=True, indices=chosen[-1], directed=False)
        rows.append(d)
        nearest = np.minimum(nearest, np.where(np.isfinite(d), d, -1))
        if len(chosen) < k:
            chosen.append(int(np.argmax(np.where(np.isin(np.arange(n), chosen), -1, nearest))))
    dist = np.vstack(rows).T  # n x k
    finite = np.isfinite(dist)
    dist[~finite] = dist[finite].max() + 1 if finite.any() else 1.0
    sq = dist**2
    centred = sq - sq.mean(axis=0) - sq.mean(axis=1, keepdims=True) + sq.mean()
    centred *= -0.5
    u, s, _ = np.linalg.svd(centred, full_matrices=False)
    xy = u[:, :2] * s[:2]
    jitter = rng.normal(scale=1e-3 * (np.abs(xy).max() or 1.0), size=xy.shape)
    return xy + jitter  # people at the same distances from every pivot do not coincide


def spring_layout(
    csr: sp.csr_array, seed: int = 0, iterations: int = 150, grid: int | None = None
) -> np.ndarray:
    """Force-directed positions (n x 2 in [0, 1]) from a pivot-MDS start.

    Fruchterman-Reingold forces: everyone pushes everyone (1/d), each tie pulls (d^2), and
    a spring to the centre keeps separate components and loners in view. The push of
    everyone on everyone comes from a ``grid`` x ``grid`` mesh (default 128, or 256 above
    2,000 people; cloud-in-cell counts
    convolved with the push by FFT), so an iteration costs about n + ties, not n^2.
    Steps shrink as the layout settles.
    """
    n = csr.shape[0]
    rng = np.random.default_rng(seed)
    if n < 3:
        return normalise(rng.random((n, 2)))
    xy = pivot_mds(csr, rng)
    xy *= np.sqrt(n) / (np.abs(xy).max() or 1.0)
    upper = sp.coo_array(sp.triu(csr, k=1))
    rows, cols = upper.row.astype(np.int64), upper.col.astype(np.int64)
    mesh = _Mesh(grid or (128 if n <= 2000 else 256))
    for it in range(iterations):
        force = mesh.push(xy)
        tie = xy[rows] - xy[cols]
        tie *= np.sqrt((tie**2).sum(axis=1, keepdims=True))
        for axis in (0, 1):
            force[:, axis] += np.bincount(cols, tie[:, axis], minlength=n)
            force[:, axis] -= np.bincount(rows, tie[:, axis], minlength=n)
        force -= GRAVITY / np.sqrt(n) * (xy - xy.mean(axis=0))
        length = np.maximum(np.sqrt((force**2).sum(axis=1, keepdims=True)), 1e-12)
        extent = float(np.ptp(xy, axis=0).max()) or 1.0
        cap = extent * (0.05 * (1 - it / iterations) + 0.002)
        xy += force * np.minimum(1.0, cap / length)
    return normalise(xy)


#: the pull to the centre (per unit of distance, times sqrt(n)): chosen by eye on the
#: ego-Facebook graph and a three-block SBM: communities apart, each spread out
GRAVITY = 100.0


class _Mesh:
    """The push of everyone on everyone, on a square mesh around the current positions."""

    def __init__(self, grid: int) -> None:
        self.grid = grid
        offset = fft.fftfreq(2 * grid, 1 / (2 * grid))  # 0, 1, ..., -1 (cells)
        dx, dy = np.meshgrid(offset, offset, indexing="ij")
        r2 = dx * dx + dy * dy
        r2[0, 0] = np.inf  # no push on oneself
        self.kernel = (fft.rfft2(dx / r2), fft.rfft2(dy / r2))

    def push(self, xy: np.ndarray) -> np.ndarray:
        """The push of everyone on each person (n x 2)."""
        g = self.grid
        low, high = xy.min(axis=0), xy.max(axis=0)
        cell = float((high - low).max()) / (g - 3) or 1.0
        at = (xy - low) / cell + 1.0  # cell coordinates, a cell of margin each side
        base = np.floor(at).astype(np.int64)
        frac = at - base
        corners = [(0, 0), (1, 0), (0, 1), (1, 1)]
        index, weight = [], []
        for cx, cy in corners:
            wx = frac[:, 0] if cx else 1 - frac[:, 0]
            wy = frac[:, 1] if cy else 1 - frac[:, 1]
            index.append((base[:, 0] + cx) * (2 * g) + base[:, 1] + cy)
            weight.append(wx * wy)
        density = np.zeros(4 * g * g)
        for i, w in zip(index, weight, strict=True):
            density += np.bincount(i, w, minlength=4 * g * g)
        spectrum = fft.rfft2(density.reshape(2 * g, 2 * g))
        out = np.zeros_like(xy)
        for axis, kernel in enumerate(self.kernel):
            field = fft.irfft2(spectrum * kernel, s=(2 * g, 2 * g)).ravel()
            for i, w in zip(index, weight, strict=True):
                out[:, axis] += w * field[i]
        return out / cell
