/// The library's own accurate t and χ² distributions, for mixed-model inference.
package struct StandardDistributions: MixedModelDistributions {
    package init() {}
    package func studentTTwoSidedPValue(_ t: Double, degreesOfFreedom: Double) -> Double {
        StudentTDistribution(degreesOfFreedom: degreesOfFreedom).twoSidedPValue(t)
    }
    package func studentTQuantile(_ probability: Double, degreesOfFreedom: Double) -> Double {
        StudentTDistribution(degreesOfFreedom: degreesOfFreedom).quantile(probability)
    }
    package func chiSquaredSurvival(_ x: Double, degreesOfFreedom: Double) -> Double {
        ChiSquaredDistribution(degreesOfFreedom: degreesOfFreedom).survival(x)
    }
}
