import Foundation

/// Folds blocks of activity and deal rows into counts keyed by (rep, period, column), with reps,
/// types and teams interned, so memory grows with the panel and not with the exports.
struct ExportAggregator {
    let options: ExportPanelOptions
    let roster: Roster?
    private let wonStages: WonStages
    var dates: ExportDateReader

    // Interned reps: index → name, and per rep its roster spells (as day ranges) and the days of its records.
    private(set) var repNames: [String] = []
    private var repIndex: [String: Int32] = [:]
    private(set) var repSpells: [[ClosedRange<Int>]] = []
    private(set) var repFirstDay: [Int] = []
    private(set) var repLastDay: [Int] = []
    /// Without a roster: each rep's team (an index into `teamNames`, -1 unknown) and the row that set it.
    private(set) var repTeam: [Int32] = []
    private(set) var teamNames: [String] = []
    private var teamIndex: [String: Int32] = [:]

    // Count columns and the types counted in them.
    private(set) var columns: [String] = []
    private var columnIndex: [String: Int] = [:]
    private var rawTypeIndex: [String: Int] = [:]
    private(set) var rawTypes: [(type: String, column: Int, mapped: Bool)] = []
    var rawTypeCounts: [Int] = []

    /// Activity counts, won deals and revenue per (rep, period).
    var table = ExportCountTable()
    private var stageCounts: [String: Int] = [:]
    private var stageOrder: [String] = []
    private var idKeys: Set<IDKey> = []

    var note: ActivityPanelNote
    var skipped: [String: ActivityPanelNote.SkippedRep] = [:]
    /// The first and last day of any record counted: the span the exports cover.
    private(set) var firstDay = Int.max
    private(set) var lastDay = Int.min

    /// A 128-bit hash of an id (two independent 64-bit FNV-1a hashes), so ids are compared without
    /// keeping their text: two different ids share a key with a probability of about n²/2¹²⁹.
    private struct IDKey: Hashable {
        var a: UInt64
        var b: UInt64
    }

    init(options: ExportPanelOptions, roster: Roster?, activityPath: String, dealPath: String) {
        self.options = options
        self.roster = roster
        self.wonStages = WonStages(options.wonStages)
        self.dates = ExportDateReader(timeZone: options.timeZone)
        self.note = ActivityPanelNote(activityPath: activityPath, dealPath: dealPath, rosterPath: roster?.path)
        note.hasTypeMap = !options.typeMap.entries.isEmpty
        note.wonRule = wonStages.summary
        note.timeZoneName = options.timeZone?.identifier ?? "UTC"
        if options.activityColumns.id != nil { note.duplicateActivityIDs = 0 }
        for entry in options.typeMap.entries where columnIndex[entry.column] == nil {
            columnIndex[entry.column] = columns.count
            columns.append(entry.column)
        }
        table.reserveColumns(columns.count)
    }

    // MARK: Interning

    /// The rep's index, or -1 when the rep is not in the roster and such reps are skipped.
    mutating func intern(rep: String, path: String, line: @autoclosure () -> Int, column: String) throws(ExportError) -> Int32 {
        if let index = repIndex[rep] { return index }
        var spells: [ClosedRange<Int>] = []
        if let roster {
            guard let list = roster.spellsByRep[rep] else {
                if options.skipRepsNotInRoster { return -1 }
                throw .repNotInRoster(path: path, line: line(), column: column, rep: rep, roster: roster.path)
            }
            spells = list.map { ($0.startDay ?? Int.min)...($0.endDay ?? Int.max) }
        }
        guard repNames.count < Int(Int32.max) else { throw .tooLarge(path: path, line: line(), reason: "more than \(Int32.max) reps") }
        let index = Int32(repNames.count)
        repIndex[rep] = index
        repNames.append(rep)
        repSpells.append(spells)
        repFirstDay.append(.max)
        repLastDay.append(.min)
        repTeam.append(-1)
        table.addRep()
        return index
    }

    /// Registers every roster rep, so reps with no record still get their rows of zeros.
    mutating func internRosterReps() throws(ExportError) {
        guard let roster else { return }
        for rep in roster.reps { _ = try intern(rep: rep, path: roster.path, line: 0, column: "rep") }
    }

