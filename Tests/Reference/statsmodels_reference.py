#!/usr/bin/env python3
"""statsmodels reference values for the SalesForecast Swift tests.

Writes
    Tests/Fixtures/pipeline.csv                     (only if missing, or with --write-fixture)
    Tests/ForecastingTests/StatsmodelsReference.swift   (always; generated, do not edit)

Versions used for the committed output (pinned in Tests/Reference/requirements.txt): Python 3.11.7,
statsmodels 0.15.0, patsy 1.0.3, numpy 2.4.6, scipy 1.17.1, pandas 3.1.1.

Usage (needs numpy, pandas, patsy, scipy, statsmodels):
    python3 Tests/Reference/statsmodels_reference.py
    python3 Tests/Reference/statsmodels_reference.py --write-fixture   # re-draw the fixture

The fixture is committed, so by default it is read, not re-drawn: the reference
values always belong to the committed CSV even if numpy's random streams change.
It is read with Python's csv module and float() (correctly rounded), as Swift's
Double(String) does, so both sides fit exactly the same numbers.

Cases (our formula / patsy formula / weights):
    A  revenue ~ calls + emails + demos + C(region)                          OLS
    B  revenue ~ demos*region + I(calls^2) + log(emails + 1)                 OLS
       patsy: revenue ~ demos*region + I(calls**2) + np.log(emails + 1)
    C  revenue ~ calls + demos + C(region)                                   WLS, weights = weight
    D  revenue ~ calls + demos - 1                                           OLS, no intercept
and for case A get_prediction(first 5 fixture rows).summary_frame(alpha=0.05).

How statsmodels defines the less common quantities recorded here
----------------------------------------------------------------
(X = model.exog, the design matrix; for WLS wX = sqrt(w) X, wy = sqrt(w) y,
and "residuals" below means wresid = wy - wX b; for OLS w = 1.)
- scale = mse_resid = ssr / df_resid, ssr = sum(wresid^2).
- tss: centered_tss = sum(w (y - ybar_w)^2), ybar_w = sum(w y)/sum(w), when the
  model has a constant; uncentered_tss = sum(w y^2) without one (case D).
  ess = tss - ssr; rsquared = 1 - ssr/tss; rsquared_adj = 1 - (n - k_const)/df_resid (1 - R2).
- fvalue = (ess/df_model) / scale, F(df_model, df_resid); df_model = rank(X) - k_const.
- llf = -n/2 log(2 pi) - n/2 log(ssr/n) - n/2 (+ 1/2 sum(log w) for WLS);
  aic = -2 llf + 2 (df_model + k_const); bic = -2 llf + log(n) (df_model + k_const).
- condition_number = sqrt(max eig / min eig) of wX'wX (eigenvalues via eigvalsh),
  i.e. the 2-norm condition number of wX (for OLS, of X); columns are not scaled.
- VIF: variance_inflation_factor(model.exog, i) (the unweighted X, also for WLS).
  statsmodels >= 0.15 standardizes by default (standardize=True): every
  non-constant column is centered and scaled to sd 1 (np.std, ddof 0), constant
  columns are left as they are, then VIF_i = 1/(1 - R2_i) with R2_i the
  rsquared of OLS(column i, all other columns) and no constant added (R2 is
  centered if the other columns contain a constant, uncentered if not), R2
  clipped to [0, 1 - 1e-15]. Consequences: with an intercept, VIF of a
  regressor is the textbook 1/(1 - R2) of it on the others plus intercept, and
  VIF(Intercept) = 1; without an intercept (case D) the columns are centered, so
  VIF is the centered value. statsmodels <= 0.14 did not standardize; those
  values (the same for regressors when there is an intercept, different for the
  Intercept column and for case D) are in StatsmodelsReference.vifUnstandardized.
- HC0..HC3: sandwich (wX'wX)^-1 wX' diag(u_i^2 * a_i) wX (wX'wX)^-1 with u = wresid,
  h_i = leverage of wX: HC0 a_i = 1; HC1 a_i = n/df_resid; HC2 a_i = 1/(1-h_i);
  HC3 a_i = 1/(1-h_i)^2.
- Robust fvalue (HC1, HC3): Wald test that all coefficients except the
  Intercept are 0 (all coefficients when there is no intercept) using the
  robust covariance, divided by the number of restrictions q, referred to
  F(q, df_resid).
- durbin_watson = sum(diff(e)^2) / sum(e^2); jarque_bera: JB = n/6 (S^2 + (K-3)^2/4)
  with S = scipy.stats.skew(e) and K = 3 + scipy.stats.kurtosis(e) (both biased,
  i.e. moment estimators), p from chi2(2); omnibus = scipy.stats.normaltest(e)
  (D'Agostino-Pearson K^2, skewtest z^2 + kurtosistest z^2, chi2(2)). Here e = wresid
  (= resid for OLS), in data order.
- leverage = get_influence().hat_matrix_diag = diag(X (X'X)^-1 X');
  cooks_distance[0] = e_i^2 / (k scale) * h_i / (1 - h_i)^2, k = number of columns.
- Prediction (case A): mean = x'b, mean_se = sqrt(x' Cov(b) x), mean_ci = mean -+ t(0.975, df_resid) mean_se,
  obs_ci = mean -+ t(0.975, df_resid) sqrt(mean_se^2 + scale).
"""

