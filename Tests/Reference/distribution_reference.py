#!/usr/bin/env python3
"""Reference values for Tests/ForecastingTests/DistributionTests.swift.

Writes Tests/ForecastingTests/DistributionReference.swift (the `DistributionReference` tables
the tests read).

For every test point this script records two values:

* ``scipy``: what scipy.stats returns (norm, t, f, chi2: cdf, sf, ppf, isf, pdf;
  two-sided t p-values as 2*t.sf(|t|)), i.e. the behaviour the Swift code must agree
  with;
* ``exact``: the correctly rounded value, computed with mpmath at 50 significant digits
  by methods independent of the Swift implementation (mpmath's hypergeometric betainc,
  or the classical continued fraction, for the incomplete beta function; series /
  Legendre continued fraction for the incomplete
  gamma function, mpmath's erfc for the normal; quantiles by solving cdf(x) = p in
  mpmath, starting from scipy's answer).

The exact values are what the accuracy tolerances are checked against: scipy itself is
off by up to ~1e-13 relative in the far tails (e.g. norm.cdf(-37), t.sf(37, 1e7)),
which is more than the 1e-14 required of the normal distribution. The scipy values are
checked with a looser tolerance that covers scipy's own error; the largest scipy
deviation per function is written into the generated file.

All floats are written with repr() (shortest round-trip form), so the Swift literals
are exactly the doubles used here. Points whose exact value is below 1e-300 (underflow
territory, where relative accuracy is meaningless) are left out.

Versions used for the committed output (pinned in Tests/Reference/requirements.txt): Python 3.11.7,
mpmath 1.3.0, scipy 1.17.1, numpy 2.4.6. mpmath matters: 1.4.1 takes over 10 minutes for this script.

Usage (about a minute):
    python3 Tests/Reference/distribution_reference.py            # rewrite DistributionReference.swift
    python3 Tests/Reference/distribution_reference.py --stdout   # print it instead
"""

import math
import os
import sys

import mpmath as mp
import numpy as np
import scipy
from scipy import stats

mp.mp.dps = 50
HALF = mp.mpf(1) / 2

OUTPUT_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "ForecastingTests", "DistributionReference.swift")
TINY = 1e-300


# ---------------------------------------------------------------------------
# High-precision reference implementations (mpmath)
# ---------------------------------------------------------------------------

def _beta_cf(a, b, x):
    """Classical continued fraction for I_x(a,b) (DLMF 8.17.22), modified Lentz."""
    tiny = mp.mpf(10) ** (-3 * mp.mp.dps)
    eps = mp.mpf(10) ** (-mp.mp.dps + 3)
    qab, qap, qam = a + b, a + 1, a - 1
    c = mp.mpf(1)
    d = 1 - qab * x / qap
    d = tiny if abs(d) < tiny else d
    d = 1 / d
    h = d
    m = 1
    while True:
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = tiny if abs(d) < tiny else d
        c = 1 + aa / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < eps:
            return h
        m += 1
        if m > 10 ** 7:
            raise RuntimeError("beta continued fraction did not converge")


def incomplete_beta(a, b, x, y):
    """(I_x(a,b), 1 - I_x(a,b)); x and y = 1 - x are exact mpmath numbers.

    The smaller of the two is computed directly, with mpmath's hypergeometric betainc
    (fast for huge a or b), falling back to the classical continued fraction when the
    hypergeometric series does not converge."""
    a, b = mp.mpf(a), mp.mpf(b)
    if x == 0:
        return mp.mpf(0), mp.mpf(1)
    if y == 0:
        return mp.mpf(1), mp.mpf(0)
    with mp.workdps(mp.mp.dps + 30):
        direct = x < (a + 1) / (a + b + 2)
        try:
            if direct:
                w = mp.betainc(a, b, 0, x, regularized=True)
                return +w, 1 - w
            w1 = mp.betainc(b, a, 0, y, regularized=True)
            return 1 - w1, +w1
        except (mp.libmp.libhyper.NoConvergence, ValueError):
            pass
        log_front = (mp.loggamma(a + b) - mp.loggamma(a) - mp.loggamma(b)
                     + a * mp.log(x) + b * mp.log(y))
        if direct:
            w = mp.exp(log_front) * _beta_cf(a, b, x) / a
            return +w, 1 - w
        w1 = mp.exp(log_front) * _beta_cf(b, a, y) / b
        return 1 - w1, +w1


