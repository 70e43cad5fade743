import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

/// The activity export is read straight from its bytes when a block allows it, and by the general
/// CSV parser otherwise: both must give the same panel, note and errors.
@Suite("Activity export read from its bytes")
struct ExportByteScannerTests {
    private static let deals = "close_date,rep,amount,stage\n2026-01-31,rep001,10,Closed Won\n"

    /// The panel of the exports, written into `folder` (the same file names each time, so notes compare equal).
    private func build(_ activities: String, roster: String? = nil, options: ExportPanelOptions, in folder: URL? = nil) throws -> ActivityPanel {
        let folder = try folder ?? Fixtures.temporaryDirectory()
        func write(_ name: String, _ text: String) throws -> String {
            let url = folder.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url.path
        }
        return try ActivityPanel(activities: write("activities.csv", activities), deals: write("deals.csv", Self.deals),
                                 roster: try roster.map { try write("roster.csv", $0) }, options: options)
    }

    private func message(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    /// Rows of an export: dates, timestamps with and without offsets, 40 reps, 5 types (one of them
    /// starting like "inf"), an extra column, from a fixed linear congruential sequence.
    private func rows(_ count: Int) -> [[String]] {
        var state: UInt64 = 20261130
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let types = ["Call", "Email", "Inbound Call", "Demo", "Follow-up"]
        return (0..<count).map { _ in
            let day = String(format: "2025-%02d-%02d", next(12) + 1, next(28) + 1)
            let date: String
            switch next(4) {
            case 0: date = day + String(format: "T%02d:%02d:00Z", next(24), next(60))
            case 1: date = day + String(format: " %02d:30:00-05:00", next(24))
            default: date = day
            }
            return [date, String(format: "rep%03d", next(40) + 1), types[next(types.count)], "\(next(1000))"]
        }
    }

    private func text(_ rows: [[String]], lineEnd: String = "\n", quoteEvery: Int = 0, pad: Bool = false) -> String {
        var lines = ["date,rep,type,minutes"]
        for (k, row) in rows.enumerated() {
            let quoted = quoteEvery > 0 && k % quoteEvery == 0
            lines.append(row.map { quoted ? "\"\($0)\"" : pad ? " \($0)\t" : $0 }.joined(separator: ","))
        }
        return "\u{FEFF}" + lines.joined(separator: lineEnd) + lineEnd
    }

    @Test("The byte-level path, the general parser and a mix of both give the same panel and note")
    func samePanel() throws {
        var options = ExportPanelOptions()
        options.blockBytes = 4096  // many blocks
        options.timeZone = TimeZone(identifier: "America/New_York")
        let data = rows(3000)
        let folder = try Fixtures.temporaryDirectory()
        let plain = try build(text(data), options: options, in: folder)
        let general = try build(text(data, quoteEvery: 1), options: options, in: folder)      // every block has quotes
        let mixed = try build(text(data, quoteEvery: 997), options: options, in: folder)      // a few blocks have quotes
        let crlf = try build(text(data, lineEnd: "\r\n", pad: true), options: options, in: folder)
        #expect(plain.rows.count > 100)
        #expect(plain.note.activitiesCounted == 3000)
        #expect(plain.note.instants > 1000)  // tallied per row, not per distinct text
        for other in [general, mixed, crlf] {
            #expect(other.rows == plain.rows)
            #expect(other.activityColumns == plain.activityColumns)
            #expect(other.note.description == plain.note.description)
        }
    }

    @Test("Bad cells far into the file are reported on their own line, whichever path reads the block")
    func locatedErrors() {
        var options = ExportPanelOptions()
        options.blockBytes = 4096
        let good = text(rows(2000)).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func replacing(line: Int, with row: String) -> String {
            var lines = good
            lines[line - 1] = row
            return lines.joined(separator: "\n")
        }
        let cases: [(Int, String, String)] = [
            (1500, "2025-02-30,rep001,Call,1", "activities.csv, line 1500, column 'date': '2025-02-30' is not an ISO 8601 date"),
            (1700, "2025-02-03T25:00Z,rep001,Call,1", "activities.csv, line 1700, column 'date': '2025-02-03T25:00Z' is not"),
            (1234, "2025-02-03,,Call,1", "activities.csv, line 1234, column 'rep': the cell is empty"),
            (1234, "2025-02-03,NA,Call,1", "activities.csv, line 1234, column 'rep': the cell is empty"),
            (1801, "2025-02-03,rep001,,1", "activities.csv, line 1801, column 'type': the cell is empty"),
            (1999, "2025-02-03,rep001,Call", "line 1999"),
            (1600, "2025-02-03,rep001,Call,1,2", "line 1600"),
            (1300, "2025-02-03,rep001,Call,NaN", "line 1300"),
        ]
        for (line, row, fragment) in cases {
            let error = message { _ = try build(replacing(line: line, with: row), options: options) }
            #expect(error.contains(fragment), "\(error)")
        }
        // A rep missing from the roster is named on the line where it first appears.
        let roster = "rep,team,start_date\n" + (1...40).filter { $0 != 17 }.map { String(format: "rep%03d,East,2024-01-01", $0) }.joined(separator: "\n")
        let firstLine = (good.firstIndex { $0.contains(",rep017,") } ?? 0) + 1
        let error = message { _ = try build(good.joined(separator: "\n"), roster: roster, options: options) }
        #expect(error.contains("activities.csv, line \(firstLine), column 'rep': rep 'rep017' is not in the roster"), "\(error)")
    }

    @Test("Reps written as numbers keep the reading of the general parser")
    func numericReps() throws {
        var options = ExportPanelOptions()
        options.blockBytes = 4096
        let numeric = (0..<600).map { "2025-01-\(String(format: "%02d", $0 % 28 + 1)),\($0 % 7 + 1001),Call" }
        let plain = try build("date,rep,type\n" + numeric.joined(separator: "\n") + "\n", options: options)
        let quoted = try build("date,rep,type\n" + numeric.map { "\"" + $0.replacingOccurrences(of: ",", with: "\",\"") + "\"" }
            .joined(separator: "\n") + "\n", options: options)
        #expect(Set(plain.rows.map(\.rep)) == Set((1001...1007).map(String.init) + ["rep001"]))
        #expect(plain.rows == quoted.rows)
    }
}
