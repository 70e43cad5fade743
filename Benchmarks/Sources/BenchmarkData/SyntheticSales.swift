import Forecasting

/// Deterministic synthetic sales data for benchmarks: activity counts per row and a revenue that
/// depends on them linearly, plus noise. The same seed gives the same numbers on every machine.
public struct SyntheticSales: Sendable {
    /// A small, fast generator (SplitMix64) so the data does not depend on the platform's random source.
    public struct Generator: RandomNumberGenerator, Sendable {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        /// A uniform number in [0, 1).
        public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    }

    /// An n×p design (an intercept column and p − 1 activity columns, column-major) and its response.
    public static func design(rows n: Int, columns p: Int, seed: UInt64 = 2026) -> (matrix: Matrix, response: [Double]) {
        var random = Generator(seed: seed)
        var values = [Double](repeating: 1, count: n * p)
        var response = [Double](repeating: 0, count: n)
        for j in 1..<max(1, p) {
            let scale = Double(5 + (j * 37) % 150)
            for i in 0..<n {
                // Counts of activity: rounded, so they look like (and are exact as) logged numbers.
                let x = (scale * (0.5 + random.uniform())).rounded()
                values[i + j * n] = x
                response[i] += Double(j % 7 + 1) * 10 * x
            }
        }
        for i in 0..<n { response[i] += 5_000 + 2_000 * (random.uniform() - 0.5) }
        return (Matrix(rows: n, columns: p, values: values), response)
    }

    /// The same kind of data as CSV text with a header `x1,…,x{k},revenue` (and `team`, `region`
    /// text columns when `categorical`).
    public static func csv(rows n: Int, activities k: Int, categorical: Bool = false, seed: UInt64 = 2026) -> String {
        let (matrix, response) = design(rows: n, columns: k + 1, seed: seed)
        let teams = ["Enterprise", "Mid-Market", "SMB-East", "SMB-West"], regions = ["East", "North", "South", "West", "Central"]
        var text = (1...k).map { "x\($0)" }.joined(separator: ",") + (categorical ? ",team,region" : "") + ",revenue\n"
        text.reserveCapacity(n * (k * 5 + 30))
        for i in 0..<n {
            for j in 1...k { text += String(Int(matrix.values[i + j * n])); text += "," }
            if categorical { text += teams[i % teams.count] + "," + regions[(i / 3) % regions.count] + "," }
            text += String(response[i].rounded()) + "\n"
        }
        return text
    }

    /// The formula that regresses revenue on every activity of ``csv(rows:activities:categorical:seed:)``.
    public static func formula(activities k: Int) -> String {
        "revenue ~ " + (1...k).map { "x\($0)" }.joined(separator: " + ")
    }
}
