import Foundation
import ForecastingCore

/// The noise of each team and each rep relative to the model's single residual variance, from the
/// fit's own residuals.
///
/// A linear model has one noise variance; sales teams and reps rarely do. A rep closing more, or
/// larger, deals has a noisier quarter (for counts of deals the variance grows with the mean), so one
/// variance makes the intervals of the busiest closers too narrow and those of the smallest too wide.
///
/// - **Teams:** each team's mean squared residual over the rows fitted, divided by the mean over every
///   row, shrunk toward 1 (the model's noise) by ``shrinkageRows`` rows' worth of the pooled mean square.
/// - **Reps:** each rep's mean squared residual, shrunk toward its team's by empirical Bayes as
///   limma's moderated variances (Smyth 2004): the reps' variances are taken to scatter around
///   their team's as a scaled inverse χ² with ``priorDegreesOfFreedom`` degrees of freedom,
///   estimated from how much more the reps' log mean squares spread within teams than sampling alone
///   explains. The rep's estimate is then (d₀·s²_team + d·s²_rep)/(d₀ + d), with d the rep's share of
///   the residual degrees of freedom: a rep with a short history keeps close to its team, and when the
///   reps differ no more than chance says, d₀ is infinite and every rep gets its team's variance.
struct NoiseScales: Sendable {
    /// Per team: its noise variance over the model's (1 = the model's).
    let team: [String: Double]
    /// Per rep: its noise variance over the model's; a rep not here (a new rep) takes its team's.
    let rep: [String: Double]
    /// The prior degrees of freedom d₀ the reps' variances are shrunk with (infinite: every rep at its team's).
    let priorDegreesOfFreedom: Double

    /// Rows' worth of the pooled mean square a team's own residuals are shrunk with.
    static let shrinkageRows = 30.0
    /// The fewest residual degrees of freedom a rep needs to count in the estimate of d₀.
    static let minimumDegreesOfFreedom = 2.0

    /// A rep's scale: its own, else its team's, else 1.
    func scale(rep name: String, team teamName: String?) -> Double {
        rep[name] ?? teamName.flatMap { team[$0] } ?? 1
    }

    /// The scales from `model`'s residuals and training data; `nil` without the data the model was fitted
    /// on (a model read from a file) or without a rep or team column, where the model's one noise
    /// variance is used.
    static func measure(model: LinearModel, layout: PanelLayout) -> NoiseScales? {
        guard let data = model.trainingData else { return nil }
        // √w·e, so that a weighted fit's scales are relative to its rows' noise σ²/w, as they are applied.
        let rows = model.fittedRows, residuals = model.weightedResiduals
        guard rows.count == residuals.count, !rows.isEmpty else { return nil }
        // Each row's team and rep as a code (a text column's own codes; a numeric rep column's through the
        // panel), so the pass over the residuals adds into arrays rather than hashing two names per row.
        var teamColumn: TextColumn? = nil
        if let group = layout.group, data.hasColumn(group), case .text(let teams)? = try? data.column(group) { teamColumn = teams }
        var repColumn: TextColumn? = nil
        if let entity = layout.entity, data.hasColumn(entity) {
            if case .text(let reps)? = try? data.column(entity) {
                repColumn = reps
            } else if let panel = try? Panel(data: data, layout: layout) {
                repColumn = TextColumn(codes: panel.entities, levels: panel.entityNames)
            }
        }
        guard teamColumn != nil || repColumn != nil else { return nil }

        struct Sums { var squares = 0.0, count = 0.0, team: String? = nil }
        // A team cell left empty counts as the team "": the slot after the column's levels.
        let teamLevels = teamColumn.map { $0.levels + [""] } ?? []
        var teamSums = [Sums](repeating: Sums(), count: teamLevels.count)
        var repSums = [Sums](repeating: Sums(), count: repColumn?.levels.count ?? 0)
        var repTeam = [Int](repeating: -1, count: repSums.count)
        var total = 0.0, n = 0.0
        for (i, row) in rows.enumerated() where row < data.rowCount && residuals[i].isFinite {
            let square = residuals[i] * residuals[i]
            total += square
            n += 1
            var team = -1
            if let teamColumn {
                let code = Int(teamColumn.codes[row])
                team = code >= 0 ? code : teamLevels.count - 1
                teamSums[team].squares += square
                teamSums[team].count += 1
            }
            if let code = repColumn.map({ Int($0.codes[row]) }), code >= 0 {
                if repTeam[code] < 0 { repTeam[code] = team }
                repSums[code].squares += square
                repSums[code].count += 1
            }
        }
        var teams: [String: Sums] = [:], reps: [String: Sums] = [:]
        for (k, sums) in teamSums.enumerated() where sums.count > 0 { teams[teamLevels[k]] = sums }
        for (k, sums) in repSums.enumerated() where sums.count > 0 {
            var named = sums
            named.team = repTeam[k] >= 0 ? teamLevels[repTeam[k]] : nil
            reps[repColumn?.levels[k] ?? ""] = named
        }
        guard n > 0, total > 0 else { return nil }
        let pooled = total / n
        var teamScale: [String: Double] = [:]
        if teams.count > 1 {
            for (name, sums) in teams {
                teamScale[name] = (sums.squares + shrinkageRows * pooled) / ((sums.count + shrinkageRows) * pooled)
            }
        }

        // Each rep's share of the residual degrees of freedom: its rows less its share of the parameters.
        let residualFraction = max(0, model.dfResidual) / n
        let own = reps.compactMapValues { sums -> (variance: Double, df: Double, team: String?)? in
            let df = sums.count * residualFraction
            guard df > 0, sums.squares > 0 else { return nil }
            return (sums.squares / df * residualFraction, df, sums.team)
        }
        let d0 = priorDegreesOfFreedom(own.keys.sorted().compactMap { own[$0] }.map { ($0.variance, $0.df, $0.team ?? "") })
        var repScale: [String: Double] = [:]
        for (name, estimate) in own {
            let prior = estimate.team.flatMap { teamScale[$0] } ?? 1
            let ownScale = estimate.variance / pooled
            repScale[name] = d0.isInfinite ? prior : (d0 * prior + estimate.df * ownScale) / (d0 + estimate.df)
        }
        guard !teamScale.isEmpty || d0.isFinite else { return nil }
        return NoiseScales(team: teamScale, rep: repScale, priorDegreesOfFreedom: d0)
    }

