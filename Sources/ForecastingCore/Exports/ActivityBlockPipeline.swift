import Foundation

/// A block of the activity export, read by the byte-level scanner or by the general parser.
enum ActivityBlock {
    case scanned(ScannedActivityBlock)
    case parsed(Dataset)
}

/// Reads the activity export a block at a time on another thread (raw bytes, then the byte-level
/// scanner, or ``CSVReader`` for a block the scanner gives back), while the caller folds the
/// blocks before, in file order. ``finish()`` stops the reading thread.
final class ActivityBlockPipeline: @unchecked Sendable {
    // `reader` and `scanner` are only touched by the reading thread; everything else is guarded by `condition`.
    private let reader: CSVRawBlockReader
    private var scanner: ActivityBlockScanner?
    private let options: CSVReadOptions
    private let condition = NSCondition()
    private var queue: [Result<ActivityBlock?, CSVError>] = []
    private var stopped = false, running = true
    private let capacity: Int

    init(_ reader: CSVRawBlockReader, scanner: ActivityBlockScanner?, options: CSVReadOptions, ahead: Int = 2) {
        self.reader = reader
        self.scanner = scanner
        self.options = options
        capacity = max(1, ahead)
        let thread = Thread { [self] in self.readAhead() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func read() throws(CSVError) -> ActivityBlock? {
        while let block = try reader.next() {
            if let scanned = scanner?.scan(block) {
                if scanned.rowCount > 0 { return .scanned(scanned) }
                continue
            }
            let data = try CSVReader.parseRecords(block.bytes, header: reader.columnNames, firstLine: block.firstLine,
                                                  sourceName: reader.path, options: options)
            if data.rowCount > 0 { return .parsed(data) }
        }
        return nil
    }

    private func readAhead() {
        while true {
            let item: Result<ActivityBlock?, CSVError>
            do throws(CSVError) {
                item = .success(try read())
            } catch {
                item = .failure(error)
            }
            condition.lock()
            while queue.count >= capacity && !stopped { condition.wait() }
            if stopped { break }
            queue.append(item)
            condition.broadcast()
            condition.unlock()
            if case .success(.some) = item { continue }
            condition.lock()
            break
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }

    /// The next block, or `nil` at the end of the file.
    func next() throws(CSVError) -> ActivityBlock? {
        condition.lock()
        while queue.isEmpty && running { condition.wait() }
        guard !queue.isEmpty else { condition.unlock(); return nil }
        let item = queue.removeFirst()
        condition.broadcast()
        condition.unlock()
        return try item.get()
    }

    /// Stops reading ahead and waits for the reading thread to end.
    func finish() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }
}
