import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A CSV file read a block at a time into a buffer that grows for a record longer than a block: the
/// file, the bytes read and not yet consumed, where they lie in the file, and the rule that cuts
/// blocks at record boundaries (the last line feed outside quotes). Shared by ``CSVChunkReader`` and
/// ``CSVRawBlockReader``.
final class CSVFileBuffer {
    /// The file as the user named it.
    let path: String
    /// The size of the file in bytes (0 when it is not a regular file).
    let fileSize: Int
    private let delimiter: UInt8
    private let descriptor: Int32
    /// The bytes read and not yet consumed: `count` of them, from the file offset `offset`, which is on file line `line`.
    private(set) var bytes: UnsafeMutableRawPointer
    private(set) var count = 0
    private(set) var offset = 0
    private(set) var line = 1
    private(set) var atEndOfFile = false
    /// Where the records begin: the offset and line just after the header.
    private(set) var headerEnd = 0
    private(set) var headerLines = 1
    private var capacity: Int

    /// Records longer than this (an unterminated quote, most likely) are refused rather than buffered.
    static let maximumRecordBytes = 256 << 20

    /// Opens `path` (not standard input, which cannot be read twice) with a buffer of about `blockBytes`.
    /// - Throws: A ``CSVError`` for a missing or unreadable file.
    init(path: String, options: CSVReadOptions, blockBytes: Int) throws(CSVError) {
        guard path != "-" else {
            throw .unreadable(path: "<stdin>", reason: "reading in blocks needs a file that can be read twice, not standard input")
        }
        let (fd, info) = try CSVFileContents.openForReading(path: path)
        self.path = path
        self.delimiter = options.delimiter
        self.descriptor = fd
        self.fileSize = info.st_mode & S_IFMT == S_IFREG ? Int(info.st_size) : 0
        self.capacity = max(1 << 12, blockBytes)
        guard let memory = malloc(capacity) else {
            close(fd)
            throw .unreadable(path: path, reason: "out of memory")
        }
        self.bytes = memory
    }

    deinit {
        free(bytes)
        close(descriptor)
    }

    /// Reads the header line and consumes it: the column names.
    /// - Throws: A ``CSVError`` for an empty file or a malformed header.
    func readHeader(options: CSVReadOptions) throws(CSVError) -> [String] {
        while true {
            try fill()
            if recordBoundary(countingLines: false).offset > 0 || atEndOfFile {
                let header = try CSVReader.parseHeader(UnsafeRawBufferPointer(start: bytes, count: count), sourceName: path, options: options)
                consume(header.end, lines: header.nextLine - line)
                headerEnd = offset
                headerLines = line
                return header.names
            }
            guard capacity < Self.maximumRecordBytes else {
                throw .unreadable(path: path, reason: "the header is longer than \(Self.maximumRecordBytes >> 20) MB (is a quote left open?)")
            }
            try grow(to: min(capacity * 2, Self.maximumRecordBytes))
        }
    }

    /// Reads until the buffer is full or the file ends.
    func fill() throws(CSVError) {
        while !atEndOfFile && count < capacity {
            let got = read(descriptor, bytes + count, min(capacity - count, 1 << 30))
            if got < 0 {
                let code = errno
                if code == EINTR { continue }
                throw .unreadable(path: path, reason: CSVFileContents.reason(code))
            }
            if got == 0 { atEndOfFile = true; break }
            count += got
        }
    }

    /// Doubles the buffer for a record longer than it, up to ``maximumRecordBytes``.
    /// - Throws: ``CSVError/unreadable(path:reason:)`` naming the record's line past the limit.
    func growForLongRecord() throws(CSVError) {
        guard capacity < Self.maximumRecordBytes else {
            throw .unreadable(path: path, reason: "the record starting on line \(line) is longer than \(Self.maximumRecordBytes >> 20) MB (is a quote left open?)")
        }
        try grow(to: min(capacity * 2, Self.maximumRecordBytes))
    }

    private func grow(to newCapacity: Int) throws(CSVError) {
        guard let grown = realloc(bytes, newCapacity) else { throw .unreadable(path: path, reason: "out of memory") }
        bytes = grown
        capacity = newCapacity
    }

    /// Whether the bytes held contain a quote that opens or closes a field.
    var hasQuote: Bool {
        delimiter != UInt8(ascii: "\"") && memchr(bytes, Int32(UInt8(ascii: "\"")), count) != nil
    }

    /// The offset just past the last line feed outside quotes, and (when `countingLines`) the line feeds before it.
    func recordBoundary(countingLines: Bool = true) -> (offset: Int, lines: Int) {
        let p = bytes.assumingMemoryBound(to: UInt8.self)
        let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n")
        if !hasQuote {
            // No quotes (memchr finds that fast): the boundary is just past the last line feed.
            var last = count - 1
            while last >= 0 && p[last] != lineFeed { last -= 1 }
            if last < 0 { return (0, 0) }
            return (last + 1, countingLines ? newlines(in: 0..<(last + 1)) : 0)
        }
        var inQuotes = false
        var boundary = 0, boundaryLines = 0, lines = 0
        for k in 0..<count {
            let b = p[k]
            if b == quote {
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

    /// Line feeds among the bytes held in `range`.
    func newlines(in range: Range<Int>) -> Int {
        let p = bytes.assumingMemoryBound(to: UInt8.self)
        var lines = 0
        // Without a branch, so the loop is vectorized.
        for k in range { lines &+= p[k] == UInt8(ascii: "\n") ? 1 : 0 }
        return lines
    }

    /// Drops the first `n` bytes held, which hold `lines` line feeds.
    func consume(_ n: Int, lines: Int) {
        memmove(bytes, bytes + n, count - n)
        count -= n
        offset += n
        line += lines
    }

    /// Continues from a record boundary: `offset` bytes into the file, on file line `line`.
    /// - Throws: ``CSVError/unreadable(path:reason:)`` if the file cannot be read there.
    func seek(toOffset offset: Int, line: Int) throws(CSVError) {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else {
            throw .unreadable(path: path, reason: CSVFileContents.reason(errno))
        }
        count = 0
        atEndOfFile = false
        self.offset = offset
        self.line = line
    }
}
