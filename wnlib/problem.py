"""The overparametrized least-squares problem (1) and its minimum-norm solution.

Problem (1) of the paper: minimize ``½‖Ax − y‖²`` over ``x ∈ ℝᵈ`` with ``A ∈ ℝ^{m×d}``,
``m < d``, rank ``m``. Its minimum-norm solution is ``x* = A⁺y = g* w*`` with ``g* = ‖x*‖ > 0``
and ``‖w*‖ = 1``. Definition 1.1 splits any ``z`` into ``z∥`` (the projection on the row space
of A) and ``z⊥`` (with ``A z⊥ = 0``).

This module is the one home of the problem builders and of the starts built from a problem:

- :func:`make_problem`: a random instance (Gaussian or orthonormal rows).
- :func:`make_conditioned_problem`: ``AAᵀ`` with a prescribed condition number (Section 3).
- :func:`example_problem`: the paper's two-dimensional example ``A = [1, 0]`` (Section 2).
- :func:`random_directions`, :func:`unit`, :func:`tilted_start`: unit directions and starts.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from ._validate import as_finite_array, as_int_at_least, as_problem, as_real, check_size


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
            A vector of ``ℝᵈ``, or a batch of ``B`` vectors as rows.

        Returns
        -------
        z_par : ndarray, same shape as ``z``
            ``z∥``, the orthogonal projection of ``z`` on the row space of ``A``.
        z_perp : ndarray, same shape as ``z``
            ``z⊥ = z − z∥``, in the null space of ``A`` (``A z⊥ = 0``).
        """
        z = self._check_vectors(z, "z")
        z_par = (z @ self._row_basis.T) @ self._row_basis
        return z_par, z - z_par

    def loss(self, x) -> np.ndarray | float:
        """Evaluate the loss of problem (1), ``½‖Ax − y‖²``, at one ``x`` or a batch of them.

        Parameters
        ----------
        x : array_like, shape (d,) or (B, d)
            A point of ``ℝᵈ``, or a batch of ``B`` points as rows.

        Returns
        -------
        float or ndarray, shape (B,)
            The loss: a float for one ``x``, an array for a batch.
        """
        x = self._check_vectors(x, "x")
        r = x @ self.A.T - self.y
        out = 0.5 * np.sum(r * r, axis=-1)
        return float(out) if x.ndim == 1 else out


