import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

/// A fit made a block of rows at a time (`fitStreaming`) must give the in-memory fit's numbers:
/// the blocks here are a few kilobytes, so each file is read in dozens of blocks.
@Suite("Streaming fits")
struct StreamingFitTests {
    static let history = Fixtures.root.appendingPathComponent("examples/data/sales_history.csv").path
    static let pipeline = Fixtures.path("pipeline.csv")

    static func relativeDifference(_ a: Double, _ b: Double) -> Double {
        if a == b || (a.isNaN && b.isNaN) { return 0 }
        return abs(a - b) / max(abs(a), abs(b), 1e-300)
    }

    /// Every number both fits report, compared to `tolerance` relative.
    static func expectAgree(_ streamed: LinearModel, _ whole: LinearModel, tolerance: Double = 1e-10,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(streamed.columnNames == whole.columnNames, sourceLocation: sourceLocation)
        #expect(streamed.observationCount == whole.observationCount, sourceLocation: sourceLocation)
        #expect(streamed.droppedRows == whole.droppedRows, sourceLocation: sourceLocation)
        #expect(streamed.hasConstant == whole.hasConstant, sourceLocation: sourceLocation)
        #expect(streamed.method == whole.method, sourceLocation: sourceLocation)
        var pairs: [(String, Double, Double)] = []
        for j in whole.columnNames.indices {
            pairs.append(("beta \(whole.columnNames[j])", streamed.coefficients[j], whole.coefficients[j]))
            pairs.append(("se \(whole.columnNames[j])", streamed.standardErrors[j], whole.standardErrors[j]))
            if let v = whole.varianceInflationFactors[j], let s = streamed.varianceInflationFactors[j] { pairs.append(("vif", s, v)) }
        }
        let (jb, sjb) = (whole.jarqueBera, streamed.jarqueBera)
        pairs += [("ssr", streamed.residualSumOfSquares, whole.residualSumOfSquares),
                  ("r2", streamed.rSquared, whole.rSquared), ("adj r2", streamed.adjustedRSquared, whole.adjustedRSquared),
                  ("F", streamed.fStatistic, whole.fStatistic), ("loglik", streamed.logLikelihood, whole.logLikelihood),
                  ("aic", streamed.aic, whole.aic), ("bic", streamed.bic, whole.bic),
                  ("condition", streamed.conditionNumber, whole.conditionNumber),
                  ("df inference", streamed.inferenceDegreesOfFreedom, whole.inferenceDegreesOfFreedom),
                  ("durbin-watson", streamed.durbinWatson, whole.durbinWatson),
                  ("jb", sjb.statistic, jb.statistic), ("skew", sjb.skewness, jb.skewness), ("kurtosis", sjb.kurtosis, jb.kurtosis),
                  ("omnibus", streamed.omnibus.statistic, whole.omnibus.statistic)]
        for (name, s, w) in pairs {
            #expect(relativeDifference(s, w) <= tolerance, "\(name): streamed \(s) vs in memory \(w)", sourceLocation: sourceLocation)
        }
        #expect(streamed.influentialRows().map(\.line) == whole.influentialRows().map(\.line), sourceLocation: sourceLocation)
        for (s, w) in zip(streamed.influentialRows(), whole.influentialRows()) {
            #expect(relativeDifference(s.cooksDistance, w.cooksDistance) <= 1e-8, sourceLocation: sourceLocation)
            #expect(relativeDifference(s.residual, w.residual) <= 1e-8, sourceLocation: sourceLocation)
        }
    }

