import Foundation
import Testing
@testable import Forecasting
@testable import ForecastingCore

private func parse(_ text: String, options: CSVReadOptions = .init()) throws(CSVError) -> Dataset {
    try CSVReader.parse(text, sourceName: "f.csv", options: options)
}

private func parse(bytes: [UInt8], options: CSVReadOptions = .init()) throws(CSVError) -> Dataset {
    let result = bytes.withUnsafeBytes { raw in
        Result { () throws(CSVError) -> Dataset in try CSVReader.parse(raw, sourceName: "f.csv", options: options) }
    }
    return try result.get()
}

private func numbers(_ data: Dataset, _ name: String) throws -> [Double] {
    guard case .numeric(let values) = try data.column(name) else {
        Issue.record("column '\(name)' is not numeric")
        return []
    }
    return values
}

private func texts(_ data: Dataset, _ name: String) throws -> [String?] {
    guard case .text(let text) = try data.column(name) else {
        Issue.record("column '\(name)' is not text")
        return []
    }
    return (0..<text.codes.count).map { text[$0] }
}

/// Compares numbers treating `nan` as equal to `nan` (a missing cell).
private func same(_ a: [Double], _ b: [Double]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }
}

/// A fresh directory under the system's temporary directory.
private func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("csvreader-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct CSVReaderTests {
    // MARK: Well-formed files

    @Test func plainNumericFile() throws {
        let data = try parse("week,demos,price\n1,12,9.5\n2,15,-0.25\n3,0,1e3\n")
        #expect(data.columnNames == ["week", "demos", "price"])
        #expect(data.rowCount == 3)
        #expect(try numbers(data, "week") == [1, 2, 3])
        #expect(try numbers(data, "demos") == [12, 15, 0])
        #expect(try numbers(data, "price") == [9.5, -0.25, 1000])
        #expect(data.source == DataSource(name: "f.csv", rowLines: nil))
    }

    @Test func textNumericAndMissingCells() throws {
        let data = try parse("""
            region,sales,note
            north,10,
            south,NA,ok
            north,null,NA
            east,,ok
            ,4.5,"NA"
            """)
        #expect(try texts(data, "region") == ["north", "south", "north", "east", nil])
        #expect(same(try numbers(data, "sales"), [10, .nan, .nan, .nan, 4.5]))
        #expect(try texts(data, "note") == [nil, "ok", nil, "ok", nil])
        guard case .text(let region) = try data.column("region") else { Issue.record("not text"); return }
        #expect(region.levels == ["north", "south", "east"])
        #expect(region.codes == [0, 1, 0, 2, -1])
    }

    @Test func customMissingValues() throws {
        let options = CSVReadOptions(missingValues: ["-999", "?"])
        let data = try parse("a,b\n1,x\n-999,?\n3,\n", options: options)
        #expect(same(try numbers(data, "a"), [1, .nan, 3]))
        // "" is no longer missing, so it is a text value.
        #expect(try texts(data, "b") == ["x", nil, ""])
    }

    @Test func allMissingColumnIsNumeric() throws {
        let data = try parse("a,b\n1,\n2,NA\n")
        #expect(same(try numbers(data, "b"), [.nan, .nan]))
    }

    @Test func quotedFieldsWithDelimitersQuotesAndNewlines() throws {
        let text = "name,note,value\r\na,\"line1\nline2\",1\nb,\"x, \"\"y\"\"\",2\n\nc,plain,3\n"
        let data = try parse(text)
        #expect(try texts(data, "name") == ["a", "b", "c"])
        #expect(try texts(data, "note") == ["line1\nline2", "x, \"y\"", "plain"])
        #expect(try numbers(data, "value") == [1, 2, 3])
        #expect(data.source.rowLines == [2, 4, 6])
        #expect(data.source.line(ofRow: 2) == 6)
    }

    @Test func rowLinesPointAtTheRightLineInErrors() throws {
        let data = try parse("note,demos\n\"two\nlines\",1\nb,n/a\n")
        #expect(data.source.rowLines == [2, 4])
        #expect(throws: DataError.notANumber(source: "f.csv", line: 4, column: "demos", value: "n/a")) {
            try data.numbers("demos")
        }
    }

    @Test func blankLinesAreSkippedButCounted() throws {
        let data = try parse("\n\na,b\n1,2\n\n\r\n3,4\n\n")
        #expect(data.rowCount == 2)
        #expect(try numbers(data, "a") == [1, 3])
        #expect(data.source.rowLines == [4, 7])
        #expect(throws: CSVError.raggedRow(path: "f.csv", line: 5, expected: 2, found: 1)) {
            try parse("a,b\n1,2\n\n\n5\n")
        }
    }

    @Test func quotedCellsAreKeptExactlyAndUnquotedAreTrimmed() throws {
        let data = try parse("a , b\t\n  x  ,\" y \"\n\t12 , \"12\"\n")
        #expect(data.columnNames == ["a", "b"])
        #expect(try texts(data, "a") == ["x", "12"])
        #expect(try texts(data, "b") == [" y ", "12"])
        // A quoted number is still a number.
        let numeric = try parse("a\n\"12\"\n\"-1.5\"\n")
        #expect(try numbers(numeric, "a") == [12, -1.5])
        // Blanks before an opening quote are allowed.
        let spaced = try parse("a,b\n1, \"x, y\"\n")
        #expect(try texts(spaced, "b") == ["x, y"])
    }

    @Test func byteOrderMarkIsSkipped() throws {
        let data = try parse(bytes: [0xEF, 0xBB, 0xBF] + Array("id,v\n1,2\n".utf8))
        #expect(data.columnNames == ["id", "v"])
        #expect(try numbers(data, "id") == [1])
    }

    @Test func crlfLineEnds() throws {
        let data = try parse("a,b\r\n1,x\r\n2,y\r\n")
        #expect(try numbers(data, "a") == [1, 2])
        #expect(try texts(data, "b") == ["x", "y"])
        #expect(data.source.rowLines == nil)
        // No newline at the end, a CR at the very end, and a lone CR inside a field.
        #expect(try texts(parse("a,b\n1,x\r"), "b") == ["x"])
        #expect(try texts(parse("a,b\n1,x\ry"), "b") == ["x\ry"])
    }

    @Test func semicolonDelimiter() throws {
        let data = try parse("a;b;c\n1,5;2;\"x;y\"\n", options: CSVReadOptions(delimiter: UInt8(ascii: ";")))
        #expect(data.columnNames == ["a", "b", "c"])
        #expect(try texts(data, "a") == ["1,5"])  // a decimal comma is not a number
        #expect(try numbers(data, "b") == [2])
        #expect(try texts(data, "c") == ["x;y"])
    }

    @Test func tabDelimiter() throws {
        let data = try parse("a\tb c\n 1 \tx, y\n2\t\n", options: CSVReadOptions(delimiter: UInt8(ascii: "\t")))
        #expect(data.columnNames == ["a", "b c"])
        #expect(try numbers(data, "a") == [1, 2])
        #expect(try texts(data, "b c") == ["x, y", nil])
    }

    // MARK: Types

    @Test func mixedColumnBecomesTextAndNumbersNamesTheCell() throws {
        let data = try parse("week,demos\n1,12\n2,n/a\n3,14\n")
        #expect(try texts(data, "demos") == ["12", "n/a", "14"])
        do {
            _ = try data.numbers("demos")
            Issue.record("expected an error")
        } catch {
            #expect(error == .notANumber(source: "f.csv", line: 3, column: "demos", value: "n/a"))
            #expect(error.description == "f.csv, line 3, column 'demos': 'n/a' is not a number")
        }
    }

    @Test func lateTextColumnKeepsOriginalText() throws {
        var lines = ["id,code,amount"]
        var expected: [String?] = []
        for row in 0..<6000 {
            let code: String
            switch row {
            case 0: code = "007"
            case 1: code = "1.50"
            case 2: code = "NA"
            case 3: code = "\"2.0\""
            case 4: code = "-0"
            case 5: code = "1e3"
            case 4999: code = "x"
            default: code = String(row % 97)
            }
            lines.append("\(row),\(code),\(Double(row) / 4)")
            expected.append(code == "NA" ? nil : code == "\"2.0\"" ? "2.0" : code)
        }
        let data = try parse(lines.joined(separator: "\n"))
        #expect(data.rowCount == 6000)
        let codes = try texts(data, "code")
        #expect(codes == expected)
        #expect(codes.prefix(6) == ["007", "1.50", nil, "2.0", "-0", "1e3"])
        #expect(try numbers(data, "amount") == (0..<6000).map { Double($0) / 4 })
        guard case .text(let column) = try data.column("code") else { Issue.record("not text"); return }
        #expect(Array(column.levels.prefix(3)) == ["007", "1.50", "2.0"])
        #expect(Set(column.levels).count == column.levels.count)
    }

    @Test func nonFiniteSpellingsInNumericColumnsAreErrors() throws {
        #expect(throws: CSVError.nonFiniteNumber(path: "f.csv", line: 3, column: "a", value: "NaN")) {
            try parse("a,b\n1,2\nNaN,3\n4,inf\n")
        }
        #expect(throws: CSVError.nonFiniteNumber(path: "f.csv", line: 4, column: "b", value: "-Inf")) {
            try parse("a,b\n1,2\n3,4\n5,-Inf\n6,7\n")
        }
        let error = #expect(throws: CSVError.self) { try parse("a,b\n1,2\nNaN,3\n") }
        #expect(error?.description == "f.csv, line 3, column 'a': 'NaN' is not a finite number")
    }

    @Test func nonFiniteSpellingsInTextColumnsAreText() throws {
        let data = try parse("name,n\nNan,1\nInf,2\nBob,3\n")
        #expect(try texts(data, "name") == ["Nan", "Inf", "Bob"])
        // Nothing but such spellings: not a number column, so text.
        let only = try parse("x,n\nnan,1\n,2\ninf,3\n")
        #expect(try texts(only, "x") == ["nan", nil, "inf"])
        // Listing them as missing values is the way to accept them.
        let accepted = try parse("a\n1\nNaN\n", options: CSVReadOptions(missingValues: ["", "NaN"]))
        #expect(same(try numbers(accepted, "a"), [1, .nan]))
    }

    // MARK: Malformed files

    /// Rows of plain numbers are added to the columns a few hundred at a time: a missing cell, a column
    /// turning to text and a ragged row after hundreds of such rows must still see every row before them.
    @Test func stagedRowsOfNumbersThenOtherCells() throws {
        var text = "a,b,c\n"
        for i in 0..<1000 {
            let a = i == 500 ? "" : "\(i).5"
            let b = i == 700 ? "x7" : (i % 3 == 0 ? "0\(i % 10)" : "\(i % 10)")
            text += "\(a),\(b),\(-i)\n"
        }
        let data = try parse(text)
        let a = try numbers(data, "a"), b = try texts(data, "b"), c = try numbers(data, "c")
        #expect(a.count == 1000 && b.count == 1000 && c.count == 1000)
        #expect(a[499] == 499.5 && a[500].isNaN && a[501] == 501.5 && a[999] == 999.5)
        #expect(b[3] == "03" && b[4] == "4" && b[700] == "x7" && b[999] == "09")
        #expect(c[0] == 0 && c[257] == -257 && c[999] == -999)
        let ragged = text.replacingOccurrences(of: "\n900.5,00,-900\n", with: "\n900.5,00\n")
        #expect(throws: CSVError.raggedRow(path: "f.csv", line: 902, expected: 3, found: 2)) { try parse(ragged) }
    }

    @Test func raggedRowNamesTheLine() {
        #expect(throws: CSVError.raggedRow(path: "f.csv", line: 3, expected: 2, found: 3)) {
            try parse("a,b\n1,2\n3,4,5\n")
        }
        #expect(throws: CSVError.raggedRow(path: "f.csv", line: 4, expected: 3, found: 1)) {
            try parse("a,b,c\n1,2,3\n4,5,6\n7")
        }
        let error = #expect(throws: CSVError.self) { try parse("a,b\n1,2\n3,4,5\n") }
        #expect(error?.description == "f.csv, line 3: 3 cells, but the header has 2")
    }

    @Test func unterminatedQuoteNamesTheStartingLine() {
        #expect(throws: CSVError.unterminatedQuote(path: "f.csv", line: 3)) {
            try parse("a,b\n1,2\n3,\"abc\n\ndef\n")
        }
        #expect(throws: CSVError.unterminatedQuote(path: "f.csv", line: 1)) { try parse("a,\"b\n") }
    }

    @Test func misplacedQuote() {
        #expect(throws: CSVError.misplacedQuote(path: "f.csv", line: 2, column: "b")) {
            try parse("a,b\n1,ab\"c\n")
        }
        #expect(throws: CSVError.misplacedQuote(path: "f.csv", line: 3, column: "a")) {
            try parse("a,b\n1,2\n\"x\"y,2\n")
        }
        #expect(throws: CSVError.misplacedQuote(path: "f.csv", line: 1, column: "2")) {
            try parse("a,b\"\n1,2\n")
        }
    }

    @Test func emptyFile() {
        #expect(throws: CSVError.empty(path: "f.csv")) { try parse("") }
        #expect(throws: CSVError.empty(path: "f.csv")) { try parse("\n\r\n\n") }
        #expect(throws: CSVError.empty(path: "f.csv")) { try parse(bytes: [0xEF, 0xBB, 0xBF]) }
        #expect(throws: CSVError.empty(path: "f.csv")) { try parse(bytes: [0xEF, 0xBB, 0xBF, 0x0A, 0x0A]) }
        #expect(throws: CSVError.empty(path: "f.csv")) { try parse(bytes: []) }
    }

    @Test func headerOnly() {
        #expect(throws: CSVError.noDataRows(path: "f.csv")) { try parse("a,b\n") }
        #expect(throws: CSVError.noDataRows(path: "f.csv")) { try parse("a,b") }
        #expect(throws: CSVError.noDataRows(path: "f.csv")) { try parse("a,b\r\n\r\n\n") }
    }

    @Test func duplicateAndEmptyHeaderNames() {
        #expect(throws: CSVError.duplicateColumnName(path: "f.csv", name: "a")) { try parse("a,b, a\n1,2,3\n") }
        #expect(throws: CSVError.emptyColumnName(path: "f.csv", position: 2)) { try parse("a,,b\n1,2,3\n") }
        #expect(throws: CSVError.emptyColumnName(path: "f.csv", position: 1)) { try parse(" \t,b\n1,2\n") }
        #expect(throws: CSVError.emptyColumnName(path: "f.csv", position: 3)) { try parse("a,b,\n1,2,3\n") }
        #expect(throws: CSVError.emptyColumnName(path: "f.csv", position: 2)) { try parse("a,\"\"\n1,2\n") }
    }

    @Test func nulByteMeansBinary() {
        #expect(throws: CSVError.binary(path: "f.csv", line: 3)) { try parse(bytes: Array("a,b\n1,2\n3,".utf8) + [0, 0x0A]) }
        #expect(throws: CSVError.binary(path: "f.csv", line: 1)) { try parse(bytes: [0x61, 0x00, 0x0A, 0x31, 0x0A]) }
    }

    @Test func invalidUTF8() {
        #expect(throws: CSVError.invalidUTF8(path: "f.csv", line: 1, column: "2")) {
            try parse(bytes: Array("a,".utf8) + [0xFF] + Array("\n1,2\n".utf8))
        }
        #expect(throws: CSVError.invalidUTF8(path: "f.csv", line: 3, column: "name")) {
            try parse(bytes: Array("name,n\nBob,1\n".utf8) + [0xC3, 0x28] + Array(",2\n".utf8))
        }
        // A numeric column whose first non-number is not UTF-8.
        #expect(throws: CSVError.invalidUTF8(path: "f.csv", line: 3, column: "x")) {
            try parse(bytes: Array("x\n1\n".utf8) + [0xED, 0xA0, 0x80] + Array("\n".utf8))
        }
        // Valid multi-byte text is fine.
        #expect(throws: Never.self) { try parse("städt,€\nMünchen,½\n") }
    }

    @Test func errorDescriptionsAreOneLine() {
        let errors: [CSVError] = [
            .raggedRow(path: "f.csv", line: 3, expected: 2, found: 3), .unterminatedQuote(path: "f.csv", line: 2),
            .misplacedQuote(path: "f.csv", line: 2, column: "b"), .empty(path: "f.csv"), .noDataRows(path: "f.csv"),
            .binary(path: "f.csv", line: 1), .invalidUTF8(path: "f.csv", line: 1, column: "a"),
            .nonFiniteNumber(path: "f.csv", line: 2, column: "a", value: "NaN"),
            .unreadable(path: "f.csv", reason: "permission denied"),
        ]
        for error in errors {
            #expect(!error.description.contains("\n"), "\(error.description)")
            #expect(error.description.hasPrefix("f.csv"))
        }
    }

    // MARK: Files

    @Test func readsARealFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("history.csv")
        try Data("week,demos,region\n1,12,north\n2,,south\n".utf8).write(to: file)
        let data = try CSVReader.read(path: file.path)
        #expect(data.source == DataSource(name: file.path))
        #expect(same(try numbers(data, "demos"), [12, .nan]))
        #expect(try texts(data, "region") == ["north", "south"])
    }

    @Test func readsALargerFileLikeParse() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("big.csv")
        var text = "a,b,c\n"
        for row in 0..<50_000 { text += "\(row),\(Double(row) * 0.1),r\(row % 7)\n" }
        try Data(text.utf8).write(to: file)
        let data = try CSVReader.read(path: file.path, options: .init())
        #expect(data.rowCount == 50_000)
        #expect(try numbers(data, "b") == (0..<50_000).map { Double("\(Double($0) * 0.1)") ?? .nan })
        guard case .text(let c) = try data.column("c") else { Issue.record("not text"); return }
        #expect(c.levels == (0..<7).map { "r\($0)" })
    }

    @Test func missingFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("nope.csv").path
        #expect(throws: CSVError.fileNotFound(path: path)) { try CSVReader.read(path: path) }
        let error = #expect(throws: CSVError.self) { try CSVReader.read(path: path) }
        #expect(error?.description == "\(path): no such file")
    }

    @Test func directoryIsNotAFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(throws: CSVError.isDirectory(path: directory.path)) { try CSVReader.read(path: directory.path) }
    }

    @Test("A file that cannot be read is named with the reason, for root too (CI runs as root)")
    func unreadableFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A symbolic link to itself cannot be opened, whoever asks (ELOOP).
        let loop = directory.appendingPathComponent("loop.csv").path
        try FileManager.default.createSymbolicLink(atPath: loop, withDestinationPath: loop)
        let expected = CSVError.unreadable(path: loop, reason: "too many symbolic links")
        #expect(throws: expected) { try CSVReader.read(path: loop) }
        #expect(throws: expected) { try CSVChunkReader(path: loop) }
        #expect(expected.description == "\(loop): cannot be read (too many symbolic links)")
        #if os(Linux)
        // /proc/self/mem opens, but reading it from offset 0 fails with an I/O error, for root too (EIO).
        let mem = CSVError.unreadable(path: "/proc/self/mem", reason: "input/output error")
        #expect(throws: mem) { try CSVReader.read(path: "/proc/self/mem") }
        #expect(throws: mem) { try CSVChunkReader(path: "/proc/self/mem") }
        #endif
        #expect(CSVFileContents.reason(EACCES) == "permission denied")
    }

    @Test("A file without read permission is refused as permission denied",
          .disabled(if: getuid() == 0, "root reads any file whatever its permissions; unreadableFile() covers root with a symbolic-link loop and /proc/self/mem"))
    func permissionDenied() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("secret.csv")
        try Data("a\n1\n".utf8).write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: file.path)
        #expect(throws: CSVError.unreadable(path: file.path, reason: "permission denied")) {
            try CSVReader.read(path: file.path)
        }
    }

    // MARK: Plain numbers read straight from the bytes

    /// Every spelling the reader's quick path takes (and many it leaves to the general path) gives the
    /// correctly rounded double, bit for bit what `Double(String)` gives, whatever ends the cell.
    @Test func quickNumbersAreCorrectlyRounded() throws {
        var generator = SplitMix64(seed: 20261130)
        func digits(_ count: Int) -> String {
            String((0..<count).map { _ in Character(String(generator.next() % 10)) })
        }
        var cells: [String] = []
        for k in 0..<6000 {
            let whole = digits(Int(generator.next() % 12)), fraction = digits(Int(generator.next() % 12))
            var cell: String
            switch k % 6 {
            case 0: cell = whole.isEmpty ? "0" : whole
            case 1: cell = (whole.isEmpty ? "0" : whole) + "." + fraction
            case 2: cell = "-" + whole + "." + (fraction.isEmpty ? "5" : fraction)
            case 3: cell = digits(15 + Int(generator.next() % 10)) + "." + digits(Int(generator.next() % 8))  // 15 to 32 digits
            case 4: cell = "0." + String(repeating: "0", count: Int(generator.next() % 25)) + digits(1 + Int(generator.next() % 17))
            default: cell = digits(1 + Int(generator.next() % 9)) + "e" + String(Int(generator.next() % 40) - 20)
            }
            cells.append(cell)
        }
        cells += ["9007199254740993", "9007199254740992.5", "1234567890123456789", "12345678901234567890", "-0", "-0.0",
                  ".5", "5.", "-.25", "0000000000000000000001", "1.7976931348623157", "4.9406564584124654"]
        let width = 4
        while cells.count % width != 0 { cells.append("1") }
        for ending in ["\n", "\r\n"] {
            var text = (1...width).map { "c\($0)" }.joined(separator: ",") + ending
            for row in stride(from: 0, to: cells.count, by: width) {
                text += cells[row..<(row + width)].joined(separator: ",") + ending
            }
            let data = try parse(text)
            for column in 0..<width {
                let values = try numbers(data, "c\(column + 1)")
                for (row, value) in values.enumerated() {
                    let cell = cells[row * width + column]
                    let expected = try #require(Double(cell), "\(cell)")
                    #expect(value.bitPattern == expected.bitPattern, "\(cell): read \(value), correctly rounded \(expected)")
                }
            }
        }
    }

    /// Cells the quick path must leave alone: a numeric missing-value spelling, spaces, signs, text.
    @Test func quickPathLeavesOtherCellsToTheGeneralPath() throws {
        var options = CSVReadOptions()
        options.missingValues = ["", "-999"]
        let data = try parse("a,b,c\n1,-999,3\n-999, 2 ,+4\n7,8,\n", options: options)
        #expect(same(try numbers(data, "a"), [1, .nan, 7]))
        #expect(same(try numbers(data, "b"), [.nan, 2, 8]))
        #expect(same(try numbers(data, "c"), [3, 4, .nan]))
        // A column that turns to text after plain numbers keeps their spelling.
        let mixed = try parse("id,x\n007,1\n1.50,2\nabc,3\n")
        #expect(try texts(mixed, "id") == ["007", "1.50", "abc"])
        // Lines are still counted right after rows read quickly.
        #expect(throws: CSVError.raggedRow(path: "f.csv", line: 4, expected: 2, found: 3)) {
            try parse("a,b\r\n1,2\r\n3,4\r\n5,6,7\r\n")
        }
        #expect(throws: CSVError.raggedRow(path: "f.csv", line: 3, expected: 3, found: 2)) {
            try parse("a,b,c\n1,2,3\n4,5\n")
        }
    }
}

/// A small deterministic generator (SplitMix64), so the test's numbers are the same on every run.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
