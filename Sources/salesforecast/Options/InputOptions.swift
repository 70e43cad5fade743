import ArgumentParser
import Forecasting

/// How every CSV a command reads is read: delimiter, number parsing and missing values.
struct ReadingOptions: ParsableArguments {
    @Option(help: "The field delimiter: one character, or 'tab'.")
    var delimiter: String = ","

    @Option(help: "Rows with a missing value in a column the model uses: 'drop' them (and say how many) or 'error'.")
    var missing: MissingValuePolicy = .drop

    @Flag(help: "Read numbers like $1,200.50, (300) and 1,234,567 (currency symbols, thousands separators).")
    var lenientNumbers = false

    func validate() throws {
        guard delimiterByte != nil else {
            throw ValidationError("--delimiter must be one ASCII character (or 'tab'), not '\(delimiter)'")
        }
    }

    var delimiterByte: UInt8? {
        if delimiter == "tab" || delimiter == "\\t" { return UInt8(ascii: "\t") }
        guard delimiter.utf8.count == 1, let byte = delimiter.utf8.first, byte < 128, byte != UInt8(ascii: "\"") else { return nil }
        return byte
    }

    var csv: CSVReadOptions {
        var options = CSVReadOptions(delimiter: delimiterByte ?? UInt8(ascii: ","))
        options.lenientNumbers = lenientNumbers
        return options
    }

    /// Reads a CSV file ('-' is standard input).
    func read(_ path: String) throws -> Dataset {
        try CSVReader.read(path: path, options: csv)
    }
}

/// The data file given as the first argument, and how to read it.
struct InputOptions: ParsableArguments {
    @Argument(help: "The CSV file of history, one row per rep and period ('-' reads standard input).")
    var data: String

    @OptionGroup var reading: ReadingOptions

    func read() throws -> Dataset { try reading.read(data) }
}

extension MissingValuePolicy: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
