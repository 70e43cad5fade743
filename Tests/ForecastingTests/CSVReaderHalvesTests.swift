import Testing
@testable import Forecasting
@testable import ForecastingCore

/// Reads `text` with the two-halves reader from `minimumBytes` bytes (0: always tried, `Int.max`: one thread).
private func read(_ text: String, inHalvesFrom minimumBytes: Int, options: CSVReadOptions = .init()) -> Result<Dataset, CSVError> {
    var text = text
    return text.withUTF8 { utf8 in
        Result { () throws(CSVError) -> Dataset in
            try CSVReader.parse(UnsafeRawBufferPointer(utf8), sourceName: "big.csv", options: options, inHalvesFrom: minimumBytes)
        }
    }
}

/// The two halves joined, or `nil` when they leave the text to one thread.
private func halves(_ text: String, options: CSVReadOptions = .init()) -> Dataset? {
    var text = text
    return text.withUTF8 { utf8 in
        CSVHalves.parse(utf8.baseAddress!, count: utf8.count, sourceName: "big.csv", options: options)
    }
}

/// Equal names, sources (line table included) and columns, numbers compared bit for bit (missing cells are NaN).
private func identical(_ a: Dataset, _ b: Dataset) -> Bool {
    guard a.columnNames == b.columnNames, a.source == b.source, a.rowCount == b.rowCount else { return false }
    return zip(a.columns, b.columns).allSatisfy { left, right in
        switch (left, right) {
        case (.numeric(let x), .numeric(let y)): return x.map(\.bitPattern) == y.map(\.bitPattern)
        case (.text(let x), .text(let y)): return x.codes == y.codes && x.levels == y.levels
        default: return false
        }
    }
}

/// A file of `rows` records: an id, an amount (sometimes missing), a region (sometimes quoted, with a comma
/// or doubled quotes), and a note that is sometimes a quoted cell over several lines; blank lines here and
/// there. Deterministic (a linear congruential generator).
private func generatedFile(rows: Int, lineEnd: String, multiline: Bool, seed: UInt64 = 17) -> String {
    var state = seed
    func next() -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int(truncatingIfNeeded: state >> 33)
    }
    let regions = ["north", "\"South, east\"", "west", "\"the \"\"centre\"\"\"", "  island  "]
    var text = "id,amount,region,note" + lineEnd
    for row in 0..<rows {
        let amount = next() % 10 == 0 ? "NA" : "\(next() % 100_000 - 50_000).\(next() % 100)"
        let note = multiline && next() % 7 == 0 ? "\"line one\(lineEnd)line \"\"two\"\", ok\"" : "n\(next() % 50)"
        text += "\(row),\(amount),\(regions[next() % regions.count]),\(note)" + lineEnd
        if next() % 97 == 0 { text += lineEnd }
    }
    return text
}

private func failure(_ result: Result<Dataset, CSVError>) -> CSVError? {
    if case .failure(let error) = result { return error }
    return nil
}

@Suite struct CSVReaderHalvesTests {
    @Test(arguments: ["\n", "\r\n"], [false, true])
    func halvesGiveTheOneThreadDataset(lineEnd: String, multiline: Bool) throws {
        let text = generatedFile(rows: 3_000, lineEnd: lineEnd, multiline: multiline)
        let one = try read(text, inHalvesFrom: .max).get()
        let joined = try #require(halves(text))
        #expect(identical(joined, one))
        #expect(identical(try read(text, inHalvesFrom: 0).get(), one))
        #expect(one.rowCount == 3_000)
        // Blank lines make the line table necessary; it must name the file's lines in the second half too.
        #expect(one.source.rowLines != nil)
    }

