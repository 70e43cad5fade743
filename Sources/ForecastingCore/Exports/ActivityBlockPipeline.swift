import Foundation

/// A block of the activity export, read by the byte-level scanner or by the general parser.
enum ActivityBlock {
    case scanned(ScannedActivityBlock)
    case parsed(Dataset)
}

/// Reads the activity export a block at a time on another thread (raw bytes, then the byte-level
/// scanner, or ``CSVReader`` for a block the scanner gives back), while the caller folds the
/// blocks before, in file order. ``finish()`` stops the reading thread.
final class ActivityBlockPipeline {
    private let blocks: ReadAhead<ActivityBlock>

    init(_ reader: CSVRawBlockReader, scanner: ActivityBlockScanner?, options: CSVReadOptions, ahead: Int = 2) {
        // `reader` and `scanner` are only touched by the reading thread until `finish()` has waited for it to stop.
        var scanner = scanner
        blocks = ReadAhead(ahead: ahead) { () throws(CSVError) -> ActivityBlock? in
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
    }

    /// The next block, or `nil` at the end of the file.
    func next() throws(CSVError) -> ActivityBlock? {
        try blocks.next()
    }

    /// Stops reading ahead and waits for the reading thread to end.
    func finish() {
        blocks.finish()
    }
}
