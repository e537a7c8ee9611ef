"""Reference Chinchilla Approach-3 fit with scipy L-BFGS-B (bench only, for the side-by-side comparison).

Same objective as @slab/laws: sum over the 240 points of Huber(delta=1e-3) on
LSE(a - alpha log N, b - beta log D, e) - log L, analytic gradient (vectorised numpy),
Hoffmann's 5x5x5x6x6 = 4500-start grid, keep the lowest objective. Prints one JSON line.

With --screen K the objective is first evaluated at every start and only the K best distinct starts are
optimised (the same screening @slab/laws applies to grids of more than 100 starts).

Usage: .venv/bin/python reference.py [--data PATH] [--limit K] [--stride K] [--screen K]
(--limit: the first K starts only; --stride: every K-th start of the grid, in this product order)
"""
import argparse, itertools, json, time
from pathlib import Path
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

p = argparse.ArgumentParser()
p.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "data/chinchilla/svg_extracted_data.csv"))
p.add_argument("--limit", type=int, default=0)
p.add_argument("--screen", type=int, default=0)
p.add_argument("--stride", type=int, default=1)
args = p.parse_args()

import csv
with open(args.data) as f:
    rows = list(csv.DictReader(f))
N = np.array([float(r["Model Size"]) for r in rows])
C = np.array([float(r["Training FLOP"]) for r in rows])
L = np.array([float(r["loss"]) for r in rows])
thr = np.sort(L)[-5]
keep = L < thr  # drop the 5 highest-loss runs (Besiroglu)
N, C, L = N[keep], C[keep], L[keep]
D = C / (6 * N)
lN, lD, lL = np.log(N), np.log(D), np.log(L)
delta = 1e-3

def f_and_grad(t):
    a, b, e, alpha, beta = t
    u = np.stack([a - alpha * lN, b - beta * lD, np.full_like(lN, e)])
    lse = logsumexp(u, axis=0)
    w = np.exp(u - lse)
    r = lse - lL
    ar = np.abs(r)
    quad = ar <= delta
    f = np.sum(np.where(quad, 0.5 * r * r, delta * (ar - 0.5 * delta)))
    psi = np.where(quad, r, delta * np.sign(r))
    g = np.array([np.sum(psi * w[0]), np.sum(psi * w[1]), np.sum(psi * w[2]),
                  -np.sum(psi * w[0] * lN), -np.sum(psi * w[1] * lD)])
    return f, g

grid = list(itertools.product(np.arange(0, 2.5, 0.5), np.arange(0, 2.5, 0.5), np.arange(-1, 1.5, 0.5),
                              np.arange(0, 30, 5), np.arange(0, 30, 5)))
if args.limit:
    grid = grid[: args.limit]
if args.stride > 1:
    grid = grid[:: args.stride]  # every k-th start: a representative subsample of the whole grid
t0 = time.perf_counter()
starts = [np.array([a, b, e, alpha, beta]) for alpha, beta, e, a, b in grid]
if args.screen:
    scored = sorted(((f_and_grad(s)[0], i) for i, s in enumerate(starts)), key=lambda t: (t[0], t[1]))
    picked, last = [], None
    for f, i in scored:
        if len(picked) == args.screen:
            break
        if last is not None and abs(f - last) <= 1e-12 * abs(f):
            continue
        picked.append(starts[i])
        last = f
    starts = picked
best = None
for s in starts:
    res = minimize(f_and_grad, s, jac=True, method="L-BFGS-B")
    if best is None or res.fun < best.fun:
        best = res
elapsed = time.perf_counter() - t0
a, b, e, alpha, beta = best.x
print(json.dumps({"starts": len(grid), "optimised": len(starts), "seconds": elapsed, "objective": best.fun,
                  "params": {"A": np.exp(a), "B": np.exp(b), "E": np.exp(e), "alpha": alpha, "beta": beta},
                  "nPoints": int(len(L))}))
