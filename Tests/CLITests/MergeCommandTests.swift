import Foundation
import Testing
import TestSupport

@Suite("salesforecast merge")
struct MergeCommandTests {
    @Test("Factors of two halves of the file merge into the full file's fit (1e-9 relative)")
    func mergedHalvesEqualFullFit() throws {
        try withTemporaryDirectory { directory in
            let history = try History.load()
            let formula = "revenue ~ proposals + demos + calls + C(team)"
            // An uneven split that cuts through a month; both halves have every team.
            let cut = 599
            let halves = [Array(history.rows[..<cut]), Array(history.rows[cut...])]
            var factors: [String] = []
            for (index, rows) in halves.enumerated() {
                try #require(Set(rows.map(\.team)).count == Set(history.rows.map(\.team)).count)
                let data = directory.appendingPathComponent("part\(index).csv")
                try write(history.csv(rows), to: data)
                let factor = directory.appendingPathComponent("part\(index).factor.json").path
                _ = try runSucceeding(["fit", data.path, "--formula", formula, "--stream", "--save-factor", factor])
                let saved = try jsonObject(file: factor)
                #expect(saved["format"] as? String == "salesforecast.factor")
                #expect(int(saved["n_observations"]) == rows.count)
                factors.append(factor)
            }
            let all = directory.appendingPathComponent("all.factor.json").path
            let merged = try jsonObject(runSucceeding(["merge"] + factors + ["--format", "json", "--save-factor", all]).stdout)
            let full = try jsonObject(runSucceeding(["fit", Example.history, "--formula", formula, "--format", "json"]).stdout)

            #expect(int(merged["n_observations"]) == history.rows.count)
            #expect(int(try jsonObject(file: all)["n_observations"]) == history.rows.count)
            #expect(int(merged["df_residual"]) == int(full["df_residual"]))
            let mergedCoefficients = try #require(merged["coefficients"] as? [[String: Any]])
            let fullCoefficients = try #require(full["coefficients"] as? [[String: Any]])
            #expect(mergedCoefficients.map { $0["term"] as? String } == fullCoefficients.map { $0["term"] as? String })
            #expect(mergedCoefficients.count == 7)
            for (m, f) in zip(mergedCoefficients, fullCoefficients) {
                for key in ["estimate", "std_error", "conf_low", "conf_high"] {
                    let a = try #require(double(m[key])), b = try #require(double(f[key]))
                    #expect(relativelyClose(a, b, 1e-9), "\(f["term"] ?? "") \(key): merged \(a), full file \(b)")
                }
            }
            for key in ["r_squared", "sigma", "f_statistic", "log_likelihood", "aic", "bic", "ssr"] {
                let a = try #require(double(merged[key])), b = try #require(double(full[key]))
                #expect(relativelyClose(a, b, 1e-9), "\(key): merged \(a), full file \(b)")
            }
            // Residual diagnostics need the rows: the merged fit reports them as null.
            #expect(merged["durbin_watson"] is NSNull)
        }
    }

    @Test("merge --help keeps its discussion within 80 columns, no word left alone on a line")
    func helpFitsTheWidth() throws {
        let help = try runSucceeding(["merge", "--help"]).stdout
        // The overview and discussion, above the usage line (which ArgumentParser never wraps).
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).prefix { !$0.hasPrefix("USAGE:") }
        // A discussion line wider than the help's width is rewrapped, leaving a lone word behind.
        let lone = lines.filter { line in
            let words = line.split(separator: " ")
            return words.count == 1 && !line.hasSuffix(":")
        }
        #expect(lone.isEmpty, "lines with a single word: \(lone)")
        #expect(lines.allSatisfy { $0.count <= 80 } && lines.count > 5, "\(help)")
        #expect(help.contains("examples/spark/"))
    }

    @Test("Factors whose row counts cannot be real are refused in one line, not a crash (FuzzFactorFile)")
    func impossibleRowCounts() throws {
        try withTemporaryDirectory { directory in
            let text = try String(contentsOfFile: Fixtures.path("fuzz/factor-row-count-overflow.json"), encoding: .utf8)
            let huge = directory.appendingPathComponent("huge.json"), limit = directory.appendingPathComponent("limit.json")
            try write(text, to: huge)
            try write(text.replacingOccurrences(of: "9223372036854775807", with: "\(1 << 53)"), to: limit)
            for (files, fragment) in [([huge.path, huge.path], "huge.json: invalid model file: 'n_observations' is above 2^53"), ([limit.path, limit.path], "together they count more than 2^53 rows")] {
                let run = try CLIRunner.run(["merge"] + files)
                #expect(run.status == 1, "stderr: \(run.stderr)")
                #expect(run.stdout.isEmpty)
                let message = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(message.hasPrefix("salesforecast: error: ") && !message.contains("\n"), "\(message)")
                #expect(message.contains(fragment), "\(message)")
            }
        }
    }
}
