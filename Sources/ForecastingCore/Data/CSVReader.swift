import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Options for reading CSV.
public struct CSVReadOptions: Sendable {
    /// The byte that separates fields: `,` by default; `;` and tab (`9`) are common too.
    /// It should not be a quote, CR or LF.
    public var delimiter: UInt8
    /// Cell texts that mean "missing" (default `""`, `"NA"` and `"null"`). Unquoted cells are
    /// compared after trimming spaces and tabs, quoted cells as written between the quotes.
    public var missingValues: Set<String>
    /// Read numbers written as spreadsheets write them (`$1,200.50`, `(300)`, `1,234,567`): currency
    /// symbols, thousands separators grouping by three, and parentheses for negatives. Off by default:
    /// such cells are then refused with a hint.
    public var lenientNumbers: Bool = false

    /// Creates reading options.
    /// - Parameters:
    ///   - delimiter: The field separator (default `,`).
    ///   - missingValues: Cell texts that mark a missing cell (default `""`, `"NA"`, `"null"`).
    public init(delimiter: UInt8 = UInt8(ascii: ","), missingValues: Set<String> = ["", "NA", "null"]) {
        self.delimiter = delimiter
        self.missingValues = missingValues
    }
}

/// Reads CSV (RFC 4180) into a ``Dataset``.
///
/// The first non-blank line is the header. Records end with LF or CRLF; quoted fields may hold
/// delimiters, newlines and doubled quotes (`""`). Unquoted cells are trimmed of spaces and tabs.
/// A column is numeric when every non-missing cell is a finite decimal number, otherwise text.
///
/// ```swift
/// let data = try CSVReader.read(path: "history.csv")
/// let sales = try data.numbers("sales")
/// ```
public enum CSVReader {
    /// Reads a CSV file.
    ///
    /// - Parameters:
    ///   - path: The file to read; `"-"` means standard input (named `"<stdin>"` in errors).
    ///   - options: Delimiter and missing-value spellings.
    /// - Returns: The file's columns, with ``Dataset/source`` naming `path`.
    /// - Throws: A ``CSVError`` naming the file, line and column of the first problem.
    public static func read(path: String, options: CSVReadOptions = .init()) throws(CSVError) -> Dataset {
        let name = path == "-" ? "<stdin>" : path
        let contents = path == "-" ? try CSVFileContents.readStandardInput() : try CSVFileContents.load(path: path)
        defer { contents.release() }
        return try parse(UnsafeRawBufferPointer(start: contents.pointer, count: contents.count),
                         sourceName: name, options: options)
    }

    /// Parses CSV bytes already in memory.
    ///
    /// - Parameters:
    ///   - bytes: The whole CSV text, UTF-8 encoded.
    ///   - sourceName: Names the data in errors and becomes ``DataSource/name``.
    ///   - options: Delimiter and missing-value spellings.
    /// - Throws: A ``CSVError`` naming `sourceName`, the line and column of the first problem.
    public static func parse(_ bytes: UnsafeRawBufferPointer, sourceName: String,
                             options: CSVReadOptions = .init()) throws(CSVError) -> Dataset {
        try parse(bytes, sourceName: sourceName, options: options, inHalvesFrom: bytesReadInHalves)
    }

    /// The size from which a text is read in two halves on two threads (below it a second thread costs
    /// more than it saves).
    static let bytesReadInHalves = 4 << 20

    /// ``parse(_:sourceName:options:)`` reading texts of at least `minimumBytes` bytes in two halves on two
    /// threads. The result, and any error, is the same as reading on one thread.
    static func parse(_ bytes: UnsafeRawBufferPointer, sourceName: String, options: CSVReadOptions,
                      inHalvesFrom minimumBytes: Int) throws(CSVError) -> Dataset {
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw .empty(path: sourceName) }
        let text = base.assumingMemoryBound(to: UInt8.self)
        let dataset: Dataset
        if bytes.count >= minimumBytes, let joined = CSVHalves.parse(text, count: bytes.count, sourceName: sourceName, options: options) {
            dataset = joined
        } else {
            var parser = CSVParser(bytes: text, count: bytes.count, sourceName: sourceName, options: options)
            dataset = try parser.run()
        }
        guard options.lenientNumbers else { return dataset }
        do { return try dataset.readingLenientNumbers() } catch { return dataset }
    }

    /// Parses a block of records from the middle of a file whose header gave `header`, the
    /// block starting on line `firstLine` (so errors and ``DataSource/line(ofRow:)`` name file lines).
    static func parseRecords(_ bytes: UnsafeRawBufferPointer, header: [String], firstLine: Int, sourceName: String,
                             options: CSVReadOptions) throws(CSVError) -> Dataset {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            do { return try Dataset(header.map { ($0, Column.numeric([])) }, source: DataSource(name: sourceName, rowLines: [])) }
            catch { throw .unreadable(path: sourceName, reason: error.description) }
        }
        // One thread: `CSVChunkReader`'s blocks are parsed on a thread of their own while the caller works on
        // the previous block, so both cores are busy already (halves only added the cost of joining them).
        var parser = CSVParser(bytes: base.assumingMemoryBound(to: UInt8.self), count: bytes.count,
                               sourceName: sourceName, options: options, header: header, firstLine: firstLine)
        let dataset = try parser.run()
        guard options.lenientNumbers else { return dataset }
        do { return try dataset.readingLenientNumbers() } catch { return dataset }
    }

    /// Reads the header of CSV bytes: the column names, and the offset and line where records begin.
    static func parseHeader(_ bytes: UnsafeRawBufferPointer, sourceName: String,
                            options: CSVReadOptions) throws(CSVError) -> (names: [String], end: Int, nextLine: Int) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { throw .empty(path: sourceName) }
        var parser = CSVParser(bytes: base.assumingMemoryBound(to: UInt8.self), count: bytes.count,
                               sourceName: sourceName, options: options)
        return try parser.readHeaderOnly()
    }

    /// Parses CSV text.
    ///
    /// - Parameters:
    ///   - text: The whole CSV text.
    ///   - sourceName: Names the data in errors and becomes ``DataSource/name`` (default `"<memory>"`).
    ///   - options: Delimiter and missing-value spellings.
    /// - Throws: A ``CSVError`` naming `sourceName`, the line and column of the first problem.
    public static func parse(_ text: String, sourceName: String = "<memory>",
                             options: CSVReadOptions = .init()) throws(CSVError) -> Dataset {
        var text = text
        let result = text.withUTF8 { utf8 -> Result<Dataset, CSVError> in
            Result { () throws(CSVError) -> Dataset in
                try parse(UnsafeRawBufferPointer(utf8), sourceName: sourceName, options: options)
            }
        }
        return try result.get()
    }
}

