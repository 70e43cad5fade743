import Foundation

/// One group's fit in a batch: its results, or why it could not be fitted.
public struct GroupFit: Sendable {
    /// The group's value in the `by` column.
    public var group: String
    /// The fit, when it succeeded.
    public var results: LinearModel?
    /// The error's one-line description, when it failed (too few rows, a constant column, …).
    public var error: String?
}

/// Fits `formula` separately to each group of rows sharing a value of `column` (one model per rep,
/// say), spreading the groups over all cores. A group that cannot be fitted is reported, not fatal.
///
/// - Returns: One ``GroupFit`` per group, in order of first appearance.
/// - Throws: ``DataError`` when `column` does not exist.
public func fit(_ formula: Formula, to data: Dataset, by column: String, options: RegressionOptions = .init()) throws -> [GroupFit] {
    if options.family.isCount {
        throw GeneralizedModelError.notAvailable(feature: "fitting by group", family: options.family, reason: "per-group count models are a later step")
    }
    let labels: [String?]
    switch try data.column(column) {
    case .text(let text): labels = (0..<data.rowCount).map { text[$0] }
    case .numeric(let values): labels = values.map { $0.isNaN ? nil : Column.label($0) }
    }
    var order: [String] = []
    var rowsOf: [String: [Int]] = [:]
    for (row, label) in labels.enumerated() {
        guard let label else { continue }
        if rowsOf[label] == nil { order.append(label) }
        rowsOf[label, default: []].append(row)
    }
    let groups = order, members = rowsOf
    let box = GroupFitBox(count: groups.count)
    DispatchQueue.concurrentPerform(iterations: groups.count) { k in
        let group = groups[k]
        let subset = data.selectingRows(members[group] ?? [])
        let item: GroupFit
        do {
            item = GroupFit(group: group, results: try fit(formula, to: subset, options: options), error: nil)
        } catch {
            item = GroupFit(group: group, results: nil, error: "\(error)")
        }
        box.set(k, item)
    }
    return box.items.compactMap { $0 }
}

/// Collects results written from several threads; each index is written once, under a lock.
private final class GroupFitBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var items: [GroupFit?]
    init(count: Int) { items = [GroupFit?](repeating: nil, count: count) }
    func set(_ index: Int, _ value: GroupFit) { lock.lock(); items[index] = value; lock.unlock() }
}

/// Batch fits as text, JSON or CSV, with a pooled summary: per term, the number of groups, and the
/// mean, standard deviation, minimum and maximum of the estimates across groups.
public struct BatchFitReport: Report {
    /// The formula fitted to every group, as written.
    public var formula: String
    /// The column whose values split the rows into groups (e.g. the rep column).
    public var by: String
    /// One fit per group, in order of first appearance.
    public var fits: [GroupFit]
    /// The confidence level of the coefficient intervals in the JSON and CSV output, e.g. 0.95.
    public var level: Double

    /// Creates a report of per-group fits.
    /// - Parameters:
    ///   - formula: The formula fitted to every group.
    ///   - by: The column whose values define the groups.
    ///   - fits: The per-group fits, as returned by `fit(_:to:by:options:)`.
    ///   - level: The confidence level of the coefficient intervals (default 0.95).
    public init(formula: String, by: String, fits: [GroupFit], level: Double = 0.95) {
        self.formula = formula
        self.by = by
        self.fits = fits
        self.level = level
    }

    /// One term's estimates pooled over the groups fitted.
    public struct PooledEstimate: Sendable, Equatable {
        /// The coefficient's name, e.g. `demos`.
        public var term: String
        /// The number of groups whose fit has this term.
        public var groups: Int
        /// The mean of the estimates across those groups.
        public var mean: Double
        /// The sample standard deviation of the estimates (`nan` for one group).
        public var standardDeviation: Double
        /// The smallest estimate.
        public var minimum: Double
        /// The largest estimate.
        public var maximum: Double
    }

