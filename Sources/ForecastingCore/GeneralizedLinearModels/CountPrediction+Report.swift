import Foundation

extension CountPrediction {
    /// The predictions as text, JSON, Markdown or CSV, one row per predicted row with its source line;
    /// columns named as for linear models (`mean`, `mean_se`, `mean_ci_lower`, `mean_ci_upper`,
    /// `obs_ci_lower`, `obs_ci_upper`; the last two whole counts), and `p_at_least_q` when `atLeast` is given.
    /// - Parameters:
    ///   - format: The writer.
    ///   - source: The rows' source, for their line numbers.
    ///   - atLeast: A count q for a column with P(Y ≥ q) under each row's predictive distribution.
    public func formatted(_ format: ReportFormat, source: DataSource, atLeast: Int? = nil) -> String {
        var names = ["mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "obs_ci_lower", "obs_ci_upper"]
        var columns: [[Double]] = [mean, meanSE, meanLower, meanUpper, observationLower.map(Double.init), observationUpper.map(Double.init)]
        if let atLeast {
            names.append("p_at_least_\(atLeast)")
            columns.append(rows.indices.map { probability(at: $0, atLeast: atLeast) })
        }
        let lines = rows.map { source.line(ofRow: $0) }
        func cell(_ column: Int, _ k: Int) -> String {
            (4...5).contains(column) ? String(Int(columns[column][k])) : TextFormat.general(columns[column][k], digits: 7)
        }
        switch format {
        case .json:
            return JSONValue.object([
                ("format", .string("salesforecast.predictions")), ("version", .integer(1)), ("level", .number(level)),
                ("family", .string(fit.family.rawValue)), ("theta", .finite(fit.theta)),
                ("predictions", .array(rows.indices.map { k in
                    .object([("line", .integer(lines[k]))] + names.indices.map { c in
                        (names[c], (4...5).contains(c) ? JSONValue.integer(Int(columns[c][k])) : .finite(columns[c][k]))
                    })
                })),
            ]).serialized()
        case .csv:
            return "line," + names.joined(separator: ",") + "\n"
                + rows.indices.map { k in
                    "\(lines[k])," + names.indices.map { c in (4...5).contains(c) ? String(Int(columns[c][k])) : "\(columns[c][k])" }
                        .joined(separator: ",")
                }.joined(separator: "\n") + "\n"
        case .markdown:
            return "| line | " + names.joined(separator: " | ") + " |\n|---:|" + String(repeating: "---:|", count: names.count) + "\n"
                + rows.indices.map { k in "| \(lines[k]) | " + names.indices.map { cell($0, k) }.joined(separator: " | ") + " |" }
                    .joined(separator: "\n") + "\n"
        case .text:
            let header = TextFormat.left("line", 8) + names.map { TextFormat.left($0, 15) }.joined()
            let what = fit.family == .negativeBinomial ? "negative binomial (θ = \(TextFormat.general(fit.theta ?? .nan)))" : "Poisson"
            return "Count predictions with \(TextFormat.percent(level)) intervals (\(what); obs_ci from the predictive distribution, "
                + "which includes the estimates' uncertainty)\n" + header + "\n"
                + rows.indices.map { k in TextFormat.left(String(lines[k]), 8) + names.indices.map { TextFormat.left(cell($0, k), 15) }.joined() }
                    .joined(separator: "\n") + "\n"
        }
    }
}