// MARK: - Byte constants

private let csvLineFeed = UInt8(ascii: "\n")
private let csvCarriageReturn = UInt8(ascii: "\r")
private let csvQuote = UInt8(ascii: "\"")
private let csvSpace = UInt8(ascii: " ")
private let csvTab = UInt8(ascii: "\t")

// MARK: - Fields

/// Where one field's content lies in the input, found by `CSVParser.scanField`.
private struct CSVField {
    /// Content start (after the opening quote or leading blanks).
    var start: Int
    /// Content end (before the closing quote or trailing blanks).
    var end: Int
    /// The content holds doubled quotes that must be undone.
    var escaped: Bool
    /// The field ended its record (line end or end of input) rather than at a delimiter.
    var endsRecord: Bool
}

/// A syntax problem found while scanning a field; the caller adds the column name.
private enum CSVScanError: Error {
    case misplacedQuote(line: Int)
    case unterminatedQuote(line: Int)
}

// MARK: - Columns under construction

/// Which cell texts mean "missing", compared as bytes.
private struct CSVMissingMatcher {
    private let values: [[UInt8]]
    /// Bit `k` (k < 63) is set when some value has `k` bytes; bit 63 for longer values.
    private let lengths: UInt64

    init(_ set: Set<String>) {
        values = set.map { Array($0.utf8) }
        lengths = values.reduce(0) { $0 | CSVMissingMatcher.bit(forLength: $1.count) }
    }

    @inline(__always)
    private static func bit(forLength length: Int) -> UInt64 {
        length < 63 ? 1 << UInt64(length) : 1 << 63
    }

    @inline(__always)
    func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if lengths & CSVMissingMatcher.bit(forLength: bytes.count) == 0 { return false }
        return matchesSlowly(bytes)
    }

    private func matchesSlowly(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        for value in values where value.count == bytes.count {
            if value.withUnsafeBufferPointer({ $0.elementsEqual(bytes) }) { return true }
        }
        return false
    }
}

/// Dictionary-encodes text cells straight from bytes: a String is made only for a new level.
private struct CSVByteInterner {
    private(set) var levels: [String] = []
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 64)

    /// The code of `bytes`, adding a new level if needed; `nil` when a new level is not valid UTF-8.
    mutating func code(for bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let hash = CSVByteInterner.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let existing = slots[slot]
            if existing < 0 { break }
            let level = Int(existing)
            if hashes[level] == hash && starts[level + 1] - starts[level] == bytes.count {
                let same = arena.withUnsafeBufferPointer { stored in
                    UnsafeBufferPointer(rebasing: stored[starts[level]..<starts[level + 1]]).elementsEqual(bytes)
                }
                if same { return existing }
            }
            slot = (slot + 1) & mask
        }
        guard CSVUTF8Validation.isValid(bytes), levels.count < Int32.max else { return nil }
        let code = Int32(levels.count)
        levels.append(String(decoding: bytes, as: UTF8.self))
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        slots[slot] = code
        if levels.count * 2 > slots.count { grow() }
        return code
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        var fresh = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        for (level, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while fresh[slot] >= 0 { slot = (slot + 1) & mask }
            fresh[slot] = Int32(level)
        }
        slots = fresh
    }

    /// FNV-1a, finished with a multiply-xorshift so the low bits are well mixed.
    @inline(__always)
    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3
        }
        h ^= h >> 32
        h = h &* 0xd6e8_feb8_6659_fd93
        h ^= h >> 32
        return h
    }
}

/// Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF).
private enum CSVUTF8Validation {
    /// Whether `bytes` are well-formed UTF-8.
    static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            let c = bytes[i]
            if c < 0x80 { i += 1; continue }
            func continuation(_ k: Int) -> Bool { k < n && bytes[k] & 0xC0 == 0x80 }
            if c < 0xC2 { return false }
            if c < 0xE0 {
                guard continuation(i + 1) else { return false }
                i += 2
            } else if c < 0xF0 {
                guard i + 1 < n else { return false }
                let c1 = bytes[i + 1]
                let low: UInt8 = c == 0xE0 ? 0xA0 : 0x80
                let high: UInt8 = c == 0xED ? 0x9F : 0xBF
                guard c1 >= low, c1 <= high, continuation(i + 2) else { return false }
                i += 3
            } else if c < 0xF5 {
                guard i + 1 < n else { return false }
                let c1 = bytes[i + 1]
                let low: UInt8 = c == 0xF0 ? 0x90 : 0x80
                let high: UInt8 = c == 0xF4 ? 0x8F : 0xBF
                guard c1 >= low, c1 <= high, continuation(i + 2), continuation(i + 3) else { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }
}

/// One column while the file is read: numbers until a cell is not one, then text.
private struct CSVColumnBuilder {
    var isNumeric = true
    /// The numbers so far (`nan` for missing cells and for non-finite spellings).
    var numbers: [Double] = []
    /// The first `NaN`/`Inf` spelling met while numeric: an error if the column stays numeric.
    var firstNonFinite: (line: Int, value: String)?
    var codes: [Int32] = []
    var interner = CSVByteInterner()
}

// MARK: - Two halves on two threads

/// Reads a large text as two halves of its records on two threads and joins their columns.
///
/// The text is split at the first line feed past its middle that lies outside quotes: in text that reads
/// without error, quotes only open and close fields (doubled quotes inside count twice), so an even count
/// of quotes since the header means a record boundary. Whenever the halves cannot simply be joined, that
/// is, when either half fails (the first error in file order is then found by reading the whole text on
/// one thread, which also covers a split misplaced by a stray quote: that half fails) or a column is
/// numbers in one half and text in the other, the caller reads the text on one thread, so the result is
/// always what one thread gives.
enum CSVHalves {
    /// The dataset read in two halves, or `nil` when the caller must read the text on one thread. With a
    /// `header`, the text is records only, starting on file line `firstLine` (a block of a file).
    static func parse(_ text: UnsafePointer<UInt8>, count: Int, sourceName: String, options: CSVReadOptions,
                      header knownHeader: [String]? = nil, firstLine: Int = 1) -> Dataset? {
        let delimiter = options.delimiter
        // Lines are Int32 in a dataset's source: past 2³¹ bytes the one-thread reader's clamping decides.
        guard count < Int(Int32.max), delimiter != csvQuote, delimiter != csvLineFeed, delimiter != csvCarriageReturn else { return nil }
        let header: (names: [String], end: Int, nextLine: Int)
        if let knownHeader {
            header = (knownHeader, 0, firstLine)
        } else {
            var headerParser = CSVParser(bytes: text, count: count, sourceName: sourceName, options: options)
            guard let read = try? headerParser.readHeaderOnly() else { return nil }
            header = read
        }
        // The one-thread reader refuses a NUL anywhere; the halves look for one in their own bytes only.
        guard memchr(text, 0, header.end) == nil, let split = recordBoundary(text, from: header.end, count: count) else { return nil }
        let starts = [header.end, split], ends = [split, count]
        var parsed = [Dataset?](repeating: nil, count: 2)
        var linesAtEnd = [Int](repeating: 0, count: 2)
        parsed.withUnsafeMutableBufferPointer { parsed in
            linesAtEnd.withUnsafeMutableBufferPointer { linesAtEnd in
                // Safe to share: both workers only read the text and each writes only its own slots.
                let job = CSVHalvesJob(text: text, parsed: parsed, linesAtEnd: linesAtEnd)
                DispatchQueue.concurrentPerform(iterations: 2) { half in
                    // The second half's lines count from 1 until the first half has counted its own.
                    var parser = CSVParser(bytes: job.text + starts[half], count: ends[half] - starts[half], sourceName: sourceName,
                                           options: options, header: header.names, firstLine: half == 0 ? header.nextLine : 1)
                    job.parsed[half] = try? parser.run()
                    job.linesAtEnd[half] = parser.lineAtEnd
                }
            }
        }
        guard let first = parsed[0], let second = parsed[1], first.rowCount > 0, second.rowCount > 0 else { return nil }
        return join(first, second, secondLineOffset: linesAtEnd[0] - 1, sourceName: sourceName, lineTable: knownHeader != nil)
    }

