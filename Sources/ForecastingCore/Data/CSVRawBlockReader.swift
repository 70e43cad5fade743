import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a CSV file's records as raw bytes, a block at a time, cut at record boundaries as
/// ``CSVChunkReader`` cuts them, for callers that scan the bytes themselves and hand a block to
/// ``CSVReader`` only when it needs the general parser (quotes, bytes that are not ASCII).
///
/// The block's bytes stay valid until the next call to ``next()``.
final class CSVRawBlockReader {
    /// One block of whole records.
    struct Block {
        /// The records' bytes, header excluded.
        var bytes: UnsafeRawBufferPointer
        /// The file line of the block's first byte.
        var firstLine: Int
        /// Line feeds in the block (inside quoted fields too).
        var lineFeeds: Int
        /// Whether the block holds a quote, a byte above 0x7F or a NUL: then only ``CSVReader`` reads it.
        var needsGeneralParser: Bool
    }

    /// The file as the user named it.
    let path: String
    /// The header's column names.
    private(set) var columnNames: [String] = []

    private let options: CSVReadOptions
    private let descriptor: Int32
    private var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes held in `buffer`, and how many of them the last block handed out.
    private var count = 0
    private var handedOut = 0
    private var atEndOfFile = false
    /// The file line of the first byte in `buffer`.
    private var line = 1

    /// Opens `path` and reads its header.
    /// - Throws: A ``CSVError`` for a missing, unreadable or empty file or a malformed header.
    init(path: String, options: CSVReadOptions, blockBytes: Int) throws(CSVError) {
        guard path != "-" else {
            throw .unreadable(path: "<stdin>", reason: "reading in blocks needs a file that can be read twice, not standard input")
        }
        let (fd, _) = try CSVFileContents.openForReading(path: path)
        self.path = path
        self.options = options
        self.descriptor = fd
        self.capacity = max(1 << 12, blockBytes)
        guard let memory = malloc(capacity) else {
            close(fd)
            throw .unreadable(path: path, reason: "out of memory")
        }
        self.buffer = memory
        columnNames = try readHeader()
    }

    deinit {
        free(buffer)
        close(descriptor)
    }

    /// The next block of records, or `nil` at the end of the file.
    func next() throws(CSVError) -> Block? {
        if handedOut > 0 {
            memmove(buffer, buffer + handedOut, count - handedOut)
            count -= handedOut
            handedOut = 0
        }
        while true {
            try fill()
            if count == 0 { return nil }
            let p = UnsafePointer(buffer.assumingMemoryBound(to: UInt8.self))
            let hasQuote = options.delimiter != UInt8(ascii: "\"") && memchr(p, Int32(UInt8(ascii: "\"")), count) != nil
            var boundary: Int
            var lineFeeds = 0
            if hasQuote {
                (boundary, lineFeeds) = quotedRecordBoundary(p)
            } else {
                boundary = count
                while boundary > 0 && p[boundary - 1] != UInt8(ascii: "\n") { boundary -= 1 }
            }
            if atEndOfFile && boundary < count { boundary = count }
            if boundary == 0 {
                // One record longer than the buffer: grow it, up to a limit.
                guard capacity < CSVChunkReader.maximumRecordBytes else {
                    throw .unreadable(path: path, reason: "the record starting on line \(line) is longer than \(CSVChunkReader.maximumRecordBytes >> 20) MB (is a quote left open?)")
                }
                try grow(to: min(capacity * 2, CSVChunkReader.maximumRecordBytes))
                continue
            }
            var special = hasQuote
            let scan = Self.survey(p, boundary)
            lineFeeds = scan.lineFeeds
            special = special || scan.nonASCIIOrNUL
            let block = Block(bytes: UnsafeRawBufferPointer(start: buffer, count: boundary), firstLine: line,
                              lineFeeds: lineFeeds, needsGeneralParser: special)
            handedOut = boundary
            line += lineFeeds
            return block
        }
    }

    /// Line feeds in `p[0..<n]`, and whether a byte is above 0x7F or zero: eight bytes at a time.
    private static func survey(_ p: UnsafePointer<UInt8>, _ n: Int) -> (lineFeeds: Int, nonASCIIOrNUL: Bool) {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080, low: UInt64 = 0x7f7f_7f7f_7f7f_7f7f
        let raw = UnsafeRawPointer(p)
        var lineFeeds = 0
        var flags: UInt64 = 0
        var k = 0
        while k + 8 <= n {
            let word = raw.loadUnaligned(fromByteOffset: k, as: UInt64.self)
            // A byte of `x` is zero exactly where the high bit of `((x & low) + low) | x` is clear.
            let x = word ^ (ones &* 0x0a)
            lineFeeds += ((~(((x & low) &+ low) | x | low))).nonzeroBitCount
            flags |= word | ~(((word & low) &+ low) | word | low)
            k += 8
        }
        while k < n {
            let b = p[k]
            if b == 0x0a { lineFeeds += 1 }
            if b == 0 || b >= 0x80 { flags |= high }
            k += 1
        }
        return (lineFeeds, flags & high != 0)
    }

    // MARK: Reading

    private func readHeader() throws(CSVError) -> [String] {
        while true {
            try fill()
            let p = UnsafePointer(buffer.assumingMemoryBound(to: UInt8.self))
            let (boundary, _) = quotedRecordBoundary(p)
            if boundary > 0 || atEndOfFile {
                let header = try CSVReader.parseHeader(UnsafeRawBufferPointer(start: buffer, count: count), sourceName: path, options: options)
                memmove(buffer, buffer + header.end, count - header.end)
                count -= header.end
                line = header.nextLine
                return header.names
            }
            guard capacity < CSVChunkReader.maximumRecordBytes else {
                throw .unreadable(path: path, reason: "the header is longer than \(CSVChunkReader.maximumRecordBytes >> 20) MB (is a quote left open?)")
            }
            try grow(to: min(capacity * 2, CSVChunkReader.maximumRecordBytes))
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

    /// The offset just past the last line feed outside quotes, and the line feeds before it
    /// (the rule of ``CSVChunkReader``).
    private func quotedRecordBoundary(_ p: UnsafePointer<UInt8>) -> (offset: Int, lines: Int) {
        let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n")
        var inQuotes = false
        var boundary = 0, boundaryLines = 0, lines = 0
        for k in 0..<count {
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
        }
        return (boundary, boundaryLines)
    }
}