    /// Per term: groups fitted, mean, standard deviation, minimum and maximum of the estimates.
    public var pooled: [PooledEstimate] {
        var terms: [String] = []
        var values: [String: [Double]] = [:]
        for fit in fits { if let r = fit.results {
            for (name, beta) in zip(r.columnNames, r.coefficients) {
                if values[name] == nil { terms.append(name) }
                values[name, default: []].append(beta)
            }
        } }
        return terms.map { term in
            let v = values[term] ?? []
            let mean = v.reduce(0, +) / Double(max(1, v.count))
            return PooledEstimate(term: term, groups: v.count, mean: mean, standardDeviation: standardDeviation(v),
                                  minimum: v.min() ?? .nan, maximum: v.max() ?? .nan)
        }
    }

    /// A readable table of each group's fit (observations, R², residual standard error) followed by the pooled estimates per term.
    public func text() -> String {
        let ok = fits.filter { $0.results != nil }.count
        var out = "Batch fit of \(formula) by \(by): \(fits.count) groups, \(ok) fitted\n\n"
        out += TextFormat.pad(by, 24) + ["n", "R²", "sigma"].map { TextFormat.left($0, 12) }.joined() + "\n"
        for f in fits {
            if let r = f.results {
                out += TextFormat.pad(f.group, 24) + [String(r.observationCount), TextFormat.fixed(r.rSquared, 3),
                    TextFormat.general(r.residualStandardError)].map { TextFormat.left($0, 12) }.joined() + "\n"
            } else {
                out += TextFormat.pad(f.group, 24) + "  not fitted: \(f.error ?? "")\n"
            }
        }
        out += "\nPooled over groups (estimates):\n" + TextFormat.pad("term", 24)
            + ["groups", "mean", "sd", "min", "max"].map { TextFormat.left($0, 12) }.joined() + "\n"
        for p in pooled {
            out += TextFormat.pad(p.term, 24) + [String(p.groups)].map { TextFormat.left($0, 12) }.joined()
                + [p.mean, p.standardDeviation, p.minimum, p.maximum].map { TextFormat.left(TextFormat.general($0), 12) }.joined() + "\n"
        }
        return out
    }

    /// The JSON document (`"format": "salesforecast.batch"`, `"version": 1`): each group's full fit or error, and the pooled estimates per term.
    public func jsonDocument() -> JSONValue {
        .object([
            ("format", .string("salesforecast.batch")), ("version", .integer(1)), ("formula", .string(formula)), ("by", .string(by)),
            ("groups", .array(fits.map { f in
                var fields: [(String, JSONValue)] = [("group", .string(f.group))]
                if let r = f.results, let doc = try? r.jsonDocument(level: level) { fields.append(("fit", doc)) }
                if let e = f.error { fields.append(("error", .string(e))) }
                return .object(fields)
            })),
            ("pooled", .array(pooled.map { p in
                .object([("term", .string(p.term)), ("groups", .integer(p.groups)), ("mean", .finite(p.mean)),
                         ("sd", .finite(p.standardDeviation)), ("min", .finite(p.minimum)), ("max", .finite(p.maximum))])
            })),
        ])
    }

    /// The coefficient table of every group as CSV, one row per group and term (one row with the error for a group that was not fitted).
    public func csv() -> String {
        var out = "group,term,estimate,std_error,t_statistic,p_value,conf_low,conf_high,n_observations,r_squared,error\n"
        for f in fits {
            guard let r = f.results, let table = try? r.coefficientTable(level: level) else {
                out += "\(CSVText.quoted(f.group)),,,,,,,,,,\(CSVText.quoted(f.error ?? ""))\n"
                continue
            }
            for row in table {
                out += "\(CSVText.quoted(f.group)),\(CSVText.quoted(row.term)),\(row.estimate),\(row.standardError),\(row.tStatistic),\(row.pValue),\(row.lower),\(row.upper),\(r.observationCount),\(r.rSquared),\n"
            }
        }
        return out
    }

    /// A Markdown table of each group's fit: observations, R² and residual standard error, or why it was not fitted.
    public func markdown() -> String {
        var out = "### Batch fit of `\(formula)` by `\(by)`\n\n| \(by) | n | R² | sigma |\n|---|---:|---:|---:|\n"
        for f in fits {
            if let r = f.results {
                out += "| \(f.group) | \(r.observationCount) | \(TextFormat.fixed(r.rSquared, 3)) | \(TextFormat.general(r.residualStandardError)) |\n"
            } else {
                out += "| \(f.group) | — | — | not fitted: \(f.error ?? "") |\n"
            }
        }
        return out
    }
}
