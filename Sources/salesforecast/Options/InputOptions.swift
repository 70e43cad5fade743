import ArgumentParser
import Forecasting

/// Where the data comes from and how to read it.
struct InputOptions: ParsableArguments {
    @Argument(help: "The CSV file of history, one row per rep and period ('-' reads standard input).")
    var data: String

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

    func read() throws -> Dataset {
        try CSVReader.read(path: data, options: readOptions)
    }

    var readOptions: CSVReadOptions {
        var options = CSVReadOptions(delimiter: delimiterByte ?? UInt8(ascii: ","))
        options.lenientNumbers = lenientNumbers
        return options
    }
}

extension MissingValuePolicy: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
