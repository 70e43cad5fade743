import Foundation

/// A model chosen from the history when the user gives no formula, and why.
public struct ModelChoice: Sendable, CustomStringConvertible {
    /// The formula chosen, e.g. `revenue ~ lag(demos, 1) + proposals + season(period, 'quarter') + (1 | rep)`.
    public let formula: String
    /// One line per decision: the response, each activity's lag, the season, the rep effects.
    public let reasons: [String]
    /// What the output of the run should say besides the formula: a part of the usual model left out
    /// (e.g. `(1 | rep)` for a count family, which does not support random intercepts yet).
    public var notes: [String] = []

    /// The formula and the reasons, one per line.
    public var description: String { "Model chosen: \(formula)\n" + reasons.map { "  - \($0)" }.joined(separator: "\n") }
}

extension SalesHistory {
    /// Words in a column name that mark a result or an identifier rather than an activity.
    static let nonActivityWords = ["won", "win", "deal", "revenue", "booking", "sales", "amount", "quota", "closed",
                                   "arr", "mrr", "tenure", "age"]

    /// Chooses a model when none is given, so a sales leader need not write a formula:
    /// each activity at the lag (0…3) the leading-indicator scan picks, a quarterly season when the
    /// history covers every quarter and the season lowers AIC, and a random intercept per rep
    /// (`(1 | rep)`) so each rep's own conversion carries into forecasts.
    ///
    /// - Parameters:
    ///   - response: The result to model; default `revenue` when the history has it.
    ///   - activities: The activity columns; default every numeric column that is not the response,
    ///     a result (a name with won, deal, revenue, bookings, amount, quota, …), a tenure or an id.
    ///   - family: The family the model will be fitted with; a count family leaves `(1 | rep)` out (random
    ///     intercepts for count models are a later step) and says so in ``ModelChoice/notes``.
    /// - Returns: The formula and the reason for each part.
    /// - Throws: ``ForecastError/noPeriods(source:)`` without a period column, `DataError` for a
    ///   missing column, ``ForecastError/noActivities(source:)`` when no activity column is left.
    public func defaultModel(response: String? = nil, activities: [String]? = nil, family: ResponseFamily = .gaussian) throws -> ModelChoice {
        let layout = try requiredLayout()
        var reasons: [String] = []
        let responseName: String
        if let response {
            responseName = response
            reasons.append("response: \(response), as asked")
        } else if data.hasColumn("revenue") {
            responseName = "revenue"
            reasons.append("response: revenue (the default; --response names another)")
        } else {
            throw DataError.missingColumn("revenue", available: data.columnNames, source: data.source.name)
        }
        guard case .numeric = try data.column(responseName) else { throw RegressionError.nonNumericResponse(responseName) }
        let layoutColumns = Set([layout.period, layout.entity, layout.group].compactMap { $0 })
        let chosen: [String]
        if let activities {
            chosen = activities
            for column in activities where !data.hasColumn(column) {
                throw DataError.missingColumn(column, available: data.columnNames, source: data.source.name)
            }
        } else {
            chosen = data.columnNames.filter { name in
                guard name != responseName, !layoutColumns.contains(name), case .numeric = (try? data.column(name)) ?? .text(TextColumn([])) else { return false }
                let lower = name.lowercased()
                let words = lower.split(whereSeparator: { !$0.isLetter }).map(String.init)
                if lower == "id" || lower.hasSuffix("_id") || lower.hasSuffix("id") && words.last == "id" { return false }
                return !words.contains { word in Self.nonActivityWords.contains { word == $0 || word.hasPrefix($0) && word.count <= $0.count + 1 } }
            }
            let left = data.columnNames.filter { $0 != responseName && !layoutColumns.contains($0) && !chosen.contains($0) }
            reasons.append("activities: \(chosen.joined(separator: ", "))" + (left.isEmpty ? "" : " (not activities: \(left.joined(separator: ", ")); --activities chooses)"))
        }
        guard !chosen.isEmpty else { throw ForecastError.noActivities(source: data.source.name) }

        // Each activity at the lag that explains results best on a common sample.
        let scan = try leadingIndicators(of: responseName, activities: chosen, maximumLag: 3)
        var terms: [String] = []
        for best in scan.best {
            let quoted = Self.quoted(best.activity)
            terms.append(best.lag == 0 ? quoted : "lag(\(quoted), \(best.lag))")
        }
        reasons.append("lags (the leading-indicator scan, 0 to 3 periods, highest R²): "
                       + scan.best.map { "\($0.activity) \($0.lag)" }.joined(separator: ", "))

        // A quarterly season when every quarter is in the history and it lowers AIC on the same rows.
        let response = Self.quoted(responseName)
        var formula = "\(response) ~ " + terms.joined(separator: " + ")
        if let panel, panel.frequency != .year, panel.frequency != .day {
            let quarters = Set(panel.periods.map { $0.quarter.seasonOfYear })
            if quarters.count == 4 {
                let seasonal = formula + " + season(\(Self.quoted(layout.period)), 'quarter')"
                let with = try fit(seasonal)
                let common = try ForecastingCore.fit(Formula(formula), to: data, panel: panel, only: data.rowMask(with.fittedRows),
                                                      options: RegressionOptions())
                if with.aic < common.aic {
                    formula = seasonal
                    reasons.append("quarterly season: AIC \(TextFormat.general(with.aic, digits: 7)) with it, \(TextFormat.general(common.aic, digits: 7)) without")
                } else {
                    reasons.append("no season: it does not lower AIC (\(TextFormat.general(with.aic, digits: 7)) with, \(TextFormat.general(common.aic, digits: 7)) without)")
                }
            } else {
                reasons.append("no season: the history covers \(quarters.count) of the 4 quarters")
            }
        }
        var notes: [String] = []
        if let entity = layout.entity, family.isCount {
            let note = "the default model's (1 | \(entity)) term was dropped: random intercepts are not supported with --family \(family.rawValue) yet, so every \(entity) gets the population's level of results (the activities still differ)"
            reasons.append("no (1 | \(entity)): \(note)")
            notes.append(note)
        } else if let entity = layout.entity {
            formula += " + (1 | \(Self.quoted(entity)))"
            reasons.append("(1 | \(entity)): each \(entity)'s own level of results, shrunk toward the population's when its history is short; new \(entity)s get the population's with wider intervals")
        }
        var choice = ModelChoice(formula: formula, reasons: reasons)
        choice.notes = notes
        return choice
    }

    static func quoted(_ name: String) -> String {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !(name.first?.isNumber ?? true) ? name : "`\(name)`"
    }
}
