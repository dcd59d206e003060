"""The paper's closed forms, each citing its lemma, theorem or equation.

``theory`` is consulted by tests and notebooks to compare against; it never calls the algorithms.

- :mod:`wnlib.theory.flow`: Section 2 (GD's limit, Lemmas 2.3-2.5, Theorems 2.6-2.7).
- :mod:`wnlib.theory.example2d`: the two-dimensional example of Section 2 and Figure 2.
- :mod:`wnlib.theory.general`: Section 3, general A (Proposition 3.3, the two-phase recipe).
- :mod:`wnlib.theory.orthogonal`: Section 3, Theorem 3.2 (orthogonal A, two-stage rPGD).
"""

from . import example2d
from .flow import (
    convergence_time_bounds,
    fixed_scale_limit,
    flow_g_inf,
    flow_limit,
    flow_limit_printed,
    gd_limit,
    in_spurious_set,
    invariant,
    invariant_printed,
    limit_distances,
    loss_envelope,
    loss_rate,
    scale_rate,
    starts_below_zero_loss,
)
from .general import (
    admissible_g0,
    asymptotic_rate,
    certified_delta,
    final_distance_bound,
    iteration_bound,
    sharp_admissible_g0,
    step_norm_lower_bound,
)
from .orthogonal import (  # Theorem 3.2 (orthogonal A), chapter 4
    a_w_next,
    direction_step,
    gamma1_printed,
    gamma1_sufficient,
    residual_at_cap,
    residual_bound,
    scale_bound,
    scale_cap,
    scale_increment,
    t1_fixed_scale,
    t1_slow_scale,
    t2_bound,
    v_norm,
    w_perp_fixed_scale,
    w_perp_next,
    w_perp_slow_scale_bound,
)

__all__ = [
    "example2d",
    "admissible_g0",
    "asymptotic_rate",
    "certified_delta",
    "final_distance_bound",
    "iteration_bound",
    "sharp_admissible_g0",
    "step_norm_lower_bound",
    "convergence_time_bounds",
    "fixed_scale_limit",
    "flow_g_inf",
    "flow_limit",
    "flow_limit_printed",
    "gd_limit",
    "in_spurious_set",
    "invariant",
    "invariant_printed",
    "limit_distances",
    "loss_envelope",
    "loss_rate",
    "scale_rate",
    "starts_below_zero_loss",
]
__all__ += [
    "a_w_next",
    "direction_step",
    "gamma1_printed",
    "gamma1_sufficient",
    "residual_at_cap",
    "residual_bound",
    "scale_bound",
    "scale_cap",
    "scale_increment",
    "t1_fixed_scale",
    "t1_slow_scale",
    "t2_bound",
    "v_norm",
    "w_perp_fixed_scale",
    "w_perp_next",
    "w_perp_slow_scale_bound",
]
