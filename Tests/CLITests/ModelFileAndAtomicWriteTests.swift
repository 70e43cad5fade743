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
            (text.replacingOccurrences(of: "\"version\": 1", with: "\"version\": 4"), "version 4 is newer than this salesforecast reads"),
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

    @Test("A write killed midway leaves the old file whole, killed after the rename the complete new one: both outcomes, each at its stage")
    func killMidway() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try savedModel(in: directory)
        let rowCount = 2_000
        var rows = "rep,calls,demos\n"
        for i in 0..<rowCount { rows += "\(i % 2 == 0 ? "A" : "B"),\(i % 17),\(i % 5)\n" }
        let input = directory.appendingPathComponent("rows.csv").path
        try Data(rows.utf8).write(to: URL(fileURLWithPath: input))
        let output = directory.appendingPathComponent("predictions.csv").path
        let old = "the previous run's output\n"
        let executable = try #require(CLIRunner.executable, "salesforecast not built")
        // The writer stops at each stage when SALESFORECAST_TEST_PAUSE_WRITE names it (AtomicFile), says so
        // on stderr and waits: the kill lands exactly there, however fast or slow the machine.
        var outcomes: [String: String] = [:]
        for stage in ["midway", "before-rename", "after-rename"] {
            try Data(old.utf8).write(to: URL(fileURLWithPath: output))
            let process = Process()
            process.executableURL = executable
            process.arguments = ["predict", input, "--model", model, "--format", "csv", "--output", output]
            process.environment = ProcessInfo.processInfo.environment.merging(["SALESFORECAST_TEST_PAUSE_WRITE": stage]) { $1 }
            let errors = Pipe()
            process.standardOutput = FileHandle.nullDevice
            process.standardError = errors
            try process.run()
            // Read stderr until the writer says it has paused, or until it ends without pausing.
            var said = ""
            while !said.contains("paused \(stage) writing") {
                let chunk = errors.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                said += String(decoding: chunk, as: UTF8.self)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(said.contains("salesforecast: paused \(stage) writing \(output)"), "the writer never reached \(stage): \(said)")
            #expect(process.terminationReason == .uncaughtSignal, "\(stage): the run ended by itself, not by the kill")
            let contents = try String(contentsOfFile: output, encoding: .utf8)
            if contents == old {
                outcomes[stage] = "old"
            } else {
                // Otherwise it must be the complete new file: header plus one line per row.
                let lines = contents.split(separator: "\n", omittingEmptySubsequences: false)
                let complete = lines.first == "line,mean,mean_se,mean_ci_lower,mean_ci_upper,obs_ci_lower,obs_ci_upper"
                    && lines.count == rowCount + 2 && contents.hasSuffix("\n")
                outcomes[stage] = complete ? "new" : "partial (\(lines.count) lines)"
            }
        }
        // Killed before the rename: the old file, whole. Killed after it: the new file, complete.
        #expect(outcomes == ["midway": "old", "before-rename": "old", "after-rename": "new"], "\(outcomes)")
        // Finally, an uninterrupted run replaces the file completely.
        let run = try CLIRunner.run(["predict", input, "--model", model, "--format", "csv", "--output", output])
        #expect(run.status == 0)
        #expect(try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").count == rowCount + 1)
    }
}
