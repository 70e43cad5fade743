import ForecastingCore

/// Quotas read from a CSV: a name column (a rep, a team, or `Total`), a `quota` column and, optionally,
/// a `quarter` column (`2026-Q4`) for quotas that change from quarter to quarter.
///
/// A row with an empty quarter, or a file without a quarter column, holds in every quarter; a row
/// with a quarter overrides it in that quarter.
public struct QuotaTable: Sendable, Equatable {
    /// Quotas that hold in every quarter, by name.
    public var standing: [String: Double]
    /// Quotas for one quarter, by quarter and name.
    public var byQuarter: [Period: [String: Double]]
    /// The file the quotas came from.
    public var source: String

    /// Creates a table; `byQuarter` keys are quarters.
    public init(standing: [String: Double], byQuarter: [Period: [String: Double]] = [:], source: String = "") {
        self.standing = standing
        self.byQuarter = byQuarter
        self.source = source
    }

    /// Whether some quotas are given for particular quarters.
    public var isQuarterly: Bool { !byQuarter.isEmpty }

    /// The quotas that hold in `quarter`: the quarter's own rows over the standing ones.
    public func quotas(in quarter: Period) -> [String: Double] {
        standing.merging(byQuarter[quarter] ?? [:]) { _, quarterly in quarterly }
    }

    /// One name's quota in `quarter`, if any.
    public func quota(of name: String, in quarter: Period) -> Double? {
        byQuarter[quarter]?[name] ?? standing[name]
    }

    /// The quotas for forecasting `quarter`: as ``quotas(in:)``, but an error when the file gives quotas
    /// for particular quarters, none of them this one, and none standing (a file for another year,
    /// say), rather than a forecast without quota chances.
    /// - Throws: ``QuotaError/noQuotasForQuarter(quarter:available:source:)``.
    public func quotasForForecast(of quarter: Period) throws -> [String: Double] {
        if isQuarterly, standing.isEmpty, byQuarter[quarter] == nil {
            throw QuotaError.noQuotasForQuarter(quarter: quarter.description,
                                                available: byQuarter.keys.sorted().map(\.description), source: source)
        }
        return quotas(in: quarter)
    }
}

/// A quota file the tool cannot use, with the file and line.
public enum QuotaError: ForecastingError, Equatable {
    /// Two rows give a quota for the same name (in the same quarter).
    case duplicate(name: String, quarter: String?, source: String, line: Int, firstLine: Int)
    /// A quarter cell that is not a quarter such as `2026-Q4`.
    case notAQuarter(String, source: String, line: Int)
    /// A row with a name and no quota.
    case missingQuota(name: String, source: String, line: Int)
    /// The file gives quotas for other quarters only.
    case noQuotasForQuarter(quarter: String, available: [String], source: String)
    /// No column holds the names.
    case noNameColumn(available: [String], source: String)
    /// Quotas for particular quarters, where one quota per name was asked for.
    case quarterlyFile(source: String)

    /// One line: what is wrong and where.
    public var description: String {
        switch self {
        case let .duplicate(name, quarter, source, line, firstLine):
            "\(source):\(line): a second quota for '\(name)'\(quarter.map { " in \($0)" } ?? "") (the first is on line \(firstLine)); give each name one quota\(quarter == nil ? "" : " per quarter")"
        case let .notAQuarter(value, source, line):
            "\(source):\(line): column 'quarter': '\(value)' is not a quarter (write it as 2026-Q4)"
        case let .missingQuota(name, source, line):
            "\(source):\(line): column 'quota': no quota for '\(name)'"
        case let .noQuotasForQuarter(quarter, available, source):
            "\(source): no quotas for \(quarter); the file has quotas for \(available.joined(separator: ", ")) only"
        case let .quarterlyFile(source):
            "\(source): the quotas are given by quarter (a 'quarter' column); read them for a quarter, not as one quota per name"
        case let .noNameColumn(available, source):
            "\(source): no column of names (rep, team or Total) beside 'quota'; the columns are \(available.joined(separator: ", "))"
        }
    }
}

/// Reading quota files.
public enum Quotas {
    /// Columns that name the quarter a quota is for.
    static let quarterColumns = ["quarter", "period"]
    /// Columns preferred for the names, in order; otherwise the first text column that is not a quarter.
    static let nameColumns = ["name", "rep", "team", "entity"]

    /// The quota table of a file: a name column (`name`, `rep`, `team` or else the first text column), `quota`,
    /// and an optional `quarter` (or `period`) column.
    /// - Throws: `CSVError` or `DataError` (no `quota` column, a quota that is not a number), ``QuotaError``
    ///   (a duplicate name, a missing quota, a quarter that does not read as one).
    public static func readTable(path: String) throws -> QuotaTable {
        let data = try CSVReader.read(path: path)
        let quota = try data.numbers("quota")
        let lowered = data.columnNames.map { $0.lowercased() }
        let quarterName = quarterColumns.lazy.compactMap { name in lowered.firstIndex(of: name).map { data.columnNames[$0] } }.first
        var quarterCells: [String?]? = nil
        if let quarterName {
            switch try data.column(quarterName) {
            case .text(let text): quarterCells = (0..<data.rowCount).map { text[$0] }
            case .numeric(let numbers):
                // A column of whole years or other numbers is not a quarter.
                if let row = numbers.indices.first(where: { !numbers[$0].isNaN }) {
                    let value = numbers[row]
                    throw QuotaError.notAQuarter(abs(value) < 1e15 && value == value.rounded() ? String(Int(value)) : "\(value)", source: path, line: data.source.line(ofRow: row))
                }
                quarterCells = [String?](repeating: nil, count: data.rowCount)
            }
        }
        let textColumns = zip(data.columnNames, data.columns).compactMap { name, column -> (String, TextColumn)? in
            if case .text(let text) = column, name != quarterName { (name, text) } else { nil }
        }
        let preferred = nameColumns.lazy.compactMap { wanted in textColumns.first { $0.0.lowercased() == wanted } }.first
        guard let names = (preferred ?? textColumns.first)?.1 else {
            throw QuotaError.noNameColumn(available: data.columnNames, source: path)
        }
        var table = QuotaTable(standing: [:], source: path)
        var firstLine: [String: Int] = [:]
        for row in 0..<data.rowCount {
            guard let name = names[row], !name.isEmpty else { continue }
            let line = data.source.line(ofRow: row)
            guard !quota[row].isNaN else { throw QuotaError.missingQuota(name: name, source: path, line: line) }
            var quarter: Period? = nil
            if let cell = quarterCells?[row], !cell.isEmpty {
                guard let period = Period(cell), period.frequency == .quarter else {
                    throw QuotaError.notAQuarter(cell, source: path, line: line)
                }
                quarter = period
            }
            let key = (quarter?.description ?? "") + "\u{1F}" + name
            if let first = firstLine[key] {
                throw QuotaError.duplicate(name: name, quarter: quarter?.description, source: path, line: line, firstLine: first)
            }
            firstLine[key] = line
            if let quarter { table.byQuarter[quarter, default: [:]][name] = quota[row] } else { table.standing[name] = quota[row] }
        }
        return table
    }

    /// Quotas by name for files without quarters (every quota holds in every quarter).
    /// - Throws: as ``readTable(path:)``, and ``QuotaError/quarterlyFile(source:)`` for a file with quotas for
    ///   particular quarters (read it with ``readTable(path:)``), rather than dropping those rows.
    public static func read(path: String) throws -> [String: Double] {
        let table = try readTable(path: path)
        guard !table.isQuarterly else { throw QuotaError.quarterlyFile(source: path) }
        return table.standing
    }
}