    /// The offset just after the first line feed outside quotes past the middle of `start..<count`.
    private static func recordBoundary(_ text: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int? {
        let middle = start + (count - start) / 2
        var quotes = 0
        var position = start
        // Quotes are few: hop between them.
        while position < middle, let found = memchr(text + position, Int32(csvQuote), middle - position) {
            let offset = UnsafeRawPointer(found) - UnsafeRawPointer(text)
            quotes += 1
            position = offset + 1
        }
        position = middle
        var inside = quotes % 2 == 1
        while position < count {
            let byte = text[position]
            if byte == csvQuote { inside.toggle() } else if byte == csvLineFeed && !inside { return position + 1 < count ? position + 1 : nil }
            position += 1
        }
        return nil
    }

    /// The rows of `first` then those of `second`, or `nil` when a column is numbers in one and text in the other.
    /// With `lineTable` the lines are kept as a table however regular (as the one-thread reader of a block does).
    private static func join(_ first: Dataset, _ second: Dataset, secondLineOffset: Int, sourceName: String,
                             lineTable: Bool) -> Dataset? {
        var columns: [(name: String, column: Column)] = []
        columns.reserveCapacity(first.columns.count)
        for (index, name) in first.columnNames.enumerated() {
            switch (first.columns[index], second.columns[index]) {
            case (.numeric(let a), .numeric(let b)):
                columns.append((name, .numeric(a + b)))
            case (.text(let a), .text(let b)):
                // Levels in order of first appearance: the first half's, then the second half's new ones.
                var levels = a.levels
                var codeOf = [String: Int32](minimumCapacity: levels.count)
                for (code, level) in levels.enumerated() { codeOf[level] = Int32(code) }
                let mapped = b.levels.map { level -> Int32 in
                    if let code = codeOf[level] { return code }
                    let code = Int32(levels.count)
                    levels.append(level)
                    codeOf[level] = code
                    return code
                }
                var codes = a.codes
                codes.reserveCapacity(a.codes.count + b.codes.count)
                for code in b.codes { codes.append(code < 0 ? code : mapped[Int(code)]) }
                columns.append((name, .text(TextColumn(codes: codes, levels: levels))))
            default:
                return nil
            }
        }
        let offset = Int32(secondLineOffset)
        var rowLines = first.source.rowLines ?? []
        rowLines.reserveCapacity(first.rowCount + second.rowCount)
        for line in second.source.rowLines ?? [] { rowLines.append(line + offset) }
        guard rowLines.count == first.rowCount + second.rowCount else { return nil }
        // As the one-thread reader: no table of lines when row k is on line k + 2 of a whole file.
        let regular = !lineTable && rowLines.indices.allSatisfy { Int(rowLines[$0]) == $0 + 2 }
        return try? Dataset(columns, source: DataSource(name: sourceName, rowLines: regular ? nil : rowLines))
    }
}

/// What the two workers of ``CSVHalves`` share; see there why sharing it is safe.
private struct CSVHalvesJob: @unchecked Sendable {
    let text: UnsafePointer<UInt8>
    let parsed: UnsafeMutableBufferPointer<Dataset?>
    let linesAtEnd: UnsafeMutableBufferPointer<Int>
}

// MARK: - The parser

/// A single pass over the bytes of a CSV file.
private struct CSVParser {
    let p: UnsafePointer<UInt8>
    let end: Int
    let delimiter: UInt8
    let missing: CSVMissingMatcher
    let sourceName: String

    var names: [String] = []
    var columns: [CSVColumnBuilder] = []
    /// The byte offset at which each data row starts, to re-read a column that turns to text.
    var rowStarts: [Int] = []
    /// The line on which each data row starts.
    var rowLines: [Int32] = []
    /// Holds a quoted cell with its doubled quotes undone.
    var scratch: [UInt8] = []
    /// The line just after the last byte, once ``run()`` has read them all.
    private(set) var lineAtEnd = 0

    /// The column names when the bytes are a later block of records of a file (no header line).
    let knownHeader: [String]?
    /// The file line on which the bytes start.
    let firstLine: Int
    /// Whether plain numbers may skip the general cell path (``quickNumber(at:)``): not when a
    /// missing-value spelling is itself a number, or the delimiter could be part of one.
    let quickNumbers: Bool

    init(bytes: UnsafePointer<UInt8>, count: Int, sourceName: String, options: CSVReadOptions,
         header: [String]? = nil, firstLine: Int = 1) {
        p = bytes
        end = count
        delimiter = options.delimiter
        missing = CSVMissingMatcher(options.missingValues)
        quickNumbers = !options.missingValues.contains { NumberParser.parse($0) != nil || $0.hasPrefix(".") || $0.hasPrefix("-") }
            && !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(options.delimiter)
            && options.delimiter != UInt8(ascii: ".") && options.delimiter != UInt8(ascii: "-")
        self.sourceName = sourceName
        knownHeader = header
        self.firstLine = firstLine
    }

    /// Reads the header line only: the column names and the byte offset and line just after it.
    mutating func readHeaderOnly() throws(CSVError) -> (names: [String], end: Int, nextLine: Int) {
        var pos = 0
        if end >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { pos = 3 }
        var line = 1
        skipBlankLines(&pos, &line)
        guard pos < end else { throw .empty(path: sourceName) }
        try readHeader(&pos, &line)
        return (names, pos, line)
    }

