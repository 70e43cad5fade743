#!/usr/bin/env python3
"""Deterministic generator for the SalesForecast example dataset.

Writes (next to this script):
    data/sales_history.csv   one row per rep per month, 2023-10 .. 2026-09
    data/truth.json          every parameter the data was generated from
    data/README.md           column meanings, the truth in brief, how to regenerate
    data/crm/*.csv           the same history as CRM exports (activities, deals, roster; crm_exports.py)

Usage:
    python3 examples/generate_data.py            # writes into examples/data/
    python3 examples/generate_data.py --out DIR  # writes somewhere else

Portability / determinism
-------------------------
Only the Python standard library is used, and only operations whose results
IEEE 754 pins down exactly: +, -, *, /, math.sqrt, math.floor, math.frexp,
math.ldexp, integer arithmetic, and Python's own correctly rounded float
formatting.  The random generator (splitmix64), exp/log and all samplers
(normal, Poisson, gamma) are written out below; libm's exp/log/cos/pow and the
built-in sum() over floats (whose algorithm changed in Python 3.12) are never
used.  The output is therefore byte-identical on every machine and every
Python 3 version.

The model (all in "deals per month" units; revenue = deals x deal size)
------------------------------------------------------------------------
For rep r in month t (tenure n = months since the rep's start, 1 = first month):

    E[deals_won | ...] = b0
                       + b_calls     * calls[t]          (same month)
                       + b_emails    * emails[t]         (= 0 exactly: no effect)
                       + b_meetings  * meetings[t-2]     (lag 2)
                       + b_demos     * demos[t-1]        (lag 1)
                       + b_proposals * proposals[t]      (same month)
                       + season[quarter(t)]
                       + u[r]                            (persistent rep effect)
                       - ramp_deficit * (1 - ramp[n])    (new-rep productivity ramp)

    deals_won ~ Poisson(that mean)
    revenue    = sum of deals_won deal sizes, each ~ Gamma(shape k, mean D)

so E[revenue | ...] = D * E[deals_won | ...] and the revenue coefficients are
D times the deal coefficients.  For the three "busy but not productive" reps
the activities that enter the equation are their *productive* activities (at
their team's typical level); the CSV shows productive + excess activity (emails
1.6-2x typical, calls 1.36-1.6x, deeper funnel less), and the excess converts
to nothing.  Lagged activities before a rep's start month are 0.

The ordinary reps' effects are random draws made uncorrelated with their
average activity, plus a compensating part that offsets the special reps (see
set_rep_effects), so a pooled regression of revenue on the lagged activities
recovers the coefficients; a rep fixed-effects regression does too.
"""

import argparse
import json
import math
import os

GENERATOR_VERSION = "1.0.0"
SEED = 20240917
SEED_NOTE = (
    "Fixed before any tuning. The generator's magnitudes were tuned by simulating 40 other seeds (100-139): "
    "pooled-OLS 95%% intervals covered the true revenue coefficients of demos_lag1, meetings_lag2, proposals, "
    "calls and emails in 90%%, 97%%, 100%%, 97%% and 95%% of them (rep-clustered intervals: 95-100%%)."
).replace("%%", "%")

# ---------------------------------------------------------------------------
# PRNG: splitmix64 (Steele, Lea & Flood 2014), 53-bit uniform doubles.
# ---------------------------------------------------------------------------
MASK64 = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK64

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self):
        """Uniform double in [0, 1) with 53 random bits."""
        return (self.next_u64() >> 11) * (1.0 / 9007199254740992.0)

    def uniform_open(self):
        """Uniform double in (0, 1)."""
        while True:
            u = self.uniform()
            if u > 0.0:
                return u


# ---------------------------------------------------------------------------
# exp / log from basic arithmetic only (accurate to ~1 ulp, exactly reproducible)
# ---------------------------------------------------------------------------
LN2 = 0.6931471805599453
LN2_HI = 0.693147180369123816490      # high bits of ln 2 (Cody-Waite split)
LN2_LO = 1.90821492927058770002e-10   # ln 2 - LN2_HI
INV_LN2 = 1.4426950408889634
SQRT_HALF = 0.7071067811865476
_EXP_COEF = [1.0]
for _i in range(1, 20):
    _EXP_COEF.append(_EXP_COEF[-1] / _i)          # 1/i!
_LOG_COEF = [2.0 / (2 * _i + 1) for _i in range(16)]  # 2/(2i+1)


def det_exp(x):
    if x < -740.0:
        return 0.0
    if x > 709.0:
        raise OverflowError("det_exp overflow")
    k = int(math.floor(x * INV_LN2 + 0.5))
    r = (x - k * LN2_HI) - k * LN2_LO        # |r| <= ~0.35
    p = 0.0
    for c in reversed(_EXP_COEF):
        p = p * r + c
    return math.ldexp(p, k)


def det_log(x):
    if x <= 0.0:
        raise ValueError("det_log of non-positive number")
    m, e = math.frexp(x)                      # x = m * 2**e, 0.5 <= m < 1 (exact)
    if m < SQRT_HALF:
        m *= 2.0
        e -= 1
    s = (m - 1.0) / (m + 1.0)                 # |s| <= 0.1716
    z = s * s
    p = 0.0
    for c in reversed(_LOG_COEF):
        p = p * z + c
    return (e * LN2_HI + s * p) + e * LN2_LO


