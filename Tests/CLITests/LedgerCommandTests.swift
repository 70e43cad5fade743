import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("salesforecast ledger and forecast --record")
struct LedgerCommandTests {
    static let formula = "revenue ~ proposals + demos"

    static func recorder(_ ledger: String, history: String = Example.history, stderr: URL? = nil) throws -> Process {
        guard let executable = CLIRunner.executable else { throw CLIRunner.CLIError.notBuilt }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["forecast", "--history", history, "--formula", formula, "--quota", Example.quotas, "--record", ledger]
        process.standardOutput = FileHandle.nullDevice
        if let stderr {
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            process.standardError = try FileHandle(forWritingTo: stderr)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        return process
    }

    /// Runs `ledger check` and returns (integrity, runs, partial runs).
    static func check(_ ledger: String) throws -> (String, Int, Int) {
        let run = try CLIRunner.run(["ledger", "check", ledger])
        let lines = run.stdout.split(separator: "\n").map(String.init)
        let integrity = lines.first?.replacingOccurrences(of: "integrity: ", with: "") ?? run.stderr
        let counts = (lines.dropFirst().first ?? "").replacingOccurrences(of: "runs: ", with: "").components(separatedBy: ", partial: ")
        return (integrity, Int(counts.first ?? "") ?? -1, Int(counts.last ?? "") ?? -1)
    }

    @Test("The cycle: record, list, show, load actuals twice (nothing changes), score, export")
    func cycle() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("forecasts.sqlite").path
        // The history up to 2026-06, forecasting 2026-Q3; the output is the same as without --record.
        let text = try String(contentsOfFile: Example.history, encoding: .utf8)
        let early = text.split(separator: "\n").filter { !$0.hasPrefix("2026-07") && !$0.hasPrefix("2026-08") && !$0.hasPrefix("2026-09") }
        let past = dir.appendingPathComponent("past.csv").path
        try (early.joined(separator: "\n") + "\n").write(toFile: past, atomically: true, encoding: .utf8)
        // (Text: the JSON's last digits can differ from run to run.)
        let plain = try runSucceeding(["forecast", "--history", past, "--formula", Self.formula, "--quota", Example.quotas])
        let recorded = try runSucceeding(["forecast", "--history", past, "--formula", Self.formula, "--quota", Example.quotas, "--record", ledger])
        #expect(recorded.stdout == plain.stdout)
        #expect(recorded.stderr.contains("recorded run"))

        let list = try jsonObject(try runSucceeding(["ledger", "list", ledger, "--format", "json"]).stdout)
        let runs = try #require(list["runs"] as? [[String: Any]])
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        #expect(run["as_of"] as? String == "2026-06" && run["horizon"] as? String == "2026-Q3" && run["formula"] as? String == Self.formula)
        let forecast = try jsonObject(try runSucceeding(["forecast", "--history", past, "--formula", Self.formula, "--format", "json"]).stdout)
        let reps = (forecast["reps"] as? [Any])?.count ?? 0, teams = (forecast["teams"] as? [Any])?.count ?? 0
        #expect(int(run["lines"]) == reps + teams + 1)
        let id = try #require(run["id"] as? String)
        let inputs = try #require(run["inputs"] as? [[String: Any]])
        #expect(inputs.map { $0["role"] as? String } == ["history", "quota"])
        #expect((inputs.first?["sha256"] as? String)?.count == 64)

        let shown = try runSucceeding(["ledger", "show", ledger, String(id.prefix(8))]).stdout
        #expect(shown.contains(id) && shown.contains("as of 2026-06"))

        let first = try runSucceeding(["ledger", "actuals", ledger, Example.history]).stdout
        #expect(first.contains("0 revised"))
        let second = try runSucceeding(["ledger", "actuals", ledger, Example.history]).stdout
        #expect(second.contains("0 new, 0 revised"))
        // A changed past value is kept as a revision.
        var lines = text.split(separator: "\n").map(String.init)
        var fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[fields.count - 1] = "1.5"
        lines[1] = fields.joined(separator: ",")
        let changed = dir.appendingPathComponent("changed.csv").path
        try (lines.joined(separator: "\n") + "\n").write(toFile: changed, atomically: true, encoding: .utf8)
        #expect(try runSucceeding(["ledger", "actuals", ledger, changed]).stdout.contains("0 new, 1 revised"))
        #expect(try runSucceeding(["ledger", "actuals", ledger, changed]).stdout.contains("0 new, 0 revised"))

        let score = try jsonObject(try runSucceeding(["ledger", "score", ledger, "--format", "json"]).stdout)
        #expect(score["format"] as? String == "salesforecast.ledger-score" && int(score["version"]) == 1)
        let scores = try #require(score["scores"] as? [[String: Any]])
        #expect(Set(scores.compactMap { $0["method"] as? String }) == ["model", "naive-run-rate", "naive-last-year"])
        let model = try #require(scores.first { $0["method"] as? String == "model" && $0["horizon"] as? String == "all" })
        let wape = try #require(double(model["wape"]))
        #expect(wape > 0 && wape < 1)
        #expect(double(model["coverage"]).map { $0 >= 0 && $0 <= 1 } == true && double(model["interval_level"]) == 0.8)
        #expect(double(model["brier"]) != nil && double(model["fva"]) != nil && int(model["n"]) ?? 0 > 0)
        let total = try jsonObject(try runSucceeding(["ledger", "score", ledger, "--level", "total", "--format", "json"]).stdout)
        #expect(int((total["scores"] as? [[String: Any]])?.first?["n"]) == 1)
        for format in ["text", "markdown", "csv"] { _ = try runSucceeding(["ledger", "score", ledger, "--format", format]) }
        let export = try runSucceeding(["ledger", "export", ledger, "--format", "csv"]).stdout
        #expect(export.split(separator: "\n").count == 1 + reps + teams + 1)

        // The report: "How our forecasts have done" from the ledger, and --record keeps its forecast.
        let report = try runSucceeding(["report", "--history", past, "--formula", Self.formula, "--ledger", ledger, "--record", ledger, "--markdown"])
        #expect(report.stdout.contains("## How our forecasts have done"))
        let html = try runSucceeding(["report", "--history", past, "--formula", Self.formula, "--ledger", ledger]).stdout
        #expect(html.contains("<section id=\"ledger\"><h2>How our forecasts have done</h2><svg"))
        #expect(try Self.check(ledger) == ("ok", 2, 0))
    }

