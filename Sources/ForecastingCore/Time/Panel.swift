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

/// A dataset's rows placed in time: each row's period and entity, and an index from
/// (entity, period) to row so `lag(x, k)` looks back k periods within the same rep.
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
    let rowByKey: [Key: Int]

    struct Key: Hashable { var entity: Int32; var period: Int }

    /// Builds the panel of `data`.
    ///
    /// Dates that all fall on the first of a month are read as months, and dates 7 days apart within
    /// every entity as ISO weeks.
    /// - Throws: ``TimeError`` for an unreadable period, mixed kinds of period, or two rows for one
    ///   entity and period; ``DataError`` for a missing column.
    public init(data: Dataset, layout: PanelLayout) throws {
        let source = data.source
        let periodColumn = try data.column(layout.period)
        var texts: [String?]
        switch periodColumn {
        case .text(let column): texts = (0..<data.rowCount).map { column[$0] }
        case .numeric(let values):
            // Years alone (2024) are periods; other numbers are refused below with the cell shown.
            texts = values.map { $0.isNaN ? nil : Column.label($0) }
        }
        var periods: [Period] = []
        periods.reserveCapacity(data.rowCount)
        var frequency: PeriodFrequency?
        for (row, text) in texts.enumerated() {
            guard let text, let period = Period(text) else {
                throw TimeError.unreadablePeriod(source: source.name, line: source.line(ofRow: row), column: layout.period,
                                                 value: texts[row] ?? "")
            }
            if let frequency, frequency != period.frequency {
                throw TimeError.mixedFrequencies(source: source.name, line: source.line(ofRow: row), column: layout.period,
                                                 found: period.frequency.rawValue, expected: frequency.rawValue)
            }
            frequency = period.frequency
            periods.append(period)
        }
        var entities = [Int32](repeating: 0, count: data.rowCount)
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
        var index: [Key: Int] = [:]
        index.reserveCapacity(data.rowCount)
        for row in 0..<data.rowCount where entities[row] >= 0 {
            let key = Key(entity: entities[row], period: periods[row].index)
            if let earlier = index[key] {
                throw TimeError.duplicateRow(source: source.name, entity: names[Int(entities[row])],
                                             period: periods[row].description,
                                             firstLine: source.line(ofRow: earlier), secondLine: source.line(ofRow: row))
            }
            index[key] = row
        }
        var spans: [Int32: (Int, Int, Int)] = [:]  // first, last, count
        for row in 0..<data.rowCount where entities[row] >= 0 {
            let p = periods[row].index
            let span = spans[entities[row]] ?? (p, p, 0)
            spans[entities[row]] = (min(span.0, p), max(span.1, p), span.2 + 1)
        }
        var gaps: [PanelGap] = []
        let f = frequency ?? .month
        for code in spans.keys.sorted() {
            guard let span = spans[code], span.1 - span.0 + 1 > span.2 else { continue }
            let missing = (span.0...span.1).filter { index[Key(entity: code, period: $0)] == nil }.map { Period(frequency: f, index: $0) }
            gaps.append(PanelGap(entity: names[Int(code)], missing: missing))
        }
        self.layout = layout
        self.frequency = f
        self.periods = periods
        self.entities = entities
        self.entityNames = names
        self.gaps = gaps
        self.rowByKey = index
    }

    /// The row of `entity` at period number `period`, if there is one.
    func row(entity: Int32, period: Int) -> Int? { rowByKey[Key(entity: entity, period: period)] }

    /// The first and last period.
    public var span: PeriodSpan? {
        guard let first = periods.min(), let last = periods.max() else { return nil }
        return PeriodSpan(first: first, last: last)
    }

    /// A one-line account of the gaps, or `nil` when there are none.
    public var gapSummary: String? {
        guard !gaps.isEmpty else { return nil }
        let total = gaps.reduce(0) { $0 + $1.missing.count }
        let examples = gaps.prefix(3).map { "\($0.entity): \($0.missing.prefix(3).map(\.description).joined(separator: ", "))" }
        return "\(total) missing periods inside \(gaps.count) series (\(examples.joined(separator: "; "))\(gaps.count > 3 ? "; …" : ""))"
    }
}
