#!/usr/bin/env python3
"""Fit one least-squares model on a data set split across Spark partitions.

Each partition writes its rows to a local CSV file, runs
`salesforecast fit PART.csv --formula F --stream --save-factor PART.json` on it and
returns the factor (a `salesforecast.factor` v1 JSON document) to the driver, which
merges them with `salesforecast merge`. The merged fit has the coefficients,
standard errors, R², F and information criteria of a fit on all the rows at once.

    spark-submit examples/spark/salesforecast_spark.py DATA.csv|DATA.parquet \
        --formula "revenue ~ demos + proposals + C(team)" [--partitions 8] \
        [--weights COLUMN] [--binary salesforecast] [--format text|json|csv|markdown] \
        [--factors-dir DIR] [--save-factor ALL.json]

Categorical terms. A partition's `fit` learns the levels it sees, so a partition
that lacks a level writes a factor without that level's columns. The driver
reconciles the partitions (see `align_outcomes`):
  * A level a partition lacks whose columns are indicator columns that are zero on
    every one of its rows: the columns are inserted as zeros (a zero row and column
    of R, a zero column sum). This is exact: RᵀR still equals MᵀM.
  * A partition that lacks the model's reference level (its `fit` then codes
    against a different level), that has a single level (`fit` refuses it), or
    whose own rows cannot be fitted (fewer rows than columns, collinear on its
    own) is combined with the next partition and fitted again (a shuffle of just
    those partitions' rows). The driver prints each regrouping and why. In the
    worst case every partition ends in one group, which is the single-machine fit.
The partition's levels are checked against its factor's own column names, so a
disagreement between this script's reading of the cells and the tool's is caught
and regrouped, never merged wrongly.

Needs pyspark (tested with 3.5.3) and the `salesforecast` binary on every
executor: on PATH, at --binary PATH, or shipped with `spark-submit --files`.
"""

import argparse
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

MISSING = {None, "", "NA", "null"}  # what the tool's CSV reader treats as missing
LEVEL_CAP = 100_000  # distinct values tracked per column per partition


class SparkFitError(Exception):
    """A problem the job reports in one line (the CLI prints it and exits 1)."""


# MARK: - The formula's columns

def formula_columns(formula, header):
    """Data columns the formula mentions (over-inclusive: a name used as a function counts too)."""
    names = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*", formula))
    names |= set(re.findall(r"`([^`]*)`", formula))
    names |= set(re.findall(r"Q\(\s*[\"']([^\"']*)[\"']\s*\)", formula))
    return [column for column in header if column in names]


def factor_column(factor, header):
    """The data column behind a categorical factor's name: `team`, `C(team)`, `C(team, Treatment('East'))`."""
    if factor in header:
        return factor
    match = re.fullmatch(r"C\(\s*(.+?)\s*(,.*)?\)", factor)
    if not match:
        return None
    inner = match.group(1)
    quoted = re.fullmatch(r"`(.*)`|Q\(\s*[\"'](.*)[\"']\s*\)", inner)
    if quoted:
        inner = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
    return inner if inner in header else None


# MARK: - One partition

def resolve_binary(binary):
    """The binary: a path, a file shipped with --files (SparkFiles), or a name on PATH."""
    if os.sep in binary:
        return binary
    try:
        from pyspark import SparkFiles
        shipped = SparkFiles.get(binary)
        if os.path.isfile(shipped):
            if not os.access(shipped, os.X_OK):
                os.chmod(shipped, 0o755)
            return shipped
    except Exception:
        pass
    found = shutil.which(binary)
    if not found:
        raise RuntimeError(f"'{binary}' is not on this executor's PATH and was not shipped with --files")
    return found


