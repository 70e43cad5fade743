import Testing
@testable import Forecasting
@testable import ForecastingCore

@Suite("Periods and panels")
struct PeriodTests {
    @Test("Periods read and print canonically", arguments: [
        ("2026-03-15", "2026-03-15", PeriodFrequency.day), ("2026-03", "2026-03", .month), ("2026-Q1", "2026-Q1", .quarter),
        ("2026q4", "2026-Q4", .quarter), ("2026-W07", "2026-W07", .week), ("2020-W53", "2020-W53", .week), ("2024-02-29", "2024-02-29", .day),
    ])
    func canonical(_ text: String, _ printed: String, _ frequency: PeriodFrequency) throws {
        let period = try #require(Period(text))
        #expect(period.description == printed)
        #expect(period.frequency == frequency)
    }

    @Test("Impossible periods are refused", arguments: ["2026-13", "2026-Q5", "2026-W54", "2021-W53", "2025-02-29", "26-03", "202", "20266", "March 2026", ""])
    func refused(_ text: String) { #expect(Period(text) == nil) }

    @Test("Calendar facts: ISO weeks, quarters, seasons, years")
    func calendar() throws {
        // ISO 8601: 2026-W01 starts on Monday 2025-12-29; 2020 has 53 weeks.
        let week = try #require(Period("2026-W01"))
        #expect(Period(frequency: .day, index: week.firstDay).description == "2025-12-29")
        #expect(week.quarter.description == "2026-Q1")
        #expect(try #require(Period("2020-W53")).advanced(by: 1).description == "2021-W01")
        #expect(try #require(Period("2026-11")).quarter.description == "2026-Q4")
        #expect(try #require(Period("2026-11")).seasonOfYear == 11)
        #expect(try #require(Period("2026-11")).yearEarlier.description == "2025-11")
        #expect(try #require(Period("2026-Q1")).advanced(by: -1).description == "2025-Q4")
        #expect(periods(of: try #require(Period("2026-Q4")), frequency: .month).map(\.description) == ["2026-10", "2026-11", "2026-12"])
        #expect(periods(of: try #require(Period("2026-Q1")), frequency: .week).count == 13)
        #expect(periods(of: try #require(Period("2020-Q4")), frequency: .week).count == 14)  // 2020-W40 … W53
    }

    static func panelData(_ rows: [(String, String, Double)]) throws -> Dataset {
        try Dataset([("period", .text(TextColumn(rows.map(\.0)))), ("rep", .text(TextColumn(rows.map(\.1)))),
                     ("x", .numeric(rows.map(\.2))), ("y", .numeric(rows.map { $0.2 * 2 + 1 }))])
    }

    @Test("Duplicates, unreadable and mixed periods are named with their lines")
    func panelErrors() throws {
        let layout = PanelLayout(period: "period", entity: "rep")
        let duplicate = #expect(throws: TimeError.self) { try Panel(data: Self.panelData([("2026-01", "a", 1), ("2026-01", "a", 2)]), layout: layout) }
        #expect(duplicate?.description == "<memory>, lines 2 and 3: two rows for 'a' in 2026-01")
        let unreadable = #expect(throws: TimeError.self) { try Panel(data: Self.panelData([("2026-01", "a", 1), ("Jan", "a", 2)]), layout: layout) }
        #expect(unreadable?.description.contains("line 3, column 'period': 'Jan' is not a period") == true, "\(String(describing: unreadable))")
        let mixed = #expect(throws: TimeError.self) { try Panel(data: Self.panelData([("2026-01", "a", 1), ("2026-Q1", "b", 2)]), layout: layout) }
        #expect(mixed?.description.contains("line 3, column 'period': a quarter among months") == true, "\(String(describing: mixed))")
    }

    @Test("Dates on the first of the month are months; gaps are reported")
    func detection() throws {
        let panel = try Panel(data: Self.panelData([("2026-01-01", "a", 1), ("2026-02-01", "a", 2), ("2026-04-01", "a", 4)]),
                              layout: PanelLayout(period: "period", entity: "rep"))
        #expect(panel.frequency == .month)
        #expect(panel.gaps.first?.missing.map(\.description) == ["2026-03"])
        #expect(panel.gapSummary?.contains("a: 2026-03") == true)
    }

    @Test("lag() looks back within each rep in calendar periods; rows without history are dropped and counted")
    func lagValues() throws {
        // Rep a: Jan, Feb, Apr (a gap in Mar); rep b: Jan, Feb. Rows are out of order on purpose.
        let data = try Self.panelData([("2026-02", "a", 20), ("2026-01", "b", 100), ("2026-01", "a", 10),
                                       ("2026-04", "a", 40), ("2026-02", "b", 200)])
        let panel = try Panel(data: data, layout: PanelLayout(period: "period", entity: "rep"))
        let design = try DesignMatrix(formula: Formula("y ~ lag(x, 1) + adstock(x, 0.5)"), data: data, panel: panel)
        // Rows with a lag: a/Feb (10) and b/Feb (100). a/Apr has none (March is missing), Jan rows none.
        #expect(design.rows == [0, 4])
        #expect(design.rowsWithoutHistory == 3)
        #expect(design.matrix[0, 1] == 10 && design.matrix[1, 1] == 100)
        // adstock: a/Feb = 20 + 0.5·10; b/Feb = 200 + 0.5·100.
        #expect(design.matrix[0, 2] == 25 && design.matrix[1, 2] == 250)
    }

    @Test("adstock decays across gaps by the rate to the power of the gap")
    func adstockGap() throws {
        let data = try Self.panelData([("2026-01", "a", 8), ("2026-03", "a", 1)])
        let design = try DesignMatrix(formula: Formula("y ~ adstock(x, 0.5)"), data: data,
                                      panel: try Panel(data: data, layout: PanelLayout(period: "period", entity: "rep")))
        #expect(design.matrix[0, 1] == 8)
        #expect(design.matrix[1, 1] == 1 + 0.25 * 8)
    }

    @Test("Time terms without a period column are refused by name")
    func needsPanel() throws {
        let data = try Self.panelData([("2026-01", "a", 1), ("2026-02", "a", 2), ("2026-03", "a", 3)])
        #expect(throws: TimeError.noPeriodColumn(term: "lag(x, 1)")) { try fit("y ~ lag(x, 1)", to: data) }
    }
}