def incomplete_gamma(a, x):
    """(P(a,x), Q(a,x)) by the power series / Legendre continued fraction."""
    a, x = mp.mpf(a), mp.mpf(x)
    if x == 0:
        return mp.mpf(0), mp.mpf(1)
    with mp.workdps(mp.mp.dps + 30):
        eps = mp.mpf(10) ** (-mp.mp.dps)
        log_front = a * mp.log(x) - x - mp.loggamma(a)
        if x < a + 1:
            total, term, ap = mp.mpf(1), mp.mpf(1), a
            while True:
                ap += 1
                term *= x / ap
                total += term
                if term < total * eps:
                    break
            p = mp.exp(log_front) / a * total
            return +p, 1 - p
        tiny = mp.mpf(10) ** (-3 * mp.mp.dps)
        b = x + 1 - a
        c, d = 1 / tiny, 1 / b
        h, i = d, 0
        while True:
            i += 1
            an = -i * (i - a)
            b += 2
            d = an * d + b
            d = tiny if abs(d) < tiny else d
            c = b + an / c
            c = tiny if abs(c) < tiny else c
            d = 1 / d
            delta = d * c
            h *= delta
            if abs(delta - 1) < eps:
                break
        q = mp.exp(log_front) * h
        return 1 - q, +q


def normal_cdf(x):
    return mp.erfc(-mp.mpf(x) / mp.sqrt(2)) / 2


def normal_sf(x):
    return mp.erfc(mp.mpf(x) / mp.sqrt(2)) / 2


def normal_pdf(x):
    x = mp.mpf(x)
    return mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def t_parts(t, df):
    """(P(T > |t|), P(0 < T < |t|)) for Student's t."""
    t, df = abs(mp.mpf(t)), mp.mpf(df)
    if t == 0:
        return HALF, mp.mpf(0)
    with mp.workdps(mp.mp.dps + 20):
        x = df / (df + t * t)
        y = t * t / (df + t * t)
        w, w1 = incomplete_beta(df / 2, HALF, x, y)
        return w / 2, w1 / 2


def t_cdf(t, df):
    tail, center = t_parts(t, df)
    return tail if t < 0 else HALF + center


def t_sf(t, df):
    tail, center = t_parts(t, df)
    return tail if t > 0 else HALF + center


def t_two_sided(t, df):
    return 2 * t_parts(t, df)[0]


def t_pdf(t, df):
    t, df = mp.mpf(t), mp.mpf(df)
    return mp.exp(-(df + 1) / 2 * mp.log1p(t * t / df) - mp.log(df) / 2 - mp.log(mp.beta(df / 2, HALF)))


def f_parts(f, d1, d2):
    f, d1, d2 = mp.mpf(f), mp.mpf(d1), mp.mpf(d2)
    if f <= 0:
        return mp.mpf(0), mp.mpf(1)
    with mp.workdps(mp.mp.dps + 20):
        return incomplete_beta(d1 / 2, d2 / 2, d1 * f / (d1 * f + d2), d2 / (d1 * f + d2))


def f_cdf(f, d1, d2):
    return f_parts(f, d1, d2)[0]


def f_sf(f, d1, d2):
    return f_parts(f, d1, d2)[1]


def f_pdf(f, d1, d2):
    f, d1, d2 = mp.mpf(f), mp.mpf(d1), mp.mpf(d2)
    return mp.exp(d1 / 2 * mp.log(d1 * f / d2) - (d1 + d2) / 2 * mp.log1p(d1 * f / d2)
                  - mp.log(f) - mp.log(mp.beta(d1 / 2, d2 / 2)))


def chi2_cdf(x, k):
    return incomplete_gamma(mp.mpf(k) / 2, mp.mpf(x) / 2)[0]


def chi2_sf(x, k):
    return incomplete_gamma(mp.mpf(k) / 2, mp.mpf(x) / 2)[1]


def chi2_pdf(x, k):
    x, k = mp.mpf(x), mp.mpf(k)
    return mp.exp((k / 2 - 1) * mp.log(x) - x / 2 - k / 2 * mp.log(2) - mp.loggamma(k / 2))