    mutating func intern(type: String, path: String, line: @autoclosure () -> Int) throws(ExportError) -> Int {
        if let index = rawTypeIndex[type] { return index }
        let mapped = options.typeMap.mappedColumn(for: type)
        let column = mapped ?? ActivityTypeMap.columnName(for: type)
        if ActivityPanel.reservedColumnNames.contains(column) { throw .columnNameTaken(name: column, type: type) }
        if columnIndex[column] == nil {
            guard columns.count < 100_000 else { throw .tooLarge(path: path, line: line(), reason: "more than 100,000 activity columns") }
            columnIndex[column] = columns.count
            columns.append(column)
            table.reserveColumns(columns.count)
        }
        let index = rawTypes.count
        rawTypeIndex[type] = index
        rawTypes.append((type, columnIndex[column] ?? 0, mapped != nil))
        rawTypeCounts.append(0)
        return index
    }

    private mutating func intern(team: String) -> Int32 {
        if let index = teamIndex[team] { return index }
        let index = Int32(teamNames.count)
        teamIndex[team] = index
        teamNames.append(team)
        return index
    }

    // MARK: Per block

    /// The day of each distinct date of a block (an error points at the first row with an unreadable one).
    private mutating func days(of column: ExportBlockColumn, in block: Dataset, name: String) throws(ExportError) -> [Int] {
        var days = [Int](repeating: 0, count: column.levels.count)
        // Instants are tallied per row, as the byte-level path tallies them.
        var rows = [Int](repeating: 0, count: column.levels.count)
        for code in column.codes where code >= 0 { rows[Int(code)] += 1 }
        for (code, text) in column.levels.enumerated() {
            guard let day = dates.day(of: text, rows: rows[code]) else {
                throw .unreadableDate(path: block.source.name, line: block.source.line(ofRow: column.firstRow(of: code)), column: name, value: text)
            }
            days[code] = day
        }
        return days
    }

    private func blockColumn(_ block: Dataset, _ name: String) throws(ExportError) -> ExportBlockColumn {
        do { return ExportBlockColumn(try block.column(name)) } catch {
            throw .missingColumn(path: block.source.name, column: name, available: block.columnNames)
        }
    }

    private mutating func reps(of column: ExportBlockColumn, in block: Dataset, name: String) throws(ExportError) -> [Int32] {
        var reps = [Int32](repeating: 0, count: column.levels.count)
        for (code, rep) in column.levels.enumerated() {
            reps[code] = try intern(rep: rep, path: block.source.name, line: block.source.line(ofRow: column.firstRow(of: code)), column: name)
        }
        return reps
    }

    private mutating func teams(_ name: String?, in block: Dataset) throws(ExportError) -> (column: ExportBlockColumn, teams: [Int32])? {
        guard roster == nil, let name, block.hasColumn(name) else { return nil }
        let column = try blockColumn(block, name)
        return (column, column.levels.map { intern(team: $0) })
    }

    /// Checks (without a roster) that a rep keeps one team.
    @inline(__always) private mutating func checkTeam(rep: Int32, team: Int32, block: Dataset, row: Int, column: String) throws(ExportError) {
        let known = repTeam[Int(rep)]
        if known == team { return }
        if known < 0 { repTeam[Int(rep)] = team; return }
        throw .conflictingTeam(path: block.source.name, line: block.source.line(ofRow: row), column: column, rep: repNames[Int(rep)],
                               team: teamNames[Int(team)], earlier: teamNames[Int(known)])
    }

    /// Whether a record of `rep` on `day` (row `row` of `block`) counts: inside the rep's employment when there
    /// is a roster; its team cell, if any, checked against the rep's team; and then the day recorded for the rep.
    @inline(__always) private mutating func admit(rep: Int32, on day: Int, hasRoster: Bool, team: (column: ExportBlockColumn, teams: [Int32])?,
                                                  block: Dataset, row: Int, column: String) throws(ExportError) -> Bool {
        if hasRoster && !isEmployed(rep, on: day) { return false }
        if let team {
            let teamCode = Int(team.column.codes[row])
            if teamCode >= 0 { try checkTeam(rep: rep, team: team.teams[teamCode], block: block, row: row, column: column) }
        }
        recordDay(rep, day)
        return true
    }

    @inline(__always) func isEmployed(_ rep: Int32, on day: Int) -> Bool {
        let spells = repSpells[Int(rep)]
        if spells.isEmpty { return true }
        for spell in spells where spell.contains(day) { return true }
        return false
    }

