import Foundation

/// The blocks of a CSV file for a fit that passes over it several times, parsed once where memory
/// allows: blocks are kept as they are first parsed, up to a budget, and later passes replay them;
/// once a block does not fit, it and every block after it are parsed again by each later pass.
///
/// Only the columns a model reads are kept, and the kept blocks are always a prefix of the file,
/// so a later pass replays them and then resumes reading the file where they end.
final class ParsedBlocks {
    private let reader: CSVChunkReader
    private let budget: Int
    private let columns: Set<String>
    private var kept: [KeptBlock] = []
    /// Where the kept prefix ends in the file: the offset and line to resume reading at.
    private var resumeOffset: Int?, resumeLine = 1
    /// Whether blocks are still kept as they are parsed (false once one did not fit).
    private var keeping = true
    /// Whether the kept blocks are the whole file.
    private var complete = false
    /// The furthest byte of the file parsed so far.
    private var furthest = 0

    /// Bytes of the file parsed in all, counting blocks parsed again.
    private(set) var bytesParsed = 0
    /// The memory the kept blocks take (an estimate: their numbers, codes and line numbers).
    private(set) var keptMemory = 0
    /// The size of the file's records (the header excluded) read so far: all of them once a pass ended.
    var fileBytes: Int { furthest - headerEnd }
    private let headerEnd: Int

    /// - Parameters:
    ///   - reader: The file, just opened (its header read).
    ///   - keptBytes: The memory budget for kept blocks; 0 keeps none.
    ///   - columns: The columns to keep; the others are dropped from kept blocks.
    init(reader: CSVChunkReader, keptBytes: Int, columns: Set<String>) {
        self.reader = reader
        self.budget = keptBytes
        self.columns = columns
        keeping = keptBytes > 0
        headerEnd = reader.bytesConsumed
        furthest = headerEnd
    }

    /// Calls `body` with each block in file order, with the bytes of the file read up to its end, for
    /// at most `limit` blocks (all when `nil`).
    func forEach(limit: Int? = nil, _ body: (Dataset, Int) throws -> Void) throws {
        try forEachSource(limit: limit) { block, bytesRead in try body(block.dataset(), bytesRead) }
    }

    /// A block as kept, or as just parsed.
    private enum Source: Sendable {
        case kept(KeptBlock)
        case parsed(Dataset)

        func dataset() throws -> Dataset {
            switch self {
            case .kept(let block): try block.dataset()
            case .parsed(let data): data
            }
        }
    }

    private func forEachSource(limit: Int?, _ body: (Source, Int) throws -> Void) throws {
        var delivered = 0
        for block in kept {
            if let limit, delivered >= limit { return }
            try body(.kept(block), block.bytesRead)
            delivered += 1
        }
        if complete { return }
        if let limit, delivered >= limit { return }
        if let resumeOffset { try reader.resume(atOffset: resumeOffset, line: resumeLine) } else { try reader.rewind() }
        let start = reader.bytesConsumed
        if limit != nil {
            // A peek at the first blocks: read them here, so nothing is parsed ahead and thrown away.
            while delivered < (limit ?? 0) {
                let offset = reader.bytesConsumed, line = reader.line
                guard let data = try reader.next() else { finishPass(start: start, end: reader.bytesConsumed); return }
                try take(.init(data: data, bytesRead: reader.bytesConsumed, startOffset: offset, startLine: line, endLine: reader.line), body)
                delivered += 1
            }
            bytesParsed += reader.bytesConsumed - start
            furthest = max(furthest, reader.bytesConsumed)
            return
        }
        // While blocks are kept, the reading thread also makes their kept form (the fold's thread is the busier).
        let columns = self.columns
        let keep: @Sendable (Dataset, Int) -> KeptBlock = { data, bytesRead in KeptBlock(data, columns: columns, bytesRead: bytesRead) }
        let prefetcher = CSVBlockPrefetcher(reader, keep: keeping ? keep : nil)
        defer { prefetcher.finish() }
        var end = start
        while let block = try prefetcher.nextBlock() {
            try take(block, body)
            end = block.bytesRead
        }
        finishPass(start: start, end: end)
    }

    /// Calls `prepare` on each block on a worker thread, up to `ahead` blocks at once, and `body` with
    /// the prepared blocks and the bytes read up to their end, in file order, on the calling thread: the
    /// work on a block that does not depend on the blocks before it (building its design, its residuals)
    /// runs beside the work that does (folding it into a running sum), and beside the parsing.
    ///
    /// Errors come in file order, as from ``forEach(limit:_:)``: a block's error from `prepare` or
    /// `body` is thrown before the parse error of a later block.
    func forEach<Prepared>(ahead: Int, preparing prepare: @escaping @Sendable (Dataset) throws -> Prepared,
                           _ body: (Prepared, Int) throws -> Void) throws {
        var pending: [(block: PreparedBlock<Prepared>, bytesRead: Int)] = []
        var failedInBody = false
        func deliver(leaving count: Int) throws {
            while pending.count > count {
                let next = pending.removeFirst()
                do { try body(next.block.value(), next.bytesRead) } catch { failedInBody = true; throw error }
            }
        }
        do {
            try forEachSource(limit: nil) { source, bytesRead in
                // A kept block is made whole again (its integers widened) on the worker too.
                pending.append((PreparedBlock { try prepare(source.dataset()) }, bytesRead))
                try deliver(leaving: max(0, ahead - 1))
            }
        } catch {
            // Reading failed after the pending blocks: they come first (and may fail first).
            if !failedInBody { try deliver(leaving: 0) }
            throw error
        }
        try deliver(leaving: 0)
    }

