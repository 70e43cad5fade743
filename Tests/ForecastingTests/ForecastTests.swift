import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

@Suite("Prediction, roll-ups, quarterly forecasts and backtests")
struct ForecastTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        a == b || abs(a - b) <= tolerance * max(abs(b), 1e-300)
    }

    /// The counts k with P(X < k) and P(X > k) both at most (1 − mass)/2, X ~ Binomial(trials, probability).
    static func binomialCentralRange(trials n: Int, probability p: Double, mass: Double) -> ClosedRange<Int> {
        let pmf = (0...n).map { (k: Int) -> Double in
            let logChoose: Double = lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
            let logPowers: Double = Double(k) * log(p) + Double(n - k) * log1p(-p)
            return exp(logChoose + logPowers)
        }
        let tail = (1 - mass) / 2
        var below = 0.0, low = 0
        while below + pmf[low] <= tail { below += pmf[low]; low += 1 }
        var above = 0.0, high = n
        while above + pmf[high] <= tail { above += pmf[high]; high -= 1 }
        return low...high
    }

    @Test("Prediction and confidence intervals equal statsmodels' get_prediction().summary_frame() (case A)")
    func statsmodelsPrediction() throws {
        // Reference: StatsmodelsReference.predictionCaseA, statsmodels 0.15.0, first 5 rows of pipeline.csv, alpha 0.05.
        let data = try CSVReader.read(path: Fixtures.path("pipeline.csv"))
        let model = try fit("revenue ~ calls + emails + demos + C(region)", to: data)
        let first5 = data.selectingRows(Array(0..<5))
        let prediction = try model.predict(first5, level: 0.95)
        let reference = StatsmodelsReference.predictionCaseA
        for (got, want, name) in [(prediction.mean, reference.mean, "mean"), (prediction.meanSE, reference.meanSE, "mean_se"),
                                  (prediction.meanLower, reference.meanLow, "mean_ci_lower"), (prediction.meanUpper, reference.meanHigh, "mean_ci_upper"),
                                  (prediction.observationLower, reference.obsLow, "obs_ci_lower"), (prediction.observationUpper, reference.obsHigh, "obs_ci_upper")] {
            #expect(got.count == 5)
            for k in 0..<5 { #expect(Self.close(got[k], want[k]), "\(name)[\(k)]: \(got[k]) vs \(want[k])") }
        }
    }

    @Test("A saved model predicts exactly as the fit it came from")
    func savedModelPredicts() throws {
        let data = try CSVReader.read(path: Fixtures.path("pipeline.csv"))
        let results = try fit("revenue ~ demos*region + I(calls^2) + log(emails + 1)", to: data)
        let reloaded = try LinearModel(modelFile: Data(results.modelFileText().utf8), path: "m.json")
        let a = try results.predict(data, level: 0.9)
        let b = try reloaded.predict(data, level: 0.9)
        #expect(a.mean == b.mean)
        #expect(a.observationUpper == b.observationUpper)
        // Missing column and unseen level are refused.
        let without = try Dataset([("calls", .numeric([1])), ("emails", .numeric([1])), ("region", .text(TextColumn(["East"])))])
        #expect(throws: RegressionError.missingColumn("demos")) { try reloaded.predict(without) }
        let unseen = try Dataset([("calls", .numeric([1])), ("emails", .numeric([1])), ("demos", .numeric([2])),
                                  ("region", .text(TextColumn(["South"])))])
        #expect(throws: RegressionError.self) { try reloaded.predict(unseen) }
    }

    @Test("A roll-up's interval equals the one computed pair by pair: ΣᵢΣⱼ xᵢVxⱼᵀ + nσ²")
    func rollUpIndependent() throws {
        let data = try CSVReader.read(path: Fixtures.path("pipeline.csv"))
        let results = try fit("revenue ~ calls + emails + demos + C(region)", to: data)
        let model = results
        let prediction = try model.predict(data, level: 0.9)
        let positions = Array(stride(from: 0, to: prediction.rows.count, by: 3))
        let rollUp = prediction.total(positions, label: "some rows")
        let x = try DesignMatrix(formula: Formula("revenue ~ calls + emails + demos + C(region)"), data: data).matrix
        let v = results.covariance
        var variance = 0.0, mean = 0.0
        for i in positions {
            mean += prediction.mean[i]
            for j in positions {
                for a in 0..<x.columns { for b in 0..<x.columns { variance += x[i, a] * v[a, b] * x[j, b] } }
            }
        }
        let observationVariance = variance + Double(positions.count) * results.scale
        #expect(Self.close(rollUp.mean, mean, 1e-12))
        #expect(Self.close(rollUp.meanSE, variance.squareRoot(), 1e-10))
        #expect(Self.close(rollUp.observationSE, observationVariance.squareRoot(), 1e-10))
        let q = StudentTDistribution(degreesOfFreedom: results.dfResidual).quantile(0.95)
        #expect(Self.close(rollUp.interval.lower, mean - q * observationVariance.squareRoot(), 1e-10))
        // Not a sum of per-row intervals: much narrower than that sum.
        let summed = positions.map { prediction.observationUpper[$0] - prediction.observationLower[$0] }.reduce(0, +)
        #expect(rollUp.interval.upper - rollUp.interval.lower < summed / 2)
        // Quota probability from the predictive t distribution.
        let quota = mean + 0.5 * observationVariance.squareRoot()
        let expected = StudentTDistribution(degreesOfFreedom: results.dfResidual).survival(0.5)
        #expect(Self.close(rollUp.probability(ofReaching: quota), expected, 1e-12))
    }

    @Test("A panel roll-up's variance equals the pair-by-pair sum with the within-rep correlation: ΣᵢΣⱼ xᵢVxⱼᵀ + Σσ²/wᵢ + ρ̂·Σ_{i≠j, same rep} √(vᵢvⱼ)")
    func rollUpWithinRepCorrelation() throws {
        let data = try CSVReader.read(path: Fixtures.path("panel.csv"))
        let formula = "revenue ~ proposals + demos + calls"
        let model = try SalesHistory(data, layout: PanelLayout(period: "period", entity: "rep")).fit(formula)
        guard case .text(let repColumn) = try data.column("rep") else { Issue.record("rep is not text"); return }
        let n = data.rowCount, p = model.columnNames.count
        try #require(model.residuals.count == n)
        // ρ̂ from its definition, pair by pair: Σ over ordered pairs s ≠ t of one rep of eₛeₜ over σ̂² times
        // the number of such pairs, with σ̂² = Σe²/(n − p).
        let e = model.residuals
        let sigma2 = e.map { $0 * $0 }.reduce(0, +) / Double(n - p)
        var cross = 0.0, pairs = 0.0
        for s in 0..<n {
            for t in 0..<n where t != s && repColumn[s] == repColumn[t] {
                cross += e[s] * e[t]
                pairs += 1
            }
        }
        let rho = min(0.999, max(0, cross / pairs / sigma2))
        #expect(rho > 0.05, "the panel's reps persist, so their errors correlate: ρ̂ = \(rho)")
        #expect(Self.close(try #require(model.withinEntityCorrelation), rho, 1e-9))
        // Rows from several reps and periods, with weights so the noise variances differ.
        let weights = (0..<n).map { 0.5 + Double($0 % 5) / 2 }
        let prediction = try model.predict(data, level: 0.9, weights: weights)
        let positions = Array(stride(from: 0, to: prediction.rows.count, by: 2))
        let rollUp = prediction.total(positions, label: "every other row")
        let x = try DesignMatrix(formula: Formula(formula), data: data).matrix
        let v = model.covariance
        var estimation = 0.0, noise = 0.0
        for i in positions {
            for j in positions {
                for a in 0..<p { for b in 0..<p { estimation += x[i, a] * v[a, b] * x[j, b] } }
                let vi = model.scale / weights[prediction.rows[i]], vj = model.scale / weights[prediction.rows[j]]
                if i == j {
                    noise += vi
                } else if repColumn[prediction.rows[i]] == repColumn[prediction.rows[j]] {
                    noise += rho * (vi * vj).squareRoot()
                }
            }
        }
        #expect(Self.close(rollUp.meanSE, estimation.squareRoot(), 1e-10))
        #expect(Self.close(rollUp.observationSE, (estimation + noise).squareRoot(), 1e-10),
                "\(rollUp.observationSE) vs \((estimation + noise).squareRoot())")
        // The correlation matters here: without it the total's standard error would be clearly smaller.
        #expect((estimation + noise).squareRoot() > 1.1 * (estimation + positions.map { model.scale / weights[prediction.rows[$0]] }.reduce(0, +)).squareRoot())
    }

    static let formula = "revenue ~ lag(demos, 1) + lag(meetings, 2) + proposals + calls + emails + season(period, 'quarter')"
    static let layout = PanelLayout(period: "period", entity: "rep", group: "team")
    static func history() throws -> Dataset { try CSVReader.read(path: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv").path) }

    @Test("The example quarter: reps, teams and total agree, and the total interval is the covariance-aware one")
    func exampleQuarter() throws {
        let horizon = try #require(Period("2026-Q4"))
        let run = try forecastQuarter(history: Self.history(), formula: Self.formula,
                                      request: ForecastRequest(horizon: horizon, layout: Self.layout, quotas: ["Total": 1.1e7]))
        #expect(run.periods.map(\.description) == ["2026-10", "2026-11", "2026-12"])
        #expect(run.reps.count == 34)   // 36 reps, two of whom left before 2026-09
        #expect(run.warnings.contains { $0.contains("taken to have left") })
        #expect(run.reps.allSatisfy { $0.rollUp.count == 3 && $0.activitySource == .runRate })
        #expect(run.csv().split(separator: "\n").filter { $0.hasPrefix("rep,") }.allSatisfy { $0.hasSuffix(",run-rate") })
        let repSum = run.reps.map(\.rollUp.mean).reduce(0, +)
        #expect(Self.close(run.total.rollUp.mean, repSum, 1e-12))
        #expect(Self.close(run.teams.map(\.rollUp.mean).reduce(0, +), repSum, 1e-12))
        #expect(run.activities.contains("run-rate"))
        // The chance of reaching the quota is the predictive t's upper tail beyond it, P(T ≥ (quota − mean)/se).
        // With over 500 degrees of freedom the t is within 0.002 of the normal, whose tail ½·erfc(z/√2)
        // needs nothing from the code under test; a quota near the forecast keeps p informative.
        let p = try #require(run.total.quotaProbability)
        let total = run.total.rollUp
        let z = (1.1e7 - total.mean) / total.observationSE
        #expect(total.dfResidual > 500 && abs(z) < 2, "df \(total.dfResidual), z \(z)")
        #expect(abs(p - 0.5 * erfc(z / 2.0.squareRoot())) < 0.002, "p \(p), z \(z)")
        #expect(Self.close(p, StudentTDistribution(degreesOfFreedom: total.dfResidual).survival(z), 1e-12))
        // A plan overrides the projection and the output says so.
        let future = try Self.plan(for: run)
        let planned = try forecastQuarter(history: Self.history(), formula: Self.formula,
                                          request: ForecastRequest(horizon: horizon, layout: Self.layout, plan: future))
        #expect(planned.activities == "from the plan")
        // The plan changes the total by Σ β·(planned − run-rate) over the terms that read the quarter's
        // activities: proposals, calls and emails in all three months, lag(demos, 1) in November and
        // December, lag(meetings, 2) in December (earlier lags read the history, the same in both runs).
        let model = try SalesHistory(Self.history(), layout: Self.layout).fit(Self.formula)
        let beta = Dictionary(uniqueKeysWithValues: zip(model.columnNames, model.coefficients))
        let rows = try CSVReader.read(path: Fixtures.root.appendingPathComponent("examples/data/sales_history.csv").path)
        guard case .text(let repColumn) = try rows.column("rep"), case .text(let periodColumn) = try rows.column("period") else {
            Issue.record("rep and period are not text"); return
        }
        let reps = (0..<rows.rowCount).map { repColumn[$0] }, periods = (0..<rows.rowCount).map { periodColumn[$0] }
        let lastThree: Set<String?> = ["2026-07", "2026-08", "2026-09"]
        var expected = 0.0
        let uses: [(column: String, term: String, months: Double)] = [
            ("proposals", "proposals", 3), ("calls", "calls", 3), ("emails", "emails", 3),
            ("demos", "lag(demos, 1)", 2), ("meetings", "lag(meetings, 2)", 1),
        ]
        for (column, term, months) in uses {
            let values = try rows.numbers(column)
            let coefficient = try #require(beta[term], "\(term) in \(model.columnNames)")
            for line in run.reps {
                let recent = values.indices.filter { reps[$0] == line.name && lastThree.contains(periods[$0]) }.map { values[$0] }
                try #require(recent.count == 3, "\(line.name)")
                let runRate = recent.reduce(0, +) / 3
                expected += months * coefficient * ((column == "proposals" ? 16 : 10) - runRate)
            }
        }
        #expect(Self.close(planned.total.rollUp.mean - run.total.rollUp.mean, expected, 1e-9),
                "planned − run-rate: \(planned.total.rollUp.mean - run.total.rollUp.mean), expected \(expected)")
    }

    /// A plan of 10 calls, emails, meetings and demos per rep-month and 16 proposals: far fewer calls,
    /// emails and meetings than the reps' run-rate (about 310, 510 and 25), about their demos (10), and
    /// three and a half times their proposals (4.6).
    static func plan(for run: QuarterlyForecast) throws -> Dataset {
        var period: [String?] = [], rep: [String?] = []
        var columns: [String: [Double]] = ["calls": [], "emails": [], "meetings": [], "demos": [], "proposals": []]
        for line in run.reps {
            for p in run.periods {
                period.append(p.description); rep.append(line.name)
                for key in columns.keys { columns[key]?.append(key == "proposals" ? 16 : 10) }
            }
        }
        return try Dataset([("period", .text(TextColumn(period))), ("rep", .text(TextColumn(rep)))]
                           + columns.keys.sorted().map { ($0, Column.numeric(columns[$0] ?? [])) })
    }

    @Test("Backtest on the example data: the activity model beats both naive forecasts")
    func exampleBacktest() throws {
        let report = try backtest(history: Self.history(), formula: Self.formula, layout: Self.layout)
        #expect(report.quarters.count == 8)
        let byName = Dictionary(uniqueKeysWithValues: report.methods.map { ($0.method, $0) })
        let known = try #require(byName["model (known activities)"]), projected = try #require(byName["model (projected activities)"])
        let runRate = try #require(byName[BacktestReport.runRate]), lastYear = try #require(byName[BacktestReport.lastYear])
        print(report.formatted(.text))
        #expect(known.count == runRate.count && known.count > 200)
        for naive in [runRate, lastYear] {
            #expect(known.wape < naive.wape)
            #expect(projected.wape < naive.wape)
            #expect(known.rmse < naive.rmse)
        }
        // A rep's quarter interval adds the within-rep correlation of the errors (ρ̂, estimated at fit time)
        // to the generator's persistent rep effects, so the intervals should be about calibrated. If they
        // were exactly, the count of rep-quarters inside would be about Binomial(n, level) (rep-quarters
        // sharing reps and quarters make that approximate); it must lie in that distribution's central
        // 99.9%, so intervals too narrow and too wide both fail (for n = 247: 176–217 and 222–244).
        #expect(Self.binomialCentralRange(trials: 247, probability: 0.8, mass: 0.999) == 176...217)
        #expect(Self.binomialCentralRange(trials: 247, probability: 0.95, mass: 0.999) == 222...244)
        let c80 = try #require(known.coverage80), c95 = try #require(known.coverage95)
        for (coverage, level) in [(c80, 0.8), (c95, 0.95)] {
            let inside = Int((coverage * Double(known.count)).rounded())
            let range = Self.binomialCentralRange(trials: known.count, probability: level, mass: 0.999)
            #expect(range.contains(inside), "\(inside) of \(known.count) inside the \(level) intervals, outside \(range)")
        }
        #expect(c95 > c80)
    }

    @Test("The backtest's list of reps whose 80% intervals missed most often shows the share missed")
    func backtestMissedShare() throws {
        let known = BacktestReport.modelMethod(.known)
        let report = BacktestReport(formula: "revenue ~ demos", response: "revenue", quarters: [], methods: [], forecasts: [],
                                    wapeByQuarter: [], coverageByTeam: [],
                                    coverageByRep: [.init(name: "Julia Marsh", method: known, count: 8, coverage80: 0.25, coverage95: 0.5),
                                                    .init(name: "Owen Murphy", method: known, count: 4, coverage80: 1, coverage95: 1)],
                                    notes: [])
        let line = try #require(report.text().split(separator: "\n").first { $0.hasPrefix("Reps whose 80% intervals missed") })
        #expect(line.hasSuffix(": Julia Marsh 75% of 8, Owen Murphy 0% of 4"), "\(line)")
    }
}