import argparse
import csv
import datetime
import os
import platform
import sys
import warnings

import numpy as np
import pandas as pd
import patsy
import scipy
import scipy.stats
import statsmodels
import statsmodels.formula.api as smf
from statsmodels.stats.outliers_influence import variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
FIXTURE = os.path.join(ROOT, "Tests", "Fixtures", "pipeline.csv")
SWIFT_OUT = os.path.join(ROOT, "Tests", "ForecastingTests", "StatsmodelsReference.swift")
SEED = 20240917
N_ROWS = 80

CASES = [
    # name, our formula, patsy formula, weights column
    ("A", "revenue ~ calls + emails + demos + C(region)",
     "revenue ~ calls + emails + demos + C(region)", None),
    ("B", "revenue ~ demos*region + I(calls^2) + log(emails + 1)",
     "revenue ~ demos*region + I(calls**2) + np.log(emails + 1)", None),
    ("C", "revenue ~ calls + demos + C(region)",
     "revenue ~ calls + demos + C(region)", "weight"),
    ("D", "revenue ~ calls + demos - 1",
     "revenue ~ calls + demos - 1", None),
]


def write_fixture(path):
    """Six reps in three regions; revenue linear in activity + region effect, heteroskedastic noise."""
    rng = np.random.default_rng(SEED)
    reps = ["r01", "r02", "r03", "r04", "r05", "r06"]
    rep_region = {"r01": "East", "r02": "North", "r03": "West", "r04": "East", "r05": "North", "r06": "West"}
    region_effect = {"East": 0.0, "North": 1800.0, "West": -900.0}
    rep_level = {r: float(v) for r, v in zip(reps, rng.uniform(0.7, 1.3, size=len(reps)))}
    rows = []
    for i in range(N_ROWS):
        rep = reps[i % len(reps)]
        region = rep_region[rep]
        calls = int(rng.poisson(60.0 * rep_level[rep]))
        # some months with no emails at all (log(emails + 1) = 0)
        emails = 0 if rng.uniform() < 0.08 else int(rng.poisson(45.0 * rep_level[rep] + 0.4 * calls))
        demos = int(rng.poisson(1.0 + 0.08 * calls))
        mean = 2500.0 + 38.0 * calls + 4.0 * emails + 650.0 * demos + region_effect[region]
        sd = 500.0 + 90.0 * demos + 4.0 * calls          # heteroskedastic
        revenue = max(0.0, mean + sd * float(rng.standard_normal()))
        weight = float(rng.uniform(0.5, 2.0))
        rows.append([rep, region, str(calls), str(emails), str(demos), "%.2f" % revenue, "%.3f" % weight])
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="\n", encoding="utf-8") as f:
        f.write("rep,region,calls,emails,demos,revenue,weight\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def read_fixture(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return pd.DataFrame({
        "rep": [r["rep"] for r in rows],
        "region": [r["region"] for r in rows],
        "calls": np.array([int(r["calls"]) for r in rows], dtype=np.int64),
        "emails": np.array([int(r["emails"]) for r in rows], dtype=np.int64),
        "demos": np.array([int(r["demos"]) for r in rows], dtype=np.int64),
        "revenue": np.array([float(r["revenue"]) for r in rows], dtype=np.float64),
        "weight": np.array([float(r["weight"]) for r in rows], dtype=np.float64),
    })


