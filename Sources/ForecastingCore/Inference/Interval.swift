/// A two-sided interval: a confidence interval of an estimate or a prediction interval of a result.
public struct Interval: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The lower bound.
    public var lower: Double
    /// The upper bound.
    public var upper: Double

    /// An interval from its bounds.
    /// - Parameters:
    ///   - lower: The lower bound.
    ///   - upper: The upper bound.
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// The interval centred on `center` with half-width `halfWidth`.
    package init(center: Double, halfWidth: Double) {
        self.init(lower: center - halfWidth, upper: center + halfWidth)
    }

    /// Whether `value` lies inside the interval, bounds included.
    public func contains(_ value: Double) -> Bool { lower <= value && value <= upper }

    /// `[lower, upper]`.
    public var description: String { "[\(lower), \(upper)]" }
}
