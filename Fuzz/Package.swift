// swift-tools-version: 6.0
// Fuzzers for the parsers that read what users feed the tool. A separate package, so the main package
// never builds them; see Fuzz/README.md (scripts/fuzz.sh builds them with -sanitize=fuzzer,address).
import PackageDescription

let package = Package(
    name: "SalesForecastFuzz",
    dependencies: [.package(name: "SalesForecast", path: "..")],
    targets: ["FuzzCSV", "FuzzChunkReader", "FuzzFormula", "FuzzModelFile", "FuzzFactorFile"].map { name in
        .executableTarget(
            name: name,
            dependencies: [.product(name: "Forecasting", package: "SalesForecast")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        )
    }
)