def fit(formula, df, weights, cov_type="nonrobust"):
    if weights is None:
        model = smf.ols(formula, data=df)
    else:
        model = smf.wls(formula, data=df, weights=df[weights])
    return model.fit(cov_type=cov_type)


def floats(values):
    return [float(v) for v in np.asarray(values, dtype=float).ravel()]


def compute_case(name, ours, patsy_formula, weights, df):
    res = fit(patsy_formula, df, weights)
    model = res.model
    has_const = model.k_constant == 1
    exog = np.asarray(model.exog, dtype=float)
    k = exog.shape[1]
    ci95 = np.asarray(res.conf_int(alpha=0.05))
    ci90 = np.asarray(res.conf_int(alpha=0.10))
    jb, jbp, skew, kurt = jarque_bera(res.wresid)
    omni, omnip = omni_normtest(res.wresid)
    hc = {t: fit(patsy_formula, df, weights, cov_type=t) for t in ("HC0", "HC1", "HC2", "HC3")}
    out = {
        "name": name, "formula": ours, "patsyFormula": patsy_formula, "weights": weights,
        "terms": list(model.exog_names),
        "params": floats(res.params), "bse": floats(res.bse), "tvalues": floats(res.tvalues),
        "pvalues": floats(res.pvalues),
        "confLow95": floats(ci95[:, 0]), "confHigh95": floats(ci95[:, 1]),
        "confLow90": floats(ci90[:, 0]), "confHigh90": floats(ci90[:, 1]),
        "nobs": float(res.nobs), "dfModel": float(res.df_model), "dfResid": float(res.df_resid),
        "rsquared": float(res.rsquared), "rsquaredAdj": float(res.rsquared_adj),
        "fvalue": float(res.fvalue), "fPvalue": float(res.f_pvalue),
        "llf": float(res.llf), "aic": float(res.aic), "bic": float(res.bic),
        "scale": float(res.mse_resid), "conditionNumber": float(res.condition_number),
        "ssr": float(res.ssr), "ess": float(res.ess),
        "tss": float(res.centered_tss if has_const else res.uncentered_tss),
        "vif": [float(variance_inflation_factor(exog, i)) for i in range(k)],
        "bseHC0": floats(hc["HC0"].bse), "bseHC1": floats(hc["HC1"].bse),
        "bseHC2": floats(hc["HC2"].bse), "bseHC3": floats(hc["HC3"].bse),
        "fvalueHC1": float(hc["HC1"].fvalue), "fPvalueHC1": float(hc["HC1"].f_pvalue),
        "fvalueHC3": float(hc["HC3"].fvalue), "fPvalueHC3": float(hc["HC3"].f_pvalue),
        "durbinWatson": float(durbin_watson(res.wresid)),
        "jarqueBera": float(jb), "jarqueBeraPvalue": float(jbp), "skew": float(skew), "kurtosis": float(kurt),
        "omnibus": float(omni), "omnibusPvalue": float(omnip),
        "leverage": [], "cooksDistance": [],
    }
    assert abs(res.scale - res.mse_resid) <= 1e-9 * abs(res.scale)
    if weights is None:
        infl = res.get_influence()
        out["leverage"] = floats(infl.hat_matrix_diag)
        out["cooksDistance"] = floats(infl.cooks_distance[0])
    vif_raw = []
    for i in range(k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)    # "poorly conditioned" note for case B
            try:
                vif_raw.append(float(variance_inflation_factor(exog, i, standardize=False)))
            except TypeError:   # statsmodels <= 0.14 has no standardize argument (and does not standardize)
                vif_raw.append(float(variance_inflation_factor(exog, i)))
    return out, res, vif_raw


