/// How far activities projected from history (``ActivityProjection``) miss the activities that then
/// happen, measured on the history itself: each past period of each rep is taken as an origin, the
/// next `steps` periods are projected from it by the same rule the forecast uses, and the projections
/// are compared with what the rep then did.
///
/// The errors are kept as second moments (mean squares and cross products, bias included: the
/// forecast's point values are not corrected for a bias, so the interval must cover it), indexed by
/// (step, activity) as `step * activities.count + activity`:
/// - per team, the mean of e·eᵀ over its reps and origins (`moments`): the covariance between steps
///   (a run-rate's error is shared by the periods it projects) and between activities;
/// - per rep and activity, a scale `s = (own squares + k·team mean square) / ((own count + k)·team mean square)`
///   that moves the team's matrix toward the rep's own errors as its history grows (`k` =
///   ``shrinkageOrigins`` origins' worth of errors): a rep with a short history gets its team's;
/// - per team, the mean cross product of two different reps' errors at the same origin (`sharedWithinTeam`),
///   and the same for reps of different teams (`sharedAcrossTeams`): common shocks (a slow month for
///   everyone) that make a team's or the total's projection error more than the sum of its reps'.
///   A team's sum has n(n−1) such pairs, so noise in these estimates is magnified: each is multiplied by
///   `λ = max(0, 1 − SE²/t²)` (positive-part James–Stein), t the mean over origins of the per-origin
///   trace and SE² its variance across origins (inflated by the overlap of the windows); a shared part
///   that cannot be told from noise (or is negative, or rests on one origin) counts as none.
///   Reps are otherwise taken as independent.
struct ProjectionErrorModel: Sendable {
    /// The activity columns, in the order of the index.
    let activities: [String]
    /// Future periods projected (the steps after the origin).
    let steps: Int
    /// Per team (`""` without teams): the (steps·activities)² second-moment matrix, row-major.
    var moments: [String: [Double]]
    /// Moments over every rep, for a team with no measured errors of its own.
    var pooled: [Double]
    /// Per team: the mean cross product of two reps' errors at one origin.
    var sharedWithinTeam: [String: [Double]]
    /// The mean cross product of the errors of two reps of different teams at one origin.
    var sharedAcrossTeams: [Double]?
    /// The shrinkage λ each team's shared part was multiplied by (see the type's comment).
    var sharedWithinTeamShrinkage: [String: Double] = [:]
    /// The shrinkage λ of the part shared across teams.
    var sharedAcrossTeamsShrinkage: Double = 0
    /// Per rep: the scale of each activity's errors relative to its team's (1 = the team's).
    var repScale: [String: [Double]]
    /// Rep-origins measured.
    var origins: Int
    /// Teams with no measured errors of their own (the pooled moments are used for them; the output says so).
    var teamsWithoutErrors: [String] = []

    /// Origins' worth of errors a rep's own mean square counts as much as the team's (see the type's comment).
    static let shrinkageOrigins = 6.0

    /// Above this many (step, activity) cells, origins are taken every `steps` periods (windows that do not
    /// overlap) instead of every period: the moments cost cells² per origin, and weekly or daily periods
    /// have many steps in a quarter. Overlapping windows add little information anyway.
    static let denseOriginLimit = 24

    /// Size of the index (steps × activities).
    var dimension: Int { steps * activities.count }

    /// The second-moment matrix for a team.
    func moments(ofTeam team: String) -> [Double] { moments[team] ?? pooled }

    /// The square root of each rep's scale, repeated over the steps: multiplies a gradient indexed like the moments.
    func scaled(_ gradient: [Double], rep: String) -> [Double] {
        guard let scale = repScale[rep] else { return gradient }
        let a = activities.count
        return gradient.indices.map { gradient[$0] * scale[$0 % a].squareRoot() }
    }

