import Foundation
import Testing
import Forecasting
import ForecastingCore

/// Simulation check of a random-intercept model's intervals: 95% confidence intervals of the fixed
/// effects (Satterthwaite df) and 95% prediction intervals of new hires' quarterly forecasts must
/// cover the truth 93–97% of the time.
///
/// Data-generating process, per simulated history: `reps` reps over `months` months (2024-01 on),
/// each rep with u_r ~ N(0, τ²); demos ~ N(20, 5²), proposals ~ N(8, 2²) per rep-month; revenue =
/// β0 + β1·demos + β2·proposals + u_r + ε, ε ~ N(0, σ²), with τ = σ = 10 so the rep effect matters
/// (a quarter of one new hire has variance 9τ² + 3σ²: the unknown rep effect dominates).
/// Every `forecastEvery`-th history also gets 3–5 new hires (not in the history) with their own
/// u ~ N(0, τ²) and planned activities for 2025-07…2025-09; their realized quarter is the sum of
/// the three months with fresh ε, scored against `model.forecast("2025-Q3", plan:)`.
///
/// Sizes and the chance that a correct implementation passes:
/// - β: S = 1600 fits, so the covering count is Binomial(1600, 0.95), sd 0.0054 of a proportion; the
///   band 0.93…0.97 is ±3.7 sd: exact P(1488 ≤ X ≤ 1552) = 0.9998 for each of β1, β2.
/// - New hires: 400 forecasts × 3–5 hires ≈ 1600 quarters. Hires of one history share β̂ and τ̂, but
///   the correlation is small (design effect ≈ 1.05). The interval uses Student's t with the residual
///   df (n − p = 537, ≈ normal) although τ̂ comes from 30 reps, so its true coverage is about 0.945
///   rather than 0.95 (≈ 0.9454 over 6000 quarters in a separate run). P(pass) ≈ 0.995 at 0.945,
///   0.9997 at 0.95 (0.98 if it were 0.942).
/// - All three together: ≈ 0.99. The seed was fixed before the first run and not tuned.
/// Runtime ≈ 17 s in a debug build (a fit ≈ 5 ms, a forecast ≈ 17 ms whatever the number of hires).
@Suite("Mixed model interval coverage (simulation)")
struct MixedModelCoverageTests {
    /// Simulated histories (each fitted and scored for β1, β2).
    static let simulations = 1600
    /// Every this-many-th history is also forecast for its new hires (a forecast costs ~3 fits).
    static let forecastEvery = 4
    static let seed: UInt64 = 0x5EED_2024_0101

    static let reps = 30
    static let months = 18 // 2024-01 … 2025-06
    static let beta = (intercept: 50.0, demos: 3.0, proposals: 5.0)
    static let tau = 10.0, sigma = 10.0

