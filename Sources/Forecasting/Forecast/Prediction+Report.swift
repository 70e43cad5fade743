extension Prediction {
    /// The predictions as text, JSON, Markdown or CSV, one row per predicted row with its source line.
    /// Columns are named as statsmodels' `summary_frame()` names them.
    public func formatted(_ format: ReportFormat, source: DataSource) -> String {
        let names = ["mean", "mean_se", "mean_ci_lower", "mean_ci_upper", "obs_ci_lower", "obs_ci_upper"]
        let columns = [mean, meanSE, meanLower, meanUpper, observationLower, observationUpper]
        let lines = rows.map { source.line(ofRow: $0) }
        switch format {
        case .json:
            return JSONValue.object([
                ("format", .string("salesforecast.predictions")), ("version", .integer(1)), ("level", .number(level)),
                ("predictions", .array(rows.indices.map { k in
                    .object([("line", .integer(lines[k]))] + zip(names, columns).map { ($0, .finite($1[k])) })
                })),
            ]).serialized()
        case .csv:
            return "line," + names.joined(separator: ",") + "\n"
                + rows.indices.map { k in "\(lines[k])," + columns.map { "\($0[k])" }.joined(separator: ",") }.joined(separator: "\n") + "\n"
        case .markdown:
            return "| line | " + names.joined(separator: " | ") + " |\n|---:|" + String(repeating: "---:|", count: names.count) + "\n"
                + rows.indices.map { k in "| \(lines[k]) | " + columns.map { TextFormat.general($0[k], digits: 6) }.joined(separator: " | ") + " |" }
                    .joined(separator: "\n") + "\n"
        case .text:
            let header = TextFormat.left("line", 8) + names.map { TextFormat.left($0, 15) }.joined()
            return "Predictions with \(TextFormat.percent(level)) intervals\n" + header + "\n"
                + rows.indices.map { k in
                    TextFormat.left(String(lines[k]), 8) + columns.map { TextFormat.left(TextFormat.general($0[k], digits: 7), 15) }.joined()
                }.joined(separator: "\n") + "\n"
        }
    }
}
