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
    private var kept: [(data: Dataset, bytesRead: Int)] = []
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
        var delivered = 0
        for block in kept {
            if let limit, delivered >= limit { return }
            try body(block.data, block.bytesRead)
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
        let prefetcher = CSVBlockPrefetcher(reader)
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
            try forEach { data, bytesRead in
                pending.append((PreparedBlock(data, prepare), bytesRead))
                try deliver(leaving: max(0, ahead - 1))
            }
        } catch {
            // Reading failed after the pending blocks: they come first (and may fail first).
            if !failedInBody { try deliver(leaving: 0) }
            throw error
        }
        try deliver(leaving: 0)
    }

    private func take(_ block: CSVBlockPrefetcher.Block, _ body: (Dataset, Int) throws -> Void) throws {
        // Blocks past the budget are not kept, nor any after them: the kept blocks stay a prefix.
        if keeping && block.startOffset == (resumeOffset ?? block.startOffset) {
            let slim = slimmed(block.data)
            let size = Self.memory(of: slim)
            if keptMemory + size <= budget {
                kept.append((slim, block.bytesRead))
                keptMemory += size
                resumeOffset = block.bytesRead
                resumeLine = block.endLine
            } else {
                keeping = false
            }
        } else if keeping {
            keeping = false
        }
        try body(block.data, block.bytesRead)
    }

    private func finishPass(start: Int, end: Int) {
        bytesParsed += end - start
        furthest = max(furthest, end)
        if keeping { complete = true }
    }

    /// The block with only the model's columns.
    private func slimmed(_ data: Dataset) -> Dataset {
        let names = data.columnNames.filter { columns.contains($0) }
        guard names.count < data.columnNames.count else { return data }
        let pairs = names.compactMap { name -> (name: String, column: Column)? in
            (try? data.column(name)).map { (name, $0) }
        }
        return (try? Dataset(pairs, source: data.source)) ?? data
    }

    private static func memory(of data: Dataset) -> Int {
        var bytes = (data.source.rowLines?.count ?? 0) * 4
        for column in data.columns {
            switch column {
            case .numeric(let values): bytes += values.count * 8
            case .text(let text): bytes += text.codes.count * 4 + text.levels.reduce(0) { $0 + $1.utf8.count + 16 }
            }
        }
        return bytes
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

    init(_ data: Dataset, _ prepare: @escaping @Sendable (Dataset) throws -> Value) {
        DispatchQueue.global().async { [self] in
            result = Result { try prepare(data) }
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
