/// Which columns make a dataset a panel: one row per entity (rep) and period, optionally grouped (team).
public struct PanelLayout: Sendable, Codable, Equatable {
    /// The period column (dates, ISO weeks, months or quarters).
    public var period: String
    /// The entity column, such as `rep`; `nil` for a single series.
    public var entity: String?
    /// A grouping of entities, such as `team`, used for roll-ups.
    public var group: String?

    /// Creates a panel layout.
    public init(period: String, entity: String? = nil, group: String? = nil) {
        self.period = period
        self.entity = entity
        self.group = group
    }
}

/// The first and last period of a panel.
public struct PeriodSpan: Sendable, Equatable, Hashable {
    /// The earliest period.
    public var first: Period
    /// The latest period.
    public var last: Period

    /// A span from its first and last period.
    public init(first: Period, last: Period) {
        self.first = first
        self.last = last
    }
}

/// The periods missing inside one entity's span (between its first and last period).
public struct PanelGap: Sendable, Equatable {
    /// The entity (rep), or `all` for a single series.
    public var entity: String
    /// The periods with no row for it, in order.
    public var missing: [Period]

    /// A gap from the entity's name and its missing periods.
    public init(entity: String, missing: [Period]) {
        self.entity = entity
        self.missing = missing
    }
}

/// A dataset's rows placed in time: each row's period and entity, and an index from entity to its
/// rows in period order, so `lag(x, k)` looks back k periods within the same rep and every per-rep
/// pass visits each row once.
public struct Panel: Sendable {
    /// The column names.
    public let layout: PanelLayout
    /// The detected frequency.
    public let frequency: PeriodFrequency
    /// Each row's period.
    public let periods: [Period]
    /// Each row's entity code into ``entityNames`` (0 when there is no entity column; -1 when missing).
    public let entities: [Int32]
    /// Entity names, in order of first appearance.
    public let entityNames: [String]
    /// Periods missing inside each entity's span (first to last period), for reporting.
    public let gaps: [PanelGap]
    /// The first and last period, or `nil` for no rows.
    public let span: PeriodSpan?
    /// Rows grouped by entity code, each entity's rows in period order (ties cannot occur: a second
    /// row for an entity and period is refused). Entity `e`'s rows are
    /// `entityRows[entityStart[e]..<entityStart[e + 1]]`; rows without an entity are left out.
    let entityRows: [Int]
    /// The period index of each position of ``entityRows``, for lookups without touching `periods`.
    let entityRowPeriods: [Int]
    /// Where each entity's rows start in ``entityRows``; one more entry than ``entityNames``.
    let entityStart: [Int]
    /// Each row's predecessor in time within its entity (the entity's row before it in ``entityRows``),
    /// or -1: a pass over the rows in file order walks back through time along these links, reading
    /// memory near the rows it is at rather than in the index, which is laid out by entity.
    let previousRow: [Int]