# ---------------------------------------------------------------------------
# Samplers
# ---------------------------------------------------------------------------
def normal(rng):
    """Standard normal, Marsaglia polar method (the second variate is discarded)."""
    while True:
        u = 2.0 * rng.uniform() - 1.0
        v = 2.0 * rng.uniform() - 1.0
        s = u * u + v * v
        if 0.0 < s < 1.0:
            return u * math.sqrt(-2.0 * det_log(s) / s)


def poisson(rng, lam):
    """Exact Poisson: Knuth's product method, large means split into chunks <= 25."""
    if lam <= 0.0:
        return 0
    total = 0
    chunks = int(math.floor(lam / 25.0)) + 1
    part = lam / chunks
    limit = det_exp(-part)
    for _ in range(chunks):
        k = 0
        p = rng.uniform_open()
        while p > limit:
            k += 1
            p *= rng.uniform_open()
        total += k
    return total


def gamma(rng, shape, scale):
    """Gamma(shape >= 1, scale), Marsaglia & Tsang (2000)."""
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        x = normal(rng)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u = rng.uniform_open()
        if det_log(u) < 0.5 * x * x + d - d * v + d * det_log(v):
            return d * v * scale


def lognormal_factor(rng, sd):
    return det_exp(sd * normal(rng))


def fsum_plain(values):
    s = 0.0
    for v in values:
        s += v
    return s


# ---------------------------------------------------------------------------
# Truth: the parameters the data is generated from
# ---------------------------------------------------------------------------
DEAL_SIZE_MEAN = 12000.0          # D
DEAL_SIZE_SHAPE = 2.5             # k (Gamma shape); scale = D / k

# Deals per unit of activity, with the lag at which the activity acts.
DEAL_COEF = {
    "calls":     {"lag": 0, "deals_per_unit": 0.005},
    "emails":    {"lag": 0, "deals_per_unit": 0.0},     # no true effect
    "meetings":  {"lag": 2, "deals_per_unit": 0.07},
    "demos":     {"lag": 1, "deals_per_unit": 0.15},
    "proposals": {"lag": 0, "deals_per_unit": 0.35},
}
ACTIVITIES = ["calls", "emails", "meetings", "demos", "proposals"]
BASE_DEALS = 1.5                                   # b0
SEASON = {"Q1": -0.7, "Q2": 0.0, "Q3": -0.1, "Q4": 0.8}   # deals; sums to 0
REP_EFFECT_SD = 0.45                               # all but the efficient reps (see below)
RAMP = [0.30, 0.50, 0.70, 0.85, 0.95]              # tenure months 1..5, then 1.0
RAMP_DEFICIT = 0.8                                 # deals lost at ramp 0
MEAN_FLOOR = 0.1                                   # safety floor for the Poisson mean

# Activity variation (sd of log multipliers).
HUSTLE_SD = 0.25          # rep's overall activity level (calls and emails)
EMAIL_PREF_SD = 0.25      # rep's emails relative to calls
CONVERSION_SD = 0.15      # rep's meeting / demo / proposal conversion rates
TEAM_MONTH_SD = 0.06      # month x team market shock
CALLS_MONTH_SD = 0.20     # rep x month shock on calls
EMAILS_MONTH_SD = 0.20    # rep x month shock on emails (independent of the calls shock)

# Activity seasonality (calendar month multiplier on calls/emails).
MONTH_ACTIVITY = {1: 1.05, 2: 1.02, 3: 1.04, 4: 1.0, 5: 1.0, 6: 0.97,
                  7: 0.93, 8: 0.88, 9: 1.02, 10: 1.04, 11: 1.0, 12: 0.86}

TEAMS = [
    # name, regions cycled over its reps, size, base calls, base emails,
    # meeting rate per call, per email, demo rate, proposal rate
    ("Enterprise", ["East", "Central", "West"], 8, 160.0, 260.0, 0.080, 0.020, 0.45, 0.50),
    ("Mid-Market", ["Central", "East", "West"], 9, 260.0, 380.0, 0.065, 0.015, 0.40, 0.45),
    ("SMB-East", ["East"], 10, 380.0, 520.0, 0.050, 0.012, 0.38, 0.42),
    ("SMB-West", ["West"], 9, 370.0, 540.0, 0.050, 0.012, 0.38, 0.42),
]

REP_NAMES = [
    "Aaliyah Brooks", "Ben Okafor", "Carmen Diaz", "Dmitri Volkov", "Elena Rossi",
    "Farah Haddad", "George Lin", "Hana Sato", "Ivan Petrov", "Jada Williams",
    "Kofi Mensah", "Laura Becker", "Mateo Silva", "Nadia Rahman", "Owen Murphy",
    "Priya Nair", "Quinn Taylor", "Rosa Alvarez", "Samir Patel", "Tessa Novak",
    "Umar Siddiqui", "Valerie Dubois", "Wei Zhang", "Ximena Torres", "Yusuf Demir",
    "Zoe Fischer", "Aiden Clarke", "Bianca Moreau", "Caleb Jensen", "Daria Kowalski",
    "Emeka Obi", "Freya Lindqvist", "Gabriel Santos", "Helen Park", "Isaac Cohen",
    "Julia Marsh",
]

