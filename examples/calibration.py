#!/usr/bin/env python3
"""Interval calibration over many simulated teams: the backtest's coverage, per team, pooled over seeds.

One example history has 35 to 69 rep-quarters per team, so its per-team coverage at 80% has a sampling
standard error of 5 to 7 points: one history cannot tell a calibrated interval from one 5 points off.
This script simulates more histories of the same design (generate_data.py --seed), runs
`salesforecast backtest` on each (default model, projected and known activities) and pools the
rep-quarters, so each team's coverage is measured on hundreds of forecasts.

    python3 examples/calibration.py --seeds 201-230 [--binary .build/release/salesforecast] [-- extra backtest options]

Prints, per team and overall, the pooled coverage at 80% and 95% with the binomial standard error a
calibrated interval would scatter by, for each activity mode, and how far each rep's own coverage strays
from its level (a dispersion index, about 1 when every rep's intervals hold their level), and the quota
chances' Brier score and reliability table pooled the same way. Needs only Python 3 and a built salesforecast.
"""

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def seeds(spec):
    out = []
    for part in spec.split(","):
        if "-" in part:
            a, b = part.split("-")
            out.extend(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="201-230", help="seeds: 201-230 or 1,5,9 (default 201-230)")
    ap.add_argument("--binary", default=os.path.join(HERE, "..", ".build", "debug", "salesforecast"))
    ap.add_argument("--work", help="directory for the simulated histories (default: a temporary one)")
    ap.add_argument("--require-within", type=float, metavar="POINTS",
                    help="exit 1 unless every team's pooled coverage (each activity mode, 80%% and 95%%) is within POINTS of its level")
    ap.add_argument("extra", nargs="*", help="more backtest options, after --")
    args = ap.parse_args()

    work = args.work or tempfile.mkdtemp(prefix="calibration-")
    pooled = {}   # (method, team) -> [n, in80, in95]
    dispersion = {}   # method -> [reps, sum of squared standardized misses at 80%, at 95%]
    quota = {}   # method -> pooled Brier score and reliability bins
    histories = {}   # method -> [histories, histories with every team within 3 points at 80% and 95%]
    for seed in seeds(args.seeds):
        out = os.path.join(work, str(seed))
        history = os.path.join(out, "sales_history.csv")
        if not os.path.exists(history):
            subprocess.run([sys.executable, os.path.join(HERE, "generate_data.py"), "--seed", str(seed),
                            "--out", out, "--no-exports"], check=True, stdout=subprocess.DEVNULL)
        run = subprocess.run([args.binary, "backtest", "--history", history, "--format", "json", "--quiet"] + args.extra,
                             capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit("seed %d: backtest failed: %s" % (seed, run.stderr.strip()))
        report = json.loads(run.stdout)
        for row in report["coverage_by_rep"]:
            cell = dispersion.setdefault(row["method"], [0, 0.0, 0.0])
            for level, key, slot in ((0.8, "coverage_80", 1), (0.95, "coverage_95", 2)):
                hits = row[key] * row["n"]
                cell[slot] += (hits - level * row["n"]) ** 2 / (level * (1 - level) * row["n"])
            cell[0] += 1
        for row in report.get("quota_calibration", {}).get("methods", []):
            cell = quota.setdefault(row["method"], {"n": 0, "brier": 0.0, "reached": 0.0, "bins": {}})
            cell["n"] += row["n"]
            cell["brier"] += row["brier"] * row["n"]
            cell["reached"] += row["base_rate"] * row["n"]
            for b in row["bins"]:
                slot = cell["bins"].setdefault(b["lower"], [b["upper"], 0, 0.0, 0.0])
                slot[1] += b["n"]
                slot[2] += b["mean_predicted"] * b["n"]
                slot[3] += b["realized"] * b["n"]
        # Does this one history, like the example, have every team within 3 points at both levels?
        for method in {row["method"] for row in report["coverage_by_team"]}:
            rows = [row for row in report["coverage_by_team"] if row["method"] == method]
            inside = all(abs(100 * row["coverage_80"] - 80) <= 3 and abs(100 * row["coverage_95"] - 95) <= 3 for row in rows)
            histories.setdefault(method, [0, 0])
            histories[method][0] += 1
            histories[method][1] += inside
        for row in report["coverage_by_team"]:
            for team in (row["team"], "all teams"):
                cell = pooled.setdefault((row["method"], team), [0, 0.0, 0.0])
                cell[0] += row["n"]
                cell[1] += row["coverage_80"] * row["n"]
                cell[2] += row["coverage_95"] * row["n"]

    print("Pooled backtest coverage over seeds %s (%s)" % (args.seeds, " ".join(args.extra) or "default model"))
    print("%-30s %-12s %6s %16s %16s" % ("method", "team", "n", "in 80% (± se)", "in 95% (± se)"))
    for (method, team) in sorted(pooled, key=lambda k: (k[0], k[1] == "all teams", k[1])):
        n, a, b = pooled[(method, team)]
        def cell(hits, level):
            p = hits / n
            return "%5.1f%% (± %.1f)" % (100 * p, 100 * math.sqrt(level * (1 - level) / n))
        print("%-30s %-12s %6d %16s %16s" % (method, team, n, cell(a, 0.8), cell(b, 0.95)))
    print()
    print("Per rep: (hits - level*n)^2 / (level*(1-level)*n) averaged over every rep of every seed; about 1 when each")
    print("rep's intervals hold their level, above 1 when some reps' are too narrow and others' too wide.")
    for method in sorted(dispersion):
        reps, d80, d95 = dispersion[method]
        print("%-30s %5d reps   at 80%%: %.2f   at 95%%: %.2f" % (method, reps, d80 / reps, d95 / reps))
    print()
    print("One history at a time: how often every team's coverage is within 3 points of 80% and of 95%")
    for method in sorted(histories):
        total, inside = histories[method]
        print("%-30s %d of %d histories" % (method, inside, total))
    for method in sorted(quota):
        cell = quota[method]
        n = cell["n"]
        base = cell["reached"] / n
        print()
        print("%s: quota chances (each rep's own result a year earlier unless --quota), Brier score %.3f over %d "
              "rep-quarters (%.0f%% reached; always saying that rate scores %.3f)" % (method, cell["brier"] / n, n, 100 * base, base * (1 - base)))
        print("  predicted      n   mean predicted   reached")
        for lower in sorted(cell["bins"]):
            upper, count, predicted, realized = cell["bins"][lower]
            if count:
                print("  %3.0f–%3.0f%%  %5d  %14.1f%%  %7.1f%%" % (100 * lower, 100 * upper, count, 100 * predicted / count, 100 * realized / count))

    if args.require_within is not None:
        off = [(method, team, level, 100 * hits / n) for (method, team), (n, a, b) in pooled.items()
               for level, hits in ((80, a), (95, b)) if abs(100 * hits / n - level) > args.require_within]
        for method, team, level, coverage in off:
            print("calibration: %s, %s: %.1f%% in the %d%% intervals, more than %g points off"
                  % (method, team, coverage, level, args.require_within), file=sys.stderr)
        if off:
            sys.exit(1)
        print("calibration: every team within %g points of 80%% and 95%%" % args.require_within)


if __name__ == "__main__":
    main()
