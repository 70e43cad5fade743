/// One cell of a leading-indicator scan: an activity at one lag.
public struct LeadingIndicator: Sendable {
    /// The activity column.
    public var activity: String
    /// The lag in periods.
    public var lag: Int
    /// Its coefficient, standard error, t statistic and p-value in `response ~ lag(activity, lag) + controls`.
    public var estimate: Double, standardError: Double, tStatistic: Double, pValue: Double
    /// R² of that regression.
    public var rSquared: Double
}

/// The lag at which each activity best explains results.
public struct LeadingIndicatorScan: Sendable {
    /// The response column the activities are scanned against.
    public var response: String
    /// The extra terms in every regression, e.g. `season(period, 'quarter')`; `nil` for none.
    public var controls: String?
    /// Rows used by every regression (the same rows for every lag, so R² compare fairly).
    public var observations: Int
    /// Every activity at every lag.
    public var cells: [LeadingIndicator]
    /// Per activity, the lag with the highest R².
    public var best: [LeadingIndicator]
}

/// Scans lags 0…`maximumLag` of each activity: for each, fits `response ~ lag(activity, k) + controls` on
/// the rows where every lag up to `maximumLag` exists, and reports the fit; the best lag per activity is
/// the one with the highest R². Sales cycles make results trail activities; this shows by how much.
///
/// - Parameters:
///   - controls: Extra terms in every regression, e.g. `season(period, 'quarter')`.
package func scanLeadingIndicators(history: Dataset, response: String, activities: [String], maximumLag: Int,
                                  layout: PanelLayout, controls: String? = nil) throws -> LeadingIndicatorScan
{
    guard maximumLag >= 0, maximumLag <= 60 else { throw ForecastError.maximumLagOutOfRange(maximumLag) }
    let panel = try Panel(data: history, layout: layout)
    let suffix = controls.map { " + " + $0 } ?? ""
    // The common rows: where the response, every activity at every lag, and the controls exist.
    let all = activities.flatMap { a in (0...maximumLag).map { "lag(`\(a)`, \($0))" } }.joined(separator: " + ")
    let common = try DesignMatrix(formula: Formula("`\(response)` ~ " + all + suffix), data: history, panel: panel)
    let only = history.rowMask(common.rows)
    var cells: [LeadingIndicator] = []
    for activity in activities {
        for lag in 0...maximumLag {
            let formula = try Formula("`\(response)` ~ lag(`\(activity)`, \(lag))" + suffix)
            let results = try fit(formula, to: history, panel: panel, only: only, options: RegressionOptions())
            guard let j = results.columnNames.firstIndex(where: { $0.hasPrefix("lag(") }) else { continue }
            cells.append(LeadingIndicator(activity: activity, lag: lag, estimate: results.coefficients[j],
                                          standardError: results.standardErrors[j], tStatistic: results.tStatistics[j],
                                          pValue: results.pValues[j], rSquared: results.rSquared))
        }
    }
    let best = activities.compactMap { a in cells.filter { $0.activity == a }.max { $0.rSquared < $1.rSquared } }
    return LeadingIndicatorScan(response: response, controls: controls, observations: common.rows.count, cells: cells, best: best)
}

extension LeadingIndicatorScan {
    /// The scan as text, JSON, Markdown or CSV.
    public func formatted(_ format: ReportFormat) -> String {
        switch format {
        case .json:
            func cell(_ c: LeadingIndicator) -> JSONValue {
                .object([("activity", .string(c.activity)), ("lag", .integer(c.lag)), ("estimate", .finite(c.estimate)),
                         ("std_error", .finite(c.standardError)), ("t_statistic", .finite(c.tStatistic)),
                         ("p_value", .finite(c.pValue)), ("r_squared", .finite(c.rSquared))])
            }
            return JSONValue.object([("format", .string("salesforecast.leads")), ("version", .integer(1)),
                                     ("response", .string(response)), ("controls", controls.map { .string($0) } ?? .null),
                                     ("n_observations", .integer(observations)),
                                     ("best", .array(best.map(cell))), ("cells", .array(cells.map(cell)))]).serialized()
        case .csv:
            return "activity,lag,estimate,std_error,t_statistic,p_value,r_squared,best\n" + cells.map { c in
                "\(CSVText.quoted(c.activity)),\(c.lag),\(c.estimate),\(c.standardError),\(c.tStatistic),\(c.pValue),\(c.rSquared),\(best.contains { $0.activity == c.activity && $0.lag == c.lag })"
            }.joined(separator: "\n") + "\n"
        case .markdown, .text:
            let lags = Set(cells.map(\.lag)).sorted()
            let width = max(12, (best.map(\.activity.count).max() ?? 0) + 2)
            var out = "Leading indicators of \(response): R² of \(response) ~ lag(activity, k)\(controls.map { " + " + $0 } ?? "") on the same \(observations) rows\n\n"
            out += TextFormat.pad("activity", width) + lags.map { TextFormat.left("lag \($0)", 10) }.joined() + TextFormat.left("best lag", 10) + TextFormat.left("t", 9) + "\n"
            for b in best {
                out += TextFormat.pad(b.activity, width)
                out += lags.map { k in
                    let c = cells.first { $0.activity == b.activity && $0.lag == k }
                    return TextFormat.left((c.map { String(format: "%.3f", $0.rSquared) } ?? "") + (k == b.lag ? "*" : " "), 10)
                }.joined()
                out += TextFormat.left(String(b.lag), 10) + TextFormat.left(String(format: "%.2f", b.tStatistic), 9) + "\n"
            }
            return out + "\n* best lag (highest R²). A lag that explains little at every k suggests an activity that does not drive results.\n"
        }
    }
}