def compute_prediction(df):
    res = fit(CASES[0][2], df, CASES[0][3])
    frame = res.get_prediction(df.iloc[:5]).summary_frame(alpha=0.05)
    return {
        "mean": floats(frame["mean"]), "meanSE": floats(frame["mean_se"]),
        "meanLow": floats(frame["mean_ci_lower"]), "meanHigh": floats(frame["mean_ci_upper"]),
        "obsLow": floats(frame["obs_ci_lower"]), "obsHigh": floats(frame["obs_ci_upper"]),
    }


# --------------------------------------------------------------------------- Swift output
def swift_double(v):
    v = float(v)
    if v != v:
        return "Double.nan"
    if v == float("inf"):
        return "Double.infinity"
    if v == float("-inf"):
        return "-Double.infinity"
    r = repr(v)
    assert float(r) == v
    return r


def swift_string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def swift_doubles(values, indent):
    if not values:
        return "[]"
    items = [swift_double(v) for v in values]
    lines, line = [], ""
    for it in items:
        piece = it + ", "
        if len(line) + len(piece) > 100 and line:
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip().rstrip(","))
    pad = " " * (indent + 4)
    return "[\n" + "\n".join(pad + l for l in lines) + "\n" + " " * indent + "]"


FIELDS_ORDER = [
    "name", "formula", "patsyFormula", "weights", "terms",
    "params", "bse", "tvalues", "pvalues", "confLow95", "confHigh95", "confLow90", "confHigh90",
    "nobs", "dfModel", "dfResid",
    "rsquared", "rsquaredAdj", "fvalue", "fPvalue", "llf", "aic", "bic", "scale", "conditionNumber",
    "ssr", "ess", "tss",
    "vif", "bseHC0", "bseHC1", "bseHC2", "bseHC3",
    "fvalueHC1", "fPvalueHC1", "fvalueHC3", "fPvalueHC3",
    "durbinWatson", "jarqueBera", "jarqueBeraPvalue", "skew", "kurtosis", "omnibus", "omnibusPvalue",
    "leverage", "cooksDistance",
]


def swift_case(c):
    ind = 12
    parts = []
    for key in FIELDS_ORDER:
        v = c[key]
        if key in ("name", "formula", "patsyFormula"):
            text = swift_string(v)
        elif key == "weights":
            text = "nil" if v is None else swift_string(v)
        elif key == "terms":
            text = "[" + ", ".join(swift_string(t) for t in v) + "]"
        elif isinstance(v, list):
            text = swift_doubles(v, ind)
        else:
            text = swift_double(v)
        parts.append(" " * ind + "%s: %s" % (key, text))
    return "        StatsmodelsCase(\n" + ",\n".join(parts) + "\n        )"


def versions():
    return {
        "python": platform.python_version(),
        "statsmodels": statsmodels.__version__,
        "patsy": patsy.__version__,
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "pandas": pd.__version__,
    }


