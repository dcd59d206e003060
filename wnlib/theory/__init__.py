"""The paper's closed forms, each citing its lemma, theorem or equation.

``theory`` is consulted by tests and notebooks to compare against; it never calls the algorithms.

- :mod:`wnlib.theory.flow`: Section 2 (GD's limit, Lemmas 2.3-2.5, Theorems 2.6-2.7).
"""

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
    loss_rate,
    scale_rate,
    starts_below_zero_loss,
)

__all__ = [
    "convergence_time_bounds",
    "fixed_scale_limit",
    "flow_g_inf",
    "flow_limit",
    "flow_limit_printed",
    "gd_limit",
    "in_spurious_set",
    "invariant",
    "invariant_printed",
    "loss_rate",
    "scale_rate",
    "starts_below_zero_loss",
]
