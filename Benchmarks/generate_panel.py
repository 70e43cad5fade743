#!/usr/bin/env python3
"""A large sales history like examples/data/sales_history.csv, for the linear-cost benchmarks.

    Benchmarks/generate_panel.py --reps 100000 --months 36 --out /tmp/panel_100000.csv

One row per rep per month (the example's columns: period, rep, team, region, tenure_months, calls,
emails, meetings, demos, proposals, deals_won, revenue), numpy with a fixed seed, so the same
arguments give the same file. The model follows examples/generate_data.py in shape, vectorised:

    E[deals] = 0.4 + 0.012·calls + 0.35·meetings[t−2] + 0.55·demos[t−1] + 0.9·proposals
               + season[quarter] + u[rep] − ramp deficit in the first six months of tenure
    revenue  = deals · deal size (gamma, mean by team)

Activities are Poisson around a per-rep level times a per-team level with a seasonal swing, so the
lags and the rep effect are real. A tenth of the reps join during the history (rows start at their
first month, so the panel is unbalanced, as real ones are), and one rep in fifty leaves early.
"""

from __future__ import annotations

import argparse
import os
import sys

SEED = 20261130
TEAMS = ["Enterprise", "Mid-Market", "SMB-East", "SMB-West"]
REGIONS = ["East", "North", "South", "West", "Central"]
DEAL_SIZE = {"Enterprise": 12000.0, "Mid-Market": 7000.0, "SMB-East": 3500.0, "SMB-West": 3200.0}


def generate(reps: int, months: int, path: str, first_year: int = 2023, first_month: int = 10) -> int:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(SEED + reps * 1000 + months)
    team = rng.integers(0, len(TEAMS), reps)
    region = rng.integers(0, len(REGIONS), reps)
    # First and last month each rep is in the history (0-based month numbers).
    start = np.where(rng.random(reps) < 0.1, rng.integers(1, max(2, months - 6), reps), 0)
    end = np.where(rng.random(reps) < 0.02, np.minimum(months, start + rng.integers(6, months + 1, reps)), months)
    tenure_at_start = np.where(start > 0, 1, rng.integers(6, 120, reps))
    counts = end - start
    rows = int(counts.sum())
    rep_of_row = np.repeat(np.arange(reps), counts)
    offsets = np.arange(rows) - np.repeat(np.cumsum(counts) - counts, counts)
    month = start[rep_of_row] + offsets
    tenure = tenure_at_start[rep_of_row] + offsets

    level = rng.gamma(8.0, 1.0 / 8.0, reps)[rep_of_row] * np.array([0.8, 1.0, 1.2, 1.1])[team[rep_of_row]]
    absolute = first_year * 12 + first_month - 1 + month
    quarter = (absolute % 12) // 3
    swing = np.array([0.9, 1.0, 1.0, 1.15])[quarter]
    calls = rng.poisson(180.0 * level * swing)
    emails = rng.poisson(260.0 * level * swing)
    meetings = rng.poisson(14.0 * level * swing)
    demos = rng.poisson(5.0 * level * swing)
    proposals = rng.poisson(3.0 * level * swing)

    def lagged(values, k):
        out = np.zeros_like(values)
        same = np.zeros(rows, dtype=bool)
        same[k:] = rep_of_row[k:] == rep_of_row[:-k]
        out[k:][same[k:]] = values[:-k][same[k:]]
        return out

    ramp = np.clip(tenure / 6.0, 0.0, 1.0)
    effect = rng.normal(0.0, 0.8, reps)[rep_of_row]
    mean = (0.4 + 0.012 * calls + 0.35 * lagged(meetings, 2) + 0.55 * lagged(demos, 1) + 0.9 * proposals
            + np.array([-0.3, 0.0, 0.1, 0.6])[quarter] + effect - 1.5 * (1.0 - ramp))
    deals = rng.poisson(np.maximum(mean, 0.05))
    size = np.array([DEAL_SIZE[t] for t in TEAMS])[team[rep_of_row]]
    # The sum of `deals` gamma(2, size/2) deal sizes is gamma(2·deals, size/2).
    revenue = np.where(deals > 0, rng.gamma(np.maximum(2.0 * deals, 1e-9), size / 2.0), 0.0)

    width = len(str(reps))
    names = np.char.mod(f"rep%0{width}d", np.arange(1, reps + 1))
    years, months0 = np.divmod(absolute, 12)
    periods = np.char.add(np.char.add(years.astype(str), "-"), np.char.zfill((months0 + 1).astype(str), 2))
    frame = pd.DataFrame({
        "period": periods, "rep": names[rep_of_row], "team": np.array(TEAMS)[team[rep_of_row]],
        "region": np.array(REGIONS)[region[rep_of_row]], "tenure_months": tenure, "calls": calls,
        "emails": emails, "meetings": meetings, "demos": demos, "proposals": proposals,
        "deals_won": deals, "revenue": np.round(revenue, 2),
    })
    # Rows in period order, reps within a month, as a CRM export by month is.
    frame = frame.iloc[np.lexsort((rep_of_row, month))]
    temporary = path + ".tmp"
    frame.to_csv(temporary, index=False)
    os.replace(temporary, path)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, required=True)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.reps < 1 or args.months < 8:
        sys.exit("--reps must be at least 1 and --months at least 8")
    rows = generate(args.reps, args.months, args.out)
    print(f"{args.out}: {rows} rows, {args.reps} reps x up to {args.months} months")


if __name__ == "__main__":
    main()
