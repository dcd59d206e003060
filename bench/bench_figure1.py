"""Benchmark: the batched Figure-1 sweep against a straightforward per-run loop, and chapter 1.

Figure 1 of the paper (chapter 1): 10 initial norms x 10 random directions x 3 algorithms
(GD, WN, rPGD), step 0.005, stop at loss 1e-5.

- batched: one ``gd`` / ``wn`` / ``rpgd`` call per algorithm with all 100 starts (3 calls);
- loop: 300 single-start calls, the way one would write it without batching.

Both must produce the same numbers (final x to 1e-12, same iteration counts). Prints both times,
the speed-up ratio (target >= 8x), where the batched engine spends its time (per-step history
recording vs the update), and the time to execute ``chapters/01_setup.ipynb`` with nbclient.

Run: ``.venv/bin/python bench/bench_figure1.py`` (or ``make bench``). Options:
``--skip-notebook`` skips the notebook, ``--repeat N`` repeats the batched timing.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import time
from pathlib import Path

import numpy as np

from wnlib import gd, make_problem, rpgd, wn

ROOT = Path(__file__).resolve().parents[1]
ETA = 0.005


def sweep_inputs():
    P = make_problem(20, 100, kind="gaussian", seed=0)
    rng = np.random.default_rng(1)
    W = rng.standard_normal((10, P.d))
    W /= np.linalg.norm(W, axis=1, keepdims=True)
    G0 = np.repeat(np.arange(10.0), 10)
    W0 = np.tile(W, (10, 1))
    return P, G0, W0


def batched(P, G0, W0, record_every=1):
    kw = dict(tol=1e-5, record_every=record_every)
    return {
        "gd": gd(P, G0[:, None] * W0, eta=ETA, **kw),
        "wn": wn(P, G0, W0, eta=ETA, gamma=ETA, **kw),
        "rpgd": rpgd(P, G0, W0, eta=ETA, gamma=ETA, **kw),
    }


def loop(P, G0, W0, record_every=1):
    kw = dict(tol=1e-5, record_every=record_every)
    out = {"gd": [], "wn": [], "rpgd": []}
    for g0, w0 in zip(G0, W0, strict=True):
        out["gd"].append(gd(P, g0 * w0, eta=ETA, **kw))
        out["wn"].append(wn(P, g0, w0, eta=ETA, gamma=ETA, **kw))
        out["rpgd"].append(rpgd(P, g0, w0, eta=ETA, gamma=ETA, **kw))
    return out


def timed(f, *args, **kw):
    t = time.perf_counter()
    out = f(*args, **kw)
    return out, time.perf_counter() - t


def compare(b, lp) -> float:
    worst = 0.0
    for k, res in b.items():
        xs = np.stack([r.x for r in lp[k]])
        its = np.array([r.n_iter for r in lp[k]])
        assert np.array_equal(its, res.n_iter), f"{k}: iteration counts differ"
        worst = max(worst, float(np.max(np.abs(xs - res.x))))
    assert worst <= 1e-12, f"batched and looped results differ by {worst:.3g}"
    return worst


def profile_batched(P, G0, W0) -> None:
    prof = cProfile.Profile()
    prof.enable()
    batched(P, G0, W0, record_every=1)
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt
    rows = []
    for (file, _line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if "wnlib" in file and name in ("record", "update", "observe", "measure", "split", "f",
                                        "<lambda>"):
            rows.append((ct, f"{Path(file).name}:{name}"))
    print(f"  profile of the 3 batched calls (record_every=1), total {total:.2f} s:")
    for ct, label in sorted(rows, reverse=True)[:8]:
        print(f"    {label:28s} {ct:6.2f} s  ({100 * ct / total:4.1f} %)")


def time_notebook() -> float:
    import nbformat
    from nbclient import NotebookClient

    path = ROOT / "chapters" / "01_setup.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t = time.perf_counter()
    client.execute()
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-notebook", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"threads: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")

    P, G0, W0 = sweep_inputs()
    batched(P, G0, W0)  # warm-up
    t_b = min(timed(batched, P, G0, W0)[1] for _ in range(args.repeat))
    t_b1000 = min(timed(batched, P, G0, W0, record_every=1000)[1] for _ in range(args.repeat))
    b = batched(P, G0, W0)
    lp, t_l = timed(loop, P, G0, W0)
    worst = compare(b, lp)
    steps = sum(int(np.sum(r.n_iter)) for r in b.values())
    print("Figure-1 sweep: 10 norms x 10 directions x 3 algorithms, "
          f"{steps} updates in total; max |x_batched - x_loop| = {worst:.1e}, same n_iter")
    print(f"  loop    (300 single-start calls, record_every=1): {t_l:7.2f} s")
    print(f"  batched (3 calls of 100 starts,  record_every=1): {t_b:7.2f} s   "
          f"speed-up {t_l / t_b:5.1f}x  (target >= 8x)")
    print(f"  batched (3 calls, record_every=1000, as chapter 1): {t_b1000:5.2f} s   "
          f"speed-up {t_l / t_b1000:5.1f}x")
    profile_batched(P, G0, W0)
    if not args.skip_notebook:
        t_nb = time_notebook()
        print(f"chapter 1 (chapters/01_setup.ipynb) executed with nbclient in {t_nb:.1f} s "
              "(target < 30 s)")


if __name__ == "__main__":
    main()