    @Test("Streamed in small blocks equals the in-memory fit: OLS, categoricals, interactions, HC, clusters, no intercept",
          arguments: [
              ("revenue ~ demos + proposals + calls + emails + meetings", CovarianceType.nonrobust),
              ("revenue ~ demos * C(team) + proposals + np.log(calls + 1) + region", .hc1),
              ("revenue ~ demos + proposals + I(meetings ** 2) + team", .hc3),
              ("revenue ~ demos + proposals + calls", .cluster(["rep"])),
              ("revenue ~ demos + proposals + calls", .cluster(["team", "region"])),
              ("revenue ~ 0 + C(team) + demos + proposals", .hc0),
              ("deals_won ~ demos + C(region, Treatment('West'))", .hc2),
          ])
    func streamedEqualsInMemory(formula: String, covariance: CovarianceType) throws {
        var options = RegressionOptions()
        options.covariance = covariance
        let whole = try fit(formula, to: CSVReader.read(path: Self.history), options: options)
        let streamed = try fitStreaming(Formula(formula), csvPath: Self.history, options: options, blockBytes: 4096)
        #expect(streamed.covarianceType == covariance)
        Self.expectAgree(streamed, whole)
        #expect(streamed.residuals.isEmpty, "a streamed fit keeps no per-row arrays")
        for (name, encoding) in streamed.encodings { #expect(encoding.levels == whole.encodings[name]?.levels) }
    }

    @Test("Weighted least squares, and rows dropped for missing values, streamed equal in memory")
    func weightedAndMissing() throws {
        var options = RegressionOptions()
        options.weights = "weight"
        options.covariance = .hc1
        let formula = "revenue ~ calls + emails + demos + region"
        let whole = try fit(formula, to: CSVReader.read(path: Self.pipeline), options: options)
        let streamed = try fitStreaming(Formula(formula), csvPath: Self.pipeline, options: options, blockBytes: 256)
        Self.expectAgree(streamed, whole)

        // A file with missing cells: the same rows are dropped, and counted.
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("gaps.csv").path
        var text = "y,x,z\n"
        for i in 0..<3000 {
            let x = Double(i % 97) / 7, z = Double((i * 31) % 53)
            text += (i % 101 == 5 ? "NA" : "\(2 + 3 * x - 0.5 * z + Double((i * 7919) % 13) / 3)") + ",\(x),\(i % 211 == 3 ? "" : "\(z)")\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let dense = try fit("y ~ x + z", to: CSVReader.read(path: path))
        let blocks = try fitStreaming(Formula("y ~ x + z"), csvPath: path, blockBytes: 4096)
        #expect(blocks.droppedRows > 0)
        Self.expectAgree(blocks, dense)
    }

    @Test("Parsed once when the rows fit the memory kept for them; past it, the rest is read again, with the same numbers and a note saying so",
          arguments: [("revenue ~ demos + proposals + calls + emails + meetings", CovarianceType.nonrobust),
                      ("revenue ~ demos * C(team) + proposals + region", .hc1),
                      ("revenue ~ demos + proposals + calls", .cluster(["team", "region"]))])
    func keptBlocksAndFallback(formula: String, covariance: CovarianceType) throws {
        var options = RegressionOptions()
        options.covariance = covariance
        let whole = try fit(formula, to: CSVReader.read(path: Self.history), options: options)
        // The model's columns of the file's 1,000-odd rows take about 60 kB parsed: none, a block or two,
        // a third of them, all.
        for kept in [streamingKeptBytesDefault, 0, 6_000, 25_000] {
            let streamed = try fitStreaming(Formula(formula), csvPath: Self.history, options: options, blockBytes: 4096,
                                            keepingParsedRowsUpTo: kept)
            Self.expectAgree(streamed, whole)
            let notes = streamed.notes().joined(separator: "\n")
            if kept == streamingKeptBytesDefault {
                #expect(streamed.streamingFallbackNote == nil)
                #expect(notes.contains("The file was parsed once"), "\(notes)")
            } else {
                let note = try #require(streamed.streamingFallbackNote, "kept \(kept) bytes")
                #expect(note.contains("read and parsed") && note.contains("again"), "\(note)")
                #expect(notes.contains(note))
            }
        }
    }

    @Test("Factors of two halves merged equal the factor of the whole; the JSON form reads back exactly")
    func mergeAndJSON() throws {
        let data = try CSVReader.read(path: Self.history)
        let formula = try Formula("revenue ~ demos + proposals + calls")
        let design = try DesignMatrix(formula: formula, data: data)
        let y = try #require(design.response)
        func factor(_ rows: Range<Int>) throws -> LeastSquaresFactor {
            let p = design.columnNames.count
            var values = [Double]()
            for j in 0..<p { for i in rows { values.append(design.matrix.values[i + j * design.rows.count]) } }
            var f = LeastSquaresFactor(columnNames: design.columnNames, responseName: "revenue", hasIntercept: true, isWeighted: false)
            try f.add(design: Matrix(rows: rows.count, columns: p, values: values), response: Array(y[rows]), weights: nil)
            return f
        }
        let n = design.rows.count
        var merged = try factor(0..<400)
        try merged.merge(factor(400..<n))
        let whole = try factor(0..<n)
        #expect(merged.rowCount == whole.rowCount)
        for (a, b) in zip(merged.upper, whole.upper) {
            // R is unique up to the sign of each row; compare magnitudes.
            #expect(Self.relativeDifference(abs(a), abs(b)) <= 1e-11)
        }
        #expect(Self.relativeDifference(merged.responseSumOfSquares, whole.responseSumOfSquares) <= 1e-13)

        let fromFactor = try merged.results()
        let inMemory = try fit(formula, to: data)
        for j in 0..<4 {
            #expect(Self.relativeDifference(fromFactor.coefficients[j], inMemory.coefficients[j]) <= 1e-10)
            #expect(Self.relativeDifference(fromFactor.standardErrors[j], inMemory.standardErrors[j]) <= 1e-10)
        }
        #expect(Self.relativeDifference(fromFactor.rSquared, inMemory.rSquared) <= 1e-10)
        #expect(fromFactor.durbinWatson.isNaN, "a factor alone has no residuals to test")

        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("part.factor.json").path
        try merged.write(to: path)
        let loaded = try LeastSquaresFactor.load(path: path)
        #expect(loaded == merged)
        for (a, b) in zip(loaded.upper, merged.upper) where a != b { Issue.record("\(a) != \(b)") }
        #expect(loaded.weightedColumnSums == merged.weightedColumnSums)
        #expect([loaded.weightSum, loaded.responseMean, loaded.responseSumOfSquares, loaded.logWeightSum] == [merged.weightSum, merged.responseMean, merged.responseSumOfSquares, merged.logWeightSum])
        // Not triangular: refused with the cell named.
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let tampered = path + ".bad.json"
        text = text.replacingOccurrences(of: "\"format\": \"salesforecast.factor\"", with: "\"format\": \"salesforecast.model\"")
        try text.write(toFile: tampered, atomically: true, encoding: .utf8)
        #expect(throws: ModelFileError.notAFactor(path: tampered)) { try LeastSquaresFactor.load(path: tampered) }
    }

    @Test("Errors in a later block name the line of the whole file; unsupported terms and stdin are refused")
    func errorsNameFileLines() throws {
        let directory = try Fixtures.temporaryDirectory()
        let path = directory.appendingPathComponent("late.csv").path
        var text = "y,x\n"
        for i in 0..<5000 { text += "\(i % 17 + i % 5),\(i == 4321 ? "abc" : String(i % 23))\n" }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let error = try #require(throws: (any Error).self) { try fitStreaming(Formula("y ~ x"), csvPath: path, blockBytes: 4096) }
        #expect("\(error)".contains("line 4323"), "\(error)")

        // Blocks are prepared on worker threads ahead of the fold: a block's error still comes before a
        // later block's parse error (a ragged row on line 4991, in the next block), parsed once or again from the file.
        let both = directory.appendingPathComponent("both.csv").path
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[4990] = "1,2,3"
        try lines.joined(separator: "\n").write(toFile: both, atomically: true, encoding: .utf8)
        for kept in [1 << 30, 0] {
            let first = try #require(throws: (any Error).self) {
                try fitStreaming(Formula("y ~ x"), csvPath: both, blockBytes: 4096, keepingParsedRowsUpTo: kept)
            }
            #expect("\(first)".contains("line 4323"), "\(type(of: first)): \(first)")
        }

        let history = Self.history
        #expect(throws: RegressionError.self) { try fitStreaming(Formula("revenue ~ lag(demos, 1)"), csvPath: history) }
        #expect(throws: RegressionError.self) { try fitStreaming(Formula("revenue ~ center(demos)"), csvPath: history) }
        #expect(throws: CSVError.self) { try fitStreaming(Formula("revenue ~ demos"), csvPath: "-") }
        #expect(throws: DataError.self) { try fitStreaming(Formula("revenue ~ nosuch"), csvPath: history) }
    }
}