    @Test func blockOfRecordsInHalvesKeepsTheFilesLines() throws {
        // A block from the middle of a file (as `CSVChunkReader` reads it): no header, first record on line 1,000.
        let file = generatedFile(rows: 3_000, lineEnd: "\r\n", multiline: true, seed: 5)
        let records = String(file[file.range(of: "\r\n")!.upperBound...])
        let names = ["id", "amount", "region", "note"]
        var text = records
        let one = try text.withUTF8 { utf8 in
            try CSVReader.parseRecords(UnsafeRawBufferPointer(utf8), header: names, firstLine: 1_000, sourceName: "big.csv",
                                       options: .init())
        }
        let joined = try #require(text.withUTF8 { utf8 in
            CSVHalves.parse(utf8.baseAddress!, count: utf8.count, sourceName: "big.csv", options: .init(), header: names, firstLine: 1_000)
        })
        #expect(identical(joined, one))
        #expect(joined.source.line(ofRow: 0) == 1_000)
    }

    @Test func regularLinesNeedNoTable() throws {
        var text = "a,b,c\n"
        for row in 0..<5_000 { text += "\(row),\(row % 7).5,k\(row % 11)\n" }
        let joined = try #require(halves(text))
        let one = try read(text, inHalvesFrom: .max).get()
        #expect(identical(joined, one))
        #expect(joined.source.rowLines == nil)
    }

    @Test func splitInsideAQuotedCellFindsTheRecordBoundary() throws {
        // One quoted cell of many lines (with commas) spans the middle of the text.
        var text = "k,v\n"
        for row in 0..<200 { text += "\(row),\(row)\n" }
        text += "\"" + (0..<400).map { "inside \($0), still\n" }.joined() + "\",7\n"
        for row in 0..<200 { text += "x\(row),\(row)\n" }
        let joined = try #require(halves(text))
        let one = try read(text, inHalvesFrom: .max).get()
        #expect(identical(joined, one))
        #expect(one.rowCount == 401)
        #expect(one.source.line(ofRow: 200) == 202)
        #expect(one.source.line(ofRow: 201) == 603)
    }

    @Test func errorInTheSecondHalfNamesTheFilesLine() throws {
        var lines = generatedFile(rows: 2_000, lineEnd: "\r\n", multiline: false).components(separatedBy: "\r\n")
        // A ragged record three quarters of the way down: its line is the file's line (1-based), not the half's.
        let bad = lines.count * 3 / 4
        lines[bad] = "1,2"
        let text = lines.joined(separator: "\r\n")
        let one = read(text, inHalvesFrom: .max)
        let two = read(text, inHalvesFrom: 0)
        guard case .failure(let error) = one, case .raggedRow(_, let line, _, _) = error else {
            Issue.record("expected a ragged row, got \(one)")
            return
        }
        #expect(failure(two) == error)
        #expect(line == bad + 1)
        #expect(error.description.contains("line \(line)"))
    }

    @Test func firstErrorInFileOrderWins() throws {
        var text = "a,b\n"
        for row in 0..<4_000 {
            if row == 300 { text += "1,\"open\"x\n" } else if row == 3_500 { text += "1,2,3\n" } else { text += "\(row),\(row)\n" }
        }
        let one = read(text, inHalvesFrom: .max)
        #expect(failure(read(text, inHalvesFrom: 0)) == failure(one))
        guard case .failure(.misplacedQuote(_, let line, _)) = one else {
            Issue.record("expected the misplaced quote of line 302, got \(one)")
            return
        }
        #expect(line == 302)
    }

    @Test func columnOfNumbersThenTextIsReadOnOneThread() throws {
        var text = "a,b\n"
        for row in 0..<4_000 { text += row < 3_000 ? "\(row),\(row)\n" : "\(row),t\(row % 5)\n" }
        #expect(halves(text) == nil)
        let one = try read(text, inHalvesFrom: .max).get()
        #expect(identical(try read(text, inHalvesFrom: 0).get(), one))
        guard case .text(let b) = try one.column("b") else {
            Issue.record("b should be text")
            return
        }
        #expect(b[0] == "0" && b[3_999] == "t4")
    }
}
