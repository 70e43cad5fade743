// swift-tools-version: 6.0
import Foundation
import PackageDescription

// Layers, each depending only on the one below it (the compiler enforces the direction):
//   CLAPACK          hand-declared LAPACK/BLAS entry points
//   ForecastingCore  data, time, formulas, linear algebra, distributions, regression, inference
//   Forecasting      forecasts, backtests, scenarios, goal seek, drivers, reports; re-exports the core
//   salesforecast    the command-line tool: parses, calls Forecasting, prints
let package = Package(
    name: "SalesForecast",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Forecasting", targets: ["Forecasting"]),
        .executable(name: "salesforecast", targets: ["salesforecast"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // Hand-declared LAPACK/BLAS entry points (Fortran ABI, 32-bit integers).
        .target(
            name: "CLAPACK",
            linkerSettings: [
                .linkedLibrary("lapack", .when(platforms: [.linux])),
                .linkedLibrary("blas", .when(platforms: [.linux])),
                .linkedFramework("Accelerate", .when(platforms: [.macOS, .iOS, .visionOS, .tvOS, .watchOS])),
            ]
        ),
        .target(
            name: "ForecastingCore",
            dependencies: ["CLAPACK"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "Forecasting",
            dependencies: ["ForecastingCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "salesforecast",
            dependencies: [
                "Forecasting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Fixture paths and scoring helpers shared by the test targets.
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "ForecastingTests",
            dependencies: ["Forecasting", "ForecastingCore", "TestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["salesforecast", "TestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)

// The DocC plugin only when building documentation (SALESFORECAST_DOCC=1), so it never enters the
// dependency graph of the library's users or of an ordinary build.
if ProcessInfo.processInfo.environment["SALESFORECAST_DOCC"] == "1" {
    package.dependencies.append(.package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.4.0"))
}
