import Forecasting

let fixture: Dataset? = try? Dataset([
    ("y", .numeric([1, 3, 2, 5, 4, 6, 8, 7, 9, 12])), ("x", .numeric([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
    ("z", .numeric([0, 1, 0, 2, 1, 3, 2, 4, 3, 5])), ("r", .text(TextColumn(["a", "b", "c", "a", "b", "c", "a", "b", "c", "a"]))),
    ("period", .text(TextColumn(["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]))),
])

/// libFuzzer entry: any UTF-8 text as a formula, parsed and, when it parses, built and fitted on a
/// small panel. Errors are fine; a crash, trap or hang is a finding.
func fuzzFormula(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard size < 4096, let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self),
          let formula = try? Formula(text), let fixture else { return 0 }
    if let history = try? SalesHistory(fixture), let results = try? history.fit(formula) { _ = try? results.summary() }
    return 0
}

/// libFuzzer's symbol for the function under test.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzFormula(data, size) }

/// SwiftPM links an executable's entry point as `FuzzFormula_main`; hand control to libFuzzer's driver.
@_cdecl("FuzzFormula_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    _ = fixture  // allocate the shared fixture before the first input, not inside one
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzFormula(data, size) }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