    @inline(__always) mutating func recordDay(_ rep: Int32, _ day: Int) {
        let r = Int(rep)
        if day < repFirstDay[r] { repFirstDay[r] = day }
        if day > repLastDay[r] { repLastDay[r] = day }
        if day > lastDay { lastDay = day }
        if day < firstDay { firstDay = day }
    }

    private func missing(_ block: Dataset, _ row: Int, _ column: String) -> ExportError {
        .missingCell(path: block.source.name, line: block.source.line(ofRow: row), column: column)
    }

    /// Adds a block of activity rows.
    mutating func addActivities(_ block: Dataset) throws(ExportError) {
        let names = options.activityColumns
        let n = block.rowCount
        note.activityRows += n
        let dateColumn = try blockColumn(block, names.date), repColumn = try blockColumn(block, names.rep)
        let typeColumn = try blockColumn(block, names.type)
        let days = try days(of: dateColumn, in: block, name: names.date)
        let frequency = options.frequency
        let periods = days.map { frequency.periodIndex(ofDay: $0) }
        let reps = try reps(of: repColumn, in: block, name: names.rep)
        var types = [Int](repeating: 0, count: typeColumn.levels.count)
        var typeColumns = [Int](repeating: 0, count: typeColumn.levels.count)
        for (code, type) in typeColumn.levels.enumerated() {
            types[code] = try intern(type: type, path: block.source.name, line: block.source.line(ofRow: typeColumn.firstRow(of: code)))
            typeColumns[code] = rawTypes[types[code]].column
        }
        var typeLevelCounts = [Int](repeating: 0, count: typeColumn.levels.count)
        let teamName = names.team ?? "team"
        let team = try teams(teamName, in: block)
        var idSeen: [Bool]? = nil
        var idCodes: [Int32] = []
        if let idName = names.id {
            let ids = try blockColumn(block, idName)
            idCodes = ids.codes
            idSeen = ids.levels.map { !idKeys.insert(Self.idKey($0)).inserted }
        }
        let hasRoster = roster != nil
        var counted = 0, outside = 0, duplicates = 0
        for row in 0..<n {
            let dateCode = Int(dateColumn.codes[row]), repCode = Int(repColumn.codes[row]), typeCode = Int(typeColumn.codes[row])
            guard dateCode >= 0 else { throw missing(block, row, names.date) }
            guard repCode >= 0 else { throw missing(block, row, names.rep) }
            guard typeCode >= 0 else { throw missing(block, row, names.type) }
            if idSeen != nil {
                let idCode = Int(idCodes[row])
                if idCode >= 0 {
                    if idSeen![idCode] { duplicates += 1; continue }
                    idSeen![idCode] = true
                }
            }
            let rep = reps[repCode]
            if rep < 0 { skipped[repColumn.levels[repCode], default: .init(rep: repColumn.levels[repCode], activities: 0, deals: 0)].activities += 1; continue }
            let day = days[dateCode]
            guard try admit(rep: rep, on: day, hasRoster: hasRoster, team: team, block: block, row: row, column: teamName) else {
                outside += 1
                continue
            }
            guard table.addActivity(rep: Int(rep), period: periods[dateCode], column: typeColumns[typeCode]) else {
                throw .tooLarge(path: block.source.name, line: block.source.line(ofRow: row), reason: "more than \(Int32.max) activities of one type for one rep in one period")
            }
            typeLevelCounts[typeCode] += 1
            counted += 1
        }
        for (code, count) in typeLevelCounts.enumerated() { rawTypeCounts[types[code]] += count }
        note.activitiesCounted += counted
        note.activitiesOutsideEmployment += outside
        if idSeen != nil { note.duplicateActivityIDs = (note.duplicateActivityIDs ?? 0) + duplicates }
    }

