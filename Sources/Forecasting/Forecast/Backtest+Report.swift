import Foundation

extension BacktestReport: Report {

    private static func percent(_ x: Double?) -> String { x.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }

    /// A readable summary: accuracy per method (MAE, RMSE, MAPE, WAPE, interval coverage), WAPE by quarter, and coverage by team and rep.
    public func text() -> String {
        var out = "Backtest of \(response): rolling origin, one quarter ahead, \(quarters.count) quarters "
        out += "(\(quarters.first?.description ?? "")…\(quarters.last?.description ?? "")), \(methods.first?.count ?? 0) rep-quarters\n"
        if intervalMethod == .conformal {
            out += "Model: \(formula) (split-conformal intervals: each rep-quarter's from its team's errors in the quarters before it; they guarantee marginal coverage over a team's rep-quarters if errors are exchangeable across origins, not per rep or under shifts)\n\n"
        } else if family.isCount {
            out += "Model: \(formula) (\(family.displayName) count model: whole-number intervals from the predictive distribution; a discrete distribution's equal-tailed interval holds at least its level, so coverage above nominal is expected; WAPE is of the expected count)\n\n"
        } else {
            out += "Model: \(formula) (intervals with \(uncertaintyLabel(formula: formula, covariance: covarianceType)))\n\n"
        }
        let width = max(36, (methods.map(\.method.count).max() ?? 0) + 2)
        out += TextFormat.pad("method", width) + ["n", "MAE", "RMSE", "MAPE", "WAPE", "in 80%", "in 95%"].map { TextFormat.left($0, 10) }.joined() + "\n"
        out += String(repeating: "-", count: width + 70) + "\n"
        for m in methods {
            out += TextFormat.pad(m.method, width)
            out += [String(m.count), QuarterlyForecast.amount(m.mae), QuarterlyForecast.amount(m.rmse),
                    String(format: "%.1f%%", m.mape), String(format: "%.1f%%", m.wape),
                    Self.percent(m.coverage80), Self.percent(m.coverage95)].map { TextFormat.left($0, 10) }.joined() + "\n"
        }
        if let best = methods.min(by: { $0.wape < $1.wape }) { out += "\nLowest WAPE: \(best.method).\n" }
        out += "\nWAPE by quarter:\n" + TextFormat.pad("quarter", 10) + methods.map { TextFormat.left(Self.short($0.method), 14) }.joined() + "\n"
        for q in wapeByQuarter {
            out += TextFormat.pad(q.quarter.description, 10) + methods.map { TextFormat.left(String(format: "%.1f%%", q.wape[$0.method] ?? .nan), 14) }.joined() + "\n"
        }
        if !coverageByTeam.isEmpty {
            out += "\nInterval coverage by team (80% / 95%):\n"
            let methodNames = Array(Set(coverageByTeam.map(\.method))).sorted()
            out += TextFormat.pad("team", 14) + methodNames.map { TextFormat.left(Self.short($0), 22) }.joined() + "\n"
            for team in Array(Set(coverageByTeam.map(\.name))).sorted() {
                out += TextFormat.pad(team, 14) + methodNames.map { method in
                    let c = coverageByTeam.first { $0.name == team && $0.method == method }
                    return TextFormat.left(c.map { String(format: "%.0f%% / %.0f%% (n %d)", $0.coverage80 * 100, $0.coverage95 * 100, $0.count) } ?? "", 22)
                }.joined() + "\n"
            }
        }
        let worst = coverageByRep.filter { $0.method == BacktestReport.modelMethod(.known) && $0.count >= 4 }
            .sorted { $0.coverage80 < $1.coverage80 }.prefix(5)
        if !worst.isEmpty {
            out += "\nReps whose 80% intervals missed most often (known activities): "
            // The share missed (outside the interval), as the label says; coverage is the share inside.
            out += worst.map { String(format: "%@ %.0f%% of %d", $0.name, (1 - $0.coverage80) * 100, $0.count) }.joined(separator: ", ") + "\n"
        }
        let meanBias = meanAbsoluteRepBias
        if !meanBias.isEmpty {
            out += "\nMean absolute per-rep bias: " + methods.compactMap { m in meanBias[m.method].map { "\(Self.short(m.method)) \(String(format: "%.1f%%", $0 * 100))" } }.joined(separator: ", ") + "\n"
            let projected = BacktestReport.modelMethod(.projected)
            let largest = biasByRep.filter { $0.method == projected }.sorted { abs($0.bias) > abs($1.bias) }.prefix(5)
            if !largest.isEmpty {
                out += "Largest per-rep bias (projected activities; + is over-forecast): "
                    + largest.map { String(format: "%@ %+.0f%%", $0.rep, $0.bias * 100) }.joined(separator: ", ") + "\n"
            }
        }
        out += calibrationText()
        for note in notes { out += "\nNote: \(note)" }
        return out + (notes.isEmpty ? "" : "\n")
    }

