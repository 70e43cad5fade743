import Forecasting

/// libFuzzer entry: any bytes as a CSV file; then every column as numbers, and a fit of the first
/// numeric column on the others. Errors are fine; a crash, trap or hang is a finding.
func fuzzCSV(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard let dataset = try? CSVReader.parse(bytes, sourceName: "fuzz.csv") else { return 0 }
    for name in dataset.columnNames { _ = try? dataset.numbers(name) }
    let numeric = dataset.columnNames.filter { if case .numeric? = try? dataset.column($0) { true } else { false } }
    if numeric.count >= 2, dataset.rowCount <= 2000 {
        let formula = "`\(numeric[0])` ~ " + numeric.dropFirst().prefix(5).map { "`\($0)`" }.joined(separator: " + ")
        if let results = try? fit(formula, to: dataset) { _ = try? results.formatted(.json) }
    }
    return 0
}

/// libFuzzer's symbol for the function under test.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzCSV(data, size) }

/// SwiftPM links an executable's entry point as `FuzzCSV_main`; hand control to libFuzzer's driver.
@_cdecl("FuzzCSV_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzCSV(data, size) }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
