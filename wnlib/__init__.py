"""wnlib: the computing library of the course "Weight normalization and implicit regularization".

Teaches Wu, Dobriban, Ren, Wu, Li, Gunasekar, Ward, Liu, *Implicit Regularization and Convergence
for Weight Normalization* (NeurIPS 2020).

- :class:`Problem`, :func:`make_problem`: problem (1), ``x*``, ``g*``, ``w*``, the row-space split.
- :func:`gd`, :func:`wn` (Algorithm 1), :func:`rpgd` (Algorithm 2): batched iterations.
- :func:`wn_flow`: the continuous WN flow (4).
- :mod:`wnlib.theory`: the paper's closed forms.
- :mod:`wnlib.report`, :mod:`wnlib.plotting`, :mod:`wnlib.interactive`, :mod:`wnlib.exercises`.
"""

from . import theory
from .algorithms import History, RunResult, gd, inverse_g_squared, rpgd, two_stage, wn
from .flow import FlowResult, wn_flow
from .problem import Problem, make_problem

__all__ = [
    "FlowResult",
    "History",
    "Problem",
    "RunResult",
    "gd",
    "inverse_g_squared",
    "make_problem",
    "rpgd",
    "theory",
    "two_stage",
    "wn",
    "wn_flow",
]
__version__ = "1.0.0"
