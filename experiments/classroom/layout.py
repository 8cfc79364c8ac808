"""Where the classroom page draws each person: a fast force-directed layout, cached.

Drawing has its own generator, seeded here, so laying out never changes a simulation.
"""

from __future__ import annotations

import threading

import numpy as np
import scipy.sparse as sp

_LAYOUTS: dict[tuple[int, int, int], np.ndarray] = {}
_LAYOUT_LOCK = threading.Lock()


def layout_positions(csr: sp.csr_array, seed: int = 0) -> np.ndarray:
    """Positions (n x 2) for drawing the graph, computed once per graph and seed (cached)."""
    key = (csr.shape[0], hash(csr.indices.tobytes()), seed)
    with _LAYOUT_LOCK:
        if key not in _LAYOUTS:
            if len(_LAYOUTS) >= 8:
                _LAYOUTS.pop(next(iter(_LAYOUTS)))
            _LAYOUTS[key] = spring_layout(csr, seed=seed)
        return _LAYOUTS[key]


def spring_layout(
    csr: sp.csr_array, seed: int = 0, iterations: int = 80, sample: int = 400
) -> np.ndarray:
    """Fruchterman-Reingold positions in about a second for 3,000 people.

    Ties pull (force d^2/k), everyone pushes everyone (k^2/d); the push on each person is
    estimated from ``sample`` others drawn afresh each iteration (exact when n <= sample).
    Drawing has its own generator, seeded here, so laying out never changes a simulation.
    """
    n = csr.shape[0]
    rng = np.random.default_rng(seed)
    x, y = rng.random(n, dtype=np.float32), rng.random(n, dtype=np.float32)
    coo = sp.coo_array(csr)
    rows, cols = coo.row, coo.col
    k2 = np.float32(1.0 / n)
    k = np.sqrt(k2)
    m = min(n, sample)
    push = np.float32(k2 * n / m)
    temp, cool = 0.1, 0.1 / (iterations + 1)
    for _ in range(iterations):
        pick = rng.choice(n, size=m, replace=False) if m < n else slice(None)
        dx, dy = x[:, None] - x[pick][None, :], y[:, None] - y[pick][None, :]
        inv = dx * dx + dy * dy
        inv[inv == 0] = np.inf  # oneself (or someone at the very same spot) does not push
        np.reciprocal(inv, out=inv)
        fx, fy = (dx * inv).sum(1) * push, (dy * inv).sum(1) * push
        ex, ey = x[rows] - x[cols], y[rows] - y[cols]
        pull = np.sqrt(ex * ex + ey * ey) / k
        fx -= np.bincount(rows, ex * pull, minlength=n)
        fy -= np.bincount(rows, ey * pull, minlength=n)
        length = np.maximum(np.sqrt(fx * fx + fy * fy), 1e-12)
        scale = np.minimum(length, temp) / length
        x += (fx * scale).astype(np.float32)
        y += (fy * scale).astype(np.float32)
        temp -= cool
    return np.column_stack([x, y]).astype(np.float64)
