#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// A file that could not be written.
public enum OutputError: Error, CustomStringConvertible, Equatable, Sendable {
    /// Creating, writing or renaming the file failed.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): "\(path): cannot write (\(reason))"
        }
    }
}

/// Writes files atomically: a temporary file in the same folder, flushed to disk, then renamed over
/// the target. A run interrupted at any point leaves either the old file whole or the new one.
///
/// For the tests that kill a write midway (Tests/CLITests/ModelFileAndAtomicWriteTests.swift), the
/// environment variable `SALESFORECAST_TEST_PAUSE_WRITE` set to `midway` (half the bytes in the
/// temporary file), `before-rename` (the temporary file complete) or `after-rename` makes the write stop
/// there, say so on standard error (`salesforecast: paused <stage> writing <path>`) and wait to be killed.
/// Unset, as in every real run, it changes nothing.
public enum AtomicFile {
    /// Replaces the file at `path` with `contents`.
    /// - Throws: ``OutputError/cannotWrite(path:reason:)`` with the system's reason.
    ///
    /// A path that is not a regular file (`/dev/null`, `/dev/stdout`, a pipe) is written in place:
    /// renaming over it would replace the device or pipe with a plain file.
    public static func write(_ contents: String, to path: String) throws(OutputError) {
        let bytes = Array(contents.utf8)
        var info = stat()
        if stat(path, &info) == 0 && info.st_mode & S_IFMT != S_IFREG && info.st_mode & S_IFMT != S_IFDIR {
            return try writeInPlace(bytes, to: path)
        }
        let directory: String
        let name: String
        if let slash = path.lastIndex(of: "/") {
            directory = String(path[..<slash]).isEmpty ? "/" : String(path[..<slash])
            name = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            name = path
        }
        guard !name.isEmpty else { throw .cannotWrite(path: path, reason: "the path names a folder") }
        var template = Array("\(directory)/.\(name).tmp-XXXXXX".utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: Self.reason()) }
        let temporary = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = true
        var failure = ""
        let pause = testPauseStage
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            let half = pause == "midway" ? buffer.count / 2 : buffer.count
            while offset < buffer.count {
                if offset == half { Self.pauseForTest("midway", path) }
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, (offset < half ? half : buffer.count) - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    ok = false; failure = Self.reason(); return
                }
                offset += written
            }
        }
        if ok && fsync(descriptor) != 0 { ok = false; failure = Self.reason() }
        // New files get the usual permissions (mkstemp makes them private).
        if ok { fchmod(descriptor, 0o644) }
        close(descriptor)
        if ok && pause == "before-rename" { Self.pauseForTest("before-rename", path) }
        if ok && rename(temporary, path) != 0 { ok = false; failure = Self.reason() }
        if !ok {
            unlink(temporary)
            throw .cannotWrite(path: path, reason: failure)
        }
        if pause == "after-rename" { Self.pauseForTest("after-rename", path) }
    }

    /// `SALESFORECAST_TEST_PAUSE_WRITE`, for tests only (see above); `nil` when unset.
    private static var testPauseStage: String? { getenv("SALESFORECAST_TEST_PAUSE_WRITE").map { String(cString: $0) } }

    /// Says where the write stopped and waits for a signal to end the process; never returns.
    private static func pauseForTest(_ stage: String, _ path: String) -> Never {
        let line = Array("salesforecast: paused \(stage) writing \(path)\n".utf8)
        _ = line.withUnsafeBytes { systemWrite(STDERR_FILENO, $0.baseAddress!, $0.count) }
        while true { _ = sleep(60) }
    }

    /// Writes to a device or pipe as it is.
    private static func writeInPlace(_ bytes: [UInt8], to path: String) throws(OutputError) {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .cannotWrite(path: path, reason: Self.reason()) }
        defer { close(descriptor) }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = Self.reason(); return
                }
                offset += written
            }
        }
        if let failure { throw .cannotWrite(path: path, reason: failure) }
    }

    private static func reason() -> String { String(cString: strerror(errno)) }
}