def render_swift(cases, prediction, vif_raw):
    v = versions()
    header = (
        "// StatsmodelsReference.swift\n"
        "// Generated by Tests/Reference/statsmodels_reference.py on %s\n"
        "// with Python %s, statsmodels %s, patsy %s, numpy %s, scipy %s (pandas %s).\n"
        "// Fixture: Tests/Fixtures/pipeline.csv. Doubles are Python repr() values and parse back to the same bits.\n"
        "// Definitions of the less common quantities: see the script's docstring.\n"
        % (datetime.date.today().isoformat(), v["python"], v["statsmodels"], v["patsy"], v["numpy"],
           v["scipy"], v["pandas"])
    )
    body = '''
// Generated by Tests/Reference/statsmodels_reference.py — do not edit by hand.
struct StatsmodelsCase: Sendable {
    let name: String
    let formula: String          // our formula syntax
    let patsyFormula: String
    let weights: String?         // column name or nil
    let terms: [String]          // patsy's names, in patsy's column order
    let params, bse, tvalues, pvalues, confLow95, confHigh95, confLow90, confHigh90: [Double]
    let nobs, dfModel, dfResid: Double
    let rsquared, rsquaredAdj, fvalue, fPvalue, llf, aic, bic, scale, conditionNumber, ssr, ess, tss: Double
    let vif: [Double]
    let bseHC0, bseHC1, bseHC2, bseHC3: [Double]
    let fvalueHC1, fPvalueHC1, fvalueHC3, fPvalueHC3: Double
    let durbinWatson, jarqueBera, jarqueBeraPvalue, skew, kurtosis, omnibus, omnibusPvalue: Double
    let leverage, cooksDistance: [Double]   // empty for WLS
}
struct StatsmodelsPrediction: Sendable { let mean, meanSE, meanLow, meanHigh, obsLow, obsHigh: [Double] }
enum StatsmodelsReference {
    static let cases: [StatsmodelsCase] = [
%s,
    ]
    static let predictionCaseA: StatsmodelsPrediction = StatsmodelsPrediction(
%s
    )
    /// VIF with variance_inflation_factor(exog, i, standardize=False), the statsmodels <= 0.14
    /// behaviour (no centering/scaling of the columns), keyed by case name. `vif` above uses the
    /// statsmodels >= 0.15 default (standardize=True); they differ for the Intercept column and for
    /// models without an intercept.
    static let vifUnstandardized: [String: [Double]] = [
%s,
    ]
}
'''
    cases_text = ",\n".join(swift_case(c) for c in cases)
    pred_text = ",\n".join("        %s: %s" % (k, swift_doubles(prediction[k], 8))
                           for k in ("mean", "meanSE", "meanLow", "meanHigh", "obsLow", "obsHigh"))
    vif_text = ",\n".join("        %s: %s" % (swift_string(n), swift_doubles(vif_raw[n], 8)) for n in vif_raw)
    return header + body % (cases_text, pred_text, vif_text)


def main():
    ap = argparse.ArgumentParser(description="statsmodels reference values for the Swift tests")
    ap.add_argument("--write-fixture", action="store_true", help="re-draw Tests/Fixtures/pipeline.csv")
    ap.add_argument("--swift-out", default=SWIFT_OUT)
    args = ap.parse_args()
    if args.write_fixture or not os.path.exists(FIXTURE):
        write_fixture(FIXTURE)
        print("wrote", os.path.relpath(FIXTURE, ROOT))
    df = read_fixture(FIXTURE)
    cases, vif_raw = [], {}
    for name, ours, patsy_formula, weights in CASES:
        c, res, vr = compute_case(name, ours, patsy_formula, weights, df)
        cases.append(c)
        vif_raw[name] = vr
        print("case %s: %s%s  n=%d  R2=%.4f  terms=%s" % (
            name, patsy_formula, "  [WLS weights=%s]" % weights if weights else "", res.nobs, res.rsquared,
            ", ".join(c["terms"])))
    prediction = compute_prediction(df)
    text = render_swift(cases, prediction, vif_raw)
    os.makedirs(os.path.dirname(args.swift_out), exist_ok=True)
    with open(args.swift_out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    print("wrote", args.swift_out)
    print("versions:", ", ".join("%s %s" % kv for kv in versions().items()))
    notes = __doc__[__doc__.index("How statsmodels defines"):]
    print()
    print(notes.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
