/// How future activities are obtained when there is no plan.
public enum ActivityProjection: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Each rep's average over its last three periods.
    case runRate = "run-rate"
    /// Each rep's value in the same period a year earlier (the run rate where that is missing).
    case lastYear = "last-year"

    public var description: String {
        switch self {
        case .runRate: "recent run-rate (each rep's average of its last 3 periods)"
        case .lastYear: "same period last year (run-rate where a rep has no year of history)"
        }
    }
}

/// Where a rep's future activities came from, as a forecast line reports it. The raw value (and
/// ``description``) is the text the JSON and CSV output show.
public enum ActivitySource: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The plan's rows (activity columns the plan lacks may still be projected; a warning names them).
    case plan = "plan"
    /// No plan: each rep's average over its last three periods.
    case runRate = "run-rate"
    /// No plan: each rep's value in the same period a year earlier.
    case lastYear = "last-year"
    /// The plan has no row for some of the rep's periods: those were projected from history.
    case projectedOutsidePlan = "projected (not in the plan)"
    /// A rep with no history: the plan's activities, forecast from the pooled effects.
    case newRep = "new rep: plan activities, pooled effects"

    /// The source of activities projected from history with `projection`.
    public init(_ projection: ActivityProjection) {
        switch projection {
        case .runRate: self = .runRate
        case .lastYear: self = .lastYear
        }
    }

    /// The text shown in reports: `plan`, `run-rate`, `last-year`, `projected (not in the plan)` or
    /// `new rep: plan activities, pooled effects`.
    public var description: String { rawValue }
}

/// Builds the rows of future periods: one per active rep and period, activities from a plan or
/// projected from history, other columns carried from the rep's last row.
struct FutureRows {
    let history: Dataset
    let panel: Panel
    let layout: PanelLayout
    /// Numeric columns the model reads (other than the response): the activities to plan or project.
    let activityColumns: [String]
    let response: String?

    struct Built {
        var data: Dataset            // history followed by future rows
        var future: [Bool]           // marks the future rows
        var futureEntities: [String] // per row of `data` (empty for history rows)
        var futurePeriods: [Period]
        var sources: [String: ActivitySource] // entity → where its activities came from
        var warnings: [String]
        /// Per activity column, which future rows hold a projected value (not the plan's): where projection error enters.
        var projected: [String: [Bool]] = [:]
    }