def solve_quantile(cdf, sf, p, start, upper=False, negative=False):
    """x with cdf(x) = p (or sf(x) = p if `upper`), solved in mpmath.

    Works on the logarithm of whichever tail is smaller and in u = ln|x| (`negative`
    gives the sign of x). scipy's answer is only a starting point; when it is not
    usable (scipy returns inf or 0 in some extreme cases) a bracket is searched for."""
    p = mp.mpf(p)
    if upper:
        target_is_lower, target = (False, p) if p <= HALF else (True, 1 - p)
    else:
        target_is_lower, target = (True, p) if p <= HALF else (False, 1 - p)
    sign = -1 if negative else 1

    def g(u):
        x = sign * mp.exp(u)
        if target_is_lower:
            return mp.log(cdf(x)) - mp.log(target)
        return mp.log(target) - mp.log(sf(x))

    start_ok = math.isfinite(start) and start != 0 and (start < 0) == negative
    u0 = mp.log(abs(mp.mpf(start))) if start_ok else mp.mpf(0)
    g0 = g(u0)
    if g0 == 0:
        return sign * mp.exp(u0)
    # Bracket the root by stepping outwards in the direction that reduces |g|.
    step = mp.mpf(1) if start_ok else mp.mpf(8)
    h = mp.mpf(10) ** -6
    g_h = g(u0 + h)
    if (g_h > 0) != (g0 > 0):
        u = mp.findroot(g, (u0, u0 + h), solver="anderson", tol=mp.mpf(10) ** -40)
        return sign * mp.exp(u)
    increasing = g_h > g0
    direction = -1 if (g0 > 0) == increasing else 1   # move towards g = 0
    lo, g_lo = u0, g0
    for _ in range(200):
        hi = lo + direction * step
        g_hi = g(hi)
        if g_hi == 0:
            return sign * mp.exp(hi)
        if (g_hi > 0) != (g_lo > 0):
            break
        lo, g_lo = hi, g_hi
        step *= 2
    else:
        raise RuntimeError("could not bracket the quantile")
    u = mp.findroot(g, (min(lo, hi), max(lo, hi)), solver="anderson", tol=mp.mpf(10) ** -40)
    return sign * mp.exp(u)


# ---------------------------------------------------------------------------
# Test grids
# ---------------------------------------------------------------------------

NORMAL_X = [-37.0, -36.0, -35.5, -30.0, -25.0, -20.0, -15.0, -10.0, -8.3, -5.0, -3.0, -1.96,
            -1.0, -0.5, -0.1, -1e-8, 0.0, 1e-8, 0.1, 0.5, 1.0, 1.96, 3.0, 5.0, 8.3, 10.0,
            15.0, 20.0, 25.0, 30.0, 35.5, 36.0, 37.0]
NORMAL_P = [1e-300, 1e-250, 1e-200, 1e-100, 1e-50, 1e-20, 1e-10, 1e-5, 0.001, 0.025, 0.1,
            0.25, 0.4, 0.4999999, 0.5, 0.5000001, 0.6, 0.75, 0.9, 0.975, 0.999, 1 - 1e-10,
            0.9999999999999999]
NORMAL_Q = [1e-300, 1e-200, 1e-100, 1e-20, 1e-10, 0.025, 0.3, 0.975]

T_DF = [1.0, 2.0, 3.0, 5.0, 9.5, 30.0, 100.0, 1e4, 1e6, 1e7]
T_X = [-1e3, -300.0, -100.0, -37.0, -20.0, -10.0, -5.0, -2.0, -1.2, -1.0, -0.5, -0.1, 0.0,
       0.1, 0.5, 1.0, 1.2, 2.0, 5.0, 10.0, 20.0, 37.0, 100.0, 300.0, 1e3]
T_P = [1e-300, 1e-100, 1e-15, 1e-6, 0.025, 0.1, 0.5, 0.975, 1 - 1e-10]
T_Q = [1e-300, 1e-100, 1e-15, 0.025, 0.9]

F_DF = [(1.0, 1.0), (2.0, 5.0), (3.0, 100.0), (10.0, 3.0), (20.0, 1e6), (1.0, 1e7)]
F_X = [1e-6, 1e-4, 0.01, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 100.0, 1e4, 1e6]
F_P = [1e-10, 0.001, 0.05, 0.5, 0.95, 0.999, 1 - 1e-10]
F_Q = [1e-100, 1e-20, 0.05]

CHI2_DF = [1.0, 2.0, 5.0, 30.0, 200.0]
CHI2_X = [1e-6, 1e-4, 0.01, 0.1, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 100.0, 150.0, 200.0, 250.0,
          300.0, 500.0, 1000.0, 1500.0, 2000.0]
CHI2_P = [1e-100, 1e-10, 0.001, 0.05, 0.5, 0.95, 0.999, 1 - 1e-10]
CHI2_Q = [1e-300, 1e-100, 1e-20]


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------

scipy_worst = {}
scipy_failures = []


