import ArgumentParser
import Forecasting
import Foundation

/// Which covariance of the estimates every test, interval, forecast and scenario uses.
struct CovarianceOptions: ParsableArguments {
    @Option(help: "Heteroskedasticity-robust standard errors: HC0, HC1, HC2 or HC3.")
    var robust: CovarianceType?

    @Option(help: "Cluster-robust standard errors by one or two columns, e.g. rep or rep,period (t and F use clusters − 1 df).")
    var cluster: String?

    @Option(help: "Newey–West standard errors with this many lags (within each rep on a panel).")
    var hac: Int?

    @Flag(help: "Fit a model with random effects ((1 | rep)) by maximum likelihood instead of REML, to compare models with different fixed effects.")
    var ml = false

    @Flag(help: "With --cluster: no G/(G − 1)·(n − 1)/(n − p) scaling (statsmodels' use_correction=False).")
    var noClusterCorrection = false

    @Flag(help: "With --cluster or --hac on a panel: t and F on n − p degrees of freedom, not clusters − 1 (df_correction=False).")
    var noClusterDF = false

    func validate() throws {
        if let robust, !CovarianceType.heteroskedasticityConsistent.contains(robust) {
            throw ValidationError("--robust takes HC0, HC1, HC2 or HC3")
        }
        guard [robust != nil, cluster != nil, hac != nil].filter({ $0 }).count <= 1 else {
            throw ValidationError("choose one of --robust, --cluster and --hac")
        }
        if let cluster { guard (1...2).contains(Self.list(cluster).count) else { throw ValidationError("--cluster takes one or two columns") } }
        if let hac { guard (0...100).contains(hac) else { throw ValidationError("--hac takes a number of lags from 0 to 100") } }
    }

    /// Regression options carrying the covariance choice.
    func options(weights: String? = nil, ridge: Double? = nil, missing: MissingValuePolicy = .drop) -> RegressionOptions {
        var options = RegressionOptions(weights: weights, covariance: type, ridge: ridge, missing: missing)
        options.mixedModelMethod = ml ? .ml : .reml
        options.clusterCorrection = !noClusterCorrection
        options.clusterDegreesOfFreedom = !noClusterDF
        return options
    }

    /// The covariance type asked for (nonrobust by default).
    var type: CovarianceType {
        if let cluster { return .cluster(Self.list(cluster)) }
        if let hac { return .hac(lags: hac) }
        return robust ?? .nonrobust
    }

    /// Splits on commas outside parentheses, so "lag(emails, 1)" stays one item.
    static func list(_ text: String) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for c in text {
            if c == "(" { depth += 1 } else if c == ")" { depth -= 1 }
            if c == ",", depth == 0 { parts.append(current); current = "" } else { current.append(c) }
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

extension CovarianceType: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(rawValue: argument.uppercased() == "NONROBUST" ? "nonrobust" : argument.uppercased())
    }
}
