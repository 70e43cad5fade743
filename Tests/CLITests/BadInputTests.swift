import Foundation
import Testing
import TestSupport

/// Every kind of bad input in the README's table (Errors and exit codes), through the CLI: one line on
/// stderr that says what and where (file, line, column or formula character), a non-zero exit code, and
/// nothing on stdout.
@Suite("Bad input gets one clear line and a non-zero exit")
struct BadInputTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var csv: String?            // nil: the file does not exist
        var bytes: [UInt8]? = nil   // raw file contents instead of `csv`
        var formula: String
        var extra: [String] = []
        var expected: [String]      // fragments the error line must contain
        var status: Int32 = 1
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "missing file", csv: nil, formula: "y ~ x", expected: ["no such file"]),
        Case(name: "empty file", csv: "", formula: "y ~ x", expected: ["data.csv", "empty"]),
        Case(name: "header only", csv: "y,x\n", formula: "y ~ x", expected: ["no data rows"]),
        // Read in blocks, a header that cannot be read freed the block buffer twice (FuzzChunkReader).
        Case(name: "empty file, streamed", csv: "", formula: "y ~ x", extra: ["--stream"], expected: ["data.csv", "empty"]),
        Case(name: "quote left open in the header, streamed", csv: "\"y,x\n1,2\n", formula: "y ~ x", extra: ["--stream"],
             expected: ["data.csv", "never closed"]),
        Case(name: "ragged row", csv: "y,x\n1,2\n3\n4,5\n", formula: "y ~ x", expected: ["line 3", "1 cells", "header has 2"]),
        Case(name: "unterminated quote", csv: "y,x\n1,\"2\n", formula: "y ~ x", expected: ["line 2", "never closed"]),
        Case(name: "non-number", csv: "y,x\n1,2\n3,n/a\n4,5\n6,7\n", formula: "y ~ x",
             expected: ["line 3, column 'x': 'n/a' is not a number"]),
        Case(name: "NaN", csv: "y,x\n1,2\n3,NaN\n4,5\n6,7\n", formula: "y ~ x",
             expected: ["line 3, column 'x': 'NaN' is not a finite number"]),
        Case(name: "infinity in the response", csv: "y,x\n1,2\ninf,3\n4,5\n6,7\n", formula: "y ~ x",
             expected: ["line 3, column 'y'", "not a finite number"]),
        Case(name: "missing column", csv: "y,x\n1,2\n3,4\n5,7\n", formula: "y ~ x + demos",
             expected: ["no column named 'demos'", "'y', 'x'"]),
        Case(name: "formula syntax error", csv: "y,x\n1,2\n3,4\n5,7\n", formula: "y ~ x +",
             expected: ["formula, character 8", "expected a term after '+'"]),
        Case(name: "formula without tilde", csv: "y,x\n1,2\n3,4\n5,7\n", formula: "y x",
             expected: ["formula, character 3", "'~'"]),
        Case(name: "unknown function", csv: "y,x\n1,2\n3,4\n5,7\n", formula: "y ~ logg(x)",
             expected: ["character 5", "unknown function 'logg'"]),
        Case(name: "collinear columns", csv: "y,a,b,c\n1,1,2,3\n2,2,1,3\n4,3,5,8\n3,4,4,8\n5,5,1,6\n",
             formula: "y ~ a + b + c", expected: ["collinear", "'c' = 'a' + 'b'"]),
        Case(name: "constant column", csv: "y,x,k\n1,1,7\n2,2,7\n4,3,7\n3,4,7\n", formula: "y ~ x + k",
             expected: ["'k' is constant"]),
        Case(name: "all-zero column", csv: "y,x,z\n1,1,0\n2,2,0\n4,3,0\n3,4,0\n", formula: "y ~ x + z",
             expected: ["'z' is zero on every row"]),
        Case(name: "fewer rows than parameters", csv: "y,a,b\n1,1,2\n2,3,1\n", formula: "y ~ a + b",
             expected: ["only 2 usable rows", "3 model columns"]),
        Case(name: "log of zero", csv: "y,x\n1,2\n2,0\n3,4\n4,3\n", formula: "y ~ log(x)",
             expected: ["line 3", "'log(x)' is -infinity"]),
        Case(name: "text response", csv: "y,x\nA,2\nB,0\nC,4\n", formula: "y ~ x",
             expected: ["'y' is text"]),
        Case(name: "one-level categorical", csv: "y,x,r\n1,2,a\n2,0,a\n3,4,a\n4,3,a\n", formula: "y ~ x + r",
             expected: ["'r' has only one value ('a')"]),
        Case(name: "zero weight", csv: "y,x,w\n1,2,1\n2,0,0\n3,4,1\n4,3,1\n", formula: "y ~ x", extra: ["--weights", "w"],
             expected: ["line 3, column 'w': weight 0.0 is not positive"]),
        Case(name: "missing value refused", csv: "y,x\n1,2\n2,\n3,4\n4,3\n", formula: "y ~ x", extra: ["--missing", "error"],
             expected: ["line 3, column 'x': the value is missing"]),
        Case(name: "binary file", csv: "y,x\n1,\u{0}2\n", formula: "y ~ x", expected: ["not a text file"]),
        Case(name: "currency and thousands separators", csv: "y,x\n1,2\n3,\"$1,200\"\n4,5\n6,7\n", formula: "y ~ x",
             expected: ["line 3, column 'x': '$1,200' is not a number", "--lenient-numbers"]),
        Case(name: "invalid UTF-8 in a text cell", csv: "", bytes: Array("y,x,r\n1,2,a\n3,4,".utf8) + [0xC3, 0x28] + Array("\n5,6,b\n".utf8),
             formula: "y ~ x + r", expected: ["line 3, column 'r': not valid UTF-8"]),
        Case(name: "response at 1e300", csv: "y,x\n1e300,1\n2e300,2\n2.5e300,3\n4e300,4\n", formula: "y ~ x",
             expected: ["the response reaches 4e+300", "rescale"]),
        Case(name: "negative weight", csv: "y,x,w\n1,2,1\n2,0,-1\n3,4,1\n4,3,1\n", formula: "y ~ x", extra: ["--weights", "w"],
             expected: ["line 3, column 'w': weight -1.0 is not positive"]),
        Case(name: "period that does not parse", csv: "period,rep,y,x\n2026-01,a,1,2\nJan,a,2,3\n2026-03,a,3,4\n2026-04,a,5,4\n",
             formula: "y ~ lag(x, 1)", expected: ["line 3, column 'period': 'Jan' is not a period"]),
        Case(name: "duplicate rep-period rows", csv: "period,rep,y,x\n2026-01,a,1,2\n2026-02,a,2,3\n2026-02,a,3,4\n2026-03,a,5,4\n",
             formula: "y ~ lag(x, 1)", expected: ["lines 3 and 4: two rows for 'a' in 2026-02"]),
        Case(name: "two covariance choices", csv: "y,x\n1,2\n", formula: "y ~ x", extra: ["--robust", "HC1", "--cluster", "x"],
             expected: ["choose one of --robust, --cluster and --hac"], status: 2),
        Case(name: "usage: no formula", csv: "y,x\n1,2\n", formula: "", expected: ["--formula"], status: 2),
        Case(name: "usage: level out of range", csv: "y,x\n1,2\n", formula: "y ~ x", extra: ["--level", "95"],
             expected: ["--level must be between 0 and 1"], status: 2),
    ]

    @Test("Bad input", arguments: cases)
    func badInput(_ testCase: Case) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("data.csv").path
        if let bytes = testCase.bytes {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        } else if let csv = testCase.csv {
            try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        }
        var arguments = ["fit", path]
        if !testCase.formula.isEmpty { arguments += ["--formula", testCase.formula] }
        let run = try CLIRunner.run(arguments + testCase.extra)
        #expect(run.status == testCase.status, "stderr: \(run.stderr)")
        #expect(run.stdout.isEmpty)
        let message = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        if testCase.status == 1 {
            #expect(message.hasPrefix("salesforecast: error: "))
            #expect(!message.contains("\n"), "one line, got: \(message)")
        }
        for fragment in testCase.expected {
            #expect(message.contains(fragment), "'\(fragment)' not in: \(message)")
        }
    }

    struct Good: CustomTestStringConvertible, Sendable {
        var name: String
        var csv: String
        var arguments: [String]
        var expected: [String]
        var testDescription: String { name }
    }

    static let good: [Good] = [
        Good(name: "byte-order mark and CRLF", csv: "\u{FEFF}y,x\r\n1,2\r\n2,3\r\n4,5\r\n3,4\r\n", arguments: ["--formula", "y ~ x"], expected: ["No. Observations:"]),
        Good(name: "semicolon delimiter", csv: "y;x\n1;2\n2;3\n4;5\n3;4\n", arguments: ["--formula", "y ~ x", "--delimiter", ";"], expected: ["x "]),
        Good(name: "lenient numbers when asked", csv: "y,x\n\"$1,200\",2\n\"$2,000.50\",3\n(100),5\n\"$3,100\",4\n",
             arguments: ["--formula", "y ~ x", "--lenient-numbers"], expected: ["No. Observations:                    4"]),
        Good(name: "integers past 2^53 read as the nearest double", csv: "y,x\n9007199254740993,1\n9007199254740999,2\n9007199254741011,3\n9007199254741000,4\n",
             arguments: ["--formula", "y ~ x"], expected: ["No. Observations:"]),
        Good(name: "missing values dropped and counted", csv: "y,x\n1,2\n2,NA\n4,5\n3,\n5,6\n6,8\n", arguments: ["--formula", "y ~ x"],
             expected: ["Rows dropped (missing):              2"]),
        Good(name: "n = p: estimates, inference refused clearly", csv: "y,a,b\n1,1,2\n3,2,1\n2,3,5\n", arguments: ["--formula", "y ~ a + b"],
             expected: ["No residual degrees of freedom"]),
        Good(name: "column names from a CRM export", csv: "Deal Size ($),Calls Made\n1,2\n2,3\n4,5\n3,4\n",
             arguments: ["--formula", "`Deal Size ($)` ~ Q(\"Calls Made\")"], expected: ["Q(\"Calls Made\")"]),
    ]

    @Test("Messy but valid input is read", arguments: good)
    func goodInput(_ testCase: Good) throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("data.csv").path
        try Data(testCase.csv.utf8).write(to: URL(fileURLWithPath: path))
        let run = try CLIRunner.run(["fit", path] + testCase.arguments)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        for fragment in testCase.expected { #expect(run.stdout.contains(fragment), "'\(fragment)' not in output") }
    }

    @Test("Data from standard input")
    func standardInput() throws {
        let run = try CLIRunner.run(["fit", "-", "--formula", "y ~ x", "--format", "json"], stdin: "y,x\n1,2\n2,3\n4,5\n3,4\n")
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.stdout.contains("\"n_observations\": 4"))
    }

    @Test("A 5 MB line and 200,000 columns are read; a file that cannot be read is named")
    func sizes() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let long = directory.appendingPathComponent("long.csv").path
        try Data(("y,x,note\n1,2," + String(repeating: "a", count: 5_000_000) + "\n2,3,b\n3,5,c\n4,4,d\n").utf8).write(to: URL(fileURLWithPath: long))
        let longRun = try CLIRunner.run(["fit", long, "--formula", "y ~ x"])
        #expect(longRun.status == 0, "\(longRun.stderr)")
        let n = 200_000
        let header = (0..<n).map { "c\($0)" }.joined(separator: ",")
        let rows = (1...4).map { r in (0..<n).map { String(($0 * r) % 7 + r) }.joined(separator: ",") }.joined(separator: "\n")
        let wide = directory.appendingPathComponent("wide.csv").path
        try Data((header + "\n" + rows + "\n").utf8).write(to: URL(fileURLWithPath: wide))
        let wideRun = try CLIRunner.run(["fit", wide, "--formula", "c0 ~ c1", "--format", "json"])
        #expect(wideRun.status == 0, "\(wideRun.stderr)")
        #expect(wideRun.stdout.contains("\"n_observations\": 4"))
        #if os(Linux)
        // Root can read any file; /proc/self/mem fails with an I/O error whoever reads it.
        let unreadable = try CLIRunner.run(["fit", "/proc/self/mem", "--formula", "y ~ x"])
        #expect(unreadable.status == 1)
        #expect(unreadable.stderr.contains("/proc/self/mem: cannot be read"))
        #endif
    }

    @Test("A directory instead of a file")
    func directory() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = try CLIRunner.run(["fit", directory.path, "--formula", "y ~ x"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("is a directory"))
    }
}
