#!/usr/bin/env python3
"""Reference values for ProjectionErrorTests (Tests/ForecastingTests/ProjectionErrorTests.swift).

numpy 2.4.6, Python 3.11.7. Written from the definitions in the doc comment of
ProjectionErrorModel (Sources/Forecasting/Forecast/ProjectionError.swift), not from its code:

  * each row of each rep is an origin; the run-rate projection of every later period is the mean of
    the rep's last (up to) three rows at the origin, values that are missing left out;
  * e[h, a] = actual(origin + h + 1, a) - projection(a), missing where the actual is;
  * per team, M[i, j] = mean of e_i e_j over the origins where both are present (index h * A + a);
  * shared within a team: sum over origin periods of (S S' - sum of e e') over complete vectors,
    divided by sum of n (n - 1); across teams likewise with pairs of reps of different teams;
  * rep scale per activity: (own sum of squares + k * m) / ((own count + k) * m), m the team's mean
    of the diagonal of M over the steps for that activity, k = 6 * steps;
  * each shared part times lambda = max(0, 1 - SE^2 / t^2): t the pair-weighted mean over origins of the
    per-origin estimate's trace, SE^2 = steps * sum w^2 (t_o - t)^2 / (sum w)^2 (0 with fewer than two
    origins or t <= 0);
  * variance of a sum: sum_r u_r' M_t u_r + within-team and across-team shared parts, u_r = sqrt(scale) * g_r.

The tiny panel (3 reps, 6 months, activities x and y, team A = r1, r2, moving together; team B = r3;
r2's y missing in month 4) is written out below and in the Swift test.
"""
import numpy as np

steps, A = 2, 2
d = steps * A
nan = np.nan
panel = {  # rep: (team, x, y) for months 0..5
    "r1": ("A", [10, 12, 11, 15, 13, 14], [5, 4, 6, 5, 7, 6]),
    "r2": ("A", [20, 22, 21, 26, 23, 24], [8, 7, 9, nan, 10, 9]),
    "r3": ("B", [7, 9, 8, 6, 10, 9], [3, 3, 4, 2, 4, 5]),
}

errors = {}  # rep -> list of (origin, e vector)
for rep, (team, x, y) in panel.items():
    series = np.array([x, y], dtype=float)  # A x months
    out = []
    for origin in range(6):
        recent = series[:, max(0, origin - 2):origin + 1]
        proj = np.array([np.nanmean(recent[a]) if np.any(~np.isnan(recent[a])) else nan for a in range(A)])
        e = np.full(d, nan)
        for h in range(steps):
            t = origin + h + 1
            if t < 6:
                e[h * A:(h + 1) * A] = series[:, t] - proj
        if np.any(~np.isnan(e)):
            out.append((origin, e))
    errors[rep] = out


def pairwise_mean(vectors):
    s = np.zeros((d, d)); c = np.zeros((d, d))
    for e in vectors:
        ok = ~np.isnan(e)
        z = np.where(ok, e, 0.0)
        s += np.outer(z, z); c += np.outer(ok, ok)
    return np.where(c > 0, s / np.where(c > 0, c, 1), 0.0)


teams = {"A": ["r1", "r2"], "B": ["r3"]}
M = {t: pairwise_mean([e for r in reps for _, e in errors[r]]) for t, reps in teams.items()}
pooled = pairwise_mean([e for r in panel for _, e in errors[r]])

def shrinkage(per_origin):  # [(estimate matrix, pairs)]
    if len(per_origin) < 2:
        return 0.0
    w = np.array([p for _, p in per_origin], dtype=float)
    tr = np.array([np.trace(c) for c, _ in per_origin])
    t = np.sum(w * tr) / np.sum(w)
    if t <= 0:
        return 0.0
    se2 = steps * np.sum(w ** 2 * (tr - t) ** 2) / np.sum(w) ** 2
    return max(0.0, 1 - se2 / t ** 2)


# Shared parts from complete vectors.
within, lam = {}, {}
for t, reps in teams.items():
    num = np.zeros((d, d)); pairs = 0; per_origin = []
    for origin in range(6):
        vs = [e for r in reps for o, e in errors[r] if o == origin and not np.any(np.isnan(e))]
        if vs:
            S = np.sum(vs, axis=0)
            c = np.outer(S, S) - sum(np.outer(v, v) for v in vs)
            num += c
            pairs += len(vs) * (len(vs) - 1)
            if len(vs) > 1:
                per_origin.append((c / (len(vs) * (len(vs) - 1)), len(vs) * (len(vs) - 1)))
    if pairs > 0:
        lam[t] = shrinkage(per_origin)
        within[t] = lam[t] * num / pairs
num = np.zeros((d, d)); pairs = 0; per_origin_x = []
for origin in range(6):
    sums = {}
    for t, reps in teams.items():
        vs = [e for r in reps for o, e in errors[r] if o == origin and not np.any(np.isnan(e))]
        if vs:
            sums[t] = (np.sum(vs, axis=0), len(vs))
    G = sum(s for s, _ in sums.values()); n = sum(c for _, c in sums.values())
    if sums:
        c = np.outer(G, G) - sum(np.outer(s, s) for s, _ in sums.values())
        p = n * n - sum(k * k for _, k in sums.values())
        num += c
        pairs += p
        if p > 0:
            per_origin_x.append((c / p, p))
lam_x = shrinkage(per_origin_x)
across = lam_x * num / pairs

k = 6.0 * steps
scale = {}
for rep, (team, _, _) in panel.items():
    m = M[team]
    s = []
    for a in range(A):
        tm = np.mean([m[h * A + a, h * A + a] for h in range(steps)])
        own = np.array([e[h * A + a] for _, e in errors[rep] for h in range(steps)])
        own = own[~np.isnan(own)]
        s.append((np.sum(own ** 2) + k * tm) / ((len(own) + k) * tm))
    scale[rep] = np.array(s)

g = np.array([1.0, 2.0, 0.5, -1.0])
u = {r: g * np.sqrt(np.tile(scale[r], steps)) for r in panel}
var_r1 = u["r1"] @ M["A"] @ u["r1"]
var_team_a = sum(u[r] @ M["A"] @ u[r] for r in teams["A"])
var_team_a += (u["r1"] + u["r2"]) @ within["A"] @ (u["r1"] + u["r2"]) - sum(u[r] @ within["A"] @ u[r] for r in teams["A"])
var_total = sum(u[r] @ M[panel[r][0]] @ u[r] for r in panel)
var_total += sum((sum(u[r] for r in reps)) @ within[t] @ (sum(u[r] for r in reps)) - sum(u[r] @ within[t] @ u[r] for r in reps)
                 for t, reps in teams.items() if t in within)
U = {t: sum(u[r] for r in reps) for t, reps in teams.items()}
Gu = sum(U.values())
var_total += Gu @ across @ Gu - sum(U[t] @ across @ U[t] for t in teams)
var_total = max(0.0, var_total)

np.set_printoptions(precision=17)
print("origins", sum(len(v) for v in errors.values()))
print("M_A", repr(M["A"].ravel().tolist()))
print("M_B", repr(M["B"].ravel().tolist()))
print("lambda_A", repr(lam["A"]), "lambda_across", repr(lam_x))
print("raw_within_A", repr((within["A"] / lam["A"]).ravel().tolist()) if lam["A"] > 0 else "lambda 0")
print("within_A", repr(within["A"].ravel().tolist()))
print("across", repr(across.ravel().tolist()))
print("scale", {r: s.tolist() for r, s in scale.items()})
print("var_r1", repr(var_r1), "var_team_A", repr(var_team_a), "var_total", repr(var_total))
