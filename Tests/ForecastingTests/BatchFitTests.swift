import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

@Suite("Batch fits")
struct BatchFitTests {
    @Test("A batch fit by rep equals fitting each rep's rows alone; a group that cannot be fitted is reported")
    func batchEqualsIndividual() throws {
        let data = try CSVReader.read(path: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv").path)
        let formula = try Formula("revenue ~ proposals + demos + calls")
        let fits = try fit(formula, to: data, by: "rep")
        guard case .text(let reps) = try data.column("rep") else { Issue.record("rep is not text"); return }
        #expect(fits.count == reps.levels.count)
        for group in fits {
            let rows = (0..<data.rowCount).filter { reps[$0] == group.group }
            let alone = try fit(formula, to: data.selectingRows(rows))
            let batch = try #require(group.results)
            #expect(batch.coefficients == alone.coefficients)
            #expect(batch.standardErrors == alone.standardErrors)
            #expect(batch.observationCount == rows.count)
        }
        // Two rows cannot fit four columns: reported for that group only.
        let tiny = try Dataset([("g", .text(TextColumn(["a", "a", "a", "a", "a", "b", "b"]))),
                                ("y", .numeric([1, 2, 4, 3, 5, 1, 2])), ("x", .numeric([1, 2, 3, 5, 4, 1, 3])),
                                ("z", .numeric([2, 1, 2, 2, 3, 1, 0]))])
        let mixed = try fit(Formula("y ~ x + z"), to: tiny, by: "g")
        #expect(mixed.map(\.group) == ["a", "b"])
        #expect(mixed[0].results != nil)
        #expect(mixed[1].results == nil && mixed[1].error?.contains("only 2 usable rows") == true)
        let report = BatchFitReport(formula: "y ~ x + z", by: "g", fits: mixed)
        #expect(report.pooled.first?.groups == 1)
        #expect(report.formatted(.text).contains("not fitted: only 2 usable rows"))
        #expect(throws: DataError.self) { try fit(Formula("y ~ x"), to: tiny, by: "nope") }
    }
}