    mutating func run() throws(CSVError) -> Dataset {
        if let nul = memchr(p, 0, end) {
            let offset = UnsafeRawPointer(nul) - UnsafeRawPointer(p)
            throw .binary(path: sourceName, line: firstLine + lineCount(upTo: offset))
        }
        var pos = 0
        var line = firstLine
        if let knownHeader {
            names = knownHeader
        } else {
            if end >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { pos = 3 }
            skipBlankLines(&pos, &line)
            guard pos < end else { throw .empty(path: sourceName) }
            try readHeader(&pos, &line)
        }
        let columnCount = names.count
        columns = Array(repeating: CSVColumnBuilder(), count: columnCount)

        // Rows of nothing but plain numbers, while every column is numeric, are staged column by column
        // and added to the columns a few hundred rows at a time, rather than a cell at a time (each append
        // checks the arrays are not shared). Any other row first adds the staged ones, then takes the
        // general path from its start, so the columns get the same values in the same order.
        let stageRows = 256
        var stage = [Double](repeating: 0, count: quickNumbers ? stageRows * columnCount : 0)
        var staged = 0
        var allNumeric = quickNumbers && columnCount > 0
        func addStaged() {
            guard staged > 0 else { return }
            stage.withUnsafeBufferPointer { stage in
                for column in 0..<columnCount {
                    columns[column].numbers.append(contentsOf: UnsafeBufferPointer(rebasing: stage[(column * stageRows)..<(column * stageRows + staged)]))
                }
            }
            staged = 0
        }

        var row = 0
        var regularLines = true
        while true {
            skipBlankLines(&pos, &line)
            if pos >= end { break }
            if row == 64 { addStaged(); reserveCapacity(rowsSoFar: row, bytesSoFar: pos - rowStarts[0]) }
            if allNumeric {
                let rowEnd: Int? = stage.withUnsafeMutableBufferPointer { stage in
                    var q = pos
                    for column in 0..<columnCount {
                        guard let quick = quickNumber(at: q) else { return nil }
                        stage[column * stageRows + staged] = quick.value
                        q = quick.next
                        if quick.endsRecord { return column == columnCount - 1 ? q : nil }
                    }
                    return nil
                }
                if let rowEnd {
                    rowStarts.append(pos)
                    rowLines.append(Int32(clamping: line))
                    if line != row + 2 || knownHeader != nil { regularLines = false }
                    if rowEnd < end || p[end - 1] == csvLineFeed || p[end - 1] == csvCarriageReturn { line += 1 }
                    pos = rowEnd
                    staged += 1
                    row += 1
                    if staged == stageRows { addStaged() }
                    continue
                }
                addStaged()
            }
            rowStarts.append(pos)
            rowLines.append(Int32(clamping: line))
            if line != row + 2 || knownHeader != nil { regularLines = false }
            let rowLine = line
            var column = 0
            while true {
                // Most cells of a numeric column are plain numbers: read them straight from the bytes.
                if quickNumbers && column < columnCount && columns[column].isNumeric, let quick = quickNumber(at: pos) {
                    columns[column].numbers.append(quick.value)
                    pos = quick.next
                    column += 1
                    if quick.endsRecord {
                        if quick.next < end || p[end - 1] == csvLineFeed || p[end - 1] == csvCarriageReturn { line += 1 }
                        break
                    }
                    continue
                }
                let cellLine = line
                let field: CSVField
                do {
                    field = try scanField(&pos, &line)
                } catch {
                    throw csvError(error, column: column)
                }
                if column < columnCount {
                    try addCell(field, column: column, row: row, line: cellLine)
                }
                column += 1
                if field.endsRecord { break }
            }
            if column != columnCount {
                throw .raggedRow(path: sourceName, line: rowLine, expected: columnCount, found: column)
            }
            row += 1
            if allNumeric && columns.contains(where: { !$0.isNumeric }) { allNumeric = false }
        }
        addStaged()
        lineAtEnd = line
        guard row > 0 || knownHeader != nil else { throw .noDataRows(path: sourceName) }
        return try finish(rowCount: row, regularLines: regularLines)
    }

    // MARK: Header

    private mutating func readHeader(_ pos: inout Int, _ line: inout Int) throws(CSVError) {
        var seen: Set<String> = []
        var position = 0
        while true {
            position += 1
            let cellLine = line
            let field: CSVField
            do {
                field = try scanField(&pos, &line)
            } catch {
                throw csvError(error, columnName: String(position))
            }
            let name = withCellBytes(field) { bytes -> String? in
                CSVUTF8Validation.isValid(bytes) ? String(decoding: bytes, as: UTF8.self) : nil
            }
            guard let name else {
                throw .invalidUTF8(path: sourceName, line: cellLine, column: String(position))
            }
            guard !name.isEmpty else { throw .emptyColumnName(path: sourceName, position: position) }
            guard seen.insert(name).inserted else { throw .duplicateColumnName(path: sourceName, name: name) }
            names.append(name)
            if field.endsRecord { return }
        }
    }