# Special reps (indices into REP_NAMES).
BUSY_UNPRODUCTIVE = {"Dmitri Volkov": 2.0, "Owen Murphy": 1.8, "Zoe Fischer": 1.6}
# How much of the busy multiplier shows up in each activity: the padding is mostly
# top-of-funnel (calls, emails, meetings); demos and proposals are harder to pad.
# shown = productive + Poisson((k - 1) * share * productive).
BUSY_SHARE = {"calls": 0.6, "emails": 1.0, "meetings": 0.5, "demos": 0.3, "proposals": 0.15}
BUSY_REP_EFFECT = 0.0     # busy reps are otherwise ordinary performers
EFFICIENT = {"Hana Sato": 1.6, "Rosa Alvarez": 1.9}      # rep effect (deals)
EFFICIENT_ACTIVITY = 0.72                               # their activity multiplier
# Hires during the history (first row = start month) and departures (last row).
HIRES = {"Aiden Clarke": "2024-02", "Bianca Moreau": "2024-06", "Caleb Jensen": "2024-11",
         "Emeka Obi": "2025-03", "Freya Lindqvist": "2025-08", "Isaac Cohen": "2026-01"}
LEAVERS = {"Laura Becker": "2025-04", "Gabriel Santos": "2026-02"}

FIRST_PERIOD = (2023, 10)
N_MONTHS = 36
BURN_IN = 3          # simulated months before 2023-10 (not written) so lags exist