    func build(periods: [Period], plan: Dataset?, planPanel: Panel?, projection: ActivityProjection) throws -> Built {
        guard let last = panel.span?.last else { throw RegressionError.noRows(dropped: 0) }
        // Each rep's rows, latest first, from the panel's index (not a scan of every row per rep and column).
        let rowsByEntity = Dictionary(uniqueKeysWithValues: (0..<Int32(panel.entityCount)).map { ($0, Array(panel.rows(of: $0).reversed())) })
        WorkMeter.record(history.rowCount, in: "future rows")
        // Reps active in the last period of history.
        var lastRow: [Int32: Int] = [:]
        for row in 0..<history.rowCount where panel.entities[row] >= 0 {
            let e = panel.entities[row]
            if panel.periods[row] == last { lastRow[e] = row }
        }
        let active = lastRow.keys.sorted { panel.entityNames[Int($0)] < panel.entityNames[Int($1)] }
        var warnings: [String] = []
        let activeSet = Set(active)
        let departed = (0..<Int32(panel.entityCount)).filter { !panel.rows(of: $0).isEmpty && !activeSet.contains($0) }
        if !departed.isEmpty {
            let names = departed.map { panel.entityNames[Int($0)] }.sorted()
            warnings.append("\(names.count) reps with no row in \(last) are taken to have left and are not forecast: \(names.prefix(5).joined(separator: ", "))\(names.count > 5 ? ", …" : "")")
        }
        // Plan lookup: (entity name, period index) → plan row.
        var planRow: [String: [Int: Int]] = [:]
        if let plan, let planPanel {
            for row in 0..<plan.rowCount where planPanel.entities[row] >= 0 {
                planRow[planPanel.entityNames[Int(planPanel.entities[row])], default: [:]][planPanel.periods[row].index] = row
            }
            let unknown = Set(planRow.keys).subtracting(active.map { panel.entityNames[Int($0)] })
            if !unknown.isEmpty {
                warnings.append("the plan names reps with no history in the last period, not forecast: \(unknown.sorted().prefix(5).joined(separator: ", "))")
            }
            if let moved = try movedReps(plan: plan, planRow: planRow, active: active, lastRow: lastRow, periods: periods) {
                warnings.append(moved)
            }
        }
        let count = active.count * periods.count
        var sources: [String: ActivitySource] = [:]
        var futureEntities: [String] = []
        var futurePeriods: [Period] = []
        var columns: [(name: String, column: Column)] = []
        var missingFromPlan: [String] = []
        var projected: [String: [Bool]] = [:]
        for (name, column) in zip(history.columnNames, history.columns) {
            switch column {
            case .text(var text):
                var index = Dictionary(uniqueKeysWithValues: text.levels.enumerated().map { ($1, Int32($0)) })
                for e in active {
                    for period in periods {
                        let value: String?
                        if name == layout.period { value = period.description }
                        else { value = text[lastRow[e] ?? 0] }
                        if let value {
                            if let code = index[value] { text.codes.append(code) } else {
                                index[value] = Int32(text.levels.count)
                                text.codes.append(Int32(text.levels.count))
                                text.levels.append(value)
                            }
                        } else { text.codes.append(-1) }
                    }
                }
                columns.append((name, .text(text)))
            case .numeric(var values):
                let isActivity = activityColumns.contains(name)
                let planValues = try plan.flatMap { p in p.hasColumn(name) && isActivity ? try p.numbers(name) : nil }
                var projectedRows: [Bool] = []
                for e in active {
                    let entityName = panel.entityNames[Int(e)]
                    let rows = rowsByEntity[e] ?? []
                    for period in periods {
                        var value = Double.nan
                        var isProjected = false
                        if name == response {
                            value = .nan
                        } else if name == layout.period {
                            value = Double(period.index)
                        } else if isActivity {
                            let planned = planRow[entityName]?[period.index]
                            if let planValues, let planned {
                                value = planValues[planned]
                                sources[entityName] = sources[entityName] ?? .plan
                            } else {
                                value = project(values, rows: rows, period: period, projection: projection)
                                isProjected = true
                                if plan == nil {
                                    sources[entityName] = ActivitySource(projection)
                                } else if planned == nil {
                                    // No row for this rep and period: projected, and said so.
                                    missingFromPlan.append("\(entityName) \(period)")
                                    sources[entityName] = .projectedOutsidePlan
                                } else {
                                    // The row is there, the column is not (projected as asked; the frame's warning names it):
                                    // the rep's activities still come from the plan.
                                    sources[entityName] = sources[entityName] ?? .plan
                                }
                            }
                        } else {
                            value = carry(values, rows: rows, steps: period.index - last.index)
                        }
                        values.append(value)
                        projectedRows.append(isProjected)
                    }
                }
                if isActivity { projected[name] = projectedRows }
                columns.append((name, .numeric(values)))
            }
        }
        if !missingFromPlan.isEmpty {
            warnings.append("the plan has no row for \(Set(missingFromPlan).count) rep-periods (e.g. \(missingFromPlan.first ?? "")); their activities were projected from history")
        }
        for e in active { for period in periods { futureEntities.append(panel.entityNames[Int(e)]); futurePeriods.append(period) } }
        var rowLines = (0..<history.rowCount).map { Int32(clamping: history.source.line(ofRow: $0)) }
        rowLines += [Int32](repeating: 0, count: count)
        let data = try Dataset(columns, source: DataSource(name: history.source.name, rowLines: rowLines))
        let future = [Bool](repeating: false, count: history.rowCount) + [Bool](repeating: true, count: count)
        return Built(data: data, future: future, futureEntities: futureEntities, futurePeriods: futurePeriods,
                     sources: sources, warnings: warnings, projected: projected)
    }

    /// A rep to append to data that does not have it: its name, team, and its activity in each column by
    /// month of tenure (0 for the first future period).
    struct NewRep {
        var name: String
        var team: String?
        var activity: (String, Int) -> Double
    }

