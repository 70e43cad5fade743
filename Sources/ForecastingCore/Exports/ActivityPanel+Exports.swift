import Foundation

extension ActivityPanel {
    /// Builds the panel from CRM exports, reading the activity and deal files a block at a time
    /// (bounded memory however long they are).
    ///
    /// - Parameters:
    ///   - activities: The activity export: one row per activity (date, rep, type by default).
    ///   - deals: The deal export: one row per deal (close date, rep, amount, stage by default).
    ///   - roster: An optional roster (`rep, team, start_date[, end_date]`): teams, employment and tenure.
    ///   - options: Columns, period, won stages, time zone and type names.
    /// - Returns: The panel, with a note of what was counted and left out.
    /// - Throws: ``ExportError`` (located: file, line, column) for an empty export, a missing column,
    ///   an unreadable date, an amount that is not a number of cents, a rep not in the roster; ``CSVError``
    ///   for a malformed file.
    public init(activities: String, deals: String, roster: String? = nil, options: ExportPanelOptions = .init()) throws {
        let roster = try roster.map { try Roster(path: $0, reading: options.reading) }
        var aggregator = ExportAggregator(options: options, roster: roster, activityPath: activities, dealPath: deals)
        try aggregator.internRosterReps()
        try Self.readActivities(activities, options: options, hasRoster: roster != nil, into: &aggregator)
        try Self.read(deals, options: options, required: [options.dealColumns.closeDate, options.dealColumns.rep,
                                                         options.dealColumns.amount, options.dealColumns.stage]) {
            (block: Dataset) throws(ExportError) in try aggregator.addDeals(block)
        }
        aggregator.finishNote()
        try self.init(aggregated: aggregator)
    }

    /// Reads a file a block at a time (the next block parsed on another thread while this one is folded).
    private static func read(_ path: String, options: ExportPanelOptions, required: [String],
                             _ body: (Dataset) throws(ExportError) -> Void) throws {
        let reader: CSVChunkReader
        do { reader = try CSVChunkReader(path: path, options: options.reading, blockBytes: options.blockBytes) }
        catch CSVError.empty { throw ExportError.emptyExport(path: path) }
        for name in required where !reader.columnNames.contains(name) {
            throw ExportError.missingColumn(path: path, column: name, available: reader.columnNames)
        }
        let prefetcher = CSVBlockPrefetcher(reader)
        defer { prefetcher.finish() }
        var rows = 0
        while let (block, _) = try prefetcher.next() {
            rows += block.rowCount
            try body(block)
        }
        guard rows > 0 else { throw ExportError.emptyExport(path: path) }
    }

    /// Reads the activity export: blocks with no quotes and only ASCII straight from their bytes
    /// (``ActivityBlockScanner``), any other block through ``CSVReader``, in file order.
    private static func readActivities(_ path: String, options: ExportPanelOptions, hasRoster: Bool,
                                       into aggregator: inout ExportAggregator) throws {
        let names = options.activityColumns
        let reader = try openActivities(path, options: options)
        for name in [names.date, names.rep, names.type] + [names.id].compactMap({ $0 }) where !reader.columnNames.contains(name) {
            throw ExportError.missingColumn(path: path, column: name, available: reader.columnNames)
        }
        // Ids and (without a roster) teams are checked per row by the general aggregation only.
        let checksTeams = !hasRoster && reader.columnNames.contains(names.team ?? "team")
        var scanner: ActivityBlockScanner? = nil
        if names.id == nil && !checksTeams {
            scanner = ActivityBlockScanner(columnNames: reader.columnNames, date: names.date, rep: names.rep, type: names.type, options: options)
        }
        let pipeline = ActivityBlockPipeline(reader, scanner: scanner, options: options.reading)
        defer { pipeline.finish() }
        var codes = ScannedCodeMap()
        var rows = 0
        while let block = try pipeline.next() {
            rows += try Self.fold(block, into: &aggregator, codes: &codes, path: path)
        }
        guard rows > 0 else { throw ExportError.emptyExport(path: path) }
    }

    private static func openActivities(_ path: String, options: ExportPanelOptions) throws -> CSVRawBlockReader {
        do {
            return try CSVRawBlockReader(path: path, options: options.reading, blockBytes: options.blockBytes)
        } catch {
            if case .empty = error { throw ExportError.emptyExport(path: path) }
            throw error
        }
    }

    /// Folds one block of activities; returns its rows.
    private static func fold(_ block: ActivityBlock, into aggregator: inout ExportAggregator, codes: inout ScannedCodeMap,
                             path: String) throws(ExportError) -> Int {
        switch block {
        case .scanned(let scanned):
            try aggregator.addActivities(scanned, codes: &codes, path: path)
            return scanned.rowCount
        case .parsed(let data):
            try aggregator.addActivities(data)
            return data.rowCount
        }
    }

