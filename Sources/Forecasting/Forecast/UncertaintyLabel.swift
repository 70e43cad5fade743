/// How a report names the uncertainty behind its intervals: the covariance of the estimates, or
/// for a model with random effects the groups whose effects carry into the intervals.
func uncertaintyLabel(formula: String, covariance: CovarianceType) -> String {
    guard let parsed = try? Formula(formula), parsed.isMixed else { return "covariance: \(covariance.rawValue)" }
    return "random effects of \(parsed.randomTerms.map(\.groupName).uniqued().joined(separator: ", ")), fixed and random estimates jointly"
}

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
