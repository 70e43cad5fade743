import BenchmarkData
import Forecasting
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Times the numeric core, `LeastSquares.fit` (scaling, Householder QR, rank decision, refined solve,
// (XᵀX)⁻¹, leverage, VIF, sums of squares), on a design read from binary files, so `Benchmarks/compare`
// can set it against the same LAPACK calls made directly from C on the same numbers.
//
//   core-timer --x X.bin --y y.bin --rows N --columns P [--repeat K]
//
// X.bin holds N×P doubles column-major (the intercept column included), y.bin N doubles, both in the
// machine's byte order. Prints {"fit_seconds": best of K} (file loading not timed).

func fail(_ message: String) -> Never {
    let text = "core-timer: \(message)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(1)
}

var arguments: [String: String] = [:]
var list = Array(CommandLine.arguments.dropFirst())
while list.count >= 2, list[0].hasPrefix("--") {
    arguments[String(list[0].dropFirst(2))] = list[1]
    list.removeFirst(2)
}
guard list.isEmpty, let xPath = arguments["x"], let yPath = arguments["y"],
      let n = arguments["rows"].flatMap(Int.init), let p = arguments["columns"].flatMap(Int.init), n > 0, p > 0
else { fail("usage: core-timer --x X.bin --y y.bin --rows N --columns P [--repeat K]") }
let repeats = max(1, arguments["repeat"].flatMap(Int.init) ?? 3)

func load(_ path: String, count: Int) -> [Double] {
    guard let file = fopen(path, "rb") else { fail("\(path): cannot be opened") }
    defer { fclose(file) }
    var values = [Double](repeating: 0, count: count)
    let read = values.withUnsafeMutableBytes { fread($0.baseAddress, MemoryLayout<Double>.size, count, file) }
    guard read == count else { fail("\(path): expected \(count) numbers, read \(read)") }
    return values
}

#if canImport(Glibc)
// Keep freed memory in the heap for the next repetition instead of returning it to the kernel, as the C
// peer reuses its one work buffer: otherwise every repetition of ours pays the kernel for zeroing fresh
// pages (a quarter of the time at 1e6 × 20), which a single fit in a fresh process pays on both sides.
// glibc's mallopt (malloc.h is not in the Glibc module): no mmap for large blocks (M_MMAP_MAX = -4 set to
// 0), and no trimming of the heap's top (M_TRIM_THRESHOLD = -1).
if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") {
    let mallopt = unsafeBitCast(symbol, to: (@convention(c) (Int32, Int32) -> Int32).self)
    _ = mallopt(-4, 0)
    _ = mallopt(-1, Int32.max)
}
#endif
let design = Matrix(rows: n, columns: p, values: load(xPath, count: n * p))
let response = load(yPath, count: n)
let names = ["Intercept"] + (1..<p).map { "x\($0)" }
var best = Double.infinity
for _ in 0..<repeats {
    let clock = ContinuousClock()
    let start = clock.now
    do {
        let results = try LeastSquares.fit(design, response: response, columnNames: names, hasIntercept: true)
        precondition(results.coefficients.count == p)
    } catch {
        fail("the fit failed: \(error)")
    }
    let elapsed = clock.now - start
    best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
print("{\"fit_seconds\": \(best)}")