    @Test("Concurrency: 8 processes recording into one ledger at once all complete")
    func concurrentRecorders() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("shared.sqlite").path
        let errors = (0..<8).map { dir.appendingPathComponent("recorder-\($0).err") }
        let processes = try errors.map { try Self.recorder(ledger, stderr: $0) }
        for p in processes { try p.run() }
        for p in processes { p.waitUntilExit() }
        let messages = errors.compactMap { try? String(contentsOf: $0, encoding: .utf8) }.filter { !$0.contains("recorded run") }
        #expect(processes.map(\.terminationStatus) == Array(repeating: 0, count: 8), "\(messages)")
        let (integrity, runs, partial) = try Self.check(ledger)
        #expect(integrity == "ok" && runs == 8 && partial == 0)
        let list = try jsonObject(try runSucceeding(["ledger", "list", ledger, "--format", "json"]).stdout)
        let lines = ((list["runs"] as? [[String: Any]]) ?? []).compactMap { int($0["lines"]) }
        #expect(lines.count == 8 && Set(lines).count == 1)
        let export = try runSucceeding(["ledger", "export", ledger, "--format", "csv"]).stdout
        #expect(export.split(separator: "\n").count == 1 + lines.reduce(0, +))
    }

    @Test("Faults: recorders killed with SIGKILL at many moments leave a sound ledger and no partial run")
    func killedRecorders() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = dir.appendingPathComponent("killed.sqlite").path
        // One run first, timed: the kills are spread over 0…1.3 times a recorder's life, so they fall before,
        // during and after the write whatever the machine's load. 48 recorders, 8 at a time.
        let start = Date()
        _ = try runSucceeding(["forecast", "--history", Example.history, "--formula", Self.formula, "--quota", Example.quotas, "--record", ledger])
        let life = Date().timeIntervalSince(start)
        var killed = 0
        for batch in 0..<6 {
            let processes = try (0..<8).map { _ in try Self.recorder(ledger) }
            for p in processes { try p.run() }
            for (i, p) in processes.enumerated() {
                let delay = life * 1.3 * Double(batch * 8 + i) / 47
                DispatchQueue.global().asyncAfter(deadline: .now() + delay) {
                    if p.isRunning { kill(p.processIdentifier, SIGKILL) }
                }
            }
            for p in processes { p.waitUntilExit() }
            killed += processes.filter { $0.terminationReason == .uncaughtSignal }.count
            let (integrity, _, partial) = try Self.check(ledger)
            #expect(integrity == "ok" && partial == 0, "after batch \(batch): \(integrity)")
        }
        #expect(killed > 0)
        let (integrity, runs, partial) = try Self.check(ledger)
        #expect(integrity == "ok" && partial == 0)
        // Whatever was recorded is whole, and the ledger still takes new runs.
        _ = try runSucceeding(["forecast", "--history", Example.history, "--formula", Self.formula, "--record", ledger])
        let after = try Self.check(ledger)
        #expect(after.1 == runs + 1 && after.2 == 0)
    }

    @Test("A bad ledger is one clear line, exit 1, nothing written")
    func badLedgers() throws {
        let dir = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let notADatabase = dir.appendingPathComponent("notes.sqlite").path
        try "not a database at all, just some text that is long enough\n".write(toFile: notADatabase, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: URL(fileURLWithPath: notADatabase))
        let cases: [([String], String)] = [
            (["forecast", "--history", Example.history, "--formula", Self.formula, "--record", notADatabase], "not a readable forecast ledger"),
            (["ledger", "list", notADatabase], "not a readable forecast ledger"),
            (["forecast", "--history", Example.history, "--formula", Self.formula, "--record", dir.appendingPathComponent("no/such/l.sqlite").path],
             "folder does not exist"),
            (["ledger", "score", dir.appendingPathComponent("missing.sqlite").path], "no ledger at"),
        ]
        for (arguments, message) in cases {
            let run = try CLIRunner.run(arguments)
            #expect(run.status == 1, "\(arguments)")
            #expect(run.stderr.contains(message) && run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
            #expect(run.stdout.isEmpty)
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: notADatabase)) == before)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing.sqlite").path))
        let contents = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(contents == ["notes.sqlite"])
    }
}