def _check_sizes(m, d) -> tuple[int, int]:
    """``m`` and ``d`` as Python ints with ``1 <= m < d`` (any integer type, not a bool).

    Sizes whose ``A`` (``8 m d`` bytes) exceeds ``MAX_ARRAY_BYTES`` (2 GiB) are refused before
    anything is allocated.
    """
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in (m, d)):
        raise TypeError(f"m and d must be integers, got m={m!r}, d={d!r}")
    m, d = int(m), int(d)
    if m < 1:
        raise ValueError(f"m and d must be positive integers, got m={m!r}, d={d!r}")
    if m >= d:
        raise ValueError(f"m={m} >= d={d}: the problem must be overparametrized (m < d)")
    check_size(8 * m * d, f"A of shape ({m}, {d})", "choose smaller m and d")
    return m, d


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

    Returns
    -------
    Problem
        The instance, with ``x*``, ``g*``, ``w*`` and the extreme eigenvalues of ``AAᵀ``.

    Notes
    -----
    ``y = A x_true`` with ``x_true ~ N(0, I_d)`` drawn from the same generator.
    """
    m, d = _check_sizes(m, d)
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


def make_conditioned_problem(
    m: int, d: int, *, cond: float, seed: int = 0, align: str = "random"
) -> Problem:
    """A problem (1) whose ``AAᵀ`` has eigenvalues from ``1`` down to ``1/cond``.

    ``A = U diag(√λ) Vᵀ`` with ``U`` (m×m) and ``V`` (d×m) random with orthonormal columns and
    ``λ_i`` geometrically spaced from ``λ_max = 1`` to ``λ_min = 1/cond`` (the scaling of
    Proposition 3.3; ``cond = 1`` gives orthonormal rows, ``AAᵀ = I``). Used by the
    conditioning experiments of Section 3 (chapter 5).

    Parameters
    ----------
    m, d : int
        Sizes, ``m < d`` (the same integer types as :func:`make_problem`).
    cond : float
        Condition number ``λ_max/λ_min ≥ 1`` of ``AAᵀ``.
    seed : int
        Seed of ``numpy.random.default_rng``.
    align : {"random", "weakest"}
        ``"random"``: ``y = A x_true`` with ``x_true ~ N(0, I_d)`` (as :func:`make_problem`).
        ``"weakest"``: ``x* = √m · v_min``, the right singular vector of the smallest eigenvalue,
        so ``‖AᵀA x*‖ = λ_min g*``: the worst case in the proof of Proposition 3.3.

    Returns
    -------
    Problem
        The instance, with ``lam_min = 1/cond`` and ``lam_max = 1``.
    """
    m, d = _check_sizes(m, d)
    cond = float(cond)
    if not np.isfinite(cond) or cond < 1:
        raise ValueError(f"cond must be a finite number >= 1, got {cond!r}")
    if align not in ("random", "weakest"):
        raise ValueError(f"align must be 'random' or 'weakest', got {align!r}")
    rng = np.random.default_rng(seed)
    U, _ = np.linalg.qr(rng.standard_normal((m, m)))
    V, _ = np.linalg.qr(rng.standard_normal((d, m)))
    lam = np.geomspace(1.0, 1.0 / cond, m) if m > 1 else np.ones(1)
    A = (U * np.sqrt(lam)) @ V.T
    x_true = rng.standard_normal(d) if align == "random" else np.sqrt(m) * V[:, -1]
    return Problem(A, A @ x_true)


def example_problem(y: float = 1.0) -> Problem:
    """The paper's two-dimensional example (Section 2, Figure 2): ``A = [[1, 0]]``, ``y = [y]``.

    ``x* = [y, 0]``, ``g* = |y|``, the row space is the first axis and the null space the second.
    ``example_problem()`` (``y = 1``) is the paper's "concrete example"; its Figure 2 uses
    ``f = (g w1 − 2)²``, which is ``2 · ½(g w1 − 2)²``: its gradient flow is the flow of
    ``example_problem(2.0)`` run twice as fast (``t ↦ 2t``), so both have the same paths and the
    same limits. Its closed forms are in :mod:`wnlib.theory.example2d` (chapter 3).

    Parameters
    ----------
    y : float
        The target, finite and non-zero (``y = 0`` gives ``x* = 0``, excluded by the paper).

    Returns
    -------
    Problem
        The problem with ``m = 1``, ``d = 2``, ``x* = [y, 0]``, ``g* = |y|``.
    """
    y = as_real(y, "y", nonzero=True, why="y = 0 gives x* = 0")
    return Problem(np.array([[1.0, 0.0]]), np.array([y]))


def random_directions(n: int, d: int, seed: int | np.random.Generator) -> np.ndarray:
    """``n`` independent directions uniform on the unit sphere of ``ℝᵈ``, as the rows of an array.

    The numbers are those of ``W = rng.standard_normal((n, d)); W /= ‖W‖`` row by row with
    ``rng = numpy.random.default_rng(seed)``: the random starts of the chapters.

    Parameters
    ----------
    n, d : int
        How many directions, and their length (``n >= 1``, ``d >= 1``).
    seed : int or numpy.random.Generator
        A seed of ``numpy.random.default_rng``, or a generator to draw from (it advances).

    Returns
    -------
    ndarray, shape (n, d)
        Unit rows.
    """
    n, d = as_int_at_least(n, "n", 1), as_int_at_least(d, "d", 1)
    check_size(8 * n * d, f"{n} directions in d={d}", "ask for fewer directions")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    W = rng.standard_normal((n, d))
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    return W


def unit(v) -> np.ndarray:
    """``v/‖v‖``: a vector, or each row of a ``(B, d)`` array, scaled to unit length.

    Parameters
    ----------
    v : array_like, shape (d,) or (B, d)
        Non-zero, finite.

    Returns
    -------
    ndarray, same shape as ``v``
        The unit vector(s) ``v/‖v‖``.
    """
    v = as_finite_array(v, "v", (1, 2))
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    if np.any(norms == 0):
        raise ValueError("v contains a zero vector, which has no direction to normalize")
    return v / norms


def _null_direction(problem: Problem) -> np.ndarray:
    """The unit null-space direction of a problem with ``d − m = 1`` (largest entry positive)."""
    if problem.d - problem.m != 1:
        raise ValueError(
            f"the null space has dimension d - m = {problem.d - problem.m}: pass v, a vector "
            "whose null-space part gives the direction of the tilt"
        )
    basis = problem.split(np.eye(problem.d))[1]
    n = basis[np.argmax(np.linalg.norm(basis, axis=1))]
    n = n / np.linalg.norm(n)
    return n if n[np.argmax(np.abs(n))] > 0 else -n


def tilted_start(problem: Problem, theta, v=None, *, base=None, deg: bool = False) -> np.ndarray:
    """A unit start tilted by ``θ`` from the row space: ``w0 = cos θ · base + sin θ · u``.

    ``u`` is the unit null-space part of ``v`` (Definition 1.1), ``base`` a unit vector of the row
    space (default ``w*``), so ``w0∥ = cos θ · base`` and ``‖w0⊥‖ = |sin θ|``. With
    ``base = −w*`` and a small ``θ`` it is the worst case of Proposition 3.3 (chapter 5); in the
    example ``A = [1, 0]`` (:func:`example_problem`) it is ``(cos θ, sin θ)`` (chapters 2, 3).

    Parameters
    ----------
    problem : Problem
        The problem (1) whose row space and null space define the tilt.
    theta : float or array_like, shape (B,)
        The tilt, in radians (or degrees with ``deg=True``).
    v : array_like, shape (d,) or (B, d), optional
        A vector whose null-space part ``v⊥`` is non-zero, e.g. a random one; required unless
        the null space is a line (``d − m = 1``), whose direction with positive largest entry
        is then used.
    base : array_like, shape (d,), optional
        A unit vector of the row space; default ``problem.w_star``.
    deg : bool
        ``theta`` in degrees.

    Returns
    -------
    ndarray, shape (d,) or (B, d)
        Unit direction(s).
    """
    problem = as_problem(problem)
    t = as_finite_array(theta, "theta", (0, 1))
    if deg:
        t = np.radians(t)
    if v is None:
        u = _null_direction(problem)
    else:
        v = problem._check_vectors(v, "v")
        v_perp = problem.split(v)[1]
        # below rounding of the split (a relative 1e-12), v⊥ has no direction
        if np.any(np.linalg.norm(v_perp, axis=-1) <= 1e-12 * np.linalg.norm(v, axis=-1)):
            raise ValueError("v has no null-space part (v⊥ = 0): there is no direction to tilt to")
        u = unit(v_perp)
    if base is None:
        base = problem.w_star
    else:
        base = problem._check_vectors(base, "base")
        if base.ndim != 1 or abs(np.linalg.norm(base) - 1) > 1e-9:
            raise ValueError("base must be one unit vector of shape (d,)")
        if np.linalg.norm(problem.split(base)[1]) > 1e-9:
            raise ValueError("base must lie in the row space of A (its null-space part is not 0)")
    if t.ndim:
        t = t[:, None]
    return np.cos(t) * base + np.sin(t) * u