@Suite("Plans")
struct PlanTests {
    static let horizon = Period("2026-Q4")!

    static func baseline() throws -> QuarterlyForecast {
        try forecastQuarter(history: ForecastTests.history(), formula: ForecastTests.formula,
                            request: ForecastRequest(horizon: horizon, layout: ForecastTests.layout))
    }

    @Test("A plan lacking a column but with every rep's rows: the column is projected, and the reps' activities still come from the plan")
    func missingColumnIsNotMissingRows() throws {
        let base = try Self.baseline()
        let full = try ForecastTests.plan(for: base)
        let withoutDemos = try Dataset(zip(full.columnNames, full.columns).filter { $0.0 != "demos" }.map { (name: $0.0, column: $0.1) })
        let run = try forecastQuarter(history: ForecastTests.history(), formula: ForecastTests.formula,
                                      request: ForecastRequest(horizon: Self.horizon, layout: ForecastTests.layout, plan: withoutDemos,
                                                               projectMissingPlanColumns: true))
        #expect(run.reps.count == base.reps.count)
        #expect(run.reps.allSatisfy { $0.activitySource == .plan }, "\(run.reps.map { "\($0.name): \(String(describing: $0.activitySource))" })")
        #expect(!run.warnings.contains { $0.contains("has no row") }, "\(run.warnings)")
        #expect(run.warnings.filter { $0.contains("'demos'") && $0.contains("projected") }.count == 1, "\(run.warnings)")
        // A rep whose rows are missing as well is still reported as projected outside the plan.
        guard case .text(let reps) = try withoutDemos.column("rep") else { Issue.record("no text rep column"); return }
        let dropped = base.reps[0].name
        let partial = withoutDemos.selectingRows((0..<withoutDemos.rowCount).filter { reps[$0] != dropped })
        let partialRun = try forecastQuarter(history: ForecastTests.history(), formula: ForecastTests.formula,
                                             request: ForecastRequest(horizon: Self.horizon, layout: ForecastTests.layout, plan: partial,
                                                                      projectMissingPlanColumns: true))
        #expect(partialRun.reps.filter { $0.activitySource == .projectedOutsidePlan }.map(\.name) == [dropped])
        #expect(partialRun.warnings.contains { $0.contains("the plan has no row for 3 rep-periods") }, "\(partialRun.warnings)")
    }

