import Foundation
import Testing
import TestSupport

@Suite("salesforecast leads")
struct LeadsCommandTests {
    @Test("The best lags are the generator's (demos 1, meetings 2, proposals 0), on the rows every lag can use")
    func bestLagsAreTheTruth() throws {
        let history = try History.load()
        try #require(history.monthsAreContiguous)
        let truth = try #require(try jsonObject(file: Example.truth)["coefficients"] as? [String: [String: Any]])
        let run = try runSucceeding(["leads", "--history", Example.history, "--response", "revenue",
                                     "--activities", "demos,meetings,proposals,emails", "--max-lag", "3", "--format", "json"])
        let document = try jsonObject(run.stdout)
        #expect(document["format"] as? String == "salesforecast.leads")
        // Lag 3 needs three earlier months of the rep: each rep's first three rows are left out of every cell.
        let sameRows = history.rows(withHistory: 3)
        #expect(int(document["n_observations"]) == sameRows.count)

        let best = try #require(document["best"] as? [[String: Any]])
        let bestLag = Dictionary(uniqueKeysWithValues: best.map { ($0["activity"] as? String ?? "", int($0["lag"]) ?? -1) })
        for activity in ["demos", "meetings", "proposals"] {
            let expected = try #require(int(truth[activity]?["lag_months"]))
            #expect(bestLag[activity] == expected, "\(activity): best lag \(bestLag[activity] ?? -1), the generator's \(expected)")
        }
        #expect(try #require(int(truth["demos"]?["lag_months"])) == 1)
        #expect(try #require(int(truth["meetings"]?["lag_months"])) == 2)

        // "Best" is the highest R² of the activity's cells.
        let cells = try #require(document["cells"] as? [[String: Any]])
        #expect(cells.count == 4 * 4)
        for activity in ["demos", "meetings", "proposals", "emails"] {
            let own = cells.filter { $0["activity"] as? String == activity }
            #expect(own.compactMap { int($0["lag"]) }.sorted() == [0, 1, 2, 3])
            let top = own.max { (double($0["r_squared"]) ?? 0) < (double($1["r_squared"]) ?? 0) }
            #expect(int(top?["lag"]) == bestLag[activity], "\(activity)")
        }

        // A cell recomputed with fit: lag 0 of demos is revenue ~ demos on those same rows.
        try withTemporaryDirectory { directory in
            let data = directory.appendingPathComponent("same-rows.csv")
            try write(history.csv(sameRows), to: data)
            let fit = try jsonObject(runSucceeding(["fit", data.path, "--formula", "revenue ~ demos", "--format", "json"]).stdout)
            let slope = try #require((fit["coefficients"] as? [[String: Any]])?.first { $0["term"] as? String == "demos" })
            let cell = try #require(cells.first { $0["activity"] as? String == "demos" && int($0["lag"]) == 0 })
            for (cellKey, fitKey, document) in [("estimate", "estimate", slope), ("std_error", "std_error", slope),
                                                ("r_squared", "r_squared", fit)] {
                let a = try #require(double(cell[cellKey])), b = try #require(double(document[fitKey]))
                #expect(relativelyClose(a, b, 1e-9), "\(cellKey): leads \(a), fit \(b)")
            }
        }
    }
}
