// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "SalesForecast",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "Forecasting", targets: ["Forecasting"]),
        .executable(name: "salesforecast", targets: ["salesforecast"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
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
            name: "Forecasting",
            dependencies: ["CLAPACK"],
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
            dependencies: ["Forecasting", "TestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["salesforecast", "TestSupport"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
