import Foundation

/// Who worked when, and in which team: one row per employment spell, `rep, team, start_date[, end_date]`.
///
/// A rep may have several rows (a move to another team, a return after leaving) as long as they do
/// not overlap. An empty `end_date` means the rep is still employed. Without a `start_date` column
/// the roster gives teams only, and employment runs from a rep's first to last record.
public struct Roster: Sendable {
    /// One employment spell.
    public struct Spell: Sendable, Equatable {
        /// The rep.
        public var rep: String
        /// The team during the spell.
        public var team: String
        /// The first day (days since 1970-01-01), or `nil` when the roster has no start dates.
        public var startDay: Int?
        /// The last day, or `nil` while still employed.
        public var endDay: Int?
        /// The roster line, for messages.
        public var line: Int

        /// Whether the spell holds `day` (a spell without a start holds every day up to its end).
        func contains(_ day: Int) -> Bool { (startDay.map { day >= $0 } ?? true) && (endDay.map { day <= $0 } ?? true) }
    }

    /// The file, for messages.
    public let path: String
    /// The spells, in file order.
    public let spells: [Spell]
    /// Whether the roster has start dates (so employment and tenure come from it).
    public let hasStartDates: Bool
    /// Each rep's spells, in time order.
    let spellsByRep: [String: [Spell]]

    /// Reads a roster file.
    /// - Parameters:
    ///   - path: The CSV file.
    ///   - reading: Delimiter and missing-value spellings.
    /// - Throws: ``ExportError`` for a missing column, an empty file, an unreadable date, an end before
    ///   its start or two spells of one rep that overlap; ``CSVError`` for a malformed file.
    public init(path: String, reading: CSVReadOptions = .init()) throws {
        let data = try Self.read(path, reading)
        guard data.rowCount > 0 else { throw ExportError.emptyExport(path: path) }
        for name in ["rep", "team"] where !data.hasColumn(name) {
            throw ExportError.missingColumn(path: path, column: name, available: data.columnNames)
        }
        let hasStart = data.hasColumn("start_date")
        if data.hasColumn("end_date") && !hasStart {
            throw ExportError.missingColumn(path: path, column: "start_date", available: data.columnNames)
        }
        func cells(_ name: String) throws -> [String?] {
            guard data.hasColumn(name) else { return Array(repeating: nil, count: data.rowCount) }
            let column = try data.column(name)
            return (0..<data.rowCount).map { row in
                switch column {
                case .text(let text): text[row]
                case .numeric(let values): values[row].isNaN ? nil : Column.label(values[row])
                }
            }
        }
        let reps = try cells("rep"), teams = try cells("team"), starts = try cells("start_date"), ends = try cells("end_date")
        var dates = ExportDateReader(timeZone: nil)
        var spells: [Spell] = []
        for row in 0..<data.rowCount {
            let line = data.source.line(ofRow: row)
            guard let rep = reps[row] else { throw ExportError.missingCell(path: path, line: line, column: "rep") }
            guard let team = teams[row] else { throw ExportError.missingCell(path: path, line: line, column: "team") }
            let start = try Self.day(starts[row], "start_date", &dates, path, line)
            let end = try Self.day(ends[row], "end_date", &dates, path, line)
            if hasStart && start == nil { throw ExportError.missingCell(path: path, line: line, column: "start_date") }
            if let start, let end, end < start {
                throw ExportError.invalidRoster(path: path, line: line, reason: "rep '\(rep)' ends (\(ends[row] ?? "")) before starting (\(starts[row] ?? ""))")
            }
            spells.append(Spell(rep: rep, team: team, startDay: start, endDay: end, line: line))
        }
        var byRep: [String: [Spell]] = [:]
        for spell in spells { byRep[spell.rep, default: []].append(spell) }
        for (rep, list) in byRep {
            let sorted = list.sorted { ($0.startDay ?? .min) < ($1.startDay ?? .min) }
            for (earlier, later) in zip(sorted, sorted.dropFirst()) where (earlier.endDay ?? .max) >= (later.startDay ?? .min) {
                throw ExportError.invalidRoster(path: path, line: later.line,
                                                reason: "rep '\(rep)' has a spell that overlaps the one on line \(earlier.line) (one row per spell; end the earlier one first)")
            }
            byRep[rep] = sorted
        }
        self.path = path
        self.spells = spells
        self.hasStartDates = hasStart
        self.spellsByRep = byRep
    }

    private static func read(_ path: String, _ reading: CSVReadOptions) throws -> Dataset {
        do {
            return try CSVReader.read(path: path, options: reading)
        } catch {
            if case .noDataRows = error { throw ExportError.emptyExport(path: path) }
            throw error
        }
    }

    private static func day(_ text: String?, _ column: String, _ dates: inout ExportDateReader, _ path: String, _ line: Int) throws(ExportError) -> Int? {
        guard let text else { return nil }
        guard let day = dates.day(of: text) else { throw .unreadableDate(path: path, line: line, column: column, value: text) }
        return day
    }

    /// The reps, sorted.
    public var reps: [String] { spellsByRep.keys.sorted() }
}