    /// The plan for `base` with a team column: each rep's team from the history, except `moved`.
    static func planWithTeams(_ base: QuarterlyForecast, moved: [String: String]) throws -> Dataset {
        let plan = try ForecastTests.plan(for: base)
        guard case .text(let reps) = try plan.column("rep") else { throw DataError.missingColumn("rep", available: [], source: "") }
        let teamOf = Dictionary(uniqueKeysWithValues: base.reps.map { ($0.name, $0.group) })
        let teams = (0..<plan.rowCount).map { row in reps[row].flatMap { moved[$0] ?? teamOf[$0] ?? nil } }
        return try Dataset(zip(plan.columnNames, plan.columns).map { (name: $0.0, column: $0.1) } + [(name: "team", column: .text(TextColumn(teams)))])
    }

    @Test("A plan putting a rep in another team than the history is warned about, naming both teams; the history's team is used")
    func planMovesARep() throws {
        let base = try Self.baseline()
        let zoe = try #require(base.reps.first { $0.name == "Zoe Fischer" })
        #expect(zoe.group == "SMB-East")
        let run = try forecastQuarter(history: ForecastTests.history(), formula: ForecastTests.formula,
                                      request: ForecastRequest(horizon: Self.horizon, layout: ForecastTests.layout,
                                                               plan: Self.planWithTeams(base, moved: ["Zoe Fischer": "Galactic"])))
        #expect(run.warnings.contains("the plan puts Zoe Fischer in Galactic; the history has SMB-East: the history's team is used"),
                "\(run.warnings)")
        #expect(run.reps.first { $0.name == "Zoe Fischer" }?.group == "SMB-East")
        #expect(!run.teams.contains { $0.name == "Galactic" })
        // Several reps: one warning naming each.
        let ben = try #require(base.reps.first { $0.name == "Ben Okafor" }?.group)
        let two = try forecastQuarter(history: ForecastTests.history(), formula: ForecastTests.formula,
                                      request: ForecastRequest(horizon: Self.horizon, layout: ForecastTests.layout,
                                                               plan: Self.planWithTeams(base, moved: ["Zoe Fischer": "Galactic", "Ben Okafor": "SMB-West"])))
        let warning = try #require(two.warnings.first { $0.hasPrefix("the plan puts") }, "\(two.warnings)")
        #expect(warning.contains("Zoe Fischer in Galactic (history: SMB-East)") && warning.contains("Ben Okafor in SMB-West (history: \(ben))"), "\(warning)")
        // A plan agreeing with the history says nothing.
        let same = try forecastQuarter(history: ForecastTests.history(), formula: ForecastTests.formula,
                                       request: ForecastRequest(horizon: Self.horizon, layout: ForecastTests.layout,
                                                                plan: Self.planWithTeams(base, moved: [:])))
        #expect(!same.warnings.contains { $0.hasPrefix("the plan puts") }, "\(same.warnings)")
    }
}