    /// Adds a block of deal rows.
    mutating func addDeals(_ block: Dataset) throws(ExportError) {
        let names = options.dealColumns
        let n = block.rowCount
        note.dealRows += n
        let dateColumn = try blockColumn(block, names.closeDate), repColumn = try blockColumn(block, names.rep)
        let stageColumn = try blockColumn(block, names.stage)
        let amountColumn: Column
        do { amountColumn = try block.column(names.amount) } catch {
            throw .missingColumn(path: block.source.name, column: names.amount, available: block.columnNames)
        }
        let days = try days(of: dateColumn, in: block, name: names.closeDate)
        let frequency = options.frequency
        let periods = days.map { frequency.periodIndex(ofDay: $0) }
        let reps = try reps(of: repColumn, in: block, name: names.rep)
        let won = stageColumn.levels.map { wonStages.contains($0) }
        var stageLevelCounts = [Int](repeating: 0, count: stageColumn.levels.count)
        let teamName = names.team ?? "team"
        let team = try teams(teamName, in: block)
        var amountByLevel: [Result<CentAmount, AmountProblem>?] = []
        if case .text(let text) = amountColumn { amountByLevel = Array(repeating: nil, count: text.levels.count) }
        let hasRoster = roster != nil
        var outside = 0, wonCounted = 0
        for row in 0..<n {
            let dateCode = Int(dateColumn.codes[row]), repCode = Int(repColumn.codes[row]), stageCode = Int(stageColumn.codes[row])
            guard repCode >= 0 else { throw missing(block, row, names.rep) }
            guard stageCode >= 0 else { throw missing(block, row, names.stage) }
            stageLevelCounts[stageCode] += 1
            // Open and lost deals need no close date or amount; they are only counted by stage.
            guard won[stageCode] else { continue }
            guard dateCode >= 0 else { throw missing(block, row, names.closeDate) }
            let rep = reps[repCode]
            if rep < 0 { skipped[repColumn.levels[repCode], default: .init(rep: repColumn.levels[repCode], activities: 0, deals: 0)].deals += 1; continue }
            let parsed: Result<CentAmount, AmountProblem>
            let written: String
            switch amountColumn {
            case .numeric(let values):
                guard !values[row].isNaN else { throw missing(block, row, names.amount) }
                parsed = CentAmount.parse(values[row])
                written = "\(values[row])"
            case .text(let text):
                let code = Int(text.codes[row])
                guard code >= 0 else { throw missing(block, row, names.amount) }
                if amountByLevel[code] == nil { amountByLevel[code] = CentAmount.parse(Substring(text.levels[code])) }
                parsed = amountByLevel[code] ?? .failure(.notANumber)
                written = text.levels[code]
            }
            let amount: CentAmount
            switch parsed {
            case .success(let value): amount = value
            case .failure(let problem):
                throw .invalidAmount(path: block.source.name, line: block.source.line(ofRow: row), column: names.amount, value: written, reason: problem.reason)
            }
            let day = days[dateCode]
            guard try admit(rep: rep, on: day, hasRoster: hasRoster, team: team, block: block, row: row, column: teamName) else {
                outside += 1
                continue
            }
            guard table.addDeal(rep: Int(rep), period: periods[dateCode], amount: amount) else {
                throw .invalidAmount(path: block.source.name, line: block.source.line(ofRow: row), column: names.amount, value: written,
                                     reason: "takes the rep's revenue for the period past \(CentAmount.maximum), the most that can be summed exactly")
            }
            wonCounted += 1
        }
        for (code, count) in stageLevelCounts.enumerated() where count > 0 {
            let stage = stageColumn.levels[code]
            if stageCounts[stage] == nil { stageOrder.append(stage) }
            stageCounts[stage, default: 0] += count
        }
        note.dealsWonCounted += wonCounted
        note.dealsOutsideEmployment += outside
    }

    private static func idKey(_ id: String) -> IDKey {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x84222325_cbf29ce4
        for byte in id.utf8 {
            a = (a ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x0000_0100_0000_0193 &+ 0x9e37_79b9
        }
        return IDKey(a: a, b: b)
    }

    // MARK: Finishing

    /// Closes the note's tallies that are only known at the end.
    mutating func finishNote() {
        note.instants = dates.instants
        note.instantsMovedToAnotherDay = dates.instantsMovedToAnotherDay
        note.types = rawTypes.indices.map {
            ActivityPanelNote.TypeCount(type: rawTypes[$0].type, column: columns[rawTypes[$0].column], mapped: rawTypes[$0].mapped, count: rawTypeCounts[$0])
        }.sorted { ($0.count, $1.type) > ($1.count, $0.type) }
        note.stages = stageOrder.map { ActivityPanelNote.StageCount(stage: $0, won: wonStages.contains($0), count: stageCounts[$0] ?? 0) }
            .sorted { ($0.count, $1.stage) > ($1.count, $0.stage) }
        note.skippedReps = skipped.values.sorted { $0.rep < $1.rep }
    }
}
