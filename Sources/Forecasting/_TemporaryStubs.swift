import Foundation
public struct StudentTDistribution: Sendable { public var degreesOfFreedom: Double
  public init(degreesOfFreedom: Double) { self.degreesOfFreedom = degreesOfFreedom }
  public func twoSidedPValue(_ t: Double) -> Double { erfc(abs(t) / 2.0.squareRoot()) }
  public func quantile(_ p: Double) -> Double { 1.959963984540054 } }
public struct FDistribution: Sendable { public init(numeratorDegreesOfFreedom: Double, denominatorDegreesOfFreedom: Double) {}
  public func survival(_ x: Double) -> Double { .nan } }
extension StudentTDistribution { public func survival(_ x: Double) -> Double { 0.5 * erfc(x / 2.0.squareRoot()) } }