    /// Builds the panel of `data`.
    ///
    /// Dates that all fall on the first of a month are read as months, and dates 7 days apart within
    /// every entity as ISO weeks.
    /// - Throws: ``TimeError`` for an unreadable period, mixed kinds of period, or two rows for one
    ///   entity and period; ``DataError`` for a missing column.
    public init(data: Dataset, layout: PanelLayout) throws {
        let source = data.source
        let rowCount = data.rowCount
        var periods = try Self.readPeriods(data: data, layout: layout)
        var frequency = periods.first?.frequency
        var entities = [Int32](repeating: 0, count: rowCount)
        var names = ["all"]
        if let entity = layout.entity {
            switch try data.column(entity) {
            case .text(let column):
                entities = column.codes
                names = column.levels
            case .numeric(let values):
                let text = TextColumn(values.map { $0.isNaN ? nil : Column.label($0) })
                entities = text.codes
                names = text.levels
            }
        }
        // Dates on the first of the month are months; dates a whole number of weeks apart are weeks.
        if frequency == .day, !periods.isEmpty {
            if periods.allSatisfy({ Period.civil(fromDays: $0.index).2 == 1 }) {
                periods = periods.map { p in
                    let (y, m, _) = Period.civil(fromDays: p.index)
                    return Period(frequency: .month, index: y * 12 + m - 1)
                }
                frequency = .month
            } else if Set(periods.map { Period.weekdayIndex($0.index) }).count == 1 {
                periods = periods.map { Period(frequency: .week, index: Period.floorDivide($0.index - Period.epochMonday, 7)) }
                frequency = .week
            }
        }
        let f = frequency ?? .month

        // The index: a counting sort of the rows by entity (stable, so rows keep their file order
        // within an entity), then each entity's rows put in period order where the file had them otherwise.
        var start = [Int](repeating: 0, count: names.count + 1)
        for row in 0..<rowCount where entities[row] >= 0 { start[Int(entities[row]) + 1] += 1 }
        for e in 0..<names.count { start[e + 1] += start[e] }
        var next = start
        var rows = [Int](repeating: 0, count: start[names.count])
        var rowPeriods = [Int](repeating: 0, count: rows.count)
        for row in 0..<rowCount where entities[row] >= 0 {
            let e = Int(entities[row])
            rows[next[e]] = row
            rowPeriods[next[e]] = periods[row].index
            next[e] += 1
        }
        var duplicate: (first: Int, second: Int)?
        var gaps: [PanelGap] = []
        for e in 0..<names.count where start[e] < start[e + 1] {
            let range = start[e]..<start[e + 1]
            if !zip(rowPeriods[range], rowPeriods[range].dropFirst()).allSatisfy({ $0 <= $1 }) {
                // Stable: of two rows for one period, the earlier in the file comes first.
                let sorted = range.sorted { (rowPeriods[$0], rows[$0]) < (rowPeriods[$1], rows[$1]) }
                let sortedRows = sorted.map { rows[$0] }, sortedPeriods = sorted.map { rowPeriods[$0] }
                rows.replaceSubrange(range, with: sortedRows)
                rowPeriods.replaceSubrange(range, with: sortedPeriods)
            }
            var missing: [Period] = []
            for k in range.dropFirst() {
                let step = rowPeriods[k] - rowPeriods[k - 1]
                if step == 0 {
                    // The file's first duplicate: the pair whose second row comes earliest.
                    let pair = (first: min(rows[k - 1], rows[k]), second: max(rows[k - 1], rows[k]))
                    if duplicate.map({ pair.second < $0.second }) ?? true { duplicate = pair }
                } else if step > 1 {
                    missing += (rowPeriods[k - 1] + 1..<rowPeriods[k]).map { Period(frequency: f, index: $0) }
                }
            }
            if !missing.isEmpty { gaps.append(PanelGap(entity: names[e], missing: missing)) }
        }
        var previous = [Int](repeating: -1, count: rowCount)
        for e in 0..<names.count where start[e] < start[e + 1] {
            for k in start[e] + 1..<start[e + 1] { previous[rows[k]] = rows[k - 1] }
        }
        WorkMeter.record(rowCount + rows.count, in: "panel index")
        if let duplicate {
            let row = duplicate.second
            throw TimeError.duplicateRow(source: source.name, entity: names[Int(entities[row])],
                                         period: periods[row].description,
                                         firstLine: source.line(ofRow: duplicate.first), secondLine: source.line(ofRow: row))
        }
        self.layout = layout
        self.frequency = f
        self.periods = periods
        self.entities = entities
        self.entityNames = names
        self.gaps = gaps
        self.entityRows = rows
        self.entityRowPeriods = rowPeriods
        self.entityStart = start
        self.previousRow = previous
        if let first = periods.min(), let last = periods.max() {
            self.span = PeriodSpan(first: first, last: last)
        } else {
            self.span = nil
        }
    }

