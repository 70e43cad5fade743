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
    public let path: String
    /// The header's column names.
    public private(set) var columnNames: [String] = []
    /// The size of the file in bytes (0 when it is not a regular file).
    public let fileSize: Int
    /// The bytes consumed so far in this pass.
    public private(set) var bytesConsumed: Int = 0

    /// Records longer than this (an unterminated quote, most likely) are refused rather than buffered.
    public static let maximumRecordBytes = 256 << 20

    private let options: CSVReadOptions
    private let descriptor: Int32
    private let blockBytes: Int
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes held in `buffer`: the start of records not yet returned.
    private var count = 0
    private var atEndOfFile = false
    /// The file line of the first byte in `buffer`.
    private(set) var line = 1
    private var headerEnd = 0
    private var headerLines = 1

    /// Opens `path` and reads its header.
    ///
    /// - Parameters:
    ///   - path: A CSV file. Standard input cannot be read twice, so `"-"` is refused.
    ///   - options: Delimiter, missing-value spellings and number leniency, as for ``CSVReader``.
    ///   - blockBytes: About how many bytes each block holds (default 8 MB).
    /// - Throws: A ``CSVError`` for a missing, unreadable or empty file or a malformed header.
    public init(path: String, options: CSVReadOptions = .init(), blockBytes: Int = 8 << 20) throws(CSVError) {
        guard path != "-" else {
            throw .unreadable(path: "<stdin>", reason: "reading in blocks needs a file that can be read twice, not standard input")
        }
        let (fd, info) = try CSVFileContents.openForReading(path: path)
        self.path = path
        self.options = options
        self.descriptor = fd
        self.fileSize = info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : 0
        self.blockBytes = max(1 << 12, blockBytes)
        self.capacity = self.blockBytes
        guard let memory = malloc(capacity) else {
            close(fd)
            throw .unreadable(path: path, reason: "out of memory")
        }
        self.buffer = memory
        // Every stored property is set, so a throw from here on runs deinit, which frees the buffer and
        // closes the file: freeing them here too was a double free (an empty file, found by FuzzChunkReader).
        columnNames = try readHeader()
    }

    deinit {
        free(buffer)
        close(descriptor)
    }

    /// The next block of records, or `nil` at the end of the file.
    /// - Throws: A ``CSVError`` naming the file, line and column of the first malformed cell.
    public func next() throws(CSVError) -> Dataset? {
        while true {
            try fill()
            if count == 0 { return nil }
            var (boundary, lines) = lastRecordBoundary()
            if atEndOfFile && boundary < count {
                boundary = count
                lines = newlines(in: 0..<count)
            }
            if boundary == 0 {
                // One record longer than the buffer: grow it, up to a limit.
                guard capacity < Self.maximumRecordBytes else {
                    throw .unreadable(path: path, reason: "the record starting on line \(line) is longer than \(Self.maximumRecordBytes >> 20) MB (is a quote left open?)")
                }
                try grow(to: min(capacity * 2, Self.maximumRecordBytes))
                continue
            }
            let records = UnsafeRawBufferPointer(start: buffer, count: boundary)
            let chunk = try CSVReader.parseRecords(records, header: columnNames, firstLine: line,
                                                   sourceName: path, options: options)
            memmove(buffer, buffer + boundary, count - boundary)
            count -= boundary
            line += lines
            bytesConsumed += boundary
            if chunk.rowCount > 0 { return chunk }
        }
    }

    /// Starts again at the first record.
    /// - Throws: ``CSVError/unreadable(path:reason:)`` if the file cannot be read again.
    public func rewind() throws(CSVError) {
        guard lseek(descriptor, off_t(headerEnd), SEEK_SET) >= 0 else {
            throw .unreadable(path: path, reason: CSVFileContents.reason(errno))
        }
        count = 0
        atEndOfFile = false
        line = headerLines
        bytesConsumed = headerEnd
    }

    /// Continues from a record boundary met before: `offset` bytes into the file, on file line `line`
    /// (a block's ``CSVBlockPrefetcher/Block/startOffset`` and ``CSVBlockPrefetcher/Block/startLine``).
    func resume(atOffset offset: Int, line: Int) throws(CSVError) {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw .unreadable(path: path, reason: CSVFileContents.reason(errno))
        }
        count = 0
        atEndOfFile = false
        self.line = line
        bytesConsumed = offset
    }

    // MARK: Reading

    private func readHeader() throws(CSVError) -> [String] {
        while true {
            try fill()
            let bytes = UnsafeRawBufferPointer(start: buffer, count: count)
            let (boundary, _) = lastRecordBoundary()
            if boundary > 0 || atEndOfFile {
                let header = try CSVReader.parseHeader(bytes, sourceName: path, options: options)
                headerEnd = header.end
                headerLines = header.nextLine
                memmove(buffer, buffer + header.end, count - header.end)
                count -= header.end
                line = header.nextLine
                bytesConsumed = header.end
                return header.names
            }
            guard capacity < Self.maximumRecordBytes else {
                throw .unreadable(path: path, reason: "the header is longer than \(Self.maximumRecordBytes >> 20) MB (is a quote left open?)")
            }
            try grow(to: min(capacity * 2, Self.maximumRecordBytes))
        }
    }

    /// Reads until the buffer is full or the file ends.
    private func fill() throws(CSVError) {
        while !atEndOfFile && count < capacity {
            let got = read(descriptor, buffer + count, min(capacity - count, 1 << 30))
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .unreadable(path: path, reason: CSVFileContents.reason(code))
            }
            if got == 0 { atEndOfFile = true; break }
            count += got
        }
    }

    private func grow(to newCapacity: Int) throws(CSVError) {
        guard let grown = realloc(buffer, newCapacity) else { throw .unreadable(path: path, reason: "out of memory") }
        buffer = grown
        capacity = newCapacity
    }

    /// The offset just past the last line feed outside quotes, and the number of line feeds before it.
    private func lastRecordBoundary() -> (offset: Int, lines: Int) {
        let p = buffer.assumingMemoryBound(to: UInt8.self)
        let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n")
        if options.delimiter == quote || memchr(buffer, Int32(quote), count) == nil {
            // No quotes (memchr finds that fast): the boundary is just past the last line feed.
            var last = count - 1
            while last >= 0 && p[last] != lineFeed { last -= 1 }
            return last < 0 ? (0, 0) : (last + 1, newlines(in: 0..<(last + 1)))
        }
        var inQuotes = false
        var boundary = 0, boundaryLines = 0, lines = 0
        var k = 0
        while k < count {
            let b = p[k]
            if b == quote && options.delimiter != quote {
                inQuotes.toggle()
            } else if b == lineFeed {
                lines += 1
                if !inQuotes {
                    boundary = k + 1
                    boundaryLines = lines
                }
            }
            k += 1
        }
        return (boundary, boundaryLines)
    }

    private func newlines(in range: Range<Int>) -> Int {
        let p = buffer.assumingMemoryBound(to: UInt8.self)
        var lines = 0
        // Without a branch, so the loop is vectorized.
        for k in range { lines &+= p[k] == UInt8(ascii: "\n") ? 1 : 0 }
        return lines
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
