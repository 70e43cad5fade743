import ArgumentParser
import Forecasting

extension SalesForecast {
    /// `salesforecast merge`: combine triangular factors fitted on separate parts of the data.
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge least-squares factors fitted on separate parts of the data into one fit.",
            discussion: """
                Each part is a factor file written by 'fit --stream --save-factor', or
                by any job that follows the format in the README (a Spark or Dask
                partition, for example; examples/spark/ has a PySpark job). The merged
                fit has the coefficients, standard errors, R², F and information
                criteria of a fit on all the rows; residual diagnostics need the rows.

                Example:
                  salesforecast merge east.factor.json west.factor.json \\
                    --save-factor all.factor.json
                """
        )

        @Argument(help: "Factor files (JSON) of the same model on disjoint rows.")
        var factors: [String]

        @Option(help: "Confidence level of the intervals, between 0 and 1.")
        var level: Double = 0.95

        @Option(help: "Save the merged factor to this file (atomically).")
        var saveFactor: String?

        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard !factors.isEmpty else { throw ValidationError("give at least one factor file") }
            guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95 (got \(level))") }
        }

        func run() throws {
            var merged = try LeastSquaresFactor.load(path: factors[0])
            for path in factors.dropFirst() { try merged.merge(LeastSquaresFactor.load(path: path)) }
            if let saveFactor { try merged.write(to: saveFactor) }
            try output.emit(try merged.results().formatted(output.format, level: level))
        }
    }
}