def entry(name, exact, scipy_value, point=()):
    """Round the exact value and track scipy's own relative deviation from it."""
    exact_float = float(exact)
    scipy_value = float(scipy_value)
    if not math.isfinite(scipy_value) and math.isfinite(exact_float):
        scipy_failures.append("%s%r: scipy %r, exact %r" % (name, tuple(point), scipy_value, exact_float))
    elif exact != 0:
        deviation = float(abs(mp.mpf(scipy_value) - exact) / abs(exact))
        scipy_worst[name] = max(scipy_worst.get(name, 0.0), deviation)
    return exact_float, scipy_value


def fmt(v):
    if math.isinf(v):
        return ".infinity" if v > 0 else "-.infinity"
    return repr(float(v))


def table(name, columns, rows):
    header = "    static let %s: [(%s)] = [" % (name, ", ".join("%s: Double" % c for c in columns))
    body = ["        (%s)," % ", ".join(fmt(v) for v in row) for row in rows]
    return "\n".join([header] + body + ["    ]"])


def generate():
    blocks = []

    # Normal -----------------------------------------------------------------
    rows = {"normalCDF": [], "normalSurvival": [], "normalDensity": []}
    for x in NORMAL_X:
        for name, exact_fn, scipy_fn in [("normalCDF", normal_cdf, stats.norm.cdf),
                                         ("normalSurvival", normal_sf, stats.norm.sf),
                                         ("normalDensity", normal_pdf, stats.norm.pdf)]:
            exact = exact_fn(x)
            if exact < TINY:
                continue
            rows[name].append((x,) + entry(name, exact, scipy_fn(x), (x,)))
    for name in rows:
        blocks.append(table(name, ["x", "exact", "scipy"], rows[name]))
    quantile_rows = []
    for p in NORMAL_P:
        s = float(stats.norm.ppf(p))
        exact = mp.mpf(0) if p == 0.5 else solve_quantile(normal_cdf, normal_sf, p, s, negative=p < 0.5)
        quantile_rows.append((p,) + entry("normalQuantile", exact, s, (p,)))
    blocks.append(table("normalQuantile", ["p", "exact", "scipy"], quantile_rows))
    isf_rows = []
    for q in NORMAL_Q:
        s = float(stats.norm.isf(q))
        exact = solve_quantile(normal_cdf, normal_sf, q, s, upper=True, negative=q > 0.5)
        isf_rows.append((q,) + entry("normalInverseSurvival", exact, s, (q,)))
    blocks.append(table("normalInverseSurvival", ["q", "exact", "scipy"], isf_rows))

    # Student t --------------------------------------------------------------
    rows = {"tCDF": [], "tSurvival": [], "tTwoSided": [], "tDensity": []}
    for df in T_DF:
        for t in T_X:
            values = [("tCDF", t_cdf(t, df), stats.t.cdf(t, df)),
                      ("tSurvival", t_sf(t, df), stats.t.sf(t, df)),
                      ("tTwoSided", t_two_sided(t, df), 2 * stats.t.sf(abs(t), df)),
                      ("tDensity", t_pdf(t, df), stats.t.pdf(t, df))]
            for name, exact, s in values:
                if exact < TINY:
                    continue
                rows[name].append((df, t) + entry(name, exact, s, (df, t)))
    for name in rows:
        blocks.append(table(name, ["df", "t", "exact", "scipy"], rows[name]))
    quantile_rows, isf_rows = [], []
    for df in T_DF:
        cdf = lambda x, df=df: t_cdf(x, df)
        sf = lambda x, df=df: t_sf(x, df)
        for p in T_P:
            s = float(stats.t.ppf(p, df))
            exact = mp.mpf(0) if p == 0.5 else solve_quantile(cdf, sf, p, s, negative=p < 0.5)
            quantile_rows.append((df, p) + entry("tQuantile", exact, s, (df, p)))
        for q in T_Q:
            s = float(stats.t.isf(q, df))
            exact = solve_quantile(cdf, sf, q, s, upper=True, negative=q > 0.5)
            isf_rows.append((df, q) + entry("tInverseSurvival", exact, s, (df, q)))
    blocks.append(table("tQuantile", ["df", "p", "exact", "scipy"], quantile_rows))
    blocks.append(table("tInverseSurvival", ["df", "q", "exact", "scipy"], isf_rows))

    # F ----------------------------------------------------------------------
    rows = {"fCDF": [], "fSurvival": [], "fDensity": []}
    for d1, d2 in F_DF:
        for f in F_X:
            values = [("fCDF", f_cdf(f, d1, d2), stats.f.cdf(f, d1, d2)),
                      ("fSurvival", f_sf(f, d1, d2), stats.f.sf(f, d1, d2)),
                      ("fDensity", f_pdf(f, d1, d2), stats.f.pdf(f, d1, d2))]
            for name, exact, s in values:
                if exact < TINY:
                    continue
                rows[name].append((d1, d2, f) + entry(name, exact, s, (d1, d2, f)))
    for name in rows:
        blocks.append(table(name, ["d1", "d2", "f", "exact", "scipy"], rows[name]))
    quantile_rows, isf_rows = [], []
    for d1, d2 in F_DF:
        cdf = lambda x, d1=d1, d2=d2: f_cdf(x, d1, d2)
        sf = lambda x, d1=d1, d2=d2: f_sf(x, d1, d2)
        for p in F_P:
            s = float(stats.f.ppf(p, d1, d2))
            exact = solve_quantile(cdf, sf, p, s)
            quantile_rows.append((d1, d2, p) + entry("fQuantile", exact, s, (d1, d2, p)))
        for q in F_Q:
            s = float(stats.f.isf(q, d1, d2))
            exact = solve_quantile(cdf, sf, q, s, upper=True)
            isf_rows.append((d1, d2, q) + entry("fInverseSurvival", exact, s, (d1, d2, q)))
    blocks.append(table("fQuantile", ["d1", "d2", "p", "exact", "scipy"], quantile_rows))
    blocks.append(table("fInverseSurvival", ["d1", "d2", "q", "exact", "scipy"], isf_rows))

    # Chi-squared ------------------------------------------------------------
    rows = {"chiSquaredCDF": [], "chiSquaredSurvival": [], "chiSquaredDensity": []}
    for k in CHI2_DF:
        for x in CHI2_X:
            values = [("chiSquaredCDF", chi2_cdf(x, k), stats.chi2.cdf(x, k)),
                      ("chiSquaredSurvival", chi2_sf(x, k), stats.chi2.sf(x, k)),
                      ("chiSquaredDensity", chi2_pdf(x, k), stats.chi2.pdf(x, k))]
            for name, exact, s in values:
                if exact < TINY:
                    continue
                rows[name].append((k, x) + entry(name, exact, s, (k, x)))
    for name in rows:
        blocks.append(table(name, ["df", "x", "exact", "scipy"], rows[name]))
    quantile_rows, isf_rows = [], []
    for k in CHI2_DF:
        cdf = lambda x, k=k: chi2_cdf(x, k)
        sf = lambda x, k=k: chi2_sf(x, k)
        for p in CHI2_P:
            s = float(stats.chi2.ppf(p, k))
            exact = solve_quantile(cdf, sf, p, s)
            quantile_rows.append((k, p) + entry("chiSquaredQuantile", exact, s, (k, p)))
        for q in CHI2_Q:
            s = float(stats.chi2.isf(q, k))
            exact = solve_quantile(cdf, sf, q, s, upper=True)
            isf_rows.append((k, q) + entry("chiSquaredInverseSurvival", exact, s, (k, q)))
    blocks.append(table("chiSquaredQuantile", ["df", "p", "exact", "scipy"], quantile_rows))
    blocks.append(table("chiSquaredInverseSurvival", ["df", "q", "exact", "scipy"], isf_rows))

    deviation = ["//   %-26s %.2e" % (name, value) for name, value in sorted(scipy_worst.items())]
    lines = [
        "// Reference values for DistributionTests.swift.",
        "// Generated by Tests/Reference/distribution_reference.py with scipy %s, mpmath %s,"
        % (scipy.__version__, mp.__version__),
        "// numpy %s, Python %s. Do not edit by hand; rerun the script instead."
        % (np.__version__, sys.version.split()[0]),
        "// `exact`: correctly rounded (mpmath, 50 digits); `scipy`: scipy.stats output.",
        "// Largest relative deviation of scipy from the exact values, per table:",
    ] + deviation + [
        "// scipy returns a non-finite value at these points (excluded from the scipy check):",
    ] + ["//   " + failure for failure in scipy_failures] + [
        "enum DistributionReference {",
        "    /// Largest relative deviation of scipy from `exact`, per table.",
        "    static let scipyDeviation: [String: Double] = [",
    ] + ['        "%s": %s,' % (name, repr(value)) for name, value in sorted(scipy_worst.items())] + [
        "    ]",
        "",
        "\n\n".join(blocks),
        "}",
    ]
    return "\n".join(lines) + "\n"


def main():
    text = generate()
    if "--stdout" in sys.argv:
        sys.stdout.write(text)
        return
    path = os.path.normpath(OUTPUT_FILE)
    with open(path, "w") as handle:
        handle.write(text)
    print("wrote", path)


if __name__ == "__main__":
    main()
