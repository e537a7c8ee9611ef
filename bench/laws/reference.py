"""Reference Chinchilla Approach-3 fit with scipy L-BFGS-B (bench only, for the side-by-side comparison).

Same objective as @slab/laws: sum over the 240 points of Huber(delta=1e-3) on
LSE(a - alpha log N, b - beta log D, e) - log L, analytic gradient (vectorised numpy),
Hoffmann's 5x5x5x6x6 = 4500-start grid, keep the lowest objective. Prints one JSON line.

Usage: .venv/bin/python reference.py [--data PATH] [--limit K]   (K = first K starts only)
"""
import argparse, itertools, json, time
from pathlib import Path
import numpy as np
from scipy.optimize import minimize
from scipy.special import logsumexp

p = argparse.ArgumentParser()
p.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "data/chinchilla/svg_extracted_data.csv"))
p.add_argument("--limit", type=int, default=0)
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
t0 = time.perf_counter()
best = None
for alpha, beta, e, a, b in grid:
    res = minimize(f_and_grad, np.array([a, b, e, alpha, beta]), jac=True, method="L-BFGS-B")
    if best is None or res.fun < best.fun:
        best = res
elapsed = time.perf_counter() - t0
a, b, e, alpha, beta = best.x
print(json.dumps({"starts": len(grid), "seconds": elapsed, "objective": best.fun,
                  "params": {"A": np.exp(a), "B": np.exp(b), "E": np.exp(e), "alpha": alpha, "beta": beta},
                  "nPoints": int(len(L))}))