    static func short(_ method: String) -> String {
        switch method {
        case runRate: "naive run-rate"
        case lastYear: "naive last-year"
        default: method.replacingOccurrences(of: " activities)", with: ")")
        }
    }

    /// The JSON document (`"format": "salesforecast.backtest"`, `"version": 1`): accuracy per method, WAPE by quarter, coverage by team and rep, and notes.
    public func jsonDocument() -> JSONValue {
        .object([
            ("format", .string("salesforecast.backtest")), ("version", .integer(1)), ("formula", .string(formula)),
            ("covariance_type", .string(covarianceType.rawValue)), ("interval_method", .string(intervalMethod.rawValue)),
            ("family", .string(family.rawValue)), ("integer_bands", .bool(family.isCount)),
            ("response", .string(response)), ("quarters", .array(quarters.map { .string($0.description) })),
            ("methods", .array(methods.map { m in
                .object([("method", .string(m.method)), ("n", .integer(m.count)), ("mae", .finite(m.mae)), ("rmse", .finite(m.rmse)),
                         ("mape_percent", .finite(m.mape)), ("wape_percent", .finite(m.wape)),
                         ("coverage_80", .finite(m.coverage80)), ("coverage_95", .finite(m.coverage95))])
            })),
            ("wape_by_quarter", .array(wapeByQuarter.map { q in
                .object([("quarter", .string(q.quarter.description))] + methods.map { ($0.method, .finite(q.wape[$0.method])) })
            })),
            ("coverage_by_team", .array(coverageByTeam.map { c in
                .object([("team", .string(c.name)), ("method", .string(c.method)), ("n", .integer(c.count)),
                         ("coverage_80", .finite(c.coverage80)), ("coverage_95", .finite(c.coverage95))])
            })),
            ("coverage_by_rep", .array(coverageByRep.map { c in
                .object([("rep", .string(c.name)), ("method", .string(c.method)), ("n", .integer(c.count)),
                         ("coverage_80", .finite(c.coverage80)), ("coverage_95", .finite(c.coverage95))])
            })),
            ("mean_absolute_rep_bias", .object(methods.compactMap { m in meanAbsoluteRepBias[m.method].map { (m.method, JSONValue.finite($0)) } })),
            ("bias_by_rep", .array(biasByRep.map { b in
                .object([("rep", .string(b.rep)), ("method", .string(b.method)), ("n", .integer(b.count)), ("bias", .finite(b.bias))])
            })),
            ("quota_calibration", calibrationJSON()),
            ("notes", .array(notes.map { .string($0) })),
        ])
    }

    /// The accuracy table as CSV, one row per method: MAE, RMSE, MAPE, WAPE and interval coverage.
    public func csv() -> String {
        var out = "method,n,mae,rmse,mape_percent,wape_percent,coverage_80,coverage_95\n"
        for m in methods {
            out += "\(CSVText.quoted(m.method)),\(m.count),\(m.mae),\(m.rmse),\(m.mape),\(m.wape),\(m.coverage80.map { "\($0)" } ?? ""),\(m.coverage95.map { "\($0)" } ?? "")\n"
        }
        return out
    }

    /// A Markdown table of accuracy per method: MAE, RMSE, MAPE, WAPE and interval coverage.
    public func markdown() -> String {
        var out = "### Backtest of `\(response)` (\(quarters.count) quarters, one quarter ahead)\n\n| method | n | MAE | RMSE | MAPE | WAPE | in 80% | in 95% |\n|---|---:|---:|---:|---:|---:|---:|---:|\n"
        for m in methods {
            out += "| \(m.method) | \(m.count) | \(QuarterlyForecast.amount(m.mae)) | \(QuarterlyForecast.amount(m.rmse)) | \(String(format: "%.1f%%", m.mape)) | \(String(format: "%.1f%%", m.wape)) | \(Self.percent(m.coverage80)) | \(Self.percent(m.coverage95)) |\n"
        }
        if !quotaCalibration.isEmpty {
            out += "\nQuota chances against outcomes (target: \(quotaTarget.description)): "
                + quotaCalibration.map { String(format: "%@ Brier score %.3f over %d", $0.method, $0.brier, $0.count) }.joined(separator: "; ") + ".\n"
        }
        return out
    }
}
