"""Closed forms of the paper's two-dimensional example (Section 2, "A concrete example"; Figure 2).

The problem is ``A = [1, 0]``, ``y`` a number (the paper takes ``y = 1`` in the text and ``y = 2``
in Figure 2), so ``x* = [y, 0]``, ``g* = |y|`` and the row space is the first axis. A unit
direction is an angle, ``w = [cos θ, sin θ]``, and the WN flow (4) becomes a flow in the plane of
*states* ``(θ, g)``. With ``r = y − g cos θ``::

    dθ/dt = −g r sin θ,     dg/dt = c r cos θ.

Everything the paper says about the example can be read off this plane: the loss
``½(g cos θ − y)²``, the zero-loss curves ``g = y / cos θ``, the spurious points
``(θ, g) = (±π/2, 0)`` of Lemma 2.3, and the paths themselves, which are level curves of the
invariant of Lemma 2.5, ``|sin θ| · exp(g²/(2c))``. These functions are formulas; the limits they
predict are checked against :func:`wnlib.wn_flow` and :func:`wnlib.theory.flow_g_inf` in
``tests/test_example2d.py``. Note that ``(θ, g)`` and ``(θ + π, −g)`` are the same point
``x = g w``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from .._validate import as_nonnegative, as_positive, as_real
from ..problem import example_problem

__all__ = [
    "direction",
    "example_problem",
    "fixed_scale_angle",
    "fixed_scale_time",
    "invariant_curve",
    "limit_state",
    "spurious_points",
    "state_invariant",
    "state_loss",
    "state_velocity",
    "stuck_scale",
    "zero_loss_scale",
    "below_zero_loss",
]


def _y(y) -> float:
    return as_real(y, "y", nonzero=True, why="y = 0 gives x* = 0")


def direction(theta) -> np.ndarray:
    """The unit direction ``w = [cos θ, sin θ]`` (shape ``θ.shape + (2,)``).

    Parameters
    ----------
    theta : float or array_like
        Angle(s) ``θ`` of the direction ``w = [cos θ, sin θ]``, in radians.

    Returns
    -------
    ndarray, shape ``θ.shape + (2,)``
        ``[cos θ, sin θ]`` along the last axis.
    """
    theta = np.asarray(theta, dtype=float)
    return np.stack([np.cos(theta), np.sin(theta)], axis=-1)


def state_loss(theta, g, y: float = 1.0):
    """The loss ``½‖A g w − y‖² = ½(g cos θ − y)²`` over the state plane (broadcasts).

    Parameters
    ----------
    theta : float or array_like
        Angle(s) ``θ`` of the direction ``w = [cos θ, sin θ]``, in radians.
    g : float or array_like
        Scale(s) ``g`` (broadcasts with ``theta``).
    y : float
        The target, non-zero (``y = 1`` is the paper's concrete example, ``y = 2`` its Figure 2).

    Returns
    -------
    float or ndarray
        ``½(g cos θ − y)²``.
    """
    return 0.5 * (np.asarray(g, dtype=float) * np.cos(theta) - _y(y)) ** 2


def zero_loss_scale(theta, y: float = 1.0):
    """The zero-loss curves ``g = y / cos θ`` (``nan`` where ``cos θ = 0``).

    Parameters
    ----------
    theta : float or array_like
        Angle(s) ``θ`` of the direction ``w = [cos θ, sin θ]``, in radians.
    y : float
        The target, non-zero (``y = 1`` is the paper's concrete example, ``y = 2`` its Figure 2).

    Returns
    -------
    ndarray, shape of ``theta``
        ``y / cos θ``, ``nan`` where ``|cos θ| ≤ 1e-12``.
    """
    cos = np.cos(np.asarray(theta, dtype=float))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.abs(cos) > 1e-12, _y(y) / cos, np.nan)


def spurious_points(y: float = 1.0) -> list[tuple[float, float]]:
    """The two stationary points of Lemma 2.3 that are not global minima, as ``(θ, g)``.

    ``S = {g = 0, yᵀAw = 0}`` reduces to ``g = 0, w = [0, ±1]``, i.e. ``θ = ±π/2``. Their loss is
    ``½y²`` (the paper says "1": it measures ``‖y − Agw‖²`` without the ½, with ``y = 1``).

    Parameters
    ----------
    y : float
        The target, non-zero (``y = 1`` is the paper's concrete example, ``y = 2`` its Figure 2).

    Returns
    -------
    list of tuple of float
        ``[(π/2, 0), (−π/2, 0)]``.
    """
    _y(y)
    return [(math.pi / 2, 0.0), (-math.pi / 2, 0.0)]


def below_zero_loss(theta, g, y: float = 1.0):
    """Lemma 2.3's sufficient condition ``‖y‖² > ‖Agw − y‖²`` in the state plane.

    ``(g cos θ − y)² < y²`` is ``0 < y g cos θ < 2y²``: the strip between the line ``x1 = 0`` and
    the line ``x1 = 2y`` in x-space. Starts there reach a global minimum.

    Parameters
    ----------
    theta : float or array_like
        Angle(s) ``θ`` of the direction ``w = [cos θ, sin θ]``, in radians.
    g : float or array_like
        Scale(s) ``g`` (broadcasts with ``theta``).
    y : float
        The target, non-zero (``y = 1`` is the paper's concrete example, ``y = 2`` its Figure 2).

    Returns
    -------
    bool or ndarray of bool
        Whether ``0 < y g cos θ < 2y²``.
    """
    y = _y(y)
    p = y * np.asarray(g, dtype=float) * np.cos(theta)
    return (p > 0) & (p < 2 * y * y)


def state_velocity(theta, g, c: float, y: float = 1.0):
    """The WN flow (4) in the state plane: ``(dθ/dt, dg/dt) = (−g r sin θ, c r cos θ)``.

    Derived from ``dw/dt = g P_w Aᵀr`` with ``Aᵀr = [r, 0]`` and the unit tangent
    ``[−sin θ, cos θ]`` of the circle, and ``dg/dt = c wᵀAᵀr``; ``r = y − g cos θ``.

    Parameters
    ----------
    theta : float or array_like
        Angle(s) ``θ`` of the direction ``w = [cos θ, sin θ]``, in radians.
    g : float or array_like
        Scale(s) ``g`` (broadcasts with ``theta``).
    c : float
        ``c = γ/η ≥ 0`` (Condition 2.1).
    y : float
        The target, non-zero (``y = 1`` is the paper's concrete example, ``y = 2`` its Figure 2).

    Returns
    -------
    dtheta : float or ndarray
        ``dθ/dt = −g r sin θ``.
    dg : float or ndarray
        ``dg/dt = c r cos θ``.
    """
    c = as_nonnegative(c, "c")
    theta = np.asarray(theta, dtype=float)
    g = np.asarray(g, dtype=float)
    r = _y(y) - g * np.cos(theta)
    return -g * r * np.sin(theta), c * r * np.cos(theta)


def state_invariant(theta, g, c: float):
    """The invariant of Lemma 2.5 in the state plane: ``|sin θ| · exp(g²/(2c))``.

    ``‖w⊥‖ = |sin θ|``; ``d/dt log|sin θ| = −g r cos θ = −d/dt g²/(2c)`` along the flow, so every
    path is a level curve of this function (``c > 0``).

    Parameters
    ----------
    theta : float or array_like
        Angle(s) ``θ`` of the direction ``w = [cos θ, sin θ]``, in radians.
    g : float or array_like
        Scale(s) ``g`` (broadcasts with ``theta``).
    c : float
        ``c = γ/η > 0`` (Condition 2.1).

    Returns
    -------
    float or ndarray
        ``|sin θ| · exp(g²/(2c))``.
    """
    c = as_positive(c, "c")
    g = np.asarray(g, dtype=float)
    return np.abs(np.sin(theta)) * np.exp(g * g / (2 * c))


def invariant_curve(theta, g0: float, theta0: float, c: float):
    """The path through ``(θ0, g0)`` as a graph ``g(θ)``: the level curve of the invariant.

    ``g(θ) = sign(g0) · √(g0² + 2c·log(|sin θ0| / |sin θ|))``; ``nan`` where the square root's
    argument is negative (the level curve does not reach that angle). The flow runs along this
    curve from ``θ0`` until it meets the zero-loss curve (:func:`limit_state`).

    Parameters
    ----------
    theta : float or array_like
        Angle(s) ``θ`` of the direction ``w = [cos θ, sin θ]``, in radians.
    g0 : float
        The starting scale.
    theta0 : float
        The starting angle ``θ0``, in radians.
    c : float
        ``c = γ/η > 0`` (Condition 2.1).

    Returns
    -------
    ndarray, shape of ``theta``
        ``g(θ)``, ``nan`` where the level curve does not reach ``θ``.
    """
    c = as_positive(c, "c")
    theta = np.asarray(theta, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        arg = g0 * g0 + 2 * c * (math.log(abs(math.sin(theta0))) - np.log(np.abs(np.sin(theta))))
        out = math.copysign(1.0, g0) * np.sqrt(arg)
    return np.where(arg >= 0, out, np.nan)


def limit_state(g0: float, theta0: float, c: float, y: float = 1.0) -> tuple[float, float]:
    """Where the WN flow from ``(θ0, g0)`` ends, ``(θ∞, g∞)``, by hand with the invariant.

    The end point lies on the zero-loss curve ``g cos θ = y`` and on the level curve of
    :func:`state_invariant` through the start. Writing ``K = |sin θ0| exp(g0²/(2c))`` and
    substituting ``g = y / cos θ``, the end angle is the unique root on ``0 < |θ| < π/2`` of::

        log|sin θ| + y² / (2c cos² θ) = log K

    (the left side increases from −∞ to +∞ there), with the sign of ``sin θ0`` (``w⊥`` keeps its
    direction, Lemma 2.5); ``θ∞ = 0`` if ``sin θ0 = 0``. This is Theorem 2.6 Part I for the
    example, solved in the angle instead of in ``g∞²`` as :func:`wnlib.theory.flow_g_inf` does.

    Valid for starts with ``y g0 cos θ0 > 0`` (``x1`` on the side of ``y``): then ``g`` keeps its
    sign and the loss goes to zero. ``g∞`` has the sign of ``g0`` and ``θ∞ ∈ [−π, π]``.

    Limits in ``c`` (read off the equation; for ``0 < |θ0| < π/2`` and ``g0 > 0``, ``y > 0``):
    as ``c → ∞`` the end tends to the radial point ``(y, y tan θ0)``, where the ray through
    ``x0`` meets the zero-loss line (not GD's ``(y, g0 sin θ0)``); as ``c → 0`` it tends to
    ``x* = (y, 0)`` if ``|g0| < |y|`` and to the fixed-scale point ``(y, ±√(g0² − y²))`` of
    Theorem 2.6 Part II if ``|g0| > |y|``.

    Parameters
    ----------
    g0 : float
        The starting scale.
    theta0 : float
        The starting angle ``θ0``, in radians.
    c : float
        ``c = γ/η > 0`` (Condition 2.1).
    y : float
        The target, non-zero (``y = 1`` is the paper's concrete example, ``y = 2`` its Figure 2).

    Returns
    -------
    theta_inf : float
        The end angle ``θ∞ ∈ [−π, π]``.
    g_inf : float
        The end scale ``g∞ = y / cos θ∞``, with the sign of ``g0``.
    """
    c = as_positive(c, "c")
    y = _y(y)
    if not y * g0 * math.cos(theta0) > 0:
        raise ValueError("limit_state needs a start with y·g0·cos θ0 > 0 (x1 on the side of y)")
    # work in the representation with g > 0 (then cos θ has the sign of y)
    flip = g0 < 0
    if flip:
        g0, theta0 = -g0, theta0 + math.pi
    s0 = math.sin(theta0)
    if abs(s0) < 1e-300:
        th, g = (0.0 if y > 0 else math.pi), abs(y)
    else:
        log_k = math.log(abs(s0)) + g0 * g0 / (2 * c)

        def phi(v: float) -> float:  # v = log u, u = |θ'| in (0, π/2) from ±x1
            u = math.exp(v)
            log_sin = v + (math.log(math.sin(u) / u) if u > 0 else 0.0)
            return log_sin + y * y / (2 * c * math.cos(u) ** 2) - log_k

        # phi increases from −∞ (u → 0) to +∞ (u → π/2). The root can be astronomically small
        # (small c, |g0| < |y|: sin θ∞ ≈ sin θ0 · e^{−(y² − g0²)/(2c)}), so solve for v = log u,
        # which keeps the relative accuracy (u underflows to 0 only below ~1e-308).
        v_hi = math.log(math.pi / 4)
        while phi(v_hi) <= 0:
            v_hi = math.log(0.5 * (math.exp(v_hi) + math.pi / 2))
        v_lo = min(log_k - y * y / (2 * c) - 1.0, v_hi - 1.0)
        while phi(v_lo) >= 0:
            v_lo = 2 * v_lo - 1.0
        v = brentq(phi, v_lo, v_hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)
        u = math.exp(v)
        g = y / math.cos(u) if y > 0 else -y / math.cos(u)
        # cos θ has the sign of y; sin θ the sign of sin θ0
        th = math.copysign(u, s0) if y > 0 else math.copysign(math.pi - u, s0)
    if flip:  # back to the representation of the start: (θ + π, −g) is the same x
        th, g = th + math.pi, -g
    th = math.remainder(th, 2 * math.pi)
    return th, g


def stuck_scale(theta0: float, c: float, y: float = 1.0) -> float:
    """The scale ``g0`` from which the flow starting at angle ``θ0`` ends at a spurious point.

    The spurious points ``(±π/2, 0)`` are saddles of the state-plane flow (eigenvalues
    ``±|y|√c``). Both separatrices through them are the level set ``|sin θ| exp(g²/(2c)) = 1``;
    the branch with ``y g cos θ < 0`` (``x1`` on the wrong side) flows into the saddle. So for
    ``θ0`` with ``cos θ0 ≠ 0`` and ``sin θ0 ≠ 0`` the one stuck start is
    ``g0 = ±√(−2c·log|sin θ0|)`` with the sign making ``y g0 cos θ0 < 0``. For ``cos θ0 = 0``
    (``θ0 = ±π/2``) the one stuck start is the spurious point itself, ``g0 = 0`` (returned as
    ``0.0``). Every other start reaches zero loss (Theorem 2.6: zero loss or S; ``c > 0``).

    Parameters
    ----------
    theta0 : float
        The starting angle ``θ0``, in radians, with ``sin θ0 ≠ 0``.
    c : float
        ``c = γ/η > 0`` (Condition 2.1).
    y : float
        The target, non-zero (``y = 1`` is the paper's concrete example, ``y = 2`` its Figure 2).

    Returns
    -------
    float
        ``g0 = ±√(−2c·log|sin θ0|)`` with ``y g0 cos θ0 < 0`` (``0.0`` at ``θ0 = ±π/2``).
    """
    c = as_positive(c, "c")
    y = _y(y)
    s, co = math.sin(theta0), math.cos(theta0)
    if s == 0:
        raise ValueError("θ0 must have sin θ0 ≠ 0 (the level set K = 1 needs |sin θ0| > 0)")
    if abs(co) < 1e-15:
        return 0.0  # θ0 = ±π/2: the level K = 1 is reached at g = 0, the spurious point itself
    g = math.sqrt(-2 * c * math.log(abs(s)))
    return -math.copysign(g, y * co)


def _fixed_scale_primitive(theta, g0: float, y: float):
    """``G(θ)`` with ``dG/dt = g0`` along the ``c = 0`` flow (see :func:`fixed_scale_time`)."""
    alpha = 1 / (2 * (y - g0))
    beta = 1 / (2 * (y + g0))
    gamma = g0 * g0 / (g0 * g0 - y * y)
    half = np.asarray(theta, dtype=float) / 2
    with np.errstate(divide="ignore"):  # log 0 = -inf at the ends of the arc (infinite time)
        return (-alpha * np.log(2 * np.sin(half) ** 2)
                + beta * np.log(2 * np.cos(half) ** 2)
                - gamma / g0 * np.log(np.abs(y - g0 * np.cos(2 * half))))


def fixed_scale_time(theta0: float, theta, g0: float, y: float = 1.0):
    """Time the ``c = 0`` flow (scale held at ``g0``) takes from angle ``θ0`` to angle ``θ``.

    With ``s = cos θ`` the flow is ``ds/dt = g0 (y − g0 s)(1 − s²)``; partial fractions give
    ``t = (G(θ) − G(θ0))/g0`` with
    ``G = −α log(1 − s) + β log(1 + s) − (γ/g0) log|y − g0 s|``,
    ``α = 1/(2(y − g0))``, ``β = 1/(2(y + g0))``, ``γ = g0²/(g0² − y²)``
    (Theorem 2.6 Part II for the example; needs ``g0 ≠ 0, ±y``).

    Parameters
    ----------
    theta0 : float
        The starting angle ``θ0``, in radians.
    theta : float or array_like
        The end angle(s), in radians.
    g0 : float
        The fixed scale, ``g0 ≠ 0, ±y``.
    y : float
        The target, non-zero (``y = 1`` is the paper's concrete example, ``y = 2`` its Figure 2).

    Returns
    -------
    float or ndarray
        ``t = (G(θ) − G(θ0))/g0`` (``inf`` at the ends of the arc).
    """
    y = _y(y)
    g0 = float(g0)
    if g0 == 0 or abs(abs(g0) - abs(y)) < 1e-12:
        raise ValueError("fixed_scale_time needs g0 ≠ 0 and |g0| ≠ |y|")
    return (_fixed_scale_primitive(theta, g0, y) - _fixed_scale_primitive(theta0, g0, y)) / g0


def fixed_scale_angle(theta0: float, t: float, g0: float, y: float = 1.0) -> float:
    """Angle reached at time ``t`` by the ``c = 0`` flow from ``(θ0, g0)``.

    Inverts :func:`fixed_scale_time` on the arc from ``θ0`` to the limit of Theorem 2.6 Part II.

    The limit angle is ``θ = 0`` or ``π`` (``w → ±w*``) when ``|g0| < |y|`` and
    ``θ = ±arccos(y/g0)`` (a zero-loss point) when ``|g0| > |y|``; ``θ0`` must lie in
    ``(−π, π)`` with ``sin θ0 ≠ 0``. Beyond double precision of the arc, the limit is returned.

    Parameters
    ----------
    theta0 : float
        The starting angle, in ``(−π, π)`` with ``sin θ0 ≠ 0``.
    t : float
        The time, ``t ≥ 0``.
    g0 : float
        The fixed scale, ``g0 ≠ 0, ±y``.
    y : float
        The target, non-zero (``y = 1`` is the paper's concrete example, ``y = 2`` its Figure 2).

    Returns
    -------
    float
        The angle ``θ(t)``.
    """
    y = _y(y)
    g0 = float(g0)
    t = as_nonnegative(t, "t")
    s0 = math.sin(theta0)
    if s0 == 0 or not -math.pi < theta0 < math.pi:
        raise ValueError("θ0 must lie in (−π, π) with sin θ0 ≠ 0")
    if t == 0:
        return float(theta0)
    # the flow keeps the sign of sin θ; with s = cos θ moving towards y/g0 clipped to [−1, 1]
    s_end = float(np.clip(y / g0, -1.0, 1.0))
    th_end = math.copysign(math.acos(s_end), s0)

    def f(th: float) -> float:
        return float(fixed_scale_time(theta0, th, g0, y)) - t

    # walk from θ0 towards θ_end until the time exceeds t
    lo, hi = float(theta0), th_end
    for k in range(1, 200):
        probe = th_end + (theta0 - th_end) * 2.0 ** (-k / 2)
        if not math.isfinite(f(probe)):
            break
        if f(probe) > 0:
            hi = probe
            return float(brentq(f, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps))
        lo = probe
    return th_end
