// swift-tools-version: 6.0
// An example package that uses Forecasting from the repository, by path (built in CI).
import PackageDescription

let package = Package(
    name: "QuarterlyRun",
    platforms: [.macOS(.v13)],
    dependencies: [.package(name: "SalesForecast", path: "../..")],
    targets: [
        .executableTarget(name: "QuarterlyRun", dependencies: [.product(name: "Forecasting", package: "SalesForecast")]),
    ]
)
