// swift-tools-version: 6.1
import Foundation
import PackageDescription

// SwiftPM names a path dependency after its folder, which is whatever the clone was called.
let mainPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().lastPathComponent

// Benchmarks for SalesForecast, in a package of their own so the main package's users never build
// ordo-one/package-benchmark. `swift package benchmark` runs the suite; `compare` (next to this file)
// times the tool against pandas + statsmodels, NumPy and a direct LAPACK call from C.
let package = Package(
    name: "SalesForecastBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(path: ".."),
        // Malloc counting through the package's own interposer (no jemalloc to install); the Linux
        // runtime-interposer trait is left off: it needs a package outside the mirror this builds from.
        .package(url: "https://github.com/ordo-one/package-benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Deterministic synthetic designs and files shared by the suite and the timer.
        .target(
            name: "BenchmarkData",
            dependencies: [.product(name: "Forecasting", package: mainPackage)],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Times LeastSquares.fit on a design read from binary files, for the comparison with C.
        .executableTarget(
            name: "core-timer",
            dependencies: ["BenchmarkData", .product(name: "Forecasting", package: mainPackage)],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "ForecastingBenchmarks",
            dependencies: [
                "BenchmarkData",
                .product(name: "Forecasting", package: mainPackage),
                .product(name: "Benchmark", package: "package-benchmark"),
            ],
            path: "Benchmarks/ForecastingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "package-benchmark")]
        ),
    ]
)