    /// Measures the projection errors of `history` for `steps` periods after each origin.
    ///
    /// Linear in rows: each rep's rows are gathered once and indexed by period.
    /// - Parameters:
    ///   - teamOf: Each rep's team (`""` without teams), by entity code.
    static func estimate(history: Dataset, panel: Panel, activities: [String], projection: ActivityProjection, steps: Int,
                         teamOf: [Int32: String]) throws -> ProjectionErrorModel
    {
        let a = activities.count, d = steps * a
        let values = try activities.map { try history.numbers($0) }
        var rowsByEntity: [Int32: [Int]] = [:]
        for row in 0..<history.rowCount where panel.entities[row] >= 0 { rowsByEntity[panel.entities[row], default: []].append(row) }
        let yearLength = panel.frequency.periodsPerYear

        struct Accumulator { var sum: [Double]; var count: [Double]; var complete: [Double] }
        var teams: [String: Accumulator] = [:]
        var all = Accumulator(sum: .init(repeating: 0, count: d * d), count: .init(repeating: 0, count: d * d), complete: [])
        // Per (origin period, team): the sum of complete error vectors and how many.
        var originSums: [Int: [String: (sum: [Double], count: Int, squares: Double)]] = [:]
        var repSquares: [Int32: (sum: [Double], count: [Double])] = [:]
        var origins = 0
        let periodIndex = panel.periods.map(\.index)
        var runRate = [Double](repeating: .nan, count: a)
        // Every sum below runs in a fixed order (reps by code, origins by period, teams by name), so two runs give
        // the same bits: a dictionary's order changes from process to process.
        for entity in rowsByEntity.keys.sorted() {
            let rows = (rowsByEntity[entity] ?? []).sorted { periodIndex[$0] < periodIndex[$1] }
            var rowAt: [Int: Int] = [:]
            for row in rows { rowAt[periodIndex[row]] = row }
            let team = teamOf[entity] ?? ""
            var own = (sum: [Double](repeating: 0, count: a), count: [Double](repeating: 0, count: a))
            var accumulator = teams[team] ?? Accumulator(sum: .init(repeating: 0, count: d * d), count: .init(repeating: 0, count: d * d),
                                                         complete: .init(repeating: 0, count: d * d))
            var errors = [Double](repeating: .nan, count: d)
            let stride = d > denseOriginLimit ? steps : 1
            for (position, originRow) in rows.enumerated() where (rows.count - 1 - position) % stride == 0 {
                let origin = periodIndex[originRow]
                let recent = Array(rows[max(0, position - 2)...position].reversed())
                // The run-rate is the same for every step: computed once per origin.
                for k in 0..<a { runRate[k] = projectedValue(values[k], recent: recent, yearEarlier: nil, projection: .runRate) }
                var any = false
                for h in 0..<steps {
                    let target = origin + h + 1
                    let actualRow = rowAt[target]
                    let earlier = target - yearLength <= origin ? rowAt[target - yearLength] : nil
                    for k in 0..<a {
                        var e = Double.nan
                        if let actualRow, !values[k][actualRow].isNaN {
                            let projected = projection == .lastYear && earlier != nil
                                ? projectedValue(values[k], recent: recent, yearEarlier: earlier, projection: projection) : runRate[k]
                            e = values[k][actualRow] - projected
                        }
                        errors[h * a + k] = e
                        if !e.isNaN { any = true; own.sum[k] += e * e; own.count[k] += 1 }
                    }
                }
                guard any else { continue }
                origins += 1
                var complete = true
                for i in 0..<d {
                    guard !errors[i].isNaN else { complete = false; continue }
                    for j in 0..<d where !errors[j].isNaN {
                        accumulator.sum[i * d + j] += errors[i] * errors[j]
                        accumulator.count[i * d + j] += 1
                    }
                }
                if complete {
                    for i in 0..<d { for j in 0..<d { accumulator.complete[i * d + j] += errors[i] * errors[j] } }
                    var entry = originSums[origin]?[team] ?? (sum: [Double](repeating: 0, count: d), count: 0, squares: 0)
                    for i in 0..<d { entry.sum[i] += errors[i]; entry.squares += errors[i] * errors[i] }
                    entry.count += 1
                    originSums[origin, default: [:]][team] = entry
                }
            }
            teams[team] = accumulator
            repSquares[entity] = own
        }
        func mean(_ acc: Accumulator) -> [Double] { (0..<(d * d)).map { acc.count[$0] > 0 ? acc.sum[$0] / acc.count[$0] : 0 } }
        for team in teams.keys.sorted() {
            guard let acc = teams[team] else { continue }
            for i in 0..<(d * d) { all.sum[i] += acc.sum[i]; all.count[i] += acc.count[i] }
        }
        let pooled = mean(all)
        var moments: [String: [Double]] = [:]
        var without: [String] = []
        for (team, acc) in teams {
            if acc.count.allSatisfy({ $0 == 0 }) { without.append(team) } else { moments[team] = mean(acc) }
        }
        for team in Set(teamOf.values).subtracting(teams.keys) { without.append(team) }

        // Shared parts: Σ_origins (S Sᵀ − Σ e eᵀ) over pairs of different reps.
        var withinSum: [String: [Double]] = [:], withinPairs: [String: Double] = [:]
        var acrossSum = [Double](repeating: 0, count: d * d), acrossPairs = 0.0
        // Per origin: the trace of its estimate and its weight (pairs), for the shrinkage.
        var withinTraces: [String: [(trace: Double, pairs: Double)]] = [:], acrossTraces: [(trace: Double, pairs: Double)] = []
        func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 } }
        for origin in originSums.keys.sorted() {
            let byTeam = originSums[origin] ?? [:]
            var grand = [Double](repeating: 0, count: d), n = 0
            var sameTeamPairs = 0.0, teamNorms = 0.0
            for team in byTeam.keys.sorted() {
                guard let entry = byTeam[team] else { continue }
                let pairs = Double(entry.count * (entry.count - 1))
                if pairs > 0 { withinTraces[team, default: []].append(((norm(entry.sum) - entry.squares) / pairs, pairs)) }
                teamNorms += norm(entry.sum)
                var s = withinSum[team] ?? .init(repeating: 0, count: d * d)
                for i in 0..<d { for j in 0..<d { s[i * d + j] += entry.sum[i] * entry.sum[j] } }
                withinSum[team] = s
                withinPairs[team, default: 0] += Double(entry.count * (entry.count - 1))
                for i in 0..<d { grand[i] += entry.sum[i] }
                n += entry.count
                sameTeamPairs += Double(entry.count * entry.count)
                for i in 0..<d { for j in 0..<d { acrossSum[i * d + j] -= entry.sum[i] * entry.sum[j] } }
            }
            for i in 0..<d { for j in 0..<d { acrossSum[i * d + j] += grand[i] * grand[j] } }
            acrossPairs += Double(n * n) - sameTeamPairs
            let pairs = Double(n * n) - sameTeamPairs
            if pairs > 0 { acrossTraces.append(((norm(grand) - teamNorms) / pairs, pairs)) }
        }
        // Consecutive origins' windows overlap by all but one step: their traces are that much less independent.
        let overlap = Double(steps) / Double(d > denseOriginLimit ? steps : 1)
        func shrinkage(_ traces: [(trace: Double, pairs: Double)]) -> Double {
            guard traces.count > 1 else { return 0 }
            let w = traces.reduce(0) { $0 + $1.pairs }
            let mean = traces.reduce(0) { $0 + $1.pairs * $1.trace } / w
            guard mean > 0 else { return 0 }
            let variance = overlap * traces.reduce(0) { $0 + $1.pairs * $1.pairs * ($1.trace - mean) * ($1.trace - mean) } / (w * w)
            return max(0, 1 - variance / (mean * mean))
        }
        var shared: [String: [Double]] = [:], shrinkageByTeam: [String: Double] = [:]
        for (team, sum) in withinSum {
            guard let pairs = withinPairs[team], pairs > 0, let complete = teams[team]?.complete else { continue }
            let lambda = shrinkage(withinTraces[team] ?? [])
            shrinkageByTeam[team] = lambda
            shared[team] = (0..<(d * d)).map { lambda * (sum[$0] - complete[$0]) / pairs }
        }
        let acrossLambda = shrinkage(acrossTraces)
        // Rep scales, per activity: shrunk toward 1 (the team's) by `shrinkageOrigins` origins' worth of errors.
        var repScale: [String: [Double]] = [:]
        let k = shrinkageOrigins * Double(steps)
        for (entity, own) in repSquares {
            let team = teamOf[entity] ?? ""
            let m = moments[team] ?? pooled
            repScale[panel.entityNames[Int(entity)]] = (0..<a).map { c in
                var teamMean = 0.0
                for h in 0..<steps { teamMean += m[(h * a + c) * d + h * a + c] }
                teamMean /= Double(max(1, steps))
                guard teamMean > 0 else { return 1 }
                return (own.sum[c] + k * teamMean) / ((own.count[c] + k) * teamMean)
            }
        }
        return ProjectionErrorModel(activities: activities, steps: steps, moments: moments, pooled: pooled, sharedWithinTeam: shared,
                                    sharedAcrossTeams: acrossPairs > 0 ? acrossSum.map { acrossLambda * $0 / acrossPairs } : nil,
                                    sharedWithinTeamShrinkage: shrinkageByTeam, sharedAcrossTeamsShrinkage: acrossLambda,
                                    repScale: repScale, origins: origins, teamsWithoutErrors: without.sorted())
    }

    /// The value the projection rule gives from a rep's `recent` rows (latest first, up to three) and its row
    /// a year before the projected period (`nil` when it has none): the one rule the forecast and the
    /// measurement of its errors share.
    static func projectedValue(_ values: [Double], recent: [Int], yearEarlier: Int?, projection: ActivityProjection) -> Double {
        if projection == .lastYear, let yearEarlier, !values[yearEarlier].isNaN { return values[yearEarlier] }
        let kept = recent.prefix(3).map { values[$0] }.filter { !$0.isNaN }
        return kept.isEmpty ? .nan : kept.reduce(0, +) / Double(kept.count)
    }

    /// The variance of a sum of projected results over reps: each rep's own part `uᵀ M_team u` (u its gradient
    /// scaled by its rep scale), plus the shared parts between different reps of a team and of different teams.
    /// - Parameter gradients: Per rep, the derivative of the summed mean with respect to its projected activities.
    func variance(of gradients: [(rep: String, team: String, gradient: [Double])]) -> Double {
        let d = dimension
        func quadratic(_ m: [Double], _ u: [Double], _ w: [Double]) -> Double {
            var total = 0.0
            for i in 0..<d where u[i] != 0 { for j in 0..<d { total += u[i] * m[i * d + j] * w[j] } }
            return total
        }
        var own = 0.0, shared = 0.0
        var teamSums: [String: [Double]] = [:]
        var grand = [Double](repeating: 0, count: d)
        for entry in gradients {
            let u = scaled(entry.gradient, rep: entry.rep)
            own += quadratic(moments(ofTeam: entry.team), u, u)
            if let c = sharedWithinTeam[entry.team] { shared -= quadratic(c, u, u) }
            // Added in place (a copy of the team's sum per rep would allocate once per rep).
            Self.add(u, to: &teamSums[entry.team, default: .init(repeating: 0, count: d)])
            for i in 0..<d { grand[i] += u[i] }
        }
        for team in teamSums.keys.sorted() {
            guard let s = teamSums[team] else { continue }
            if let c = sharedWithinTeam[team] { shared += quadratic(c, s, s) }
            if let x = sharedAcrossTeams { shared -= quadratic(x, s, s) }
        }
        if let x = sharedAcrossTeams { shared += quadratic(x, grand, grand) }
        // Estimated moments need not be exactly consistent; a variance is never below zero.
        return max(0, own + shared)
    }

    /// Adds `vector` to `sum` element by element, in place.
    static func add(_ vector: [Double], to sum: inout [Double]) {
        for i in vector.indices { sum[i] += vector[i] }
    }
}