    /// `data` with rows for reps it does not have: for each, `lead` periods of zero activity before the first
    /// future period (a new hire did nothing before starting, which is what lags and carryover should see),
    /// then one row per future period with `activity(column, tenure)` for each activity column. Other numeric
    /// columns are missing; the period, rep and team columns are filled. All reps are appended in one pass, so
    /// each column is copied once however many reps are added.
    /// - Returns: The extended data, the number of lead rows, and the periods added for each rep.
    static func appendingReps(to data: Dataset, _ reps: [NewRep], layout: PanelLayout, activityColumns: [String],
                              futurePeriods: [Period]) throws -> (Dataset, Int, [Period])
    {
        guard let firstFuture = futurePeriods.min() else { return (data, 0, []) }
        let lead = 12
        let periods = (0..<lead).map { firstFuture.advanced(by: $0 - lead) } + Array(Set(futurePeriods)).sorted()
        guard !reps.isEmpty else { return (data, lead, periods) }
        var columns: [(name: String, column: Column)] = []
        for (columnName, column) in zip(data.columnNames, data.columns) {
            switch column {
            case .text(var text):
                var index = Dictionary(uniqueKeysWithValues: text.levels.enumerated().map { ($1, Int32($0)) })
                for rep in reps {
                    for period in periods {
                        let value: String? = columnName == layout.period ? period.description
                            : columnName == layout.entity ? rep.name : columnName == layout.group ? rep.team : nil
                        if let value {
                            if index[value] == nil { index[value] = Int32(text.levels.count); text.levels.append(value) }
                            text.codes.append(index[value] ?? -1)
                        } else { text.codes.append(-1) }
                    }
                }
                columns.append((columnName, .text(text)))
            case .numeric(var values):
                let isActivity = activityColumns.contains(columnName)
                for rep in reps {
                    for k in periods.indices {
                        values.append(isActivity ? (k < lead ? 0 : rep.activity(columnName, k - lead)) : .nan)
                    }
                }
                columns.append((columnName, .numeric(values)))
            }
        }
        var lines = (0..<data.rowCount).map { Int32(clamping: data.source.line(ofRow: $0)) }
        lines += [Int32](repeating: 0, count: periods.count * reps.count)
        return (try Dataset(columns, source: DataSource(name: data.source.name, rowLines: lines)), lead, periods)
    }

    /// A warning naming the active reps whose plan rows (in `periods`) give another team than their last
    /// row of history, whose team is the one used; `nil` when the plan agrees or has no team column.
    private func movedReps(plan: Dataset, planRow: [String: [Int: Int]], active: [Int32], lastRow: [Int32: Int],
                           periods: [Period]) throws -> String?
    {
        guard let group = layout.group, plan.hasColumn(group), history.hasColumn(group) else { return nil }
        func cells(_ column: Column) -> (Int) -> String? {
            switch column {
            case .text(let text): { text[$0] }
            case .numeric(let values): { values[$0].isNaN ? nil : Column.label(values[$0]) }
            }
        }
        let planTeam = cells(try plan.column(group)), historyTeam = cells(try history.column(group))
        let indices = Set(periods.map(\.index))
        var moved: [(rep: String, plan: [String], history: String)] = []
        for e in active {
            let name = panel.entityNames[Int(e)]
            guard let rows = planRow[name], let last = lastRow[e], let team = historyTeam(last) else { continue }
            let planned = Set(rows.filter { indices.contains($0.key) }.values.compactMap(planTeam)).subtracting([team]).sorted()
            if !planned.isEmpty { moved.append((name, planned, team)) }
        }
        guard let first = moved.first else { return nil }
        if moved.count == 1 {
            return "the plan puts \(first.rep) in \(first.plan.joined(separator: " and ")); the history has \(first.history): the history's team is used"
        }
        let named = moved.prefix(5).map { "\($0.rep) in \($0.plan.joined(separator: " and ")) (history: \($0.history))" }
        return "the plan puts \(moved.count) reps in other teams than the history: \(named.joined(separator: ", "))\(moved.count > 5 ? ", …" : ""); the history's teams are used"
    }

    private func project(_ values: [Double], rows: [Int], period: Period, projection: ActivityProjection) -> Double {
        let target = period.yearEarlier.index
        let earlier = projection == .lastYear ? rows.first(where: { panel.periods[$0].index == target }) : nil
        return ProjectionErrorModel.projectedValue(values, recent: Array(rows.prefix(3)), yearEarlier: earlier, projection: projection)
    }

    /// A column carried forward: a counter that rose by one each period (such as tenure) keeps rising;
    /// anything else keeps its last value.
    private func carry(_ values: [Double], rows: [Int], steps: Int) -> Double {
        guard let latest = rows.first else { return .nan }
        let recent = rows.prefix(3).map { values[$0] }
        let periods = rows.prefix(3).map { panel.periods[$0].index }
        if recent.count == 3, zip(recent, recent.dropFirst()).allSatisfy({ $0 - $1 == 1 }),
           zip(periods, periods.dropFirst()).allSatisfy({ $0 - $1 == 1 }) {
            return values[latest] + Double(steps)
        }
        return values[latest]
    }
}
