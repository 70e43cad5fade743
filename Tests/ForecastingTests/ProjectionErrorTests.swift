import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

@Suite("Projection error of activities, variance parts and calibration")
struct ProjectionErrorTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
        a == b || abs(a - b) <= tolerance * max(abs(b), 1)
    }

    static let layout = PanelLayout(period: "period", entity: "rep", group: "team")
    static var panelOptions: RegressionOptions {
        var options = RegressionOptions()
        options.panel = layout
        return options
    }

    /// The panel of Tests/Reference/projection_error_reference.py: 3 reps, 2024-01…2024-06, r1 and r2 (team A) moving together,
    /// r2's y missing in month 4;
    /// `revenue` (not in the reference) is a response for the forecast tests.
    static func tinyPanel() throws -> Dataset {
        let reps = ["r1", "r2", "r3"], teams = ["A", "A", "B"]
        let x: [[Double]] = [[10, 12, 11, 15, 13, 14], [20, 22, 21, 26, 23, 24], [7, 9, 8, 6, 10, 9]]
        let y: [[Double]] = [[5, 4, 6, 5, 7, 6], [8, 7, 9, .nan, 10, 9], [3, 3, 4, 2, 4, 5]]
        let noise: [Double] = [3, -2, 1, -4, 2, 0, -1, 5, -3, 1, 2, -2, 4, -1, 0, -3, 2, 1]
        var period: [String?] = [], rep: [String?] = [], team: [String?] = [], xs: [Double] = [], ys: [Double] = [], revenue: [Double] = []
        for r in 0..<3 {
            for m in 0..<6 {
                period.append("2024-0\(m + 1)"); rep.append(reps[r]); team.append(teams[r])
                xs.append(x[r][m]); ys.append(y[r][m])
                revenue.append(100 + 7 * x[r][m] + 4 * (y[r][m].isNaN ? 6 : y[r][m]) + noise[r * 6 + m])
            }
        }
        return try Dataset([("period", .text(TextColumn(period))), ("rep", .text(TextColumn(rep))), ("team", .text(TextColumn(team))),
                            ("x", .numeric(xs)), ("y", .numeric(ys)), ("revenue", .numeric(revenue))])
    }

    static func errorModel(steps: Int) throws -> ProjectionErrorModel {
        let data = try tinyPanel()
        let panel = try Panel(data: data, layout: layout)
        var teamOf: [Int32: String] = [:]
        for (code, name) in panel.entityNames.enumerated() { teamOf[Int32(code)] = name == "r3" ? "B" : "A" }
        return try ProjectionErrorModel.estimate(history: data, panel: panel, activities: ["x", "y"], projection: .runRate,
                                                 steps: steps, teamOf: teamOf)
    }

    @Test("Projection-error moments, shared parts, rep scales and the variance of sums match an independent numpy computation")
    func momentsMatchReference() throws {
        // Tests/Reference/projection_error_reference.py (numpy 2.4.6, Python 3.11.7), on the panel of tinyPanel().
        let errors = try Self.errorModel(steps: 2)
        #expect(errors.origins == 15)
        let mA = [5.055555555555555, -0.40740740740740733, 2.8055555555555554, 3.1904761904761907, -0.40740740740740733,
                  1.6388888888888888, 2.3095238095238098, 0.4583333333333333, 2.8055555555555554, 2.3095238095238098,
                  6.722222222222222, 2.047619047619048, 3.1904761904761907, 0.4583333333333333, 2.047619047619048, 1.75]
        let mB = [2.8888888888888884, 1.3333333333333333, 0.27777777777777746, 1.3333333333333333, 1.3333333333333333,
                  1.3111111111111111, -0.8333333333333335, 0.02777777777777779, 0.27777777777777746, -0.8333333333333335,
                  2.694444444444444, 1.7499999999999998, 1.3333333333333333, 0.02777777777777779, 1.7499999999999998,
                  1.6111111111111112]
        let withinA = [1.995, -0.8312499999999997, 1.0806250000000002, 1.0806250000000002, -0.8312499999999997, 2.4937500000000004,
                      0.6650000000000004, 0.49875, 1.0806250000000002, 0.6650000000000004, 1.1637500000000003, 1.0806250000000002,
                      1.0806250000000002, 0.49875, 1.0806250000000002, 0.9975]
        let across = [Double](repeating: 0, count: 16)  // λ = 0: the raw estimate is noise
        let scale = ["r1": [0.9263252470799641, 0.9508196721311474], "r2": [1.060197663971249, 1.0509059534081104],
                     "r3": [1.0016583747927033, 0.995111352525801]]
        for (got, want, name) in [(errors.moments["A"], mA, "M_A"), (errors.moments["B"], mB, "M_B"),
                                  (errors.sharedWithinTeam["A"], withinA, "within A"), (errors.sharedAcrossTeams, across, "across")] {
            let got = try #require(got, "\(name)")
            #expect(got.count == 16)
            for i in 0..<16 { #expect(Self.close(got[i], want[i]), "\(name)[\(i)]: \(got[i]) vs \(want[i])") }
        }
        #expect(errors.sharedWithinTeam["B"] == nil)  // one rep: no pairs
        // A's reps move together: their shared part is kept (λ near 1); B's rep and A's do not: across teams λ is 0.
        #expect(Self.close(try #require(errors.sharedWithinTeamShrinkage["A"]), 0.9975))
        #expect(errors.sharedAcrossTeamsShrinkage == 0)
        for (rep, want) in scale {
            let got = try #require(errors.repScale[rep])
            for a in 0..<2 { #expect(Self.close(got[a], want[a]), "scale \(rep)[\(a)]") }
        }
        let g = [1.0, 2.0, 0.5, -1.0]
        #expect(Self.close(errors.variance(of: [(rep: "r1", team: "A", gradient: g)]), 9.887997959099769))
        #expect(Self.close(errors.variance(of: [(rep: "r1", team: "A", gradient: g), (rep: "r2", team: "A", gradient: g)]), 35.26016148373968))
        #expect(Self.close(errors.variance(of: ["r1", "r2", "r3"].map { (rep: $0, team: $0 == "r3" ? "B" : "A", gradient: g) }),
                           45.069496491747735))
    }

    /// The forecast of 2024-Q3 on the tiny panel with `formula` (pooled least squares).
    static func forecast(_ formula: String, plan: Dataset? = nil) throws -> QuarterlyForecast {
        try forecastQuarter(history: tinyPanel(), formula: formula,
                            request: ForecastRequest(horizon: Period(quarter: "2024-Q3"), layout: layout, plan: plan))
    }

    @Test("The projection part of a rep's line is gᵀΣg with g the model's derivative: β per projected period, none for a lag reaching into history")
    func propagationThroughTheModel() throws {
        let errors = try Self.errorModel(steps: 3)
        for (formula, derivative) in [("revenue ~ x + y", { (b: [Double]) in [b[1], b[2], b[1], b[2], b[1], b[2]] }),
                                      // Jul's lag(x, 1) is June's x, in the history: no error from it; September's x reaches no row of the quarter.
                                      ("revenue ~ lag(x, 1) + y", { (b: [Double]) in [b[1], b[2], b[1], b[2], 0, b[2]] })] {
            let run = try Self.forecast(formula)
            let model = try fit(Formula(formula), to: Self.tinyPanel(), options: Self.panelOptions)
            let g = derivative(model.coefficients)
            for line in run.reps {
                let want = errors.variance(of: [(rep: line.name, team: line.group ?? "", gradient: g)])
                #expect(want > 0)
                #expect(Self.close(line.variance.projection, want, 1e-7), "\(formula) \(line.name): \(line.variance.projection) vs \(want)")
            }
            let all = errors.variance(of: run.reps.map { (rep: $0.name, team: $0.group ?? "", gradient: g) })
            #expect(Self.close(run.total.variance.projection, all, 1e-7), "\(formula) total")
        }
    }

    @Test("A plan's activities carry no projection error; the variance parts add up to each line's squared standard error")
    func planAndDecomposition() throws {
        let projected = try Self.forecast("revenue ~ x + y")
        // The plan: the run-rate values themselves, so only the source differs.
        let data = try Self.tinyPanel()
        let xs = try data.numbers("x"), ys = try data.numbers("y")
        var period: [String?] = [], rep: [String?] = [], team: [String?] = [], px: [Double] = [], py: [Double] = []
        for (r, name) in ["r1", "r2", "r3"].enumerated() {
            let last3 = (3..<6).map { r * 6 + $0 }
            let yKept = last3.map { ys[$0] }.filter { !$0.isNaN }
            for month in ["2024-07", "2024-08", "2024-09"] {
                period.append(month); rep.append(name); team.append(name == "r3" ? "B" : "A")
                px.append(last3.map { xs[$0] }.reduce(0, +) / 3); py.append(yKept.reduce(0, +) / Double(yKept.count))
            }
        }
        let plan = try Dataset([("period", .text(TextColumn(period))), ("rep", .text(TextColumn(rep))), ("team", .text(TextColumn(team))),
                                ("x", .numeric(px)), ("y", .numeric(py))])
        let planned = try Self.forecast("revenue ~ x + y", plan: plan)
        for (a, b) in zip(projected.allLines, planned.allLines) {
            #expect(Self.close(a.rollUp.mean, b.rollUp.mean, 1e-9))
            #expect(b.variance.projection == 0)
            #expect(a.variance.projection > 0)
            #expect(Self.close(a.rollUp.observationSE * a.rollUp.observationSE, b.rollUp.observationSE * b.rollUp.observationSE + a.variance.projection, 1e-9))
        }
        for line in projected.allLines + planned.allLines {
            #expect(Self.close(line.variance.total, line.rollUp.observationSE * line.rollUp.observationSE, 1e-9), "\(line.name)")
        }
    }

    @Test("Mixed model on the example: estimates, rep effect, noise and projection add up to every line's variance")
    func mixedDecomposition() throws {
        let history = try SalesHistory(contentsOf: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv"))
        let model = try history.fit("revenue ~ lag(demos, 1) + proposals + calls + season(period, 'quarter') + (1 | rep)")
        let run = try model.forecast(model.nextQuarter(), quotas: ["Total": 11_000_000])
        #expect(run.reps.allSatisfy { $0.variance.repEffect > 0 && $0.variance.projection > 0 && $0.variance.estimates > 0 })
        for line in run.allLines {
            #expect(Self.close(line.variance.total, line.rollUp.observationSE * line.rollUp.observationSE, 1e-9), "\(line.name)")
        }
        // The quota chance is read off the widened distribution.
        let total = run.total.rollUp
        let df = StudentTDistribution(degreesOfFreedom: total.dfResidual)
        #expect(Self.close(try #require(run.total.quotaProbability), df.survival((11_000_000 - total.mean) / total.observationSE), 1e-12))
    }

    @Test("What-if: +20% of a projected activity carries 0.2² of its projection variance into the difference; +5 carries none")
    func scenarioShare() throws {
        let formula = "revenue ~ x + y"
        let data = try Self.tinyPanel()
        let model = try fit(Formula(formula), to: data, options: Self.panelOptions)
        let request = ForecastRequest(horizon: try Period(quarter: "2024-Q3"), layout: Self.layout)
        let report = try whatIf(history: data, model: model, request: request, scenarios: [
            Scenario(name: "pct", changes: [try ActivityChange(parsing: "x=+20%")]),
            Scenario(name: "add", changes: [try ActivityChange(parsing: "x=+5")]),
        ])
        // The estimates-only standard error of the difference: dᵀVd, d the change in the summed design rows.
        let reps = 3.0 * 3.0  // rep-periods in the quarter
        let v = model.covariance
        func estimatesOnly(_ dx: Double) -> Double { (dx * dx * reps * reps * v[1, 1]).squareRoot() }
        let errors = try Self.errorModel(steps: 3)
        let bx = model.coefficients[1]
        let g = [0.2 * bx, 0, 0.2 * bx, 0, 0.2 * bx, 0]
        let projection = errors.variance(of: ["r1", "r2", "r3"].map { (rep: $0, team: $0 == "r3" ? "B" : "A", gradient: g) })
        let pct = report.outcomes[0], add = report.outcomes[1]
        let xs = try data.numbers("x")
        var meanProjectedX = 0.0
        for first in [0, 6, 12] { for month in 3..<6 { meanProjectedX += xs[first + month] / 9 } }
        #expect(Self.close(pct.differenceSE * pct.differenceSE, pow(estimatesOnly(0.2 * meanProjectedX), 2) + projection, 1e-9))
        #expect(Self.close(add.differenceSE, estimatesOnly(5), 1e-9))
    }

    @Test("Brier score and reliability bins on a constructed example")
    func brierAndReliability() {
        let c = QuotaCalibration.measure(method: "m", probabilities: [0.05, 0.15, 0.12, 0.95, 1.0, 0.5],
                                         outcomes: [false, true, false, true, true, false])
        // (0.05² + 0.85² + 0.12² + 0.05² + 0² + 0.5²) / 6 = 0.9919 / 6
        #expect(Self.close(c.brier, 0.9919 / 6))
        #expect(c.count == 6 && Self.close(c.baseRate, 0.5))
        let filled = c.bins.filter { $0.count > 0 }
        #expect(filled.map(\.count) == [1, 2, 1, 2])
        #expect(filled.map(\.lower) == [0, 0.1, 0.5, 0.9])
        #expect(zip(filled.map(\.meanPredicted), [0.05, 0.135, 0.5, 0.975]).allSatisfy { Self.close($0, $1) })
        #expect(filled.map(\.realized) == [0, 0.5, 0, 1])
        #expect(c.bins.count == 10 && c.bins.filter { $0.count == 0 }.allSatisfy { $0.meanPredicted.isNaN })
    }

    @Test("Coverage counts the actuals inside each method's interval, and quota calibration scores only rep-quarters with a target")
    func coverageOnConstructedForecasts() {
        func item(_ actual: Double, _ low: Double, _ high: Double, quota: Double?, p: Double) -> BacktestForecast {
            BacktestForecast(quarter: Period(frequency: .quarter, index: 8000), rep: "r", team: "A", actual: actual, forecasts: ["m": (low + high) / 2],
                             intervals80: ["m": Interval(lower: low, upper: high)], intervals95: ["m": Interval(lower: low - 10, upper: high + 10)],
                             quota: quota, quotaProbabilities: quota == nil ? [:] : ["m": p])
        }
        let items = [item(5, 0, 10, quota: 4, p: 0.9), item(12, 0, 10, quota: 20, p: 0.2), item(-3, 0, 10, quota: nil, p: 0),
                     item(25, 0, 10, quota: 25, p: 0.6)]
        #expect(BacktestReport.coverage(items, method: "m", intervals: \.intervals80) == 0.25)
        #expect(BacktestReport.coverage(items, method: "m", intervals: \.intervals95) == 0.75)
        #expect(BacktestReport.coverage(items, method: "other", intervals: \.intervals80) == nil)
        let calibration = BacktestReport.quotaCalibration(items, methods: ["m"])
        #expect(calibration.count == 1)
        // Outcomes: 5 ≥ 4 yes, 12 ≥ 20 no, 25 ≥ 25 yes: ((0.1)² + (0.2)² + (0.4)²) / 3.
        #expect(Self.close(calibration[0].brier, (0.01 + 0.04 + 0.16) / 3))
    }

    @Test("Last-year projection errors: the value a year before the projected period, the run-rate where that is missing")
    func lastYearErrors() throws {
        // One rep, 16 months, one activity: the mean square of one-step errors, worked out here from the rule.
        let x: [Double] = [5, 7, 6, 9, 8, 10, 7, 6, 11, 12, 9, 8, 7, 10, 6, 12]
        let months = (0..<16).map { m -> String? in String(format: "%04d-%02d", 2023 + m / 12, m % 12 + 1) }
        let data = try Dataset([("period", .text(TextColumn(months))), ("rep", .text(TextColumn([String?](repeating: "r", count: 16)))),
                                ("x", .numeric(x))])
        let layout = PanelLayout(period: "period", entity: "rep")
        let panel = try Panel(data: data, layout: layout)
        let errors = try ProjectionErrorModel.estimate(history: data, panel: panel, activities: ["x"], projection: .lastYear, steps: 1,
                                                       teamOf: [0: ""])
        var squares = 0.0, count = 0.0
        for origin in 0..<15 {
            let target = origin + 1
            let projected = target >= 12 ? x[target - 12]
                : (max(0, origin - 2)...origin).map { x[$0] }.reduce(0, +) / Double(origin - max(0, origin - 2) + 1)
            squares += (x[target] - projected) * (x[target] - projected)
            count += 1
        }
        #expect(errors.origins == 15)
        #expect(Self.close(try #require(errors.moments[""]?.first), squares / count))
    }
}
