"""Lanczos iterations on a symmetric operator (private kernels of ``spectrum.py``).

Two drivers share one idea, a Krylov basis kept orthonormal by full
reorthogonalization (classical Gram-Schmidt applied twice):

* :func:`thick_restart_lanczos` finds the ``k`` largest or smallest eigenpairs. The basis
  holds at most ``max_basis`` vectors; when it is full, the wanted Ritz vectors are kept
  together with the residual direction and the expansion continues (Wu and Simon 2000).
  The projected matrix ``T = V^T A V`` is stored densely, so the arrowhead structure a
  restart creates needs no special case.
* :func:`lanczos_tridiagonal` runs a fixed number of plain Lanczos steps for many start
  vectors at once (one batched matrix-vector product per step), as stochastic Lanczos
  quadrature needs.

No validation happens here; ``matvec``/``matmat`` are trusted to return finite arrays.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

_EPS = np.finfo(np.float64).eps


def _orthogonalize(basis: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Remove from ``w`` its components along the rows of ``basis`` (twice); return them."""
    h = basis @ w
    w -= h @ basis
    h2 = basis @ w
    w -= h2 @ basis
    return h + h2


def thick_restart_lanczos(
    matvec: Callable[[np.ndarray], np.ndarray],
    dim: int,
    k: int,
    largest: bool,
    v0: np.ndarray,
    tol: float,
    max_matvecs: int,
    max_basis: int,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, bool, np.ndarray]:
    """Return ``(values, vectors (d, k), residual_norms, num_matvecs, converged, history)``.

    ``history`` has shape ``(num_matvecs, k)``: row ``j`` holds the wanted Ritz values
    after product ``j + 1`` (NaN while fewer than ``k`` exist), the convergence curve.

    Convergence: every wanted Ritz pair has ``||A y - theta y|| <= tol * ||A||_est`` where
    ``||A||_est`` is the largest Ritz value magnitude seen so far (a lower bound on the
    spectral norm). Residuals come from the Lanczos relation, ``beta * |s_last|``.

    When the Krylov space becomes invariant (``beta`` ~ 0) its Ritz pairs are exact, but
    a repeated eigenvalue shows only one copy in it. The iteration then continues from a
    fresh random direction orthogonal to the basis (a new block) and stops only once a
    block has converged, or become invariant, without changing the wanted values.
    """
    m = max_basis
    tiny = np.finfo(float).tiny
    basis = np.zeros((m + 1, dim))
    proj = np.zeros((m, m))
    basis[0] = v0 / np.linalg.norm(v0)
    size, used, anorm = 0, 0, tiny
    block_start, before_block = 0, None
    history = []
    while True:
        w = matvec(basis[size])
        used += 1
        h = _orthogonalize(basis[: size + 1], w)
        proj[: size + 1, size] = h
        proj[size, : size + 1] = h
        beta = float(np.linalg.norm(w))
        size += 1
        theta, s = np.linalg.eigh(proj[:size, :size])
        anorm = max(anorm, float(np.abs(theta).max()))
        order = np.argsort(theta)[::-1] if largest else np.argsort(theta)
        want = order[: min(k, size)]
        values, coeffs = theta[want], s[:, want]
        resid = beta * np.abs(s[size - 1, want])
        history.append(np.pad(values, (0, k - len(values)), constant_values=np.nan))
        invariant = beta <= 10 * _EPS * anorm * np.sqrt(dim)
        done = len(want) == k and bool(np.all(resid <= tol * anorm))
        if done and block_start > 0 and not invariant:
            # A later block must also have converged at its wanted end before we stop.
            tb, sb = np.linalg.eigh(proj[block_start:size, block_start:size])
            jb = int(np.argmax(tb)) if largest else int(np.argmin(tb))
            done = beta * abs(sb[-1, jb]) <= tol * anorm
        if invariant:
            if size >= dim:
                break
            unchanged = (
                before_block is not None
                and len(want) == k
                and bool(np.allclose(values, before_block, rtol=0, atol=tol * anorm))
            )
            if unchanged:
                break
            before_block = values.copy() if len(want) == k else None
            block_start = size
            w = rng.standard_normal(dim)
            _orthogonalize(basis[:size], w)
            w /= np.linalg.norm(w)
            beta = 0.0  # the new block is not coupled to the old one
        elif done:
            break
        if used >= max_matvecs:
            break
        if size == m:
            # Thick restart: keep the wanted end of the Ritz spectrum plus some neighbours.
            keep = order[: min(m - 1, k + max(1, (m - k) // 2))]
            basis[: len(keep)] = s[:, keep].T @ basis[:m]
            proj[:] = 0.0
            proj[np.arange(len(keep)), np.arange(len(keep))] = theta[keep]
            size, block_start, before_block = len(keep), 0, None
            # The couplings beta * s[m - 1, keep] reappear in the next expansion's column.
        basis[size] = w / beta if beta > 0 else w
    vectors = coeffs.T @ basis[: coeffs.shape[0]]
    converged = len(values) == k and bool(np.all(resid <= tol * anorm))
    return values, vectors.T, resid, used, converged, np.array(history).reshape(-1, k)


def lanczos_tridiagonal(
    matmat: Callable[[np.ndarray], np.ndarray], starts: np.ndarray, num_steps: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Run ``num_steps`` Lanczos steps from each row of ``starts`` (shape ``(p, d)``).

    Returns ``(alphas (p, m), betas (p, m - 1), lengths (p,))``: the tridiagonal of each
    probe, where probe ``i`` stopped early (an invariant subspace) after ``lengths[i]``
    steps; entries past that are zero. ``matmat`` maps ``(p, d) -> (p, d)`` row-wise.
    """
    p, dim = starts.shape
    m = num_steps
    basis = np.zeros((p, m, dim))
    basis[:, 0] = starts / np.linalg.norm(starts, axis=1, keepdims=True)
    alphas, betas = np.zeros((p, m)), np.zeros((p, max(m - 1, 0)))
    lengths = np.full(p, m)
    active = np.ones(p, dtype=bool)
    for j in range(m):
        w = matmat(basis[:, j])
        for i in np.flatnonzero(active):
            h = _orthogonalize(basis[i, : j + 1], w[i])
            alphas[i, j] = h[j]
            if j + 1 < m:
                beta = float(np.linalg.norm(w[i]))
                scale = max(abs(alphas[i, : j + 1]).max(), np.abs(betas[i, :j]).max(initial=0))
                if beta <= 10 * _EPS * max(scale, np.finfo(float).tiny) * np.sqrt(dim):
                    lengths[i] = j + 1
                    active[i] = False
                    continue
                betas[i, j] = beta
                basis[i, j + 1] = w[i] / beta
        if not active.any():
            break
    return alphas, betas, lengths