    /// SplitMix64: a small, fully deterministic generator (the same numbers on every platform).
    struct SplitMix64 {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// Uniform on (0, 1), never 0 (53 random bits).
        mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / 9_007_199_254_740_992 }
        /// Standard normal by Box–Muller (one of the pair; simple and reproducible).
        mutating func normal() -> Double {
            let u1 = uniform(), u2 = uniform()
            return (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * Double.pi * u2)
        }
        mutating func normal(_ mean: Double, _ sd: Double) -> Double { mean + sd * normal() }
    }

    static func month(_ k: Int) -> String {
        // k = 0 is 2024-01.
        String(format: "%04d-%02d", 2024 + k / 12, k % 12 + 1)
    }

    static func revenue(demos: Double, proposals: Double, effect: Double, noise: Double) -> Double {
        beta.intercept + beta.demos * demos + beta.proposals * proposals + effect + noise
    }

    struct Tally {
        var demosCovered = 0, proposalsCovered = 0, fits = 0
        var hiresCovered = 0, hires = 0
    }

    /// One simulated history, its fit, and its new hires' forecasts.
    static func simulateOnce(_ rng: inout SplitMix64, into tally: inout Tally, withHires: Bool) throws {
        var period: [String?] = [], rep: [String?] = []
        var demos: [Double] = [], proposals: [Double] = [], revenue: [Double] = []
        for r in 0..<reps {
            let name = String(format: "R%02d", r + 1)
            let u = rng.normal(0, tau)
            for m in 0..<months {
                let d = rng.normal(20, 5), p = rng.normal(8, 2)
                period.append(month(m)); rep.append(name)
                demos.append(d); proposals.append(p)
                revenue.append(Self.revenue(demos: d, proposals: p, effect: u, noise: rng.normal(0, sigma)))
            }
        }
        let data = try Dataset([("period", .text(TextColumn(period))), ("rep", .text(TextColumn(rep))),
                                ("demos", .numeric(demos)), ("proposals", .numeric(proposals)), ("revenue", .numeric(revenue))])
        let model = try SalesHistory(data).fit("revenue ~ demos + proposals + (1 | rep)")
        let intervals = try model.confidenceIntervals(level: 0.95)
        let jDemos = try #require(model.columnNames.firstIndex(of: "demos"))
        let jProposals = try #require(model.columnNames.firstIndex(of: "proposals"))
        tally.fits += 1
        if intervals[jDemos].lower <= beta.demos, beta.demos <= intervals[jDemos].upper { tally.demosCovered += 1 }
        if intervals[jProposals].lower <= beta.proposals, beta.proposals <= intervals[jProposals].upper { tally.proposalsCovered += 1 }

        guard withHires else { return }

        // New hires: not in the history, planned for 2025-07 … 2025-09.
        let hireCount = 3 + Int(rng.next() % 3)
        var planPeriod: [String?] = [], planRep: [String?] = [], planDemos: [Double] = [], planProposals: [Double] = []
        var realized: [String: Double] = [:]
        for h in 0..<hireCount {
            let name = "NewHire\(h + 1)"
            let u = rng.normal(0, tau)
            var quarter = 0.0
            for m in months..<(months + 3) {
                let d = rng.normal(20, 5), p = rng.normal(8, 2)
                planPeriod.append(month(m)); planRep.append(name)
                planDemos.append(d); planProposals.append(p)
                quarter += Self.revenue(demos: d, proposals: p, effect: u, noise: rng.normal(0, sigma))
            }
            realized[name] = quarter
        }
        let plan = try Dataset([("period", .text(TextColumn(planPeriod))), ("rep", .text(TextColumn(planRep))),
                                ("demos", .numeric(planDemos)), ("proposals", .numeric(planProposals))])
        // Reps absent from the plan are projected from their history; only the hires' lines are scored.
        let forecast = try model.forecast("2025-Q3", plan: plan)
        for (name, truth) in realized {
            let line = try #require(forecast.reps.first { $0.name == name }, "no forecast line for \(name)")
            #expect(line.rollUp.count == 3)
            let interval = line.rollUp.interval(level: 0.95)
            tally.hires += 1
            if interval.lower <= truth, truth <= interval.upper { tally.hiresCovered += 1 }
        }
    }

    @Test("95% intervals of the fixed effects and of new hires' quarters cover the truth 93–97% of the time")
    func coverage() throws {
        var rng = SplitMix64(state: Self.seed)
        var tally = Tally()
        for s in 0..<Self.simulations { try Self.simulateOnce(&rng, into: &tally, withHires: s % Self.forecastEvery == 0) }
        let demos = Double(tally.demosCovered) / Double(tally.fits)
        let proposals = Double(tally.proposalsCovered) / Double(tally.fits)
        let hires = Double(tally.hiresCovered) / Double(tally.hires)
        #expect(tally.fits == Self.simulations)
        #expect(tally.hires >= 3 * Self.simulations / Self.forecastEvery)
        #expect((0.93...0.97).contains(demos), "β(demos) 95% CI coverage \(demos) over \(tally.fits) fits")
        #expect((0.93...0.97).contains(proposals), "β(proposals) 95% CI coverage \(proposals) over \(tally.fits) fits")
        #expect((0.93...0.97).contains(hires), "new hires' 95% PI coverage \(hires) over \(tally.hires) quarters")
        print("MixedModelCoverage: demos \(demos), proposals \(proposals), hires \(hires) (\(tally.hires) quarters)")
    }
}