    /// Lays the aggregated counts out as rows: every period of each rep's employment, zeros where nothing happened.
    private init(aggregated a: ExportAggregator) throws {
        let frequency = a.options.frequency
        let roster = a.roster
        var note = a.note
        let columnCount = a.columns.count
        // Each rep's periods, and (with a roster) the team and the start day per period.
        struct RepPeriods { var first: Int; var last: Int }
        var rows: [Row] = []
        var rowIndex: [Int: [Int: Int]] = [:]  // rep → period → row
        // The exports cover the periods from their first to their last record: a roster's employment
        // before or after that is not known to be idle, so it gets no rows.
        let lastPeriod = a.lastDay == Int.min ? nil : frequency.periodIndex(ofDay: a.lastDay)
        let firstPeriod = a.firstDay == Int.max ? nil : frequency.periodIndex(ofDay: a.firstDay)
        var repsWithoutRecords: [String] = []
        let tenureFromRoster = roster?.hasStartDates ?? false
        for (r, rep) in a.repNames.enumerated() {
            let hasRecords = a.repFirstDay[r] != Int.max
            if !hasRecords { repsWithoutRecords.append(rep) }
            var periods: [(index: Int, team: String?, start: Int?)] = []
            if let roster, roster.hasStartDates, let spells = roster.spellsByRep[rep], let firstPeriod, let lastPeriod {
                let start = spells.compactMap(\.startDay).min()
                var seen = Set<Int>()
                // Later spells win a period they share with an earlier one (a move mid-month).
                for spell in spells.reversed() {
                    guard let startDay = spell.startDay else { continue }
                    let first = max(firstPeriod, frequency.periodIndex(ofDay: startDay))
                    let last = min(lastPeriod, spell.endDay.map { frequency.periodIndex(ofDay: $0) } ?? lastPeriod)
                    guard first <= last else { continue }
                    for p in first...last where seen.insert(p).inserted { periods.append((p, spell.team, start)) }
                }
                periods.sort { $0.index < $1.index }
            } else if hasRecords {
                let first = frequency.periodIndex(ofDay: a.repFirstDay[r]), last = frequency.periodIndex(ofDay: a.repLastDay[r])
                let team: String? = roster?.spellsByRep[rep]?.last?.team ?? (a.repTeam[r] >= 0 ? a.teamNames[Int(a.repTeam[r])] : nil)
                periods = (first...last).map { ($0, team, nil) }
            }
            for (p, team, start) in periods {
                let period = Period(frequency: frequency, index: p)
                let tenure = start.map { Period.monthIndex(ofDay: period.lastDay) - Period.monthIndex(ofDay: $0) + 1 }
                rowIndex[r, default: [:]][p] = rows.count
                rows.append(Row(period: period, rep: rep, team: team, counts: Array(repeating: 0, count: columnCount),
                                dealsWon: 0, revenue: .zero, tenureMonths: tenureFromRoster ? tenure : nil))
            }
        }
        var filled = [Bool](repeating: false, count: rows.count)
        let table = a.table
        for slot in 0..<table.slotCount {
            // Every counted record lies inside its rep's periods (employment was checked per row).
            guard let index = rowIndex[Int(table.slotRep[slot])]?[table.slotPeriod[slot]] else { continue }
            for column in 0..<columnCount { rows[index].counts[column] = table.count(slot: slot, column: column) }
            rows[index].dealsWon = table.dealsWon[slot]
            rows[index].revenue = table.revenue[slot]
            filled[index] = true
        }
        rows.sort { ($0.period.index, $0.rep) < ($1.period.index, $1.rep) }
        // Mapped columns first in the map's order, then the rule-named ones alphabetically.
        let mappedCount = Set(a.options.typeMap.entries.map(\.column)).count
        let order = Array(0..<mappedCount) + (mappedCount..<columnCount).sorted { a.columns[$0] < a.columns[$1] }
        if order != Array(0..<columnCount) {
            for i in rows.indices { rows[i].counts = order.map { rows[i].counts[$0] } }
        }
        note.rowsWritten = rows.count
        note.zeroRows = filled.filter { !$0 }.count
        note.reps = Set(rows.map(\.rep)).count
        if let first = rows.first, let last = rows.last { note.periodRange = "\(first.period) to \(last.period)" }
        note.rosterRepsWithoutRecords = roster == nil ? [] : repsWithoutRecords.sorted()
        let hasTeam: Bool
        if roster != nil {
            note.teamSource = .roster
            hasTeam = true
        } else if !a.teamNames.isEmpty {
            note.teamSource = .exports(column: a.options.activityColumns.team ?? a.options.dealColumns.team ?? "team")
            hasTeam = true
        } else {
            note.teamSource = .none
            hasTeam = false
        }
        self.frequency = frequency
        self.activityColumns = order.map { a.columns[$0] }
        self.rows = rows
        self.hasTeam = hasTeam
        self.hasTenure = tenureFromRoster
        self.note = note
    }
}