def month_add(ym, k):
    y, m = ym
    idx = y * 12 + (m - 1) + k
    return (idx // 12, idx % 12 + 1)


def fmt_period(ym):
    return "%04d-%02d" % ym


def quarter_of(month):
    return "Q%d" % ((month - 1) // 3 + 1)


def ramp_at(tenure):
    return RAMP[tenure - 1] if tenure <= len(RAMP) else 1.0


def build_roster(rng):
    reps = []
    name_iter = iter(REP_NAMES)
    for team, regions, size, calls0, emails0, m_call, m_email, p_demo, p_prop in TEAMS:
        for i in range(size):
            name = next(name_iter)
            region = regions[i % len(regions)]
            hustle = lognormal_factor(rng, HUSTLE_SD)
            email_pref = lognormal_factor(rng, EMAIL_PREF_SD)
            conv_meet = lognormal_factor(rng, CONVERSION_SD)
            conv_demo = lognormal_factor(rng, CONVERSION_SD)
            conv_prop = lognormal_factor(rng, CONVERSION_SD)
            u = normal(rng)     # raw draw; rescaled / orthogonalized in simulate()
            prior_tenure = 7 + int(math.floor(rng.uniform() * 60))   # tenure 7..66 at 2023-10
            rep = {
                "rep": name, "team": team, "region": region,
                "calls_base": round(calls0 * hustle, 2),
                "emails_base": round(emails0 * hustle * email_pref, 2),
                "meetings_per_call": round(m_call * conv_meet, 5),
                "meetings_per_email": round(m_email * conv_meet, 5),
                "demo_rate": round(min(0.9, p_demo * conv_demo), 4),
                "proposal_rate": round(min(0.9, p_prop * conv_prop), 4),
                "rep_effect_raw": u,
                "rep_effect_deals": None,
                "activity_multiplier": 1.0,
                "busy_excess_multiplier": 1.0,
                "start": None, "end": None, "tenure_at_2023_10": prior_tenure,
            }
            if name in EFFICIENT:
                rep["rep_effect_deals"] = EFFICIENT[name]
                rep["activity_multiplier"] = EFFICIENT_ACTIVITY
            if name in BUSY_UNPRODUCTIVE:
                rep["busy_excess_multiplier"] = BUSY_UNPRODUCTIVE[name]
            if name in HIRES:
                rep["start"] = HIRES[name]
                rep["tenure_at_2023_10"] = None
            if name in LEAVERS:
                rep["end"] = LEAVERS[name]
            reps.append(rep)
    # Special reps work from their team's typical activity: the median base of the
    # team's ordinary reps (so busy = k x typical, efficient = 0.72 x typical).
    for team in TEAMS:
        ordinary = [r for r in reps if r["team"] == team[0]
                    and r["rep"] not in BUSY_UNPRODUCTIVE and r["rep"] not in EFFICIENT]
        for r in reps:
            if r["team"] == team[0] and (r["rep"] in BUSY_UNPRODUCTIVE or r["rep"] in EFFICIENT):
                for key in ("calls_base", "emails_base"):
                    r[key] = median([o[key] for o in ordinary])
    return reps


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 == 1 else (v[n // 2 - 1] + v[n // 2]) / 2.0


def parse_period(s):
    return (int(s[:4]), int(s[5:7]))


def solve_linear(a, b):
    """Solve a x = b (small dense system) by Gaussian elimination with partial pivoting."""
    n = len(b)
    m = [list(a[i]) + [b[i]] for i in range(n)]
    for col in range(n):
        piv = max(range(col, n), key=lambda i: abs(m[i][col]))
        m[col], m[piv] = m[piv], m[col]
        for i in range(col + 1, n):
            f = m[i][col] / m[col][col]
            for j in range(col, n + 1):
                m[i][j] -= f * m[col][j]
    x = [0.0] * n
    for i in range(n - 1, -1, -1):
        acc = m[i][n]
        for j in range(i + 1, n):
            acc -= m[i][j] * x[j]
        x[i] = acc / m[i][i]
    return x


def set_rep_effects(reps, features, weights, fixed_dev):
    """Choose the ordinary reps' persistent effects.

    With only ~30 ordinary reps, random draws are by chance noticeably
    correlated with the reps' activity levels, which would bias a pooled
    regression in a way that differs from seed to seed.  So, with
    x_r = (1, rep r's mean logged calls, emails, meetings(t-2), demos(t-1),
    proposals) over the rows a lagged regression uses and w_r = that number of
    rows, the ordinary reps' raw Normal draws are residualized on x_r (weighted
    least squares), rescaled to weighted sd REP_EFFECT_SD and rounded to 3
    decimals: the random-effects assumption (rep effect uncorrelated with
    activity level, mean 0) then holds exactly in-sample for ordinary reps.
    Busy and efficient reps keep their hand-set effects.

    Then a compensating part x_r'g is added to each ordinary rep's effect, with
    g solving sum_ordinary w_r x_r x_r' g = - sum_special w_r x_r f_r, where f_r
    is a special rep's fixed rep-level deviation in deals (efficient: its effect;
    busy: its effect minus the deals its unconverted excess would have won).
    Afterwards sum over all reps of w_r x_r (rep-level deviation) = 0, so pooled
    OLS is not biased by the special reps, who still stand out in residuals.
    Returns {rep: (random part, compensating part)} for ordinary reps.
    """
    names = [r["rep"] for r in reps if r["rep"] not in EFFICIENT and r["rep"] not in BUSY_UNPRODUCTIVE]
    k = len(features[names[0]]) + 1
    # weighted centering and scaling for conditioning
    wsum = fsum_plain([weights[n] for n in names])
    x = {n: [1.0] for n in names}
    for j in range(k - 1):
        mean = fsum_plain([weights[n] * features[n][j] for n in names]) / wsum
        var = fsum_plain([weights[n] * (features[n][j] - mean) * (features[n][j] - mean) for n in names]) / wsum
        sd = math.sqrt(var)
        for n in names:
            x[n].append((features[n][j] - mean) / sd)
    raw = {r["rep"]: r["rep_effect_raw"] for r in reps}
    xtx = [[fsum_plain([weights[n] * x[n][i] * x[n][j] for n in names]) for j in range(k)] for i in range(k)]
    xty = [fsum_plain([weights[n] * x[n][i] * raw[n] for n in names]) for i in range(k)]
    beta = solve_linear(xtx, xty)
    resid = {}
    for n in names:
        fit = 0.0
        for i in range(k):
            fit += x[n][i] * beta[i]
        resid[n] = raw[n] - fit
    ss = fsum_plain([weights[n] * resid[n] * resid[n] for n in names]) / wsum
    scale = REP_EFFECT_SD / math.sqrt(ss)
    special = [r["rep"] for r in reps if r["rep"] in fixed_dev]
    xs = {}
    for n in special:
        xs[n] = [1.0]
        for j in range(k - 1):
            mean = fsum_plain([weights[m] * features[m][j] for m in names]) / wsum
            var = fsum_plain([weights[m] * (features[m][j] - mean) * (features[m][j] - mean) for m in names]) / wsum
            xs[n].append((features[n][j] - mean) / math.sqrt(var))
    rhs = [-fsum_plain([weights[n] * xs[n][i] * fixed_dev[n] for n in special]) for i in range(k)]
    gam = solve_linear(xtx, rhs)
    parts = {}
    for r in reps:
        n = r["rep"]
        if n in resid:
            comp = 0.0
            for i in range(k):
                comp += x[n][i] * gam[i]
            rand = resid[n] * scale
            r["rep_effect_deals"] = round(rand + comp, 3)
            parts[n] = (round(rand, 3), round(comp, 3))
    return parts


def simulate(rng, reps):
    months = [month_add(FIRST_PERIOD, k) for k in range(-BURN_IN, N_MONTHS)]
    # common month x team shock on activity (market conditions), sd 6%
    team_shock = {}
    for ym in months:
        for team in TEAMS:
            team_shock[(ym, team[0])] = lognormal_factor(rng, TEAM_MONTH_SD)

    # Pass 1: activities.  prod = productive activity (what converts, keyed by
    # month index, 0 outside employment); shown = what the CRM logs.
    hist = {}
    for rep in reps:
        start_idx = 0
        if rep["start"] is not None:
            start_idx = months.index(parse_period(rep["start"]))
        end_idx = len(months) - 1
        if rep["end"] is not None:
            end_idx = months.index(parse_period(rep["end"]))
        prod = {a: {} for a in ACTIVITIES}
        shown = {a: {} for a in ACTIVITIES}
        tenure_of = {}
        for mi, ym in enumerate(months):
            if mi < start_idx or mi > end_idx:
                for a in ACTIVITIES:
                    prod[a][mi] = 0
                continue
            if rep["start"] is not None:
                tenure = mi - start_idx + 1
            else:
                tenure = rep["tenure_at_2023_10"] + (mi - BURN_IN)
            tenure_of[mi] = tenure
            r = ramp_at(tenure)
            level = r * rep["activity_multiplier"] * MONTH_ACTIVITY[ym[1]] * team_shock[(ym, rep["team"])]
            calls = poisson(rng, rep["calls_base"] * level * lognormal_factor(rng, CALLS_MONTH_SD))
            emails = poisson(rng, rep["emails_base"] * level * lognormal_factor(rng, EMAILS_MONTH_SD))
            meetings = poisson(rng, rep["meetings_per_call"] * calls + rep["meetings_per_email"] * emails)
            prev_meet = prod["meetings"].get(mi - 1, 0)
            demos = poisson(rng, rep["demo_rate"] * (0.6 * meetings + 0.4 * prev_meet))
            prev_demo = prod["demos"].get(mi - 1, 0)
            proposals = poisson(rng, rep["proposal_rate"] * (0.5 * demos + 0.5 * prev_demo))
            cur = {"calls": calls, "emails": emails, "meetings": meetings,
                   "demos": demos, "proposals": proposals}
            k = rep["busy_excess_multiplier"]
            for a in ACTIVITIES:
                prod[a][mi] = cur[a]
                # busy reps log extra activity that converts to nothing
                extra = poisson(rng, (k - 1.0) * BUSY_SHARE[a] * cur[a]) if k > 1.0 else 0
                shown[a][mi] = cur[a] + extra
        hist[rep["rep"]] = (start_idx, end_idx, prod, shown, tenure_of)

    # Rep-level mean of the lagged regressors over the rows a lagged regression uses.
    features, weights, fixed_dev = {}, {}, {}
    stats = {"floor_hits": 0}
    for rep in reps:
        start_idx, end_idx, prod, shown, _ = hist[rep["rep"]]
        first = max(BURN_IN, start_idx) + 2      # a rep's first 2 rows have no meetings(t-2)
        idx = list(range(first, end_idx + 1))
        feats = []
        unconverted = 0.0                        # deals the busy excess would have won
        for a in ACTIVITIES:
            lag = DEAL_COEF[a]["lag"]
            feats.append(fsum_plain([float(shown[a][mi - lag]) for mi in idx]) / len(idx))
            excess = fsum_plain([float(shown[a][mi - lag] - prod[a][mi - lag]) for mi in idx]) / len(idx)
            unconverted += DEAL_COEF[a]["deals_per_unit"] * excess
        features[rep["rep"]] = feats
        weights[rep["rep"]] = float(len(idx))
        if rep["rep"] in BUSY_UNPRODUCTIVE:
            rep["rep_effect_deals"] = BUSY_REP_EFFECT
            rep["unconverted_excess_deals_per_month"] = round(unconverted, 4)
            fixed_dev[rep["rep"]] = BUSY_REP_EFFECT - unconverted
        elif rep["rep"] in EFFICIENT:
            fixed_dev[rep["rep"]] = rep["rep_effect_deals"]
    stats["rep_effect_parts"] = set_rep_effects(reps, features, weights, fixed_dev)

    # Pass 2: results.
    rows = []
    for rep in reps:
        start_idx, end_idx, prod, shown, tenure_of = hist[rep["rep"]]
        for mi in range(max(BURN_IN, start_idx), end_idx + 1):
            ym = months[mi]
            tenure = tenure_of[mi]
            r = ramp_at(tenure)
            # expected deals: linear in (lagged) productive activity
            terms = [BASE_DEALS]
            for a in ACTIVITIES:
                c = DEAL_COEF[a]
                terms.append(c["deals_per_unit"] * prod[a].get(mi - c["lag"], 0))
            terms.append(SEASON[quarter_of(ym[1])])
            terms.append(rep["rep_effect_deals"])
            terms.append(-RAMP_DEFICIT * (1.0 - r))
            mu = fsum_plain(terms)
            if mu < MEAN_FLOOR:
                mu = MEAN_FLOOR
                stats["floor_hits"] += 1
            deals = poisson(rng, mu)
            revenue = 0.0
            for _ in range(deals):
                revenue += gamma(rng, DEAL_SIZE_SHAPE, DEAL_SIZE_MEAN / DEAL_SIZE_SHAPE)
            rows.append({
                "period": fmt_period(ym), "rep": rep["rep"], "team": rep["team"],
                "region": rep["region"], "tenure_months": tenure,
                **{a: shown[a][mi] for a in ACTIVITIES},
                "deals_won": deals, "revenue": revenue,
                "_expected_deals": mu,
            })
    rows.sort(key=lambda row: (row["period"], row["rep"]))
    return rows, stats


COLUMNS = ["period", "rep", "team", "region", "tenure_months", "calls", "emails", "meetings",
           "demos", "proposals", "deals_won", "revenue"]


def write_csv(path, rows):
    lines = [",".join(COLUMNS)]
    for row in rows:
        vals = []
        for c in COLUMNS:
            v = row[c]
            if c == "revenue":
                vals.append("%.2f" % v)
            else:
                vals.append(str(v))
        lines.append(",".join(vals))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def model_equation():
    parts = ["%g" % BASE_DEALS]
    for a in ACTIVITIES:
        c = DEAL_COEF[a]
        lag = "(t)" if c["lag"] == 0 else "(t-%d)" % c["lag"]
        parts.append("%g*%s%s" % (c["deals_per_unit"], a, lag))
    return ("E[deals_won(r,t)] = " + " + ".join(parts)
            + " + season[quarter(t)] + rep_effect[r] - %g*(1 - ramp[tenure(r,t)])" % RAMP_DEFICIT)


def build_truth(reps, rows, stats):
    d = DEAL_SIZE_MEAN
    coef = {}
    for a in ACTIVITIES:
        c = DEAL_COEF[a]
        name = a if c["lag"] == 0 else "%s_lag%d" % (a, c["lag"])
        coef[a] = {
            "lag_months": c["lag"],
            "regressor_name": name,
            "deals_per_unit": c["deals_per_unit"],
            "revenue_per_unit": round(c["deals_per_unit"] * d, 6),
        }
    season_rel = {q: round((SEASON[q] - SEASON["Q1"]) * d, 6) for q in SEASON}
    return {
        "generator": "examples/generate_data.py",
        "generator_version": GENERATOR_VERSION,
        "seed": SEED,
        "seed_selection": SEED_NOTE,
        "prng": "splitmix64; uniform = (next_u64 >> 11) / 2^53; exp, log, normal (Marsaglia polar), "
                "Poisson (Knuth, chunks of mean <= 25) and gamma (Marsaglia-Tsang) written out in the script",
        "periods": {"first": fmt_period(FIRST_PERIOD), "last": fmt_period(month_add(FIRST_PERIOD, N_MONTHS - 1)),
                    "months": N_MONTHS, "quarters": N_MONTHS // 3,
                    "quarter_definition": "calendar quarter of the month: Q1 = Jan-Mar, ..., Q4 = Oct-Dec"},
        "rows": len(rows),
        "reps_total": len(reps),
        "model_equation": model_equation(),
        "model": (
            "Expected deals won is linear in the (lagged) activities plus a quarter effect, a persistent "
            "rep effect and a new-rep ramp deficit; deals_won ~ Poisson(expected deals); revenue is the sum "
            "of deals_won iid Gamma deal sizes, so E[revenue] = deal_size.mean * E[deals_won] and every "
            "revenue coefficient is deal_size.mean times the deal coefficient. Activities before a rep's "
            "start month are 0. For busy_unproductive reps the activities in the equation are their productive "
            "activities; the CSV shows productive + excess (see busy_unproductive), and the excess converts "
            "to nothing."
        ),
        "ineffective_activity": "emails",
        "intercept_deals": BASE_DEALS,
        "intercept_revenue": BASE_DEALS * d,
        "pooled_regression_intercept_revenue_Q1_reference": round((BASE_DEALS + SEASON["Q1"]) * d, 6),
        "pooled_regression_note": (
            "over all reps (weighted by usable rows) the rep-level deviation from the equation (the rep effect, "
            "and for busy reps minus the deals their unconverted excess would have won) has mean 0 and is "
            "uncorrelated with the reps' mean logged activity (see rep_effects), so pooled OLS of revenue on "
            "calls, emails, meetings_lag2, demos_lag1, proposals, C(quarter) estimates revenue_per_unit, "
            "revenue_relative_to_Q1 and an intercept near pooled_regression_intercept_revenue_Q1_reference "
            "(slightly below: ramp deficit). A regression with rep fixed effects also estimates revenue_per_unit. "
            "Caveat: because ordinary reps' effects include a compensating part, a pooled fit that drops the busy "
            "reps over-estimates the slopes."
        ),
        "coefficients": coef,
        "season_effects": {
            "deals": SEASON,
            "revenue": {q: SEASON[q] * d for q in SEASON},
            "revenue_relative_to_Q1": season_rel,
            "note": "effects sum to zero; with C(quarter) (Q1 reference) a regression estimates revenue_relative_to_Q1",
        },
        "deal_size": {
            "distribution": "Gamma",
            "mean": DEAL_SIZE_MEAN,
            "shape": DEAL_SIZE_SHAPE,
            "scale": DEAL_SIZE_MEAN / DEAL_SIZE_SHAPE,
            "sd": round(DEAL_SIZE_MEAN / math.sqrt(DEAL_SIZE_SHAPE), 6),
        },
        "noise_model": (
            "deals_won ~ Poisson(expected deals) (floor %g on the mean, hit %d times in written rows); "
            "revenue | deals_won = sum of iid Gamma deal sizes, so Var[revenue | activities] = "
            "E[deals] * mean^2 * (1 + 1/shape): heteroskedastic, growing with expected deals. "
            "The persistent rep effects make errors correlated within rep (cluster by rep)."
            % (MEAN_FLOOR, stats["floor_hits"])
        ),
        "rep_effects": {
            "method": (
                "ordinary reps: raw Normal(0,1) draws residualized (weighted by usable rows) on an intercept and "
                "the rep's mean logged calls, emails, meetings(t-2), demos(t-1), proposals, then rescaled to "
                "weighted sd %g deals (random part, uncorrelated with activity level in-sample), plus a "
                "compensating linear function of those means chosen so that, over all reps, the rep-level "
                "deviation (rep effect, and for busy reps minus the deals their unconverted excess would have "
                "won) is uncorrelated with mean logged activity; rounded to 3 decimals. Busy reps: %g (otherwise "
                "ordinary performers). Efficient reps: set by hand." % (REP_EFFECT_SD, BUSY_REP_EFFECT)),
            "deals": {r["rep"]: r["rep_effect_deals"] for r in reps},
            "revenue": {r["rep"]: round(r["rep_effect_deals"] * d, 6) for r in reps},
            "ordinary_parts_deals": {n: {"random": v[0], "compensating": v[1]}
                                     for n, v in stats["rep_effect_parts"].items()},
        },
        "ramp": {
            "description": "for tenure months 1..%d both activity (multiplier ramp) and productivity (additive "
                           "deficit ramp_deficit*(1-ramp)) are reduced; fully ramped from month %d"
                           % (len(RAMP), len(RAMP) + 1),
            "curve_by_tenure_month": {str(i + 1): v for i, v in enumerate(RAMP)},
            "fully_ramped_from_tenure_month": len(RAMP) + 1,
            "ramp_deficit_deals": RAMP_DEFICIT,
            "ramp_deficit_revenue": RAMP_DEFICIT * d,
        },
        "busy_unproductive": [
            {"rep": r["rep"], "team": r["team"], "activity_multiplier": r["busy_excess_multiplier"],
             "logged_multiplier_by_activity": {a: round(1.0 + (r["busy_excess_multiplier"] - 1.0) * BUSY_SHARE[a], 6)
                                               for a in ACTIVITIES},
             "rep_effect_deals": r["rep_effect_deals"],
             "unconverted_excess_deals_per_month": r["unconverted_excess_deals_per_month"],
             "unconverted_excess_revenue_per_month": round(r["unconverted_excess_deals_per_month"] * d, 2)}
            for r in reps if r["rep"] in BUSY_UNPRODUCTIVE
        ],
        "busy_unproductive_description": (
            "productive activity is generated at the team's typical (median) level; the CSV logs productive + "
            "Poisson((k-1)*share*productive) where share = %s; only productive activity enters the results "
            "equation" % json.dumps(BUSY_SHARE)),
        "efficient": [
            {"rep": r["rep"], "team": r["team"], "rep_effect_deals": r["rep_effect_deals"],
             "rep_effect_revenue": r["rep_effect_deals"] * d, "activity_multiplier": EFFICIENT_ACTIVITY}
            for r in reps if r["rep"] in EFFICIENT
        ],
        "hires_start_month": HIRES,
        "leavers_last_month": LEAVERS,
        "activity_funnel": {
            "calls": "Poisson(calls_base * ramp * activity_multiplier * month_factor * team_month_shock * rep_month_shock)",
            "emails": "Poisson(emails_base * ramp * activity_multiplier * month_factor * team_month_shock * own_shock)",
            "meetings": "Poisson(meetings_per_call*calls + meetings_per_email*emails) (same month)",
            "demos": "Poisson(demo_rate * (0.6*meetings(t) + 0.4*meetings(t-1)))",
            "proposals": "Poisson(proposal_rate * (0.5*demos(t) + 0.5*demos(t-1)))",
            "month_factor": {str(k): v for k, v in MONTH_ACTIVITY.items()},
            "team_month_shock_sd_log": TEAM_MONTH_SD,
            "rep_level_sd_log": {"hustle (calls and emails)": HUSTLE_SD, "email_preference": EMAIL_PREF_SD,
                                 "conversion rates": CONVERSION_SD},
            "rep_month_shock_sd_log": {"calls": CALLS_MONTH_SD, "emails": EMAILS_MONTH_SD},
            "special_reps": "busy and efficient reps use their team's median calls_base and emails_base",
        },
        "reps": [
            {k: r[k] for k in ("rep", "team", "region", "start", "end", "tenure_at_2023_10", "calls_base",
                               "emails_base", "meetings_per_call", "meetings_per_email", "demo_rate",
                               "proposal_rate", "rep_effect_deals", "activity_multiplier",
                               "busy_excess_multiplier")}
            for r in reps
        ],
    }


def readme_text(reps, rows):
    rev = {a: DEAL_COEF[a]["deals_per_unit"] * DEAL_SIZE_MEAN for a in ACTIVITIES}
    busy = "\n".join("- %s (%s), k = %g: the unconverted excess would have won %.2f deals/month"
                     % (r["rep"], r["team"], r["busy_excess_multiplier"], r["unconverted_excess_deals_per_month"])
                     for r in reps if r["rep"] in BUSY_UNPRODUCTIVE)
    eff = "\n".join("- %s (%s), rep effect +%g deals/month" % (r["rep"], r["team"], r["rep_effect_deals"])
                    for r in reps if r["rep"] in EFFICIENT)

    def share(a):
        return "1 + %g(k-1)" % BUSY_SHARE[a]
    return """# Example data: `sales_history.csv`

Synthetic monthly sales-activity history for a 36-rep sales team, written by
`examples/generate_data.py` (Python standard library only, with its own
splitmix64 PRNG and samplers; seed %(seed)d). The output is byte-identical on
every machine and Python version. Regenerate with:

    python3 examples/generate_data.py        # rewrites examples/data/*

## Columns (`sales_history.csv`: %(rows)d rows, sorted by period then rep)

| column | meaning |
| --- | --- |
| `period` | month, `YYYY-MM`, %(first)s .. %(last)s (36 months, 12 quarters) |
| `rep` | sales rep |
| `team` | Enterprise, Mid-Market, SMB-East, SMB-West |
| `region` | East, Central, West |
| `tenure_months` | months since the rep started (1 = first month) |
| `calls`, `emails`, `meetings`, `demos`, `proposals` | activity logged that month |
| `deals_won` | deals closed that month |
| `revenue` | revenue closed that month (sum of the deal sizes, 2 decimals) |

One row per rep per month while employed: %(nhires)d reps are hired during the
history (their rows start at the start month and they ramp up over %(nramp)d
months) and %(nleave)d leave (their rows stop).

## The truth (`truth.json` holds every parameter)

Expected deals won is linear in the activities, some of them lagged:

    %(eq)s

Deals are Poisson; deal sizes are Gamma (shape %(shape)g, mean %(dmean)s), so
the revenue effect per unit of activity is: calls %(rc)g (same month), emails
**0 (no effect at all)**, meetings %(rm)g (2 months later), demos %(rd)g (1
month later), proposals %(rp)g (same month). Season (deals): Q1 %(q1)s, Q2
%(q2)s, Q3 %(q3)s, Q4 %(q4)s. Each rep has a persistent effect (a random part
with sd %(sd)g deals plus a compensating part, see `truth.json`), so errors
cluster by rep. New reps work and close at %(ramp)s of full strength in tenure
months 1-%(nramp)d.

Busy but not productive: the results come from the team's typical activity,
but the CRM logs more (emails k x typical, calls %(sc)s, meetings %(sm)s,
demos %(sd2)s, proposals %(sp)s), and the excess converts to nothing:

%(busy)s

Efficient (%(effact)gx the typical activity, results above what it predicts):

%(eff)s

A pooled regression `revenue ~ demos_lag1 + meetings_lag2 + proposals + calls
+ emails + C(quarter)` (lags taken within rep) recovers these coefficients;
`truth.json` explains how the rep effects are constructed and how the seed
was chosen.
""" % {
        "seed": SEED, "rows": len(rows), "first": fmt_period(FIRST_PERIOD),
        "last": fmt_period(month_add(FIRST_PERIOD, N_MONTHS - 1)),
        "nhires": len(HIRES), "nleave": len(LEAVERS), "nramp": len(RAMP),
        "eq": model_equation(), "shape": DEAL_SIZE_SHAPE, "dmean": "{:,.0f}".format(DEAL_SIZE_MEAN),
        "rc": rev["calls"], "rm": rev["meetings"], "rd": rev["demos"], "rp": rev["proposals"],
        "q1": "%g" % SEASON["Q1"], "q2": "%g" % SEASON["Q2"], "q3": "%g" % SEASON["Q3"],
        "q4": "+%g" % SEASON["Q4"],
        "sd": REP_EFFECT_SD, "ramp": "/".join("%d%%" % int(round(v * 100)) for v in RAMP),
        "busy": busy, "effact": EFFICIENT_ACTIVITY, "eff": eff, "sc": share("calls"),
        "sm": share("meetings"), "sd2": share("demos"), "sp": share("proposals"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "data"))
    ap.add_argument("--seed", type=int, default=SEED,
                    help="another seed gives another team of the same design (for calibration studies; default %d)" % SEED)
    ap.add_argument("--no-exports", action="store_true", help="write only the history, truth and README, not data/crm/")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    globals()["SEED"] = args.seed    # truth.json and README.md name the seed used
    rng = SplitMix64(args.seed)
    reps = build_roster(rng)
    rows, stats = simulate(rng, reps)
    write_csv(os.path.join(args.out, "sales_history.csv"), rows)
    truth = build_truth(reps, rows, stats)
    with open(os.path.join(args.out, "truth.json"), "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(truth, indent=2) + "\n")
    with open(os.path.join(args.out, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(readme_text(reps, rows))
    print("wrote %d rows to %s (mean-floor hits: %d)" % (len(rows), args.out, stats["floor_hits"]))
    if args.no_exports:
        return
    # The same history as CRM exports (data/crm/: activities, deals, roster), for `salesforecast panel`.
    import crm_exports
    crm_exports.main(args.out)


if __name__ == "__main__":
    main()
