import Foundation

/// A block of activity rows read straight from its bytes: per row the rep and type as scanner
/// codes, the day and the period.
struct ScannedActivityBlock {
    /// The file line of the first row (each row is one line: the block has no quotes and no blank lines).
    var firstLine: Int
    /// Per row, four numbers: the rep's code, the type's code, the day and the period.
    var rows: [Int32] = []
    var rowCount = 0
    /// Reps and types first met in this block: their text and the row they were first met on,
    /// in code order, starting at code `firstNewRep` / `firstNewType`.
    var newReps: [(text: String, row: Int)] = []
    var firstNewRep = 0
    var newTypes: [(text: String, row: Int)] = []
    var firstNewType = 0
    /// Rows holding a timestamp with an offset, and those of them that fall on another day.
    var instants = 0
    var instantsMovedToAnotherDay = 0
}

/// Reads activity rows (date, rep, type) from the bytes of a block with no quotes and only ASCII,
/// without building a ``Dataset``: fields found with a byte loop, reps and types numbered by their
/// bytes, dates parsed from their bytes (a pure date through a small cache, as exports repeat them).
///
/// It reads only what the general parser would read the same way. Any row it cannot vouch for (a
/// missing or unreadable cell, a blank or ragged line, a column the general parser would read as
/// numbers, a `NaN` spelling in another column) makes it give the whole block back (`nil`), and the
/// block goes through ``CSVReader`` and the general aggregation, which report the exact error.
struct ActivityBlockScanner {
    let columnCount: Int
    let dateColumn: Int, repColumn: Int, typeColumn: Int
    let delimiter: UInt8
    let frequency: PeriodFrequency
    private let missingValues: [[UInt8]]
    private let missingLengths: UInt64
    /// The missing spellings of up to 8 bytes as little-endian words, compared without touching `missingValues`.
    private let missingShortLengths: [Int]
    private let missingShortWords: [UInt64]
    private(set) var dates: ExportDateReader
    private var reps = ExportByteKeyTable()
    private var types = ExportByteKeyTable()
    /// Pure dates (`YYYY-MM-DD`) read so far: direct-mapped by their bytes.
    private var dateKeys: [UInt64]
    private var dateTails: [UInt32]
    private var dateValues: [Int64]
    /// The period of a day (for timestamps), direct-mapped by the day.
    private var periodCacheDays = [Int](repeating: Int.min, count: ActivityBlockScanner.dateCacheSize)
    private var periodCachePeriods = [Int](repeating: 0, count: ActivityBlockScanner.dateCacheSize)
    private static let dateCacheSize = 16384