def cell_text(value):
    """A cell as the CSV text the tool reads (floats round-trip exactly through repr)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def fit_rows(key, rows, header, model_columns, formula, fit_arguments, binary):
    """Writes `rows` to a CSV file, fits it with `salesforecast fit --stream --save-factor`.

    Returns a dict: key, rows written, the distinct values of each model column on rows with no
    missing model value (what the tool learns levels from), and the factor JSON or the error.
    """
    indices = [header.index(c) for c in model_columns]
    values = {c: set() for c in model_columns}
    written = 0
    directory = tempfile.mkdtemp(prefix="salesforecast-part-")
    try:
        data_path = os.path.join(directory, "part.csv")
        factor_path = os.path.join(directory, "part.factor.json")
        with open(data_path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for row in rows:
                cells = [cell_text(v) for v in row]
                writer.writerow(cells)
                written += 1
                used = [cells[i] for i in indices]
                if any(u in MISSING for u in used):
                    continue
                for column, u in zip(model_columns, used):
                    seen = values[column]
                    if seen is not None:
                        seen.add(u)
                        if len(seen) > LEVEL_CAP:
                            values[column] = None
        outcome = {"key": key, "rows": written,
                   "values": {c: (sorted(v) if v is not None else None) for c, v in values.items()}}
        if written == 0:
            outcome["status"] = "empty"
            return outcome
        command = [resolve_binary(binary), "fit", data_path, "--formula", formula, "--stream",
                   "--save-factor", factor_path, "--format", "csv", "--quiet"] + fit_arguments
        run = subprocess.run(command, capture_output=True, text=True)
        if run.returncode != 0:
            outcome["status"] = "failed"
            # Named alike in every partition, so the driver can tell one error everywhere.
            outcome["error"] = (run.stderr or run.stdout).strip().replace(data_path, "partition.csv")
        else:
            with open(factor_path, encoding="utf-8") as handle:
                outcome["status"] = "ok"
                outcome["factor"] = handle.read()
        return outcome
    finally:
        shutil.rmtree(directory, ignore_errors=True)


# MARK: - Levels and alignment on the driver

PIECE = re.compile(r"(?:^|(?<=:))([^:\[\]]+)\[(T\.)?([^\]]*)\]")


def categorical_pieces(column_name):
    """[(factor, reduced?, level)] of a design column name like `C(team)[T.SMB]:demos`."""
    return [(m.group(1), m.group(2) is not None, m.group(3)) for m in PIECE.finditer(column_name)]


def tool_label(text, numeric):
    """The tool's label of a cell: numbers as Python prints them (2, 2.5), text as is."""
    if not numeric:
        return text
    x = float(text)
    if x == math.floor(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def tool_sorted(levels):
    """Levels in the tool's (patsy's) order: numerically when all are numbers, else by code points."""
    if levels and all(is_number(level) for level in levels):
        return sorted(levels, key=float)
    return sorted(levels)


class Reconciliation:
    """What the partitions' factors say about the categorical factors, and which partitions to regroup."""

    def __init__(self, outcomes, header):
        self.problems = {}  # key -> reason it must be refitted with a neighbour
        fitted = [o for o in outcomes if o["status"] == "ok"]
        for o in outcomes:
            if o["status"] == "failed":
                self.problems[o["key"]] = o["error"].splitlines()[-1] if o["error"] else "fit failed"
        for o in fitted:
            o["document"] = json.loads(o["factor"])
        # Every categorical factor named in any partition's columns, with its coding.
        self.factors = {}
        for o in fitted:
            for name in o["document"]["columns"]:
                for factor, reduced, _ in categorical_pieces(name):
                    self.factors[factor] = self.factors.get(factor, False) or reduced
        self.global_levels, self.reference, self.present = {}, {}, {}
        for factor, reduced in self.factors.items():
            column = factor_column(factor, header)
            if column is None:
                raise SparkFitError(f"salesforecast_spark: cannot tell which column the categorical term '{factor}' "
                                 "is made from; use C(column) or a text column")
            every = set()
            raw = [o["values"].get(column) for o in outcomes]
            if any(r is None for r in raw):
                raise SparkFitError(f"salesforecast_spark: '{column}' has more than {LEVEL_CAP} distinct values in a partition")
            numeric = all(is_number(v) for r in raw for v in r)
            for o in outcomes:
                labels = {tool_label(v, numeric) for v in o["values"][column]}
                self.present.setdefault(o["key"], {})[factor] = labels
                every |= labels
            self.global_levels[factor] = tool_sorted(every)
            if not reduced:
                continue
            # The reference is present and never a T. column in a correctly coded partition; a
            # partition that lacks it codes against its own smallest level, which then also never
            # shows as a T. column there. The model's reference is the first of those in level order.
            coded = set()
            for o in fitted:
                coded |= self.coded_levels(o, factor)
            candidates = set()
            for o in fitted:
                candidates |= self.present[o["key"]][factor] - coded
            if not candidates:
                continue
            reference = min(candidates, key=self.global_levels[factor].index)
            self.reference[factor] = reference
            for o in fitted:
                own = self.present[o["key"]][factor] - self.coded_levels(o, factor)
                if own != {reference}:
                    self.problems.setdefault(o["key"], f"its rows lack the reference level '{reference}' of {factor}"
                                             if reference not in self.present[o["key"]][factor]
                                             else f"its levels of {factor} disagree with its factor's columns")

    @staticmethod
    def coded_levels(outcome, factor):
        """The levels of `factor` with a treatment-coded (`[T.level]`) column in this partition's factor."""
        return {level for name in outcome["document"]["columns"]
                for f, reduced, level in categorical_pieces(name) if f == factor and reduced}

    def column_order(self, documents):
        """Every design column in the single-machine fit's order: terms as the tool orders them,
        then levels with the left-most factor varying fastest."""
        def signature(name):
            return PIECE.sub(lambda m: f"{m.group(1)}[{m.group(2) or ''}*]", name)

        terms = []
        for document in documents:
            for name in document["columns"]:
                if signature(name) not in terms:
                    terms.append(signature(name))
        union = {name for document in documents for name in document["columns"]}

        def key(name):
            levels = [self.global_levels[f].index(level) if level in self.global_levels.get(f, []) else -1
                      for f, _, level in categorical_pieces(name)]
            return (terms.index(signature(name)), tuple(reversed(levels)))

        return sorted(union, key=key)


def aligned(document, columns):
    """The factor with zero rows and columns of R (and zero column sums) for the columns it lacks."""
    own = document["columns"]
    positions = [columns.index(name) for name in own]
    if positions != sorted(positions):
        raise SparkFitError("salesforecast_spark: a partition's columns are not in the merged order: "
                         f"{own} against {columns}")
    k, size = len(own) + 1, len(columns) + 1
    where = positions + [len(columns)]  # the response stays last
    r = [[0.0] * size for _ in range(size)]
    for i in range(k):
        for j in range(k):
            r[where[i]][where[j]] = document["r"][i][j]
    sums = [0.0] * len(columns)
    for i, p in enumerate(positions):
        sums[p] = document["weighted_column_sums"][i]
    result = dict(document)
    result.update(columns=columns, r=r, weighted_column_sums=sums)
    return result


# MARK: - The job

def distributed_fit(spark, df, formula, binary="salesforecast", fit_arguments=(), log=print, max_rounds=64):
    """Fits `formula` on a DataFrame, a factor per partition, and returns (factor documents, report).

    `report` holds the rows read, the groups fitted and every regrouping with its reason.
    """
    if __name__ != "__main__":  # imported: executors need this module to unpickle the partition functions
        spark.sparkContext.addPyFile(os.path.abspath(__file__))
    header = list(df.columns)
    model_columns = formula_columns(formula, header)
    for argument, value in zip(fit_arguments, list(fit_arguments[1:]) + [None]):
        if argument == "--weights" and value in header and value not in model_columns:
            model_columns.append(value)
    fit_arguments = list(fit_arguments)
    rdd = df.rdd.map(tuple)
    partitions = rdd.getNumPartitions()

    def first_round(index, rows):
        yield fit_rows((index,), rows, header, model_columns, formula, fit_arguments, binary)

    outcomes = {o["key"]: o for o in rdd.mapPartitionsWithIndex(first_round).collect()}
    log(f"salesforecast_spark: {partitions} partitions fitted, {sum(o['rows'] for o in outcomes.values())} rows")
    regroupings = []
    for _ in range(max_rounds):
        live = {k: o for k, o in outcomes.items() if o["status"] != "empty"}
        if not live:
            raise SparkFitError("salesforecast_spark: the data has no rows")
        check = Reconciliation(list(live.values()), header)
        keys = sorted(live)
        if len(keys) == 1 and live[keys[0]]["status"] == "ok":
            break  # one group holds every row: nothing to align
        if not check.problems:
            break
        errors = {o.get("error") if o["status"] == "failed" else None for o in live.values()}
        if len(keys) == 1 or len(errors) == 1 and None not in errors:
            # One group left, or every partition failed the same way (a misspelt column, say).
            raise SparkFitError("salesforecast_spark: the model cannot be fitted: " + errors.pop())
        # Each group with a problem joins the next group (in partition order, wrapping around).
        parent = {k: k for k in keys}

        def root(k):
            while parent[k] != k:
                k = parent[k]
            return k

        for position, k in enumerate(keys):
            if k in check.problems:
                other = keys[(position + 1) % len(keys)]
                a, b = root(k), root(other)
                if a != b:
                    parent[a] = b
                regroupings.append({"group": list(k), "joins": list(other), "reason": check.problems[k]})
                log(f"salesforecast_spark: partitions {list(k)} join {list(other)}: {check.problems[k]}")
        members = {}
        for k in keys:
            members.setdefault(root(k), []).extend(k)
        changed = [tuple(sorted(m)) for r, m in members.items() if len(m) > len(r)]
        slot_of_partition = {p: slot for slot, group in enumerate(changed) for p in group}
        groups = changed

        def tag(index, rows):
            if index in slot_of_partition:
                slot = slot_of_partition[index]
                for row in rows:
                    yield (slot, row)

        def later_round(slot, pairs):
            yield fit_rows(groups[slot], (row for _, row in pairs), header, model_columns, formula,
                           fit_arguments, binary)

        refitted = (rdd.mapPartitionsWithIndex(tag)
                    .partitionBy(len(groups), lambda slot: slot)
                    .mapPartitionsWithIndex(later_round).collect())
        outcomes = {k: o for k, o in outcomes.items() if not any(p in slot_of_partition for p in k)}
        for o in refitted:
            outcomes[o["key"]] = o
    else:
        raise SparkFitError("salesforecast_spark: the partitions could not be reconciled")

    fitted = [o for o in outcomes.values() if o["status"] == "ok"]
    documents = [o["document"] for o in fitted]
    columns = check.column_order(documents)
    factors = [aligned(d, columns) for d in documents]
    padded = sum(1 for d in documents if d["columns"] != columns)
    report = {"partitions": partitions, "rows": sum(o["rows"] for o in outcomes.values()),
              "groups": [list(o["key"]) for o in fitted], "regroupings": regroupings,
              "padded_factors": padded, "columns": columns}
    if padded:
        log(f"salesforecast_spark: {padded} of {len(documents)} factors lacked levels; their columns were added as zeros")
    return factors, report


def merge_factors(factors, binary, directory, merge_arguments=()):
    """Writes the factors to `directory` and runs `salesforecast merge` on them; returns its stdout."""
    os.makedirs(directory, exist_ok=True)
    paths = []
    for i, factor in enumerate(factors):
        path = os.path.join(directory, f"part-{i:05d}.factor.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(factor, handle)
            handle.write("\n")
        paths.append(path)
    run = subprocess.run([resolve_binary(binary), "merge", *paths, *merge_arguments], capture_output=True, text=True)
    if run.returncode != 0:
        raise SparkFitError(f"salesforecast_spark: salesforecast merge failed: {run.stderr.strip()}")
    return run.stdout


def read_data(spark, path, partitions):
    """A CSV (every column as text, so the tool parses the same cells) or Parquet data set."""
    if path.rstrip("/").endswith(".parquet") or os.path.isdir(path) and any(
            name.endswith(".parquet") for name in os.listdir(path)):
        df = spark.read.parquet(path)
    else:
        df = spark.read.csv(path, header=True, inferSchema=False, nullValue="", emptyValue="")
    if partitions:
        df = df.repartition(partitions)
    return df


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", help="a CSV file or folder of CSV files, or a Parquet data set")
    parser.add_argument("--formula", "-f", required=True)
    parser.add_argument("--weights", help="a column of positive weights (weighted least squares)")
    parser.add_argument("--partitions", type=int,
                        help="repartition to this many partitions first (default: the input's own splits)")
    parser.add_argument("--binary", default="salesforecast",
                        help="the salesforecast binary: a path, or a name shipped with --files or on PATH")
    parser.add_argument("--format", default="text", choices=["text", "json", "csv", "markdown"])
    parser.add_argument("--level", default="0.95", help="confidence level of the intervals")
    parser.add_argument("--factors-dir", help="keep each partition's factor in this folder (default: a temporary one)")
    parser.add_argument("--save-factor", help="save the merged factor to this file")
    parser.add_argument("--master", help="Spark master when run with python directly (default: local[*])")
    args = parser.parse_args(argv)

    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName("salesforecast-merge").config("spark.ui.showConsoleProgress", "false")
    if args.master:  # spark-submit sets the master; plain `python` defaults to local[*]
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    try:
        fit_arguments = ["--weights", args.weights] if args.weights else []
        df = read_data(spark, args.data, args.partitions)
        log = lambda message: print(message, file=sys.stderr)
        factors, report = distributed_fit(spark, df, args.formula, args.binary, fit_arguments, log=log)
        merge_arguments = ["--format", args.format, "--level", args.level]
        if args.save_factor:
            merge_arguments += ["--save-factor", args.save_factor]
        if args.factors_dir:
            output = merge_factors(factors, args.binary, args.factors_dir, merge_arguments)
        else:
            with tempfile.TemporaryDirectory(prefix="salesforecast-factors-") as directory:
                output = merge_factors(factors, args.binary, directory, merge_arguments)
        used = None
        try:
            used = sum(f["n_observations"] for f in factors)
        except (KeyError, TypeError):
            pass
        log(f"salesforecast_spark: {len(factors)} factors merged; {report['rows']} rows read, {used} used"
            + (f", {report['rows'] - used} dropped for missing values" if used is not None and used < report["rows"] else ""))
        sys.stdout.write(output)
    except SparkFitError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
