import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a CSV file a block of records at a time, so a file larger than memory can be processed
/// in bounded memory.
///
/// Each call to ``next()`` returns the next records as a ``Dataset`` whose ``Dataset/source`` names
/// the file and the records' own line numbers, so errors point at the right line of the whole file.
/// Blocks end at a record boundary, found with quotes taken into account (a quoted field may hold
/// line breaks). ``rewind()`` starts again from the first record, for a second pass.
///
/// ```swift
/// let reader = try CSVChunkReader(path: "warehouse.csv")
/// while let chunk = try reader.next() { total += try chunk.numbers("revenue").reduce(0, +) }
/// ```
///
/// A column's kind (numbers or text) is decided per block, as ``CSVReader`` decides it for a whole
/// file; callers that need one kind throughout check it themselves.
public final class CSVChunkReader {
    /// The file as the user named it.
    public var path: String { file.path }
    /// The header's column names.
    public private(set) var columnNames: [String] = []
    /// The size of the file in bytes (0 when it is not a regular file).
    public var fileSize: Int { file.fileSize }
    /// The bytes consumed so far in this pass.
    public var bytesConsumed: Int { file.offset }

    /// Records longer than this (an unterminated quote, most likely) are refused rather than buffered.
    public static let maximumRecordBytes = CSVFileBuffer.maximumRecordBytes

    private let options: CSVReadOptions
    private let file: CSVFileBuffer
    /// The file line of the next record.
    var line: Int { file.line }

    /// Opens `path` and reads its header.
    ///
    /// - Parameters:
    ///   - path: A CSV file. Standard input cannot be read twice, so `"-"` is refused.
    ///   - options: Delimiter, missing-value spellings and number leniency, as for ``CSVReader``.
    ///   - blockBytes: About how many bytes each block holds (default 8 MB).
    /// - Throws: A ``CSVError`` for a missing, unreadable or empty file or a malformed header.
    public init(path: String, options: CSVReadOptions = .init(), blockBytes: Int = 8 << 20) throws(CSVError) {
        self.options = options
        file = try CSVFileBuffer(path: path, options: options, blockBytes: blockBytes)
        // Every stored property is set, so a throw from here on frees the buffer and closes the file once
        // (freeing them here too was a double free: an empty file, found by FuzzChunkReader).
        columnNames = try file.readHeader(options: options)
    }

    /// The next block of records, or `nil` at the end of the file.
    /// - Throws: A ``CSVError`` naming the file, line and column of the first malformed cell.
    public func next() throws(CSVError) -> Dataset? {
        while true {
            try file.fill()
            if file.count == 0 { return nil }
            var (boundary, lines) = file.recordBoundary()
            if file.atEndOfFile && boundary < file.count {
                boundary = file.count
                lines = file.newlines(in: 0..<file.count)
            }
            if boundary == 0 {
                // One record longer than the buffer: grow it, up to a limit.
                try file.growForLongRecord()
                continue
            }
            let records = UnsafeRawBufferPointer(start: file.bytes, count: boundary)
            let chunk = try CSVReader.parseRecords(records, header: columnNames, firstLine: file.line,
                                                   sourceName: path, options: options)
            file.consume(boundary, lines: lines)
            if chunk.rowCount > 0 { return chunk }
        }
    }

    /// Starts again at the first record.
    /// - Throws: ``CSVError/unreadable(path:reason:)`` if the file cannot be read again.
    public func rewind() throws(CSVError) {
        try file.seek(toOffset: file.headerEnd, line: file.headerLines)
    }

    /// Continues from a record boundary met before: `offset` bytes into the file, on file line `line`
    /// (a block's ``CSVBlockPrefetcher/Block/startOffset`` and ``CSVBlockPrefetcher/Block/startLine``).
    func resume(atOffset offset: Int, line: Int) throws(CSVError) {
        try file.seek(toOffset: offset, line: line)
    }
}

/// Reads a ``CSVChunkReader``'s blocks ahead on another thread, so parsing the next block overlaps
/// with the work on the current one. ``finish()`` stops the reading thread; the reader may then be
/// rewound.
final class CSVBlockPrefetcher: @unchecked Sendable {
    /// A parsed block and where it lies in the file.
    struct Block {
        var data: Dataset
        /// The bytes of the file read up to the block's end.
        var bytesRead: Int
        /// The offset and line at which the block's reading began (a record boundary, to resume from).
        var startOffset: Int
        var startLine: Int
        /// The line at which the next block begins.
        var endLine: Int
        /// The block as ``ParsedBlocks`` keeps it, made on the reading thread when it asked for that.
        var kept: KeptBlock? = nil
    }

    private let blocks: ReadAhead<Block>

    /// - Parameter keep: Makes each block's kept form on the reading thread too (see ``Block/kept``).
    init(_ reader: CSVChunkReader, ahead: Int = 2, keep: (@Sendable (Dataset, Int) -> KeptBlock)? = nil) {
        // `reader` is only touched by the reading thread until `finish()` has waited for it to stop.
        blocks = ReadAhead(ahead: ahead) { () throws(CSVError) -> Block? in
            let offset = reader.bytesConsumed, line = reader.line
            return try reader.next().map {
                Block(data: $0, bytesRead: reader.bytesConsumed, startOffset: offset, startLine: line, endLine: reader.line,
                      kept: keep?($0, reader.bytesConsumed))
            }
        }
    }

    /// The next block, or `nil` at the end of the file.
    func nextBlock() throws(CSVError) -> Block? {
        try blocks.next()
    }

    /// The next block and the bytes of the file read up to its end, or `nil` at the end of the file.
    func next() throws(CSVError) -> (data: Dataset, bytesRead: Int)? {
        try nextBlock().map { ($0.data, $0.bytesRead) }
    }

    /// Stops reading ahead and waits for the reading thread to end.
    func finish() {
        blocks.finish()
    }
}