    private func take(_ block: CSVBlockPrefetcher.Block, _ body: (Source, Int) throws -> Void) throws {
        // Blocks past the budget are not kept, nor any after them: the kept blocks stay a prefix.
        if keeping && block.startOffset == (resumeOffset ?? block.startOffset) {
            let slim = block.kept ?? KeptBlock(block.data, columns: columns, bytesRead: block.bytesRead)
            let size = slim.memory
            if keptMemory + size <= budget {
                kept.append(slim)
                keptMemory += size
                resumeOffset = block.bytesRead
                resumeLine = block.endLine
            } else {
                keeping = false
            }
        } else if keeping {
            keeping = false
        }
        try body(.parsed(block.data), block.bytesRead)
    }

    private func finishPass(start: Int, end: Int) {
        bytesParsed += end - start
        furthest = max(furthest, end)
        if keeping { complete = true }
    }

    /// "164 MB", "1.2 GB".
    static func megabytes(_ bytes: Int) -> String {
        bytes >= 1 << 30 ? TextFormat.general(Double(bytes) / Double(1 << 30), digits: 2) + " GB"
            : "\(Int((Double(bytes) / Double(1 << 20)).rounded())) MB"
    }
}

/// A block being prepared on a worker thread by ``ParsedBlocks/forEach(ahead:preparing:_:)``.
private final class PreparedBlock<Value>: @unchecked Sendable {
    // `result` is written once by the worker before it signals `done`, and read only after waiting on it.
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error> = .failure(CancellationError())

    init(_ prepare: @escaping @Sendable () throws -> Value) {
        DispatchQueue.global().async { [self] in
            result = Result { try prepare() }
            done.signal()
        }
    }

    /// The prepared value, waiting for the worker.
    func value() throws -> Value {
        done.wait()
        done.signal()
        return try result.get()
    }
}

/// A block kept for the later passes of a ``ParsedBlocks``: only the model's columns, and a numeric
/// column whose values are all whole numbers within ±2³¹ (counts, most often) as 4-byte integers
/// rather than 8-byte doubles, so twice the rows fit in the memory kept. Each value is widened back
/// to the very double it was (the column is kept as doubles otherwise), so later passes see the
/// same numbers as a parse.
struct KeptBlock: Sendable {
    private enum Storage: Sendable {
        case column(Column)
        /// Whole numbers; `Int32.min` stands for `nan` (a missing cell).
        case integers([Int32])
    }

    private let names: [String]
    private let storage: [Storage]
    private let source: DataSource
    /// The bytes of the file read up to the block's end.
    let bytesRead: Int

    /// The block with only `columns` (all of them when it has no other).
    init(_ data: Dataset, columns: Set<String>, bytesRead: Int) {
        let names = data.columnNames.filter { columns.contains($0) }
        self.names = names.count < data.columnNames.count ? names : data.columnNames
        storage = self.names.compactMap { name -> Storage? in
            guard let column = try? data.column(name) else { return nil }
            if case .numeric(let values) = column, let integers = Self.integers(values) { return .integers(integers) }
            return .column(column)
        }
        source = data.source
        self.bytesRead = bytesRead
    }

    /// The block as it was parsed (its kept columns).
    func dataset() throws -> Dataset {
        let columns = storage.map { stored -> Column in
            switch stored {
            case .column(let column): return column
            case .integers(let integers): return .numeric(integers.map { $0 == .min ? .nan : Double($0) })
            }
        }
        return try Dataset(Array(zip(names, columns)).map { (name: $0.0, column: $0.1) }, source: source)
    }

    /// The memory the block takes: its numbers, integers, codes and line numbers.
    var memory: Int {
        var bytes = (source.rowLines?.count ?? 0) * 4
        for stored in storage {
            switch stored {
            case .integers(let integers): bytes += integers.count * 4
            case .column(.numeric(let values)): bytes += values.count * 8
            case .column(.text(let text)): bytes += text.codes.count * 4 + text.levels.reduce(0) { $0 + $1.utf8.count + 16 }
            }
        }
        return bytes
    }

    /// The values as 4-byte integers when each widens back to the same bits (so not −0), `nan` as `Int32.min`.
    private static func integers(_ values: [Double]) -> [Int32]? {
        let nan = Double.nan.bitPattern
        var whole = true
        let integers = [Int32](unsafeUninitializedCapacity: values.count) { buffer, count in
            values.withUnsafeBufferPointer { values in
                for i in values.indices {
                    let value = values[i]
                    if value.bitPattern == nan {
                        buffer[i] = .min
                    } else if value >= -2147483647 && value <= 2147483647 {
                        // In range, so the conversion cannot trap; equal bits back means whole and not −0.
                        let integer = Int32(value)
                        guard Double(integer).bitPattern == value.bitPattern else { whole = false; break }
                        buffer[i] = integer
                    } else {
                        whole = false
                        break
                    }
                    count = i + 1
                }
            }
        }
        return whole ? integers : nil
    }
}
