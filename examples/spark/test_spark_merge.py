#!/usr/bin/env python3
"""The Spark job's merged fit equals `salesforecast fit` on the whole file.

Run by test_spark_merge.sh (which finds Java and pyspark); by hand:
    python3 examples/spark/test_spark_merge.py --binary .build/debug/salesforecast

A generated file of 4,000 rows (standard library PRNG, fixed seed; a rare region level on three
rows, a few missing cells, weights) is fitted four ways on local Spark and each merged fit is
compared with the single-machine fit of the same file, field by field, to 1e-10 relative:
  1. 4 partitions, rows dealt round-robin: some partitions lack the rare level (zero columns added);
  2. 4 partitions laid out by team: the partition without the reference team and the one with a
     single team are each regrouped with a neighbour;
  3. weighted least squares on 5 partitions (VIF is not compared: a weighted factor has none);
  4. the same data as Parquet, 4 partitions.
Prints the largest relative difference per field group and exits non-zero on any failure.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import salesforecast_spark as job  # noqa: E402

TOLERANCE = 1e-10
FORMULA = "revenue ~ calls + demos + proposals + C(region) + C(team) + C(team):demos"
WEIGHTED_FORMULA = "revenue ~ calls + demos + proposals + C(team)"
STATISTICS = ["r_squared", "adj_r_squared", "sigma", "f_statistic", "f_p_value", "log_likelihood", "aic", "bic",
              "condition_number", "ssr"]
COEFFICIENT_FIELDS = ["estimate", "std_error", "t_statistic", "p_value", "conf_low", "conf_high", "vif"]
COUNTS = ["n_observations", "df_model", "df_residual"]


def write_data(path, rows=4000, seed=20261130):
    """A sales history with a known model; deterministic (random.Random's random() is stable across versions)."""
    rng = random.Random(seed)
    teams = ["Enterprise", "Mid-Market", "SMB-East", "SMB-West"]
    team_effect = {"Enterprise": 0.0, "Mid-Market": 15000.0, "SMB-East": 9000.0, "SMB-West": 12000.0}
    demo_slope = {"Enterprise": 2500.0, "Mid-Market": 1500.0, "SMB-East": 900.0, "SMB-West": 1100.0}
    region_effect = {"Central": 0.0, "East": 4000.0, "West": -3000.0, "North": 8000.0}
    rare = set(rng.sample(range(rows), 3))
    missing_response = set(rng.sample(range(rows), 5))
    missing_demos = set(rng.sample(range(rows), 3))
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("period,rep,team,region,calls,demos,proposals,w,revenue\n")
        for i in range(rows):
            rep = i % 40
            team = teams[rep % 4]
            region = "North" if i in rare else ["Central", "East", "West"][int(rng.random() * 3)]
            calls = 50 + int(rng.random() * 250)
            demos = int(rng.random() * 16)
            proposals = int(rng.random() * 9)
            w = 0.5 + 1.5 * rng.random()
            mean = (20000 + 120 * calls + demo_slope[team] * demos + 7000 * proposals
                    + team_effect[team] + region_effect[region])
            revenue = mean + rng.gauss(0.0, 30000.0) / w ** 0.5
            cells = [f"2024-{1 + (i // 40) % 12:02d}", f"rep{rep:02d}", team, region, str(calls),
                     "" if i in missing_demos else str(demos), str(proposals), f"{w:.6f}",
                     "NA" if i in missing_response else f"{revenue:.2f}"]
            handle.write(",".join(cells) + "\n")


def fit_json(binary, path, formula, extra=()):
    run = subprocess.run([binary, "fit", path, "--formula", formula, "--format", "json", "--quiet", "--in-memory",
                          *extra], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"single-machine fit failed: {run.stderr}")
    return json.loads(run.stdout)


def relative(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / max(abs(a), abs(b))


def skewed(spark, df):
    """4 partitions by team: 0 has every team, 1 lacks the reference team (Enterprise), 2 has two
    teams, 3 only Enterprise (a single level, which `fit` refuses)."""
    layout = {"Enterprise": [0, 2, 3], "Mid-Market": [0, 1], "SMB-East": [0, 1], "SMB-West": [0, 2]}
    team = df.columns.index("team")
    rows = (df.rdd.zipWithIndex()
            .map(lambda pair: (layout[pair[0][team]][(pair[1] // 4) % len(layout[pair[0][team]])], pair[0]))
            .partitionBy(4, lambda key: key).values())
    return spark.createDataFrame(rows, df.schema)


def compare(name, single, merged, worst, weighted=False):
    """Appends failures; updates the largest relative difference per group of fields.

    A weighted fit from factors has no VIF (it needs the unweighted design; the output notes it)."""
    failures = []
    for field in COUNTS:
        if single[field] != merged[field]:
            failures.append(f"{name}: {field} {merged[field]} != {single[field]}")
    for field in STATISTICS:
        d = relative(single[field], merged[field])
        worst[field] = max(worst.get(field, 0.0), d)
        if not d <= TOLERANCE:
            failures.append(f"{name}: {field} {merged[field]!r} vs {single[field]!r} (relative {d:.2e})")
    terms = [c["term"] for c in single["coefficients"]]
    merged_terms = [c["term"] for c in merged["coefficients"]]
    if terms != merged_terms:
        failures.append(f"{name}: terms {merged_terms} != {terms}")
        return failures
    for a, b in zip(single["coefficients"], merged["coefficients"]):
        for field in COEFFICIENT_FIELDS:
            if field == "vif" and weighted:
                continue
            if a.get(field) is None and b.get(field) is None:
                continue
            if a.get(field) is None or b.get(field) is None:
                failures.append(f"{name}: {a['term']} {field} is {b.get(field)!r} merged, {a.get(field)!r} alone")
                continue
            d = relative(a[field], b[field])
            worst[field] = max(worst.get(field, 0.0), d)
            if not d <= TOLERANCE:
                failures.append(f"{name}: {a['term']} {field} {b[field]!r} vs {a[field]!r} (relative {d:.2e})")
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    started = time.time()

    from pyspark.sql import SparkSession
    spark = (SparkSession.builder.master("local[2]").appName("salesforecast-merge-test")
             .config("spark.ui.showConsoleProgress", "false").config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    failures, worst = [], {}
    with tempfile.TemporaryDirectory(prefix="salesforecast-spark-test-") as directory:
        data = os.path.join(directory, "history.csv")
        write_data(data)
        single = fit_json(binary, data, FORMULA)
        weighted_single = fit_json(binary, data, WEIGHTED_FORMULA, ["--weights", "w"])
        text = spark.read.csv(data, header=True, inferSchema=False, nullValue="", emptyValue="")
        parquet = os.path.join(directory, "history.parquet")
        spark.read.csv(data, header=True, inferSchema=True, nullValue="NA").write.parquet(parquet)

        cases = [
            ("round-robin, 4 partitions", text.repartition(4), FORMULA, [], single),
            ("skewed by team, 4 partitions", skewed(spark, text), FORMULA, [], single),
            ("weighted, 5 partitions", text.repartition(5), WEIGHTED_FORMULA, ["--weights", "w"], weighted_single),
            ("Parquet, 4 partitions", spark.read.parquet(parquet).repartition(4), FORMULA, [], single),
        ]
        for name, df, formula, fit_arguments, expected in cases:
            messages = []
            factors, report = job.distributed_fit(spark, df, formula, binary, fit_arguments, log=messages.append)
            output = job.merge_factors(factors, binary, os.path.join(directory, name.replace(" ", "_")),
                                       ["--format", "json"])
            merged = json.loads(output)
            case_failures = compare(name, expected, merged, worst, weighted=bool(fit_arguments))
            failures += case_failures
            print(f"test: {name}: {report['partitions']} partitions -> {len(report['groups'])} factors, "
                  f"{len(report['regroupings'])} regroupings, {report['padded_factors']} padded; "
                  f"n = {merged['n_observations']}: {'ok' if not case_failures else 'FAILED'}")
            for message in messages:
                if "join" in message or "lacked" in message:
                    print(f"test:   {message}")
            if name.startswith("round-robin") and report["padded_factors"] == 0:
                failures.append(f"{name}: expected a partition without the rare region (nothing was padded)")
            if name.startswith("skewed") and len(report["regroupings"]) != 2:
                failures.append(f"{name}: expected partitions 1 (no reference team) and 3 (one team) to be regrouped")
    spark.stop()

    coefficient_worst = max(worst.get(f, 0.0) for f in COEFFICIENT_FIELDS)
    statistic_worst = max(worst.get(f, 0.0) for f in STATISTICS)
    print("test: largest relative difference per field: "
          + ", ".join(f"{field} {worst[field]:.1e}" for field in COEFFICIENT_FIELDS + STATISTICS if field in worst))
    print(f"test: largest relative difference: estimate {worst.get('estimate', 0):.1e}, "
          f"std_error {worst.get('std_error', 0):.1e}, any coefficient field {coefficient_worst:.1e}, "
          f"fit statistics {statistic_worst:.1e} (tolerance {TOLERANCE:.0e}); {time.time() - started:.1f} s")
    if failures:
        print("\n".join(f"FAIL {f}" for f in failures))
        sys.exit(1)
    print("test: the merged Spark fits equal the single-machine fit")


if __name__ == "__main__":
    main()
