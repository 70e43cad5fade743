import Foundation

/// The runs of a ledger, for `ledger list`.
public struct LedgerRunList: Report {
    /// The runs, oldest first.
    public var runs: [LedgerRun]

    /// Creates the list.
    public init(runs: [LedgerRun]) { self.runs = runs }

    /// One line per run.
    public func text() -> String {
        guard !runs.isEmpty else { return "The ledger has no runs yet.\n" }
        var out = TextFormat.pad("id", 10) + TextFormat.pad("ran at", 26) + TextFormat.pad("as of", 10) + TextFormat.pad("horizon", 9)
            + TextFormat.left("lines", 6) + "  formula\n"
        for r in runs {
            out += TextFormat.pad(String(r.id.prefix(8)), 10) + TextFormat.pad(r.ranAt, 26) + TextFormat.pad(r.asOf, 10)
                + TextFormat.pad(r.horizon, 9) + TextFormat.left(String(r.lines), 6) + "  " + r.formula + "\n"
        }
        return out
    }

    static func json(_ r: LedgerRun) -> JSONValue {
        .object([("id", .string(r.id)), ("ran_at", .string(r.ranAt)), ("as_of", .string(r.asOf)), ("horizon", .string(r.horizon)),
                 ("lead_periods", .integer(r.leadPeriods)), ("response", .string(r.response)), ("formula", .string(r.formula)),
                 ("model_choice", .string(r.modelChoice)), ("covariance", .string(r.covariance)), ("level", .number(r.level)),
                 ("tool_version", .string(r.toolVersion)), ("lines", .integer(r.lines)),
                 ("inputs", .array(r.inputs.map { .object([("role", .string($0.role)), ("path", .string($0.path)),
                                                           ("sha256", $0.sha256.map { .string($0) } ?? .null)]) }))])
    }

    /// `{"runs": [{"id", "ran_at", "as_of", "horizon", "formula", "lines", …}]}`.
    public func jsonDocument() -> JSONValue { .object([("runs", .array(runs.map(Self.json)))]) }

    /// A Markdown table of the runs.
    public func markdown() -> String {
        "| id | ran at | as of | horizon | lines | formula |\n|---|---|---|---|---|---|\n"
            + runs.map { "| \($0.id.prefix(8)) | \($0.ranAt) | \($0.asOf) | \($0.horizon) | \($0.lines) | `\($0.formula)` |\n" }.joined()
    }

    /// The runs as CSV.
    public func csv() -> String {
        "id,ran_at,as_of,horizon,lead_periods,response,formula,model_choice,covariance,level,tool_version,lines\n" + runs.map { r in
            [r.id, r.ranAt, r.asOf, r.horizon, String(r.leadPeriods), r.response, r.formula, r.modelChoice, r.covariance, String(r.level),
             r.toolVersion, String(r.lines)].map(CSVText.quoted).joined(separator: ",") + "\n"
        }.joined()
    }
}

/// The lines of recorded runs, for `ledger show` (one run) and `ledger export` (all of them).
public struct LedgerRunLines: Report {
    /// The runs with their lines.
    public var runs: [(run: LedgerRun, lines: [LedgerLine])]

    /// Creates the listing.
    public init(runs: [(run: LedgerRun, lines: [LedgerLine])]) { self.runs = runs }

    /// Each run's header and its lines.
    public func text() -> String {
        var out = ""
        for (run, lines) in runs {
            out += "Run \(run.id)\n  ran at \(run.ranAt), as of \(run.asOf), forecasting \(run.horizon) (lead \(run.leadPeriods) periods)\n"
            out += "  model (\(run.modelChoice)): \(run.formula); \(TextFormat.percent(run.level)) intervals, \(run.covariance) covariance; salesforecast \(run.toolVersion)\n"
            for input in run.inputs { out += "  \(input.role): \(input.path) sha256 \(input.sha256 ?? "—")\n" }
            out += "\n" + TextFormat.pad("line", 24) + ["forecast", "SE", "lower", "upper", "quota", "P(quota)", "run-rate", "last year"].map { TextFormat.left($0, 12) }.joined() + "\n"
            for l in lines {
                let label = l.kind == .rep ? l.name : l.kind == .team ? "team \(l.name)" : l.name
                out += TextFormat.pad(label, 24) + [QuarterlyForecast.amount(l.mean), QuarterlyForecast.amount(l.standardError),
                    QuarterlyForecast.amount(l.lower), QuarterlyForecast.amount(l.upper), l.quota.map(QuarterlyForecast.amount) ?? "—",
                    l.quotaProbability.map { String(format: "%.0f%%", $0 * 100) } ?? "—", l.naiveRunRate.map(QuarterlyForecast.amount) ?? "—",
                    l.naiveLastYear.map(QuarterlyForecast.amount) ?? "—"].map { TextFormat.left($0, 12) }.joined() + "\n"
            }
            out += "\n"
        }
        return out
    }

    private static func num(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }

    /// `{"runs": [{…run…, "forecast_lines": [{"kind", "name", "team", "mean", "se", "lower", "upper", "quota", "p_quota", "naive_run_rate", "naive_last_year"}]}]}`.
    public func jsonDocument() -> JSONValue {
        .object([("runs", .array(runs.map { run, lines in
            guard case .object(var fields) = LedgerRunList.json(run) else { return .null }
            fields.append(("forecast_lines", .array(lines.map { l in
                .object([("kind", .string(l.kind.rawValue)), ("name", .string(l.name)), ("team", l.team.map { .string($0) } ?? .null),
                         ("mean", .number(l.mean)), ("se", .number(l.standardError)), ("lower", .number(l.lower)), ("upper", .number(l.upper)),
                         ("quota", Self.num(l.quota)), ("p_quota", Self.num(l.quotaProbability)),
                         ("naive_run_rate", Self.num(l.naiveRunRate)), ("naive_last_year", Self.num(l.naiveLastYear))])
            })))
            return .object(fields)
        }))])
    }

    /// Markdown: the text inside a code block.
    public func markdown() -> String { "```\n" + text() + "```\n" }

    /// One row per line with its run, numbers at full precision.
    public func csv() -> String {
        func f(_ x: Double?) -> String { x.map { String($0) } ?? "" }
        var out = "run_id,ran_at,as_of,horizon,lead_periods,formula,level,kind,name,team,mean,se,lower,upper,quota,p_quota,naive_run_rate,naive_last_year\n"
        for (run, lines) in runs {
            for l in lines {
                out += [run.id, run.ranAt, run.asOf, run.horizon, String(run.leadPeriods), run.formula, String(run.level), l.kind.rawValue, l.name,
                        l.team ?? "", String(l.mean), String(l.standardError), String(l.lower), String(l.upper), f(l.quota),
                        f(l.quotaProbability), f(l.naiveRunRate), f(l.naiveLastYear)].map(CSVText.quoted).joined(separator: ",") + "\n"
            }
        }
        return out
    }
}

extension ForecastLedger {
    /// Every run with its lines, oldest first (for export).
    public func allRunLines() throws -> LedgerRunLines {
        let lines = try linesByRun()
        return LedgerRunLines(runs: try runs().map { ($0, lines[$0.id] ?? []) })
    }
}
