import Foundation
import Testing
import TestSupport

@Suite("Model files and atomic writes through the CLI")
struct ModelFileAndAtomicWriteTests {
    static let training = "rep,calls,demos,revenue\nA,10,2,100\nB,12,3,130\nA,8,1,80\nB,15,4,170\nA,11,2,115\nB,9,2,98\n"

    func savedModel(in directory: URL) throws -> String {
        let data = directory.appendingPathComponent("train.csv").path
        try Data(Self.training.utf8).write(to: URL(fileURLWithPath: data))
        let model = directory.appendingPathComponent("model.json").path
        let run = try CLIRunner.run(["fit", data, "--formula", "revenue ~ calls + demos + C(rep)", "--save", model])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        return model
    }

    @Test("-o /dev/null writes into the device instead of renaming a file over it")
    func deviceOutputStaysADevice() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("train.csv").path
        try Data(Self.training.utf8).write(to: URL(fileURLWithPath: data))
        for extra in [[], ["--stream"]] {
            let run = try CLIRunner.run(["fit", data, "--formula", "revenue ~ calls + demos", "--format", "json", "-o", "/dev/null"] + extra)
            #expect(run.status == 0, "stderr: \(run.stderr)")
            let type = try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType
            #expect(type == .typeCharacterSpecial)
        }
    }

    @Test("predict refuses truncated, future-version and foreign model files, and unseen categories, in one line")
    func refusals() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try savedModel(in: directory)
        let rows = directory.appendingPathComponent("new.csv").path
        try Data("rep,calls,demos\nA,10,2\nC,9,1\n".utf8).write(to: URL(fileURLWithPath: rows))
        let text = try String(contentsOfFile: model, encoding: .utf8)
        let broken: [(String, String)] = [
            (String(text.prefix(text.count / 3)), "not a JSON object"),
            (text.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 3"), "version 3 is newer than this salesforecast reads"),
            ("{\"hello\": 1}", "not a salesforecast model file"),
        ]
        for (contents, fragment) in broken {
            let path = directory.appendingPathComponent("broken.json").path
            try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
            let run = try CLIRunner.run(["predict", rows, "--model", path])
            #expect(run.status == 1)
            #expect(run.stderr.contains(fragment), "\(run.stderr)")
            #expect(run.stderr.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n").count == 1)
        }
        let unseen = try CLIRunner.run(["predict", rows, "--model", model])
        #expect(unseen.status == 1)
        #expect(unseen.stderr.contains("line 3: 'C' is a new level of 'C(rep)'"), "\(unseen.stderr)")
        let missing = directory.appendingPathComponent("missing.csv").path
        try Data("rep,calls\nA,10\n".utf8).write(to: URL(fileURLWithPath: missing))
        let noColumn = try CLIRunner.run(["predict", missing, "--model", model])
        #expect(noColumn.status == 1 && noColumn.stderr.contains("no column 'demos'"))
    }

    @Test("A write killed midway leaves the old file whole: every kill finds the old output or the complete new one")
    func killMidway() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try savedModel(in: directory)
        // Enough rows that predicting and writing takes a noticeable time.
        var big = "rep,calls,demos\n"
        for i in 0..<200_000 { big += "\(i % 2 == 0 ? "A" : "B"),\(i % 17),\(i % 5)\n" }
        let rows = directory.appendingPathComponent("big.csv").path
        try Data(big.utf8).write(to: URL(fileURLWithPath: rows))
        let output = directory.appendingPathComponent("predictions.csv").path
        let old = "the previous run's output\n"
        guard let executable = CLIRunner.executable else { Issue.record("salesforecast not built"); return }
        var sawNew = false
        for delay in [0.05, 0.15, 0.3, 0.5, 0.8, 1.2, 1.8, 2.5] {
            try Data(old.utf8).write(to: URL(fileURLWithPath: output))
            let process = Process()
            process.executableURL = executable
            process.arguments = ["predict", rows, "--model", model, "--format", "csv", "--output", output]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let contents = try String(contentsOfFile: output, encoding: .utf8)
            if contents == old { continue }
            // Otherwise it must be the complete new file: header plus one line per row.
            let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first == "line,mean,mean_se,mean_ci_lower,mean_ci_upper,obs_ci_lower,obs_ci_upper")
            #expect(lines.count == 200_002, "a partial file of \(lines.count) lines after a kill at \(delay)s")
            #expect(contents.hasSuffix("\n"))
            sawNew = true
        }
        // Finally, an uninterrupted run replaces the file completely.
        let run = try CLIRunner.run(["predict", rows, "--model", model, "--format", "csv", "--output", output])
        #expect(run.status == 0)
        #expect(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count == 200_001)
        _ = sawNew
    }
}