    // MARK: Cells

    @inline(__always)
    private mutating func addCell(_ field: CSVField, column: Int, row: Int, line: Int) throws(CSVError) {
        if !field.escaped {
            try addCell(UnsafeBufferPointer(start: p + field.start, count: field.end - field.start),
                        column: column, row: row, line: line)
        } else {
            var buffer = scratch
            scratch = []
            unescape(field, into: &buffer)
            defer { scratch = buffer }
            try buffer.withUnsafeBufferPointer { bytes throws(CSVError) in
                try addCell(bytes, column: column, row: row, line: line)
            }
        }
    }

    @inline(__always)
    private mutating func addCell(_ bytes: UnsafeBufferPointer<UInt8>, column: Int, row: Int,
                                  line: Int) throws(CSVError) {
        if missing.matches(bytes) {
            if columns[column].isNumeric {
                columns[column].numbers.append(.nan)
            } else {
                columns[column].codes.append(-1)
            }
            return
        }
        if columns[column].isNumeric {
            if let value = NumberParser.parse(bytes) {
                columns[column].numbers.append(value)
                return
            }
            if NumberParser.isNonFiniteSpelling(bytes) {
                if columns[column].firstNonFinite == nil {
                    columns[column].firstNonFinite = (line, String(decoding: bytes, as: UTF8.self))
                }
                columns[column].numbers.append(.nan)
                return
            }
            try convertToText(column: column, rows: row)
        }
        guard let code = columns[column].interner.code(for: bytes) else {
            throw .invalidUTF8(path: sourceName, line: line, column: names[column])
        }
        columns[column].codes.append(code)
    }

    /// Turns a numeric column into text by reading its first `rows` cells again from the input,
    /// so each keeps its original spelling (`007`, `1.50`).
    private mutating func convertToText(column: Int, rows: Int) throws(CSVError) {
        var interner = CSVByteInterner()
        var codes: [Int32] = []
        codes.reserveCapacity(max(columns[column].numbers.capacity, rows))
        var buffer = scratch
        scratch = []
        defer { scratch = buffer }
        for row in 0..<rows {
            var pos = rowStarts[row]
            var line = Int(rowLines[row])
            var field = CSVField(start: pos, end: pos, escaped: false, endsRecord: true)
            var cellLine = line
            do {
                for _ in 0...column {
                    cellLine = line
                    field = try scanField(&pos, &line)
                }
            } catch {
                throw csvError(error, column: column)
            }
            let code: Int32? = withCellBytes(field, buffer: &buffer) { bytes in
                missing.matches(bytes) ? -1 : interner.code(for: bytes)
            }
            guard let code else { throw .invalidUTF8(path: sourceName, line: cellLine, column: names[column]) }
            codes.append(code)
        }
        columns[column].isNumeric = false
        columns[column].numbers = []
        columns[column].firstNonFinite = nil
        columns[column].codes = codes
        columns[column].interner = interner
    }

    private mutating func finish(rowCount: Int, regularLines: Bool) throws(CSVError) -> Dataset {
        // A numeric column with a NaN/Inf spelling is an error when it holds at least one real number;
        // a column of nothing but such spellings (and missing cells) is text.
        var firstError: (line: Int, column: Int, value: String)?
        for column in columns.indices where columns[column].isNumeric {
            guard let bad = columns[column].firstNonFinite else { continue }
            if columns[column].numbers.contains(where: { !$0.isNaN }) {
                if firstError.map({ bad.line < $0.line }) ?? true {
                    firstError = (bad.line, column, bad.value)
                }
            }
        }
        if let firstError {
            throw .nonFiniteNumber(path: sourceName, line: firstError.line, column: names[firstError.column],
                                   value: firstError.value)
        }
        for column in columns.indices where columns[column].isNumeric && columns[column].firstNonFinite != nil {
            try convertToText(column: column, rows: rowCount)
        }

        var result: [(name: String, column: Column)] = []
        result.reserveCapacity(columns.count)
        for index in columns.indices {
            let builder = columns[index]
            columns[index] = CSVColumnBuilder()
            let column: Column = builder.isNumeric
                ? .numeric(builder.numbers)
                : .text(TextColumn(codes: builder.codes, levels: builder.interner.levels))
            result.append((names[index], column))
        }
        let source = DataSource(name: sourceName, rowLines: regularLines ? nil : rowLines)
        do {
            return try Dataset(result, source: source)
        } catch {
            // Unreachable: names are checked to be distinct and every column has one cell per row.
            switch error {
            case .duplicateColumn(let name): throw .duplicateColumnName(path: sourceName, name: name)
            default: throw .unreadable(path: sourceName, reason: error.description)
            }
        }
    }

    /// Reserves room for the rest of the rows, estimated from the average size of the first ones.
    private mutating func reserveCapacity(rowsSoFar: Int, bytesSoFar: Int) {
        guard bytesSoFar > 0 else { return }
        let remaining = end - (rowStarts.first ?? 0)
        let estimate = Int(Double(remaining) / Double(bytesSoFar) * Double(rowsSoFar) * 1.05) + 16
        rowStarts.reserveCapacity(estimate)
        rowLines.reserveCapacity(estimate)
        for column in columns.indices {
            if columns[column].isNumeric {
                columns[column].numbers.reserveCapacity(estimate)
            } else {
                columns[column].codes.reserveCapacity(estimate)
            }
        }
    }

