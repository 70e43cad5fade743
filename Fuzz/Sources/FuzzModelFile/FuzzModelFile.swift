import Forecasting
import Foundation

/// libFuzzer entry: any bytes as a saved model file; a model that loads then predicts on a small dataset.
func fuzzModelFile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = Data(bytes: data, count: size)
    guard let model = try? LinearModel(modelFile: bytes, path: "fuzz.json"), let formula = model.formula else { return 0 }
    let columns = Set(formula.terms.flatMap { $0.factors.map(\.name) })
    if let rows = try? Dataset(numeric: columns.sorted().prefix(8).map { ($0, [1, 2, 3]) }) {
        _ = try? model.predict(rows)
    }
    return 0
}

/// libFuzzer's symbol for the function under test.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzModelFile(data, size) }

/// SwiftPM links an executable's entry point as `FuzzModelFile_main`; hand control to libFuzzer's driver.
@_cdecl("FuzzModelFile_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzModelFile(data, size) }
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
