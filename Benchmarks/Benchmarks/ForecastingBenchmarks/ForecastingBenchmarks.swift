import Benchmark
import BenchmarkData
import Forecasting
import Foundation

// The numeric core and the pipeline around it, at sizes that show how cost grows with n and p.
// Run from Benchmarks/: `swift package benchmark` (all), or `swift package benchmark --filter "fit"`.
// Data is generated in each benchmark's setup, outside the measured time.

/// Few iterations for the large sizes, so a full run stays within minutes.
func configuration(cells: Int) -> Benchmark.Configuration {
    .init(metrics: [.wallClock, .cpuTotal, .peakMemoryResident, .mallocCountTotal],
          warmupIterations: cells >= 10_000_000 ? 0 : 1,
          maxDuration: .seconds(cells >= 10_000_000 ? 30 : 5),
          maxIterations: cells >= 10_000_000 ? 2 : 50)
}

let historyPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples/data/sales_history.csv").path

let benchmarks: @Sendable () -> Void = {
    // Least squares with full inference (QR, rank decision, refined solve, covariance, leverage, VIF).
    for n in [1_000, 10_000, 100_000, 1_000_000] {
        for p in [5, 20, 100] {
            let names = ["Intercept"] + (1..<p).map { "x\($0)" }
            Benchmark("fit n=\(n) p=\(p)", configuration: configuration(cells: n * p), closure: { (benchmark: Benchmark, data: (matrix: Matrix, response: [Double])) in
                for _ in benchmark.scaledIterations {
                    blackHole(try? LeastSquares.fit(data.matrix, response: data.response, columnNames: names, hasIntercept: true))
                }
            }, setup: { SyntheticSales.design(rows: n, columns: p) })
        }
    }

    // The rank-revealing path: the last column is a combination of two others, found and named.
    for (n, p) in [(10_000, 20), (100_000, 20), (100_000, 100)] {
        let names = ["Intercept"] + (1..<p).map { "x\($0)" }
        Benchmark("collinear n=\(n) p=\(p)", configuration: configuration(cells: n * p), closure: { (benchmark: Benchmark, data: (matrix: Matrix, response: [Double])) in
            for _ in benchmark.scaledIterations {
                do { _ = try LeastSquares.fit(data.matrix, response: data.response, columnNames: names, hasIntercept: true) }
                catch { blackHole(error) }
            }
        }, setup: { () -> (matrix: Matrix, response: [Double]) in
            var (matrix, response) = SyntheticSales.design(rows: n, columns: p)
            for i in 0..<n { matrix.values[i + (p - 1) * n] = matrix.values[i + n] + 2 * matrix.values[i + 2 * n] }
            return (matrix, response)
        })
    }

    // Inference on a fitted model: robust and clustered covariances.
    for n in [10_000, 100_000, 1_000_000] {
        Benchmark("inference HC3 n=\(n) p=20", configuration: configuration(cells: n * 20), closure: { (benchmark: Benchmark, results: LinearModel) in
            for _ in benchmark.scaledIterations { blackHole(try? results.withCovariance(.hc3).standardErrors) }
        }, setup: { () throws -> LinearModel in
            let data = SyntheticSales.design(rows: n, columns: 20)
            return try LeastSquares.fit(data.matrix, response: data.response,
                                        columnNames: ["Intercept"] + (1..<20).map { "x\($0)" }, hasIntercept: true)
        })
    }
    Benchmark("inference cluster(team) n=100000", configuration: configuration(cells: 2_000_000), closure: { (benchmark: Benchmark, results: LinearModel) in
        for _ in benchmark.scaledIterations { blackHole(try? results.withCovariance(.cluster(["team"])).standardErrors) }
    }, setup: { () throws -> LinearModel in
        let data = try CSVReader.parse(SyntheticSales.csv(rows: 100_000, activities: 10, categorical: true))
        return try fit(SyntheticSales.formula(activities: 10), to: data)
    })

    // CSV parsing: the metric to read is MB/s = the size in the name / the wall time.
    for (n, k) in [(100_000, 19), (1_000_000, 19)] {
        let text = SyntheticSales.csv(rows: n, activities: k)
        let megabytes = Double(text.utf8.count) / 1e6
        Benchmark("csv parse \(String(format: "%.1f", megabytes)) MB (\(n)×\(k + 1))", configuration: configuration(cells: n * (k + 1)), closure: { (benchmark: Benchmark, text: String) in
            for _ in benchmark.scaledIterations { blackHole(try? CSVReader.parse(text).rowCount) }
        }, setup: { text })
    }

    // Formula expansion with categoricals and interactions into a design matrix.
    Benchmark("design C(team)*x1 + C(region):x2 + x3..x10 n=100000", configuration: configuration(cells: 3_000_000), closure: { (benchmark: Benchmark, data: Dataset) in
        let formula = try? Formula("revenue ~ C(team) * x1 + C(region):x2 + " + (3...10).map { "x\($0)" }.joined(separator: " + ") + " + I(x3 ** 2) + np.log(x4 + 1)")
        for _ in benchmark.scaledIterations { blackHole(formula.flatMap { try? DesignMatrix(formula: $0, data: data).columnNames }) }
    }, setup: { () throws -> Dataset in try CSVReader.parse(SyntheticSales.csv(rows: 100_000, activities: 10, categorical: true)) })

    // Prediction with confidence and prediction intervals for 100,000 new rows.
    Benchmark("predict with intervals 100000 rows p=11", configuration: configuration(cells: 1_100_000), closure: { (benchmark: Benchmark, state: (model: LinearModel, data: Dataset)) in
        for _ in benchmark.scaledIterations { blackHole(try? state.model.predict(state.data, level: 0.9)) }
    }, setup: { () -> (model: LinearModel, data: Dataset) in
        let data = try CSVReader.parse(SyntheticSales.csv(rows: 100_000, activities: 10))
        return (try fit(SyntheticSales.formula(activities: 10), to: data), data)
    })

    // A whole quarterly forecast on the bundled example data: fit with lags and seasons, project
    // activities, forecast each rep, roll up to teams and the total.
    Benchmark("quarterly forecast (examples/data)", configuration: configuration(cells: 100_000), closure: { (benchmark: Benchmark, history: SalesHistory) in
        for _ in benchmark.scaledIterations {
            blackHole(try? history.fit("revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails + season(period, 'quarter')",
                                       covariance: .cluster(["rep"])).forecast("2026-Q4").total.rollUp.mean)
        }
    }, setup: { () throws -> SalesHistory in try SalesHistory(CSVReader.read(path: historyPath)) })
}
