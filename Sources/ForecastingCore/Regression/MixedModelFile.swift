import Foundation

/// The random-effect part of a model file (`"mixed"`, from format version 2): what prediction
/// needs without the training data. Each level's conditional mode and conditional covariance are
/// kept, so a model read from a file predicts a seen rep with its own effect and a new rep with the
/// population's, treating the estimation errors of β̂ and b̂ as independent (the joint covariance
/// needs the fit's factor, which the file does not carry).
struct MixedModelFile: Codable, Sendable, Equatable {
    struct Term: Codable, Sendable, Equatable {
        /// The effects as a one-sided formula, e.g. `~ 1 + demos`.
        var effects: String
        var grouping: [String]
        var correlated: Bool
        var columns: [String]
        var levels: [String]
        var counts: [Int]
        /// b̂, one row per level.
        var modes: [[Double]]
        /// Each level's q×q conditional covariance, row by row.
        var conditionalCovariances: [[Double]]
        /// σ²ΛΛᵀ, q×q row by row.
        var covariance: [Double]
        var encodings: [String: FactorEncoding]

        enum CodingKeys: String, CodingKey {
            case effects, grouping, correlated, columns, levels, counts, modes, covariance, encodings
            case conditionalCovariances = "conditional_covariances"
        }
    }

    var method: String
    var theta: [Double]
    var sigma: Double
    var criterion: Double
    var logLikelihood: Double
    var aic: Double
    var bic: Double
    var singular: Bool
    var degreesOfFreedom: [Double]
    var terms: [Term]

    enum CodingKeys: String, CodingKey {
        case method, theta, sigma, criterion, aic, bic, singular, terms
        case logLikelihood = "log_likelihood", degreesOfFreedom = "df"
    }

    init(_ mixed: MixedEffects) {
        method = mixed.method == .reml ? "REML" : "ML"
        theta = mixed.theta
        sigma = mixed.sigma
        criterion = mixed.criterion
        logLikelihood = mixed.logLikelihood
        aic = mixed.aic
        bic = mixed.bic
        singular = mixed.isSingular
        degreesOfFreedom = mixed.degreesOfFreedom
        terms = mixed.terms.indices.map { k in
            let modes = mixed.conditionalModes[k], component = mixed.varianceComponents[k]
            let q = modes.columnNames.count
            func rows(_ m: Matrix) -> [Double] { (0..<m.rows).flatMap { i in (0..<m.columns).map { m[i, $0] } } }
            return Term(effects: mixed.terms[k].effects.text, grouping: mixed.terms[k].grouping, correlated: mixed.terms[k].correlated,
                        columns: modes.columnNames, levels: modes.levelNames, counts: mixed.levelCounts[k],
                        modes: modes.levelNames.indices.map { l in (0..<q).map { modes.values[l, $0] } },
                        conditionalCovariances: modes.conditionalCovariances.map(rows), covariance: rows(component.covariance),
                        encodings: mixed.encodings[k])
        }
    }

    /// The random-effect part, checked for consistent sizes.
    func mixedEffects(path: String) throws(ModelFileError) -> MixedEffects {
        var random: [RandomTerm] = [], components: [VarianceComponent] = [], modes: [ConditionalModes] = []
        for term in terms {
            let q = term.columns.count, levels = term.levels.count
            guard q > 0, term.covariance.count == q * q, term.modes.count == levels, term.modes.allSatisfy({ $0.count == q }),
                  term.conditionalCovariances.count == levels, term.conditionalCovariances.allSatisfy({ $0.count == q * q }),
                  term.counts.count == levels else {
                throw .invalid(path: path, reason: "the random effects of '\(term.grouping.joined(separator: ":"))' have inconsistent sizes")
            }
            guard let effects = try? Formula(term.effects) else { throw .invalid(path: path, reason: "a random-effect formula does not parse") }
            func matrix(_ values: [Double]) -> Matrix {
                var m = Matrix(rows: q, columns: q)
                for i in 0..<q { for j in 0..<q { m[i, j] = values[i * q + j] } }
                return m
            }
            var values = Matrix(rows: levels, columns: q)
            for l in 0..<levels { for c in 0..<q { values[l, c] = term.modes[l][c] } }
            let group = term.grouping.joined(separator: ":")
            random.append(RandomTerm(effects: effects, grouping: term.grouping, correlated: term.correlated))
            components.append(VarianceComponent(groupName: group, columnNames: term.columns, structure: .full, covariance: matrix(term.covariance)))
            modes.append(ConditionalModes(groupName: group, columnNames: term.columns, levelNames: term.levels, values: values,
                                          conditionalCovariances: term.conditionalCovariances.map(matrix)))
        }
        return MixedEffects(method: method == "ML" ? .ml : .reml, theta: theta, sigma: sigma, criterion: criterion,
                            logLikelihood: logLikelihood, aic: aic, bic: bic, isSingular: singular, degreesOfFreedom: degreesOfFreedom,
                            varianceComponents: components, conditionalModes: modes, terms: random, levelCounts: terms.map(\.counts),
                            encodings: terms.map(\.encodings), engineFit: nil)
    }

    /// The part's JSON text (keys sorted, full-precision numbers).
    func jsonText() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }
}