    /// Each row's period. A text column is parsed once per distinct value, not once per row; the
    /// first row (in file order) with an unreadable period or a different kind of period is named.
    private static func readPeriods(data: Dataset, layout: PanelLayout) throws -> [Period] {
        let source = data.source
        let rowCount = data.rowCount
        let codes: [Int32]
        let labels: [String]
        switch try data.column(layout.period) {
        case .text(let column):
            codes = column.codes
            labels = column.levels
        case .numeric(let values):
            // Years alone (2024) are periods; other numbers are refused below with the cell shown.
            let text = TextColumn(values.map { $0.isNaN ? nil : Column.label($0) })
            codes = text.codes
            labels = text.levels
        }
        let parsed = labels.map { Period($0) }
        var periods: [Period] = []
        periods.reserveCapacity(rowCount)
        var frequency: PeriodFrequency?
        for row in 0..<rowCount {
            let code = Int(codes[row])
            guard code >= 0, let period = parsed[code] else {
                throw TimeError.unreadablePeriod(source: source.name, line: source.line(ofRow: row), column: layout.period,
                                                 value: code >= 0 ? labels[code] : "")
            }
            if let frequency, frequency != period.frequency {
                throw TimeError.mixedFrequencies(source: source.name, line: source.line(ofRow: row), column: layout.period,
                                                 found: period.frequency.rawValue, expected: frequency.rawValue)
            }
            frequency = period.frequency
            periods.append(period)
        }
        return periods
    }

    /// The number of entity codes (the entity names).
    package var entityCount: Int { entityNames.count }

    /// The rows of entity `entity` (a code into ``entityNames``), in period order. Counted in the
    /// `WorkMeter` (rows handed out), so a caller that asks per row rather than per rep shows.
    package func rows(of entity: Int32) -> ArraySlice<Int> {
        guard entity >= 0, Int(entity) < entityNames.count else { return [] }
        let rows = entityRows[entityStart[Int(entity)]..<entityStart[Int(entity) + 1]]
        WorkMeter.record(rows.count + 1, in: "panel rows")
        return rows
    }

    /// The row of `entity` at period number `period`, if there is one: the entity's rows are in period
    /// order, so where they run without gaps the row is found at once, else by bisection.
    func row(entity: Int32, period: Int) -> Int? {
        guard entity >= 0, Int(entity) < entityNames.count else { return nil }
        let low = entityStart[Int(entity)], high = entityStart[Int(entity) + 1]
        guard low < high else { return nil }
        let guess = low + (period - entityRowPeriods[low])
        if guess >= low, guess < high, entityRowPeriods[guess] == period { return entityRows[guess] }
        var lower = low, upper = high
        while lower < upper {
            let middle = (lower + upper) / 2
            if entityRowPeriods[middle] < period { lower = middle + 1 } else { upper = middle }
        }
        return lower < high && entityRowPeriods[lower] == period ? entityRows[lower] : nil
    }

    /// The row of the same entity `k` periods before `row`, if there is one. It walks back along
    /// ``previousRow`` at most k steps (an entity's periods rise strictly): in a pass over the rows in
    /// file order, sorted by period or by rep, those reads move through memory with the pass, which
    /// keeps a history of 100,000 reps as cheap per row as one of 10,000.
    func row(_ row: Int, lag k: Int) -> Int? {
        guard entities[row] >= 0 else { return nil }
        guard k >= 1 else { return k == 0 ? row : self.row(entity: entities[row], period: periods[row].index - k) }
        let target = periods[row].index - k
        var current = row
        while case let earlier = previousRow[current], earlier >= 0 {
            let period = periods[earlier].index
            if period == target { return earlier }
            if period < target { return nil }
            current = earlier
        }
        return nil
    }

    /// A one-line account of the gaps, or `nil` when there are none.
    public var gapSummary: String? {
        guard !gaps.isEmpty else { return nil }
        let total = gaps.reduce(0) { $0 + $1.missing.count }
        let examples = gaps.prefix(3).map { "\($0.entity): \($0.missing.prefix(3).map(\.description).joined(separator: ", "))" }
        return "\(total) missing periods inside \(gaps.count) series (\(examples.joined(separator: "; "))\(gaps.count > 3 ? "; …" : ""))"
    }
}
