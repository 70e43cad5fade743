import ArgumentParser
import Foundation
import Forecasting

/// How and where results are written.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: text, json, markdown or csv.")
    var format: ReportFormat = .text

    @Option(name: [.short, .long], help: "Write the output to this file (atomically) instead of standard output.")
    var output: String?

    @Flag(name: .shortAndLong, help: "No progress messages on standard error.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Progress even when standard error is not a terminal, and timings.")
    var verbose = false

    /// A progress printer for long work: on standard error when it is a terminal (or with --verbose),
    /// never with --quiet.
    func progress(_ what: String) -> (@Sendable (Int, Int) -> Void)? {
        guard !quiet, verbose || isatty(2) != 0 else { return nil }
        let terminal = isatty(2) != 0
        return { done, total in
            let line = "\(what): \(done) of \(total)"
            if terminal { printError("\r\(line)\u{1B}[K" + (done == total ? "\n" : ""), newline: false) }
            else if done == total || self.verbose { printError(line) }
        }
    }

    /// Reports how long `work` took on standard error with --verbose.
    func timed<T>(_ what: String, _ work: () throws -> T) rethrows -> T {
        let start = Date()
        let value = try work()
        if verbose && !quiet { printError(String(format: "salesforecast: %@ took %.2f s", what, Date().timeIntervalSince(start))) }
        return value
    }

    /// Prints to standard output, or replaces the `--output` file atomically.
    func emit(_ text: String) throws {
        if let output {
            try AtomicFile.write(text, to: output)
        } else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}
