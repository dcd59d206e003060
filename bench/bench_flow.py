"""Benchmark: the WN flow (4) takes about the same time for every scale step ratio c (issue 14).

On ``make_problem(5, 12, seed=0)`` from a random unit direction (sign chosen so that
``w0ᵀAᵀy > 0``; ``w0`` flipped with the sign of ``g0``, so every start is on the side of Theorem
2.6's sign rule), ``wn_flow`` is timed for every ``c`` in ``{0, 1e-3, 1, 1e2, 1e4, 1e6, 1e8}`` and
``g0`` in ``{±1e-2, 0.5, 10, ±1e3}`` and compared with a ``c = 1`` call from the same ``g0``
(and with the ``c = 1, g0 = 0.5`` call). Each time is the best of ``--repeat`` runs. The target
is a ratio of at most 20; the end point is also compared with the exact limit
(:func:`wnlib.theory.flow_limit`, or :func:`wnlib.theory.fixed_scale_limit` for ``c = 0``).

Before the stiff solver, DOP853 took 4.8 s for ``c = 1e4`` and did not finish in 20 s for
``c = 1e8`` (issue 14, section 3).

Run: ``.venv/bin/python bench/bench_flow.py [--repeat N]``. Exits with status 1 if a ratio
exceeds 20.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from wnlib import make_problem, random_directions, theory, wn_flow
from wnlib.report import fmt, table

CS = [0.0, 1e-3, 1.0, 1e2, 1e4, 1e6, 1e8]
G0S = [-1e-2, 1e-2, 0.5, 10.0, 1e3, -1e3]
TARGET = 20.0


def best_time(call, repeat: int) -> tuple[float, object]:
    """Smallest wall time of ``repeat`` calls, and the last result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = call()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    P = make_problem(5, 12, seed=0)
    w = random_directions(1, P.d, 1)[0]
    w = w if w @ P.A.T @ P.y > 0 else -w
    base, _ = best_time(lambda: wn_flow(P, 0.5, w, c=1.0), args.repeat)
    rows, worst = [], 0.0
    for g0 in G0S:
        w0 = np.sign(g0) * w
        ref_t, _ = best_time(lambda g0=g0, w0=w0: wn_flow(P, g0, w0, c=1.0), args.repeat)
        for c in CS:
            t, run = best_time(lambda g0=g0, w0=w0, c=c: wn_flow(P, g0, w0, c=c), args.repeat)
            exact = (theory.flow_limit(P, g0, w0, c) if c > 0
                     else g0 * theory.fixed_scale_limit(P, g0, w0))
            ratio = max(t / ref_t, t / base)
            worst = max(worst, ratio)
            rows.append([g0, c, t, t / ref_t, t / base, float(np.linalg.norm(run.x[-1] - exact)),
                         run.t[-1]])
    print(f"c = 1, g0 = 0.5: {fmt(base)} s")
    print(table(rows, ["g0", "c", "time (s)", "/ (c=1, same g0)", "/ (c=1, g0=0.5)",
                       "‖x_end − limit‖", "t_end"], digits=3))
    print(f"largest ratio: {fmt(worst, 3)} (target <= {fmt(TARGET)})")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
