import Forecasting
import Foundation

/// The file each input is written to: the chunk reader reads a path, not bytes in memory.
let scratchPath = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-chunk-\(getpid()).csv").path

/// libFuzzer entry: any bytes as a CSV file read in 4 KB blocks (the smallest block), twice (the
/// second pass after `rewind()`, as a streamed fit makes it). Errors are fine; a crash, trap or hang
/// is a finding, and so is a second pass that differs from the first or, when the whole file also
/// parses at once, a different number of rows than ``CSVReader`` finds.
func fuzzChunkReader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    guard FileManager.default.createFile(atPath: scratchPath, contents: Data(bytes)) else { fatalError("cannot write \(scratchPath)") }
    guard let reader = try? CSVChunkReader(path: scratchPath, blockBytes: 4096) else { return 0 }
    func pass() -> (rows: Int, lines: [Int])? {
        var rows = 0, lines: [Int] = []
        do {
            while let chunk = try reader.next() {
                rows += chunk.rowCount
                for name in chunk.columnNames { _ = try? chunk.numbers(name) }
                lines.append(contentsOf: (0..<chunk.rowCount).map { chunk.source.line(ofRow: $0) })
            }
        } catch { return nil }
        return (rows, lines)
    }
    let first = pass()
    guard (try? reader.rewind()) != nil else { fatalError("rewind failed on a readable file") }
    let second = pass()
    guard first?.rows == second?.rows, first?.lines == second?.lines else { fatalError("the second pass differs from the first") }
    guard let first else { return 0 }
    // Line numbers name file lines: strictly increasing.
    guard zip(first.lines, first.lines.dropFirst()).allSatisfy({ $0 < $1 }) else { fatalError("line numbers out of order: \(first.lines)") }
    if let whole = try? CSVReader.parse(bytes, sourceName: "fuzz.csv") {
        guard whole.rowCount == first.rows else { fatalError("blocks give \(first.rows) rows, the whole file \(whole.rowCount)") }
        let wholeLines = (0..<whole.rowCount).map { whole.source.line(ofRow: $0) }
        guard wholeLines == first.lines else { fatalError("blocks and the whole file disagree on line numbers") }
    }
    return 0
}

/// libFuzzer's symbol for the function under test.
@_cdecl("LLVMFuzzerTestOneInput")
func testOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzzChunkReader(data, size) }

/// SwiftPM links an executable's entry point as `FuzzChunkReader_main`; hand control to libFuzzer's driver.
@_cdecl("FuzzChunkReader_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    let status = LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzChunkReader(data, size) }
    unlink(scratchPath)
    return status
}

@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