    // MARK: Scanning

    /// A plain number at `start` that ends the cell: an optional `-`, at most 19 digits with an optional
    /// fraction, then the delimiter, a line end or the end of input. Anything else (spaces, quotes,
    /// exponents, more digits, missing-value spellings) is `nil` and takes the general path, which
    /// reads these numbers the same way: the value is exact (Clinger's fast path, as ``NumberParser``).
    @inline(__always)
    private func quickNumber(at start: Int) -> (value: Double, next: Int, endsRecord: Bool)? {
        var i = start
        let negative = i < end && p[i] == UInt8(ascii: "-")
        if negative { i += 1 }
        var mantissa: UInt64 = 0
        let integerStart = i
        while i < end {
            let d = p[i] &- UInt8(ascii: "0")
            if d > 9 { break }
            mantissa = mantissa &* 10 &+ UInt64(d)
            i += 1
        }
        var digits = i - integerStart
        var fraction = 0
        if i < end && p[i] == UInt8(ascii: ".") {
            i += 1
            let fractionStart = i
            while i < end {
                let d = p[i] &- UInt8(ascii: "0")
                if d > 9 { break }
                mantissa = mantissa &* 10 &+ UInt64(d)
                i += 1
            }
            fraction = i - fractionStart
            digits += fraction
        }
        // 19 digits cannot overflow 64 bits; Clinger: an exact significand and an exact power of ten.
        guard digits > 0, digits <= 19, mantissa <= 1 << 53, fraction <= 22 else { return nil }
        let next: Int, endsRecord: Bool
        if i >= end {
            next = end
            endsRecord = true
        } else if p[i] == delimiter {
            next = i + 1
            endsRecord = false
        } else if p[i] == csvLineFeed {
            next = i + 1
            endsRecord = true
        } else if p[i] == csvCarriageReturn && (i + 1 == end || p[i + 1] == csvLineFeed) {
            next = min(i + 2, end)
            endsRecord = true
        } else {
            return nil
        }
        var value = Double(mantissa)
        if fraction > 0 { value /= NumberParser.exactPowerOfTen(fraction) }
        return (negative ? -value : value, next, endsRecord)
    }

    /// Scans one field starting at `pos`, moving `pos` past its delimiter or line end and
    /// counting the lines passed in `line`.
    @inline(__always)
    private func scanField(_ pos: inout Int, _ line: inout Int) throws(CSVScanError) -> CSVField {
        let p = self.p
        let end = self.end
        let delimiter = self.delimiter
        var start = pos
        while start < end && (p[start] == csvSpace || p[start] == csvTab) && p[start] != delimiter { start += 1 }
        if start < end && p[start] == csvQuote && delimiter != csvQuote {
            return try scanQuotedField(openingQuote: start, &pos, &line)
        }
        var q = start
        while q < end {
            let b = p[q]
            if b == delimiter || b == csvLineFeed { break }
            if b == csvCarriageReturn {
                if q + 1 == end || p[q + 1] == csvLineFeed { break }
            } else if b == csvQuote {
                throw .misplacedQuote(line: line)
            }
            q += 1
        }
        var contentEnd = q
        while contentEnd > start && (p[contentEnd - 1] == csvSpace || p[contentEnd - 1] == csvTab) { contentEnd -= 1 }
        let endsRecord = try finishField(at: q, &pos, &line)
        return CSVField(start: start, end: contentEnd, escaped: false, endsRecord: endsRecord)
    }

    private func scanQuotedField(openingQuote: Int, _ pos: inout Int, _ line: inout Int) throws(CSVScanError) -> CSVField {
        let startLine = line
        var q = openingQuote + 1
        var escaped = false
        while true {
            guard q < end else { throw .unterminatedQuote(line: startLine) }
            let b = p[q]
            if b == csvQuote {
                if q + 1 < end && p[q + 1] == csvQuote {
                    escaped = true
                    q += 2
                    continue
                }
                break
            }
            if b == csvLineFeed { line += 1 }
            q += 1
        }
        let endsRecord = try finishField(at: q + 1, &pos, &line)
        return CSVField(start: openingQuote + 1, end: q, escaped: escaped, endsRecord: endsRecord)
    }

    /// Consumes the delimiter or line end at `q`; text there is a misplaced quote.
    @inline(__always)
    private func finishField(at q: Int, _ pos: inout Int, _ line: inout Int) throws(CSVScanError) -> Bool {
        if q >= end {
            pos = end
            return true
        }
        let b = p[q]
        if b == delimiter {
            pos = q + 1
            return false
        }
        if b == csvLineFeed {
            pos = q + 1
            line += 1
            return true
        }
        if b == csvCarriageReturn && (q + 1 == end || p[q + 1] == csvLineFeed) {
            pos = min(q + 2, end)
            line += 1
            return true
        }
        throw .misplacedQuote(line: line)
    }

