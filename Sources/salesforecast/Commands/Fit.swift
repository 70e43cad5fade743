import Foundation
import ArgumentParser
import Forecasting

extension SalesForecast {
    /// `salesforecast fit`: fit a regression of results on activities and print its inference.
    struct Fit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fit a regression of results on activities, with full statistical inference.",
            discussion: """
                Example:
                  salesforecast fit history.csv --robust HC1 \\
                    --formula "revenue ~ proposals + demos + calls + C(team)"

                Formulas follow R and patsy: '+' adds terms, ':' and '*' interact,
                '- 1' drops the intercept, I(x^2) does arithmetic, log(x) and
                C(x) (categories; text columns are categorical anyway).

                Counts (deals won) fit a Poisson or negative binomial model:
                  salesforecast fit history.csv --family negbin --cluster rep \\
                    --formula "deals_won ~ demos + calls + offset(log(days_worked))"
                """
        )

        @OptionGroup var input: InputOptions

        @Option(name: [.short, .long], help: "The model, e.g. \"revenue ~ demos + proposals + C(team)\".")
        var formula: String

        @Option(help: "A column of positive weights (weighted least squares).")
        var weights: String?

        @Option(help: "Confidence level of the intervals, between 0 and 1.")
        var level: Double = 0.95

        @OptionGroup var covariance: CovarianceOptions
        @OptionGroup var family: FamilyOptions

        @Option(help: "Fit one model per value of this column (e.g. rep), on all cores, with a pooled summary.")
        var by: String?

        @Option(help: "A joint Wald test that these terms are all zero, e.g. \"emails, lag(emails, 1)\" (repeatable).")
        var test: [String] = []

        @Option(help: "A nested model to compare by a likelihood-ratio test, e.g. the same formula without \"+ (1 | rep)\" (with --ml for different fixed effects).")
        var compare: String?

        @Option(help: "Ridge penalty λ ≥ 0 for collinear activities (on standardized columns; intercept not penalized).")
        var ridge: Double?

        @OptionGroup var panel: PanelOptions
        @OptionGroup var output: OutputOptions

        @Option(help: "Save the fitted model to this JSON file (atomically), for predict, forecast and what-if.")
        var save: String?

        @Flag(help: "Read the file a block at a time, in bounded memory, for files larger than memory (parsed once when the parsed rows fit in --keep-mb).")
        var stream = false

        @Flag(help: "Read the whole file into memory even when it is large (by default files over 32 MB are fitted a block at a time when the model allows).")
        var inMemory = false

        @Option(help: "With --stream: the size of each block, in MB.")
        var blockMB: Int = 8

        @Option(help: "With --stream: memory in MB for the parsed rows, kept so the file is parsed once; past it, later passes read the rest of the file again (and say so).")
        var keepMB: Int = streamingKeptBytesDefault >> 20

        @Option(help: "With --stream: save the fit's triangular factor (JSON) to merge with others ('salesforecast merge').")
        var saveFactor: String?

        func validate() throws {
            guard level > 0, level < 1 else { throw ValidationError("--level must be between 0 and 1, e.g. 0.95 (got \(level))") }
            if let ridge, !(ridge >= 0) || !ridge.isFinite { throw ValidationError("--ridge must be a number ≥ 0") }
            if stream && inMemory { throw ValidationError("--stream and --in-memory contradict each other") }
            if stream && by != nil { throw ValidationError("--stream and --by cannot be combined: fit each group's file with --stream") }
            if saveFactor != nil && !stream { throw ValidationError("--save-factor needs --stream") }
            guard (1...4096).contains(blockMB) else { throw ValidationError("--block-mb must be between 1 and 4096") }
            if family.isCount {
                let refused = [("--by", by != nil), ("--stream", stream), ("--ridge", ridge != nil), ("--weights", weights != nil),
                               ("--hac", covariance.hac != nil), ("--compare", compare != nil)].filter(\.1).map(\.0)
                if let first = refused.first {
                    throw ValidationError("\(first) is not available with --family \(family.family.rawValue) yet")
                }
            }
            guard (0...(1 << 30)).contains(keepMB) else { throw ValidationError("--keep-mb must be between 0 and 2^30") }
        }

        func run() throws {
            let parsed = try Formula(formula)
            var options = covariance.options(weights: weights, ridge: ridge, missing: input.reading.missing)
            family.apply(to: &options)
            if stream || (!inMemory && by == nil && SalesHistory.fitsInBlocks(csvPath: input.data, formula: parsed, options: options)) {
                return try runStreaming(parsed, options: options)
            }
            let history = try SalesHistory.forFitting(input.read(), formula: parsed, covariance: options.covariance,
                                                      period: panel.period, rep: panel.entity, team: panel.group)
            if let by {
                let fits = try output.timed("batch fit") { try Forecasting.fit(parsed, to: history.data, by: by, options: options) }
                try output.emit(BatchFitReport(formula: formula, by: by, fits: fits, level: level).formatted(output.format))
                return
            }
            let model = try history.fit(parsed, options: options)
            try report(model, comparison: compare.map { try model.likelihoodRatioTest(against: history.fit($0, options: options)) })
        }

        func report(_ results: LinearModel, comparison: LikelihoodRatioTest? = nil) throws {
            var text = try results.formatted(output.format, level: level)
            if !test.isEmpty {
                let tests = try test.map { try results.waldTest(terms: CovarianceOptions.list($0)) }
                text = try results.formatted(output.format, level: level, tests: tests)
            }
            if let comparison {
                switch output.format {
                case .json:
                    // The test as one more member of the document.
                    if let close = text.lastIndex(of: "}") {
                        text = String(text[..<close]) + ", \"likelihood_ratio_test\": " + comparison.jsonValue.serialized() + String(text[close...])
                    }
                case .csv: text += "\ntest,statistic,df,p_value\nlikelihood ratio,\(comparison.statistic),\(comparison.degreesOfFreedom),\(comparison.pValue)\n"
                case .text, .markdown: text += (text.hasSuffix("\n") ? "" : "\n") + "\n\(comparison)\n"
                }
            }
            try output.emit(text)
            if let save { try results.write(to: save) }
        }

        func runStreaming(_ parsed: Formula, options: RegressionOptions) throws {
            let size = (try? FileManager.default.attributesOfItem(atPath: input.data)[.size] as? Int) ?? 0
            let progress = output.progress("reading")
            let results = try output.timed("streaming fit") {
                try fitStreaming(parsed, csvPath: input.data, options: options, readOptions: input.reading.csv,
                                 blockBytes: blockMB << 20, keepingParsedRowsUpTo: keepMB << 20) { pass, passes, bytes in
                    progress?(Int(Double(pass - 1) * 1000 + Double(bytes) / Double(max(size, 1)) * 1000), passes * 1000)
                }
            }
            // Text and Markdown list the model's notes; JSON and CSV do not, so a second reading is said here.
            if let note = results.streamingFallbackNote, output.format == .json || output.format == .csv {
                printError("note: \(note)")
            }
            try report(results)
            if let saveFactor, let factor = results.leastSquaresFactor { try factor.write(to: saveFactor) }
        }
    }
}
