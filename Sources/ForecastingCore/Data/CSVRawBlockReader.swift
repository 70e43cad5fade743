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
    var path: String { file.path }
    /// The header's column names.
    private(set) var columnNames: [String] = []

    private let file: CSVFileBuffer
    /// How many bytes the last block handed out, and their line feeds.
    private var handedOut = 0, handedOutLines = 0

    /// Opens `path` and reads its header.
    /// - Throws: A ``CSVError`` for a missing, unreadable or empty file or a malformed header.
    init(path: String, options: CSVReadOptions, blockBytes: Int) throws(CSVError) {
        file = try CSVFileBuffer(path: path, options: options, blockBytes: blockBytes)
        columnNames = try file.readHeader(options: options)
    }

    /// The next block of records, or `nil` at the end of the file.
    func next() throws(CSVError) -> Block? {
        if handedOut > 0 {
            file.consume(handedOut, lines: handedOutLines)
            handedOut = 0
        }
        while true {
            try file.fill()
            if file.count == 0 { return nil }
            let hasQuote = file.hasQuote
            var boundary = file.recordBoundary(countingLines: false).offset
            if file.atEndOfFile && boundary < file.count { boundary = file.count }
            if boundary == 0 {
                // One record longer than the buffer: grow it, up to a limit.
                try file.growForLongRecord()
                continue
            }
            let p = UnsafePointer(file.bytes.assumingMemoryBound(to: UInt8.self))
            let scan = Self.survey(p, boundary)
            let block = Block(bytes: UnsafeRawBufferPointer(start: file.bytes, count: boundary), firstLine: file.line,
                              lineFeeds: scan.lineFeeds, needsGeneralParser: hasQuote || scan.nonASCIIOrNUL)
            handedOut = boundary
            handedOutLines = scan.lineFeeds
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
}
