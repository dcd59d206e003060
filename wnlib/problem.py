"""The overparametrized least-squares problem (1) and its minimum-norm solution.

Problem (1) of the paper: minimize ``½‖Ax − y‖²`` over ``x ∈ ℝᵈ`` with ``A ∈ ℝ^{m×d}``,
``m < d``, rank ``m``. Its minimum-norm solution is ``x* = A⁺y = g* w*`` with ``g* = ‖x*‖ > 0``
and ``‖w*‖ = 1``. Definition 1.1 splits any ``z`` into ``z∥`` (the projection on the row space
of A) and ``z⊥`` (with ``A z⊥ = 0``).
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from ._validate import as_finite_array


@dataclass(frozen=True, eq=False)
class Problem:
    """Overparametrized least squares, problem (1): ``min_x ½‖Ax − y‖²``.

    Parameters
    ----------
    A : array_like, shape (m, d)
        Feature matrix with ``m < d`` and full row rank ``m``.
    y : array_like, shape (m,)
        Targets, not all zero (else ``x* = 0`` and ``w*`` is undefined).

    Attributes
    ----------
    A, y : ndarray
    m, d : int
    x_star : ndarray, shape (d,)
        Minimum-norm solution ``x* = A⁺y = Aᵀ(AAᵀ)⁻¹y``.
    g_star : float
        ``g* = ‖x*‖``.
    w_star : ndarray, shape (d,)
        ``w* = x*/g*``.
    lam_min, lam_max : float
        Extreme eigenvalues of ``AAᵀ`` (Lemma 2.3, Theorem 2.7, Proposition 3.3).
    """

    A: np.ndarray
    y: np.ndarray
    m: int = field(init=False)
    d: int = field(init=False)
    x_star: np.ndarray = field(init=False, repr=False)
    g_star: float = field(init=False)
    w_star: np.ndarray = field(init=False, repr=False)
    lam_min: float = field(init=False)
    lam_max: float = field(init=False)
    _row_basis: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        A = as_finite_array(self.A, "A", (2,))
        y = as_finite_array(self.y, "y", (1,))
        m, d = A.shape
        if m == 0:
            raise ValueError(f"A has no rows (shape {A.shape}): the problem needs m >= 1 equations")
        if y.shape[0] != m:
            raise ValueError(f"A has {m} rows but y has {y.shape[0]} entries (shape mismatch)")
        if m >= d:
            raise ValueError(
                f"the problem is not overparametrized: m={m} >= d={d} "
                "(need fewer rows than columns)"
            )
        # Row space basis from the SVD; rank check on the singular values.
        _, s, vt = np.linalg.svd(A, full_matrices=False)
        if s[-1] <= s[0] * max(m, d) * np.finfo(float).eps * 10:
            raise ValueError(
                f"A is rank-deficient (rank < m={m}; smallest singular value {s[-1]:.3g})"
            )
        if not np.any(y != 0):
            raise ValueError("y is zero: then x* = 0 and w* is undefined (the paper excludes it)")
        A = A.copy()
        y = y.copy()
        A.setflags(write=False)
        y.setflags(write=False)
        x_star = np.linalg.lstsq(A, y, rcond=None)[0]
        x_star = vt.T @ (vt @ x_star)  # exactly in the row space
        g_star = float(np.linalg.norm(x_star))
        for name, value in [
            ("A", A),
            ("y", y),
            ("m", m),
            ("d", d),
            ("x_star", x_star),
            ("g_star", g_star),
            ("w_star", x_star / g_star),
            ("lam_min", float(s[-1] ** 2)),
            ("lam_max", float(s[0] ** 2)),
            ("_row_basis", vt),
        ]:
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
            object.__setattr__(self, name, value)

    def _check_vectors(self, z, name: str) -> np.ndarray:
        z = as_finite_array(z, name, (1, 2))
        if z.shape[-1] != self.d:
            raise ValueError(f"{name} must have length d={self.d} in its last axis, got {z.shape}")
        return z

    def split(self, z) -> tuple[np.ndarray, np.ndarray]:
        """Row-space split of Definition 1.1: ``z = z∥ + z⊥`` with ``A z⊥ = 0``.

        Parameters
        ----------
        z : array_like, shape (d,) or (B, d)

        Returns
        -------
        z_par, z_perp : ndarray, same shape as ``z``
        """
        z = self._check_vectors(z, "z")
        z_par = (z @ self._row_basis.T) @ self._row_basis
        return z_par, z - z_par

    def loss(self, x) -> np.ndarray | float:
        """``½‖Ax − y‖²`` for one ``x`` (a float) or a batch ``(B, d)`` (an array ``(B,)``)."""
        x = self._check_vectors(x, "x")
        r = x @ self.A.T - self.y
        out = 0.5 * np.sum(r * r, axis=-1)
        return float(out) if x.ndim == 1 else out


def make_problem(m: int, d: int, *, kind: str = "gaussian", seed: int = 0) -> Problem:
    """A random instance of problem (1).

    Parameters
    ----------
    m, d : int
        Sizes, ``m < d``.
    kind : {"gaussian", "orthogonal"}
        ``"gaussian"``: i.i.d. N(0, 1) entries scaled so that ``λ_max(AAᵀ) = 1`` (the scaling of
        Proposition 3.3). ``"orthogonal"``: orthonormal rows, ``AAᵀ = I`` (Theorem 3.2).
    seed : int
        Seed of ``numpy.random.default_rng``.

    Notes
    -----
    ``y = A x_true`` with ``x_true ~ N(0, I_d)`` drawn from the same generator.
    """
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in (m, d)):
        raise TypeError(f"m and d must be integers, got m={m!r}, d={d!r}")
    m, d = int(m), int(d)
    if m < 1:
        raise ValueError(f"m and d must be positive integers, got m={m!r}, d={d!r}")
    if m >= d:
        raise ValueError(f"m={m} >= d={d}: the problem must be overparametrized (m < d)")
    rng = np.random.default_rng(seed)
    G = rng.standard_normal((m, d))
    if kind == "gaussian":
        A = G / np.linalg.norm(G, 2)
    elif kind == "orthogonal":
        q, _ = np.linalg.qr(G.T)
        A = q.T
    else:
        raise ValueError(f"kind must be 'gaussian' or 'orthogonal', got {kind!r}")
    x_true = rng.standard_normal(d)
    return Problem(A, A @ x_true)