@Suite("New and departing reps")
struct NewRepTests {
    @Test("A new hire in the plan is forecast from the pooled effects and flagged; a rep missing from the plan is reported")
    func newHire() throws {
        let history = try ForecastTests.history()
        let horizon = try #require(Period("2026-Q4"))
        let base = try forecastQuarter(history: history, formula: ForecastTests.formula,
                                       request: ForecastRequest(horizon: horizon, layout: ForecastTests.layout))
        var plan = try ForecastTests.plan(for: base)
        // Drop one rep from the plan, add a new hire in SMB-East.
        guard case .text(let planReps) = try plan.column("rep") else { Issue.record("plan without a text rep column"); return }
        let keep = (0..<plan.rowCount).filter { planReps[$0] != base.reps[0].name }
        plan = plan.selectingRows(keep)
        var period: [String?] = [], rep: [String?] = [], team: [String?] = []
        var numbers: [String: [Double]] = [:]
        for name in plan.columnNames where name != "period" && name != "rep" { numbers[name] = try plan.numbers(name) }
        for row in 0..<plan.rowCount {
            if case .text(let p) = try plan.column("period") { period.append(p[row]) }
            if case .text(let r) = try plan.column("rep") { rep.append(r[row]) }
            team.append(nil)
        }
        for p in base.periods {
            period.append(p.description); rep.append("Nova Hire"); team.append("SMB-East")
            for key in numbers.keys { numbers[key]?.append(8) }
        }
        let withHire = try Dataset([("period", .text(TextColumn(period))), ("rep", .text(TextColumn(rep))), ("team", .text(TextColumn(team)))]
                                   + numbers.keys.sorted().map { ($0, Column.numeric(numbers[$0] ?? [])) })
        let run = try forecastQuarter(history: history, formula: ForecastTests.formula,
                                      request: ForecastRequest(horizon: horizon, layout: ForecastTests.layout, plan: withHire))
        let hire = try #require(run.reps.first { $0.name == "Nova Hire" })
        #expect(hire.activitySource == .newRep)
        #expect(hire.rollUp.count == 3 && hire.rollUp.mean.isFinite)
        #expect(run.warnings.contains { $0.contains("new reps in the plan") && $0.contains("Nova Hire") })
        // The rep left out of the plan is projected and reported, not dropped.
        #expect(run.reps.contains { $0.name == base.reps[0].name && $0.activitySource == .projectedOutsidePlan })
        #expect(run.warnings.contains { $0.contains("the plan has no row for") })
        // The output keeps the words: JSON and CSV show each source's text.
        let json = run.jsonDocument().serialized(), csv = run.csv()
        for text in ["new rep: plan activities, pooled effects", "projected (not in the plan)", "plan"] {
            #expect(json.contains("\"activities\": \"\(text)\""), "\(text)")
            #expect(csv.contains(",\(text)\n"), "\(text)")
        }
    }
}
