"""wnlib: the computing library of the course "Weight normalization and implicit regularization".

Teaches Wu, Dobriban, Ren, Wu, Li, Gunasekar, Ward, Liu, *Implicit Regularization and Convergence
for Weight Normalization* (NeurIPS 2020).

- :class:`Problem`, :func:`make_problem`: problem (1), ``x*``, ``g*``, ``w*``, the row-space split;
  :func:`make_conditioned_problem`, :func:`example_problem` (the other builders) and
  :func:`random_directions`, :func:`unit`, :func:`tilted_start` (directions and starts).
- :func:`gd`, :func:`wn` (Algorithm 1), :func:`rpgd` (Algorithm 2): batched iterations.
- :func:`wn_flow`: the continuous WN flow (4).
- :mod:`wnlib.theory`: the paper's closed forms.
- :mod:`wnlib.report`, :mod:`wnlib.plotting`, :mod:`wnlib.interactive`, :mod:`wnlib.exercises`.
"""

from . import theory
from .algorithms import History, RunResult, gd, inverse_g_squared, rpgd, two_stage, wn
from .flow import FlowResult, wn_flow
from .problem import (
    Problem,
    example_problem,
    make_conditioned_problem,
    make_problem,
    random_directions,
    tilted_start,
    unit,
)

__all__ = [
    "FlowResult",
    "History",
    "Problem",
    "RunResult",
    "example_problem",
    "gd",
    "inverse_g_squared",
    "make_conditioned_problem",
    "make_problem",
    "random_directions",
    "rpgd",
    "theory",
    "tilted_start",
    "two_stage",
    "unit",
    "wn",
    "wn_flow",
]
__version__ = "0.2.0"
