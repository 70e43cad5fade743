import Forecasting
import Foundation

/// libFuzzer entry: any bytes as a least-squares factor file (what `fit --stream --save-factor`
/// writes and a Spark or Dask job may write), then what `salesforecast merge` does with it: merge it
/// with itself, fit from the merged factor and format the fit. Errors are fine; a crash, trap or hang
/// is a finding, and so is a factor that loads but whose own JSON does not load back as the same factor.
func fuzzFactorFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    guard let factor = try? LeastSquaresFactor.decode(bytes, path: "fuzz.factor.json") else { return 0 }
    let text = factor.jsonDocument().serialized()
    guard let again = try? LeastSquaresFactor.decode(Data(text.utf8), path: "again.factor.json"), again == factor else {
        fatalError("a factor does not survive its own JSON:\n\(text)")
    }
    if let results = try? factor.results() { _ = try? results.formatted(.json) }
    var merged = factor
    if (try? merged.merge(factor)) != nil, let results = try? merged.results() { _ = try? results.formatted(.text) }
    return 0
}

/// libFuzzer's symbol for the function under test.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzFactorFile(data, size) }

/// SwiftPM links an executable's entry point as `FuzzFactorFile_main`; hand control to libFuzzer's driver.
@_cdecl("FuzzFactorFile_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzFactorFile(data, size) }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
