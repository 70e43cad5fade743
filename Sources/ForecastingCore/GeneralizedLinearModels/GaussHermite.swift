import Foundation

/// Gauss–Hermite quadrature: nodes xᵢ and weights wᵢ with ∫e^(−x²)f(x)dx ≈ Σwᵢf(xᵢ), exact for
/// polynomials of degree < 2n. Used to integrate a count distribution over the normal uncertainty of
/// the linear predictor, deterministically (no Monte Carlo).
struct GaussHermite: Sendable {
    let nodes: [Double]
    let weights: [Double]

    /// The rule used for predictive distributions: 40 nodes (exact for polynomials of degree < 80).
    static let standard = GaussHermite(order: 40)

    /// The n-point rule, by Newton's method on the orthonormal Hermite recurrence from the
    /// asymptotic starting guesses of Numerical Recipes' `gauher` (Press et al., 3rd ed., §4.6).
    init(order n: Int) {
        let pim4 = 0.7511255444649425  // π^(−1/4)
        var x = [Double](repeating: 0, count: n), w = x
        var z = 0.0
        for i in 0..<((n + 1) / 2) {
            switch i {
            case 0: z = (Double(2 * n + 1)).squareRoot() - 1.85575 * Foundation.pow(Double(2 * n + 1), -0.16667)
            case 1: z -= 1.14 * Foundation.pow(Double(n), 0.426) / z
            case 2: z = 1.86 * z - 0.86 * x[0]
            case 3: z = 1.91 * z - 0.91 * x[1]
            default: z = 2 * z - x[i - 2]
            }
            var derivative = 0.0
            for _ in 0..<100 {
                var p1 = pim4, p2 = 0.0
                for j in 0..<n {
                    let p3 = p2
                    p2 = p1
                    p1 = z * (2 / Double(j + 1)).squareRoot() * p2 - (Double(j) / Double(j + 1)).squareRoot() * p3
                }
                derivative = (2 * Double(n)).squareRoot() * p2
                let previous = z
                z = previous - p1 / derivative
                if abs(z - previous) <= 1e-15 * Swift.max(1, abs(z)) { break }
            }
            x[i] = z
            x[n - 1 - i] = -z
            w[i] = 2 / (derivative * derivative)
            w[n - 1 - i] = w[i]
        }
        nodes = x
        weights = w
    }

    /// E f(η) for η ~ N(`mean`, `sd`²): (1/√π)·Σwᵢ f(mean + √2·sd·xᵢ), as (point, weight) pairs whose
    /// weights sum to 1.
    func normalPoints(mean: Double, sd: Double) -> [(point: Double, weight: Double)] {
        let scale = 2.0.squareRoot() * sd, norm = 1 / Double.pi.squareRoot()
        return zip(nodes, weights).map { (mean + scale * $0, norm * $1) }
    }
}
