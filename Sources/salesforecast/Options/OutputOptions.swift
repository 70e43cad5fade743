import ArgumentParser
import Forecasting

/// How and where results are written.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: text, json, markdown or csv.")
    var format: ReportFormat = .text

    @Option(name: [.short, .long], help: "Write the output to this file (atomically) instead of standard output.")
    var output: String?

    /// Prints to standard output, or replaces the `--output` file atomically.
    func emit(_ text: String) throws {
        if let output {
            try AtomicFile.write(text, to: output)
        } else {
            print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
        }
    }
}