    /// A scanner, or `nil` when the reading options call for the general parser on every block.
    init?(columnNames: [String], date: String, rep: String, type: String, options: ExportPanelOptions) {
        let reading = options.reading
        let d = reading.delimiter
        guard !reading.lenientNumbers, d != 32, d != 9, d != 34, d != 10, d != 13, d < 0x80,
              let dateColumn = columnNames.firstIndex(of: date), let repColumn = columnNames.firstIndex(of: rep),
              let typeColumn = columnNames.firstIndex(of: type) else { return nil }
        self.columnCount = columnNames.count
        self.dateColumn = dateColumn
        self.repColumn = repColumn
        self.typeColumn = typeColumn
        self.delimiter = d
        self.frequency = options.frequency
        self.missingValues = reading.missingValues.map { Array($0.utf8) }
        self.missingLengths = missingValues.reduce(0) { $0 | Self.lengthBit($1.count) }
        let short = missingValues.filter { $0.count <= 8 }
        self.missingShortLengths = short.map(\.count)
        self.missingShortWords = short.map { $0.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) } }
        self.dates = ExportDateReader(timeZone: options.timeZone)
        dateKeys = Array(repeating: 0, count: Self.dateCacheSize)
        dateTails = Array(repeating: 0, count: Self.dateCacheSize)
        dateValues = Array(repeating: 0, count: Self.dateCacheSize)
    }

    @inline(__always) private static func lengthBit(_ length: Int) -> UInt64 { length < 63 ? 1 << UInt64(length) : 1 << 63 }

    @inline(__always) private func isMissing(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        let length = e - s
        if missingLengths & Self.lengthBit(length) == 0 { return false }
        return isMissingSlowly(p, s, e)
    }

    private func isMissingSlowly(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        let length = e - s
        if length <= 8 {
            var word: UInt64 = 0
            for k in 0..<length { word |= UInt64(p[s + k]) << UInt64(8 * k) }
            for k in missingShortWords.indices where missingShortLengths[k] == length && missingShortWords[k] == word { return true }
            return false
        }
        for value in missingValues where value.count == length {
            if length == 0 { return true }
            let same = value.withUnsafeBytes { stored in stored.baseAddress.map { ExportByteKeyTable.equal($0, p + s, length) } ?? false }
            if same { return true }
        }
        return false
    }

    /// Whether the general parser would surely read a column holding this cell as text.
    @inline(__always) private static func isSurelyText(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        guard s < e else { return false }
        let b = p[s]
        if (b >= 48 && b <= 57) || b == 43 || b == 45 || b == 46 { return false }
        return !NumberParser.isNonFiniteSpelling(UnsafeBufferPointer(start: p + s, count: e - s))
    }

    /// Reads the block, or returns `nil` (with nothing learned from it) when the general path must.
    mutating func scan(_ block: CSVRawBlockReader.Block) -> ScannedActivityBlock? {
        let repMark = reps.count, typeMark = types.count
        let savedDates = dates
        if let scanned = scanRows(block) { return scanned }
        reps.truncate(to: repMark)
        types.truncate(to: typeMark)
        dates = savedDates
        return nil
    }

    private mutating func scanRows(_ block: CSVRawBlockReader.Block) -> ScannedActivityBlock? {
        guard !block.needsGeneralParser, let raw = block.bytes.baseAddress else { return nil }
        var out = ScannedActivityBlock(firstLine: block.firstLine)
        out.firstNewRep = reps.count
        out.firstNewType = types.count
        let instantsBefore = dates.instants, movedBefore = dates.instantsMovedToAnotherDay
        // Every row ends at a line feed but perhaps the last: at most lineFeeds + 1 rows.
        var rows = [Int32](repeating: 0, count: (block.lineFeeds + 1) * 4)
        var rowCount = 0
        let complete = rows.withUnsafeMutableBufferPointer { cells -> Bool in
            guard let cells = cells.baseAddress else { return false }
            return scanRows(raw.assumingMemoryBound(to: UInt8.self), block.bytes.count, into: cells, rowCount: &rowCount, block: &out)
        }
        guard complete else { return nil }
        rows.removeSubrange((rowCount * 4)...)
        out.rows = rows
        out.rowCount = rowCount
        out.instants = dates.instants - instantsBefore
        out.instantsMovedToAnotherDay = dates.instantsMovedToAnotherDay - movedBefore
        return out
    }

    private mutating func scanRows(_ p: UnsafePointer<UInt8>, _ n: Int, into cells: UnsafeMutablePointer<Int32>, rowCount: inout Int,
                                   block out: inout ScannedActivityBlock) -> Bool {
        let lineFeed: UInt8 = 10, carriageReturn: UInt8 = 13, space: UInt8 = 32, tab: UInt8 = 9
        let delimiter = self.delimiter, columnCount = self.columnCount
        let dateColumn = self.dateColumn, repColumn = self.repColumn, typeColumn = self.typeColumn
        let delimiterWord = UInt64(delimiter) &* 0x0101_0101_0101_0101
        var repIsText = false, typeIsText = false
        var pos = 0
        var row = 0
        while pos < n {
            // A blank line is skipped by the general parser (and shifts the line numbers): give the block back.
            if p[pos] == lineFeed || (p[pos] == carriageReturn && (pos + 1 == n || p[pos + 1] == lineFeed)) { return false }
            var field = 0
            var day = 0, period = 0, rep: Int32 = 0, type: Int32 = 0
            while true {
                let q = Self.nextStop(p, from: pos, n, delimiterWord: delimiterWord)
                let endsRecord = q >= n || p[q] == lineFeed
                var e = q
                if endsRecord && e > pos && p[e - 1] == carriageReturn { e -= 1 }
                var s = pos
                while s < e && (p[s] == space || p[s] == tab) { s += 1 }
                while e > s && (p[e - 1] == space || p[e - 1] == tab) { e -= 1 }
                if field == dateColumn {
                    if isMissing(p, s, e) { return false }
                    guard let (d, t) = readDate(p, s, e) else { return false }
                    day = d
                    period = t
                } else if field == repColumn {
                    if isMissing(p, s, e) { return false }
                    if !repIsText { repIsText = Self.isSurelyText(p, s, e) }
                    let (code, isNew) = reps.intern(UnsafeRawBufferPointer(start: p + s, count: e - s))
                    rep = code
                    if isNew { out.newReps.append((reps.text(of: Int(code)), row)) }
                } else if field == typeColumn {
                    if isMissing(p, s, e) { return false }
                    if !typeIsText { typeIsText = Self.isSurelyText(p, s, e) }
                    let (code, isNew) = types.intern(UnsafeRawBufferPointer(start: p + s, count: e - s))
                    type = code
                    if isNew { out.newTypes.append((types.text(of: Int(code)), row)) }
                } else if s < e {
                    // A NaN or Inf spelling makes the general parser refuse a numeric column: let it decide.
                    let b = p[s] | 0x20
                    if b == 0x6e || b == 0x69 || p[s] == 43 || p[s] == 45,
                       NumberParser.isNonFiniteSpelling(UnsafeBufferPointer(start: p + s, count: e - s)) { return false }
                }
                field += 1
                pos = q + 1
                if endsRecord { break }
                if field >= columnCount { return false }
            }
            if field != columnCount { return false }
            let cell = cells + row * 4
            cell[0] = rep
            cell[1] = type
            cell[2] = Int32(truncatingIfNeeded: day)
            cell[3] = Int32(truncatingIfNeeded: period)
            row += 1
        }
        rowCount = row
        return row == 0 || (repIsText && typeIsText)
    }

    /// The offset of the first delimiter or line feed at or after `q` (or `n`): eight bytes at a time.
    @inline(__always) private static func nextStop(_ p: UnsafePointer<UInt8>, from q: Int, _ n: Int, delimiterWord: UInt64) -> Int {
        let low: UInt64 = 0x7f7f_7f7f_7f7f_7f7f, lineFeeds: UInt64 = 0x0a0a_0a0a_0a0a_0a0a
        let raw = UnsafeRawPointer(p)
        var q = q
        while q &+ 8 <= n {
            let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: q, as: UInt64.self))
            let x = word ^ delimiterWord, y = word ^ lineFeeds
            // The high bit of a byte is set exactly where that byte of x (or y) is zero.
            let stops = ~(((x & low) &+ low) | x | low) | ~(((y & low) &+ low) | y | low)
            if stops != 0 { return q &+ stops.trailingZeroBitCount >> 3 }
            q &+= 8
        }
        let delimiter = UInt8(truncatingIfNeeded: delimiterWord)
        while q < n {
            let b = p[q]
            if b == delimiter || b == 10 { return q }
            q &+= 1
        }
        return n
    }

    /// The day and period of a pure date `YYYY-MM-DD`, read as ``ExportDateReader`` reads it, or `nil`.
    @inline(__always) private func pureDate(_ p: UnsafePointer<UInt8>, _ s: Int) -> (Int, Int)? {
        @inline(__always) func digits(_ k: Int, _ width: Int) -> Int? {
            var value = 0
            for i in k..<(k + width) {
                let b = p[s + i]
                guard b >= 48 && b <= 57 else { return nil }
                value = value * 10 + Int(b - 48)
            }
            return value
        }
        guard p[s + 4] == 45, p[s + 7] == 45, let year = digits(0, 4), let month = digits(5, 2), let dayOfMonth = digits(8, 2),
              year >= 1, month >= 1, month <= 12, dayOfMonth >= 1, dayOfMonth <= Period.daysInMonth(year, month) else { return nil }
        let day = Period.daysFromCivil(year, month, dayOfMonth)
        switch frequency {
        case .month: return (day, year * 12 + month - 1)
        case .quarter: return (day, year * 4 + (month - 1) / 3)
        case .year: return (day, year)
        default: return (day, frequency.periodIndex(ofDay: day))
        }
    }

    /// The day of a date cell (and its period, when it came from the cache), or `nil` when unreadable.
    @inline(__always) private mutating func readDate(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> (Int, Int)? {
        guard e - s == 10 else {
            guard let day = dates.day(of: UnsafeBufferPointer(start: p + s, count: e - s)) else { return nil }
            // Days and periods are kept in 32 bits.
            guard abs(day) < Int(Int32.max) / 2 else { return nil }
            let slot = day & (Self.dateCacheSize - 1)
            if periodCacheDays[slot] == day { return (day, periodCachePeriods[slot]) }
            let period = frequency.periodIndex(ofDay: day)
            guard abs(period) < Int(Int32.max) else { return nil }
            periodCacheDays[slot] = day
            periodCachePeriods[slot] = period
            return (day, period)
        }
        let raw = UnsafeRawPointer(p + s)
        let key = raw.loadUnaligned(as: UInt64.self)
        let tail = UInt32(raw.loadUnaligned(fromByteOffset: 8, as: UInt16.self)) | 0x1_0000
        let slot = Int(truncatingIfNeeded: ((key ^ UInt64(tail) << 40) &* 0x9e37_79b9_7f4a_7c15) >> 52) & (Self.dateCacheSize - 1)
        if dateKeys[slot] == key && dateTails[slot] == tail {
            let value = dateValues[slot]
            return (Int(Int32(truncatingIfNeeded: value >> 32)), Int(Int32(truncatingIfNeeded: value)))
        }
        // A pure date is not an instant: reading it needs nothing of `dates`.
        guard let (day, period) = pureDate(p, s), abs(day) < Int(Int32.max) / 2, abs(period) < Int(Int32.max) else { return nil }
        dateKeys[slot] = key
        dateTails[slot] = tail
        dateValues[slot] = Int64(day) << 32 | Int64(UInt32(truncatingIfNeeded: period))
        return (day, period)
    }
}