    /// limma's moment estimate of the prior degrees of freedom d₀ from sample variances with their
    /// degrees of freedom, centred within groups (teams): for s² ~ s₀²·χ²_d/d around a group's s₀², the
    /// bias-corrected log variance e = ln s² − ψ(d/2) + ln(d/2) has variance ψ′(d/2) + ψ′(d₀/2); so
    /// ψ′(d₀/2) is the within-group variance of e less the mean ψ′(d/2). Infinite when that is not
    /// positive (the reps differ no more than sampling explains) or with fewer than 3 reps in all.
    /// Reps with under ``minimumDegreesOfFreedom`` (one or two rows) are left out of the estimate: their
    /// log variance is so noisy (ψ′(d/2) grows as 4/d²) that a few would swamp everyone else's spread;
    /// they are still shrunk with the d₀ the others give.
    static func priorDegreesOfFreedom(_ estimates: [(variance: Double, df: Double, group: String)]) -> Double {
        let usable = estimates.filter { $0.variance > 0 && $0.df >= minimumDegreesOfFreedom && $0.variance.isFinite }
        var byGroup: [String: [(e: Double, trigamma: Double)]] = [:]
        for item in usable {
            let half = item.df / 2
            let e = log(item.variance) - SpecialFunctions.digamma(half) + log(half)
            byGroup[item.group, default: []].append((e, SpecialFunctions.trigamma(half)))
        }
        var squares = 0.0, count = 0, groupsUsed = 0, trigammaSum = 0.0
        // Groups in a fixed order, so the sums (and d₀) are the same bits in every run.
        for group in byGroup.keys.sorted() {
            guard let members = byGroup[group], members.count >= 2 else { continue }
            let mean = members.reduce(0) { $0 + $1.e } / Double(members.count)
            squares += members.reduce(0) { $0 + ($1.e - mean) * ($1.e - mean) }
            trigammaSum += members.reduce(0) { $0 + $1.trigamma }
            count += members.count
            groupsUsed += 1
        }
        guard count - groupsUsed >= 2 else { return .infinity }
        let excess = squares / Double(count - groupsUsed) - trigammaSum / Double(count)
        guard excess > 0 else { return .infinity }
        return 2 * inverseTrigamma(excess)
    }

    /// The y > 0 with ψ′(y) = x (ψ′ falls monotonically from ∞ to 0), by bisection on ln y.
    static func inverseTrigamma(_ x: Double) -> Double {
        // ψ′(y) ≈ 1/y for large y and ≈ 1/y² for small y, so the root lies between these brackets.
        var low = log(min(1 / x, 1 / x.squareRoot()) / 4), high = log(max(1 / x, 1 / x.squareRoot()) * 4)
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if SpecialFunctions.trigamma(exp(middle)) > x { low = middle } else { high = middle }
            if high - low < 1e-13 { break }
        }
        return exp((low + high) / 2)
    }
}