    /// Skips lines with no bytes at all before their LF or CRLF.
    private func skipBlankLines(_ pos: inout Int, _ line: inout Int) {
        while pos < end {
            if p[pos] == csvLineFeed {
                pos += 1
            } else if p[pos] == csvCarriageReturn && (pos + 1 == end || p[pos + 1] == csvLineFeed) {
                pos = min(pos + 2, end)
            } else {
                return
            }
            line += 1
        }
    }

    private func lineCount(upTo offset: Int) -> Int {
        var count = 0
        for k in 0..<offset where p[k] == csvLineFeed { count += 1 }
        return count
    }

    /// Calls `body` with a field's content, its doubled quotes undone when needed.
    private func withCellBytes<R>(_ field: CSVField, body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var buffer: [UInt8] = []
        return withCellBytes(field, buffer: &buffer, body: body)
    }

    private func withCellBytes<R>(_ field: CSVField, buffer: inout [UInt8],
                                  body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if !field.escaped {
            return body(UnsafeBufferPointer(start: p + field.start, count: field.end - field.start))
        }
        unescape(field, into: &buffer)
        return buffer.withUnsafeBufferPointer(body)
    }

    /// Copies a quoted field's content into `buffer`, turning each `""` into `"`.
    private func unescape(_ field: CSVField, into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        var k = field.start
        while k < field.end {
            let b = p[k]
            buffer.append(b)
            k += b == csvQuote ? 2 : 1
        }
    }

    // MARK: Errors

    private func csvError(_ error: CSVScanError, column: Int) -> CSVError {
        csvError(error, columnName: column < names.count ? names[column] : String(column + 1))
    }

    private func csvError(_ error: CSVScanError, columnName: String) -> CSVError {
        switch error {
        case .misplacedQuote(let line):
            .misplacedQuote(path: sourceName, line: line, column: columnName)
        case .unterminatedQuote(let line):
            .unterminatedQuote(path: sourceName, line: line)
        }
    }
}

// MARK: - Reading files

/// A file's bytes in one `malloc` block, released with ``release()``.
struct CSVFileContents {
    var pointer: UnsafeMutableRawPointer?
    var count: Int

    func release() { free(pointer) }

    /// Reads all of the file at `path`.
    static func load(path: String) throws(CSVError) -> CSVFileContents {
        let (fd, info) = try openForReading(path: path)
        defer { close(fd) }
        let kind = info.st_mode & S_IFMT
        return try readAll(fd, sizeHint: kind == S_IFREG ? Int(info.st_size) : 0, name: path)
    }

    /// Opens `path` for reading, refusing a directory; the caller closes the descriptor.
    static func openForReading(path: String) throws(CSVError) -> (descriptor: Int32, info: stat) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT, ENOTDIR: throw .fileNotFound(path: path)
            case EISDIR: throw .isDirectory(path: path)
            default: throw .unreadable(path: path, reason: reason(code))
            }
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let code = errno
            close(fd)
            throw .unreadable(path: path, reason: reason(code))
        }
        if info.st_mode & S_IFMT == S_IFDIR {
            close(fd)
            throw .isDirectory(path: path)
        }
        return (fd, info)
    }

    /// Reads all of standard input.
    static func readStandardInput() throws(CSVError) -> CSVFileContents {
        var info = stat()
        var hint = 0
        if fstat(STDIN_FILENO, &info) == 0 && info.st_mode & S_IFMT == S_IFREG { hint = Int(info.st_size) }
        return try readAll(STDIN_FILENO, sizeHint: hint, name: "<stdin>")
    }

    private static func readAll(_ fd: Int32, sizeHint: Int, name: String) throws(CSVError) -> CSVFileContents {
        // One byte more than the expected size, so the read that finds the end needs no growth.
        var capacity = max(sizeHint + 1, 1 << 16)
        guard var buffer = malloc(capacity) else { throw .unreadable(path: name, reason: "out of memory") }
        var count = 0
        while true {
            if count == capacity {
                capacity *= 2
                guard let grown = realloc(buffer, capacity) else {
                    free(buffer)
                    throw .unreadable(path: name, reason: "out of memory")
                }
                buffer = grown
            }
            let got = read(fd, buffer + count, min(capacity - count, 1 << 30))
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                free(buffer)
                if code == EISDIR { throw .isDirectory(path: name) }
                throw .unreadable(path: name, reason: reason(code))
            }
            if got == 0 { break }
            count += got
        }
        return CSVFileContents(pointer: buffer, count: count)
    }

    /// A short phrase for an `errno` value.
    static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case EIO: return "input/output error"
        case ENOMEM: return "out of memory"
        case EMFILE, ENFILE: return "too many open files"
        case ELOOP: return "too many symbolic links"
        case ENAMETOOLONG: return "file name too long"
        default:
            guard let message = strerror(code) else { return "error \(code)" }
            let text = String(cString: message)
            guard let first = text.first else { return "error \(code)" }
            return first.lowercased() + text.dropFirst()
        }
    }
}
