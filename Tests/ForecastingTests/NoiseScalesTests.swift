import Foundation
import Testing
import TestSupport
@testable import Forecasting
@testable import ForecastingCore

@Suite("Noise per team and per rep: empirical-Bayes shrinkage of each rep's residual variance")
struct NoiseScalesTests {
    static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        a == b || abs(a - b) <= tolerance * max(abs(b), 1e-300)
    }

    @Test("The prior degrees of freedom equal limma's fitFDist, and its trigamma inverse limma's trigammaInverse")
    func limmaAgreement() {
        // Reference: Tests/Reference/limma_prior_df.R (R 4.2.2, limma 3.54.1), output in limma_prior_df.txt.
        let s2 = [0.61, 1.42, 0.93, 2.10, 0.77, 1.05, 0.48, 1.66, 1.21, 0.88]
        let df = [20, 14.5, 27, 9, 30, 18.25, 11, 24, 16, 21]
        let one = zip(s2, df).map { (variance: $0, df: $1, group: "A") }
        let d0 = NoiseScales.priorDegreesOfFreedom(one)
        #expect(Self.close(d0, 25.211684432951614, 1e-10), "\(d0)")
        // Reps that differ less than sampling explains: limma's df2 is infinite, every rep at its team's.
        let narrow = zip([1.00, 1.02, 0.99, 1.01, 0.98, 1.03], [10.0, 12, 9, 11, 10, 8]).map { (variance: $0, df: $1, group: "A") }
        #expect(NoiseScales.priorDegreesOfFreedom(narrow) == .infinity)
        // Within teams: a second team whose variances are the first's times 3 spreads exactly as the first
        // around its own centre, so the pooled estimate is the one-team estimate.
        let two = one + zip(s2, df).map { (variance: 3 * $0, df: $1, group: "B") }
        #expect(Self.close(NoiseScales.priorDegreesOfFreedom(two), 25.211684432951614, 1e-10))
        // A rep with one row's worth of residual df (a new hire) does not count in the estimate.
        #expect(Self.close(NoiseScales.priorDegreesOfFreedom(one + [(variance: 40, df: 0.9, group: "A")]), 25.211684432951614, 1e-10))
        // Fewer than three reps in all: no estimate of the spread, so no per-rep scales.
        #expect(NoiseScales.priorDegreesOfFreedom(Array(one.prefix(2))) == .infinity)
        for (x, expected) in [(0.01, 100.49916668194319), (0.37, 3.1725708698589896), (2.5, 0.75801599772377992), (40, 0.16080559750303525)] {
            #expect(Self.close(NoiseScales.inverseTrigamma(x), expected, 1e-10), "\(x): \(NoiseScales.inverseTrigamma(x))")
        }
    }

    /// Two teams of four reps, 24 months; revenue = 100 + 2·calls + sd·ε with ε a fixed pseudo-random
    /// sequence of mean 0 and variance 1; each rep's sd given.
    static func panel(sds: [String: (team: String, sd: Double)]) throws -> Dataset {
        var period: [String?] = [], rep: [String?] = [], team: [String?] = []
        var calls: [Double] = [], revenue: [Double] = []
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        for (name, spec) in sds.sorted(by: { $0.key < $1.key }) {
            for month in 0..<24 {
                period.append(String(format: "%04d-%02d", 2024 + month / 12, month % 12 + 1))
                rep.append(name); team.append(spec.team)
                let c = 40 + Double((month * 7 + name.count * 3) % 11)
                // A sum of 12 uniforms less 6: mean 0, variance 1.
                let e = (0..<12).reduce(0.0) { acc, _ in acc + uniform() } - 6
                calls.append(c)
                revenue.append(100 + 2 * c + spec.sd * e)
            }
        }
        return try Dataset([("period", .text(TextColumn(period))), ("rep", .text(TextColumn(rep))), ("team", .text(TextColumn(team))),
                            ("calls", .numeric(calls)), ("revenue", .numeric(revenue))])
    }

    @Test("A noisy rep's interval is wider than a quiet teammate's; team and total noise are their reps' summed")
    func forecastUsesEachRepsNoise() throws {
        let sds: [String: (team: String, sd: Double)] = [
            "A1": ("A", 1), "A2": ("A", 1), "A3": ("A", 1), "A4": ("A", 6),
            "B1": ("B", 2), "B2": ("B", 2), "B3": ("B", 2), "B4": ("B", 2),
        ]
        let history = try Self.panel(sds: sds)
        let layout = PanelLayout(period: "period", entity: "rep", group: "team")
        let horizon = try #require(Period("2026-Q1"))
        let run = try forecastQuarter(history: history, formula: "revenue ~ calls", request: ForecastRequest(horizon: horizon, layout: layout))
        let d0 = try #require(run.noisePriorDegreesOfFreedom)
        #expect(d0.isFinite && d0 > 0, "d0 \(d0)")
        let scale = run.noiseScaleByRep
        let a1 = try #require(scale["A1"]), a4 = try #require(scale["A4"]), teamA = try #require(run.noiseScaleByTeam["A"])
        // The noisy rep's own mean square is about 36 times a quiet teammate's; shrinkage toward the team
        // keeps its scale below its own and above its team's, and the quiet rep's below its team's.
        #expect(a4 > 3 * a1, "A4 \(a4), A1 \(a1)")
        #expect(a4 > teamA && a1 < teamA, "A4 \(a4), A1 \(a1), team \(teamA)")
        // Reps with equal noise stay near their team's scale.
        let teamB = try #require(run.noiseScaleByTeam["B"])
        for name in ["B1", "B2", "B3", "B4"] {
            let s = try #require(scale[name])
            #expect(abs(s / teamB - 1) < 0.5, "\(name) \(s) vs team \(teamB)")
        }
        let lines = Dictionary(uniqueKeysWithValues: run.reps.map { ($0.name, $0) })
        let quiet = try #require(lines["A1"]), noisy = try #require(lines["A4"])
        // Every row has the model's one noise variance, so the reps' noise parts are in the ratio of their scales.
        #expect(Self.close(noisy.variance.noise / quiet.variance.noise, a4 / a1, 1e-12))
        #expect(noisy.predictionInterval.upper - noisy.predictionInterval.lower > 1.25 * (quiet.predictionInterval.upper - quiet.predictionInterval.lower))
        for team in run.teams {
            let members = run.reps.filter { $0.group == team.name }
            #expect(Self.close(team.variance.noise, members.reduce(0) { $0 + $1.variance.noise }, 1e-12), "\(team.name)")
        }
        #expect(Self.close(run.total.variance.noise, run.teams.reduce(0) { $0 + $1.variance.noise }, 1e-12))
        // The line's interval is built from its parts.
        for line in run.reps + run.teams + [run.total] {
            #expect(Self.close(line.rollUp.observationSE * line.rollUp.observationSE, line.variance.total, 1e-9), "\(line.name)")
        }
    }

    @Test("Without a team column, reps are shrunk toward the model's one variance")
    func withoutTeams() throws {
        let sds: [String: (team: String, sd: Double)] = ["R1": ("", 1), "R2": ("", 1), "R3": ("", 1), "R4": ("", 5), "R5": ("", 1)]
        let history = try Self.panel(sds: sds)
        let layout = PanelLayout(period: "period", entity: "rep")
        let run = try forecastQuarter(history: history, formula: "revenue ~ calls",
                                      request: ForecastRequest(horizon: try #require(Period("2026-Q1")), layout: layout))
        #expect(run.noiseScaleByTeam.isEmpty)
        let r4 = try #require(run.noiseScaleByRep["R4"]), r1 = try #require(run.noiseScaleByRep["R1"])
        #expect(r4 > 1 && r1 < 1 && r4 > 3 * r1, "R4 \(r4), R1 \(r1)")
    }
}
