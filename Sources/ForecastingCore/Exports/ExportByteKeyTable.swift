import Foundation

/// Numbers distinct byte strings (reps, activity types) in the order they are first met, looked up
/// by their bytes in an open-addressing table, so a cell becomes a code with no String made
/// except for a new key.
struct ExportByteKeyTable {
    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// Code + 1 per slot, 0 when empty; the count is a power of two kept under half full.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)

    /// The number of keys.
    var count: Int { hashes.count }

    /// The code of `bytes`, or `nil` when they are not a key yet.
    @inline(__always)
    func code(of bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        let mask = slots.count &- 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let stored = slots[slot]
                if stored == 0 { return nil }
                let code = Int(stored &- 1)
                if hashes[code] == hash && isKey(code, bytes) { return Int32(code) }
                slot = (slot &+ 1) & mask
            }
        }
    }

    @inline(__always)
    private func isKey(_ code: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[code], length = starts[code + 1] - start
        guard length == bytes.count else { return false }
        if length == 0 { return true }
        return arena.withUnsafeBytes { stored in
            guard let key = stored.baseAddress, let cell = bytes.baseAddress else { return false }
            return Self.equal(key + start, cell, length)
        }
    }

    /// Whether `length` bytes at `a` and `b` are equal: words where they fit (no call to memcmp for a short key).
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ length: Int) -> Bool {
        if length >= 8 {
            var k = 0
            while k + 8 <= length {
                if a.loadUnaligned(fromByteOffset: k, as: UInt64.self) != b.loadUnaligned(fromByteOffset: k, as: UInt64.self) { return false }
                k += 8
            }
            // The last word overlaps the one before: every byte is compared, none is read past the end.
            return k == length || a.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self) == b.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
        }
        for k in 0..<length where a.load(fromByteOffset: k, as: UInt8.self) != b.load(fromByteOffset: k, as: UInt8.self) { return false }
        return true
    }

    /// Adds `bytes` (not a key yet) and returns its code.
    mutating func add(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
        let code = Int32(hashes.count)
        arena.append(contentsOf: bytes)
        starts.append(arena.count)
        hashes.append(hash)
        if hashes.count * 2 > slots.count { rebuild(slotCount: slots.count * 2) } else { place(Int(code)) }
        return code
    }

    /// Forgets the keys from `count` on (those of a block handed to the general parser after all).
    mutating func truncate(to count: Int) {
        guard count < hashes.count else { return }
        arena.removeSubrange(starts[count]...)
        starts.removeSubrange((count + 1)...)
        hashes.removeSubrange(count...)
        rebuild(slotCount: slots.count)
    }

    /// The key of `code`, as text (the bytes are valid UTF-8: the caller checks the block).
    func text(of code: Int) -> String {
        String(decoding: arena[starts[code]..<starts[code + 1]], as: UTF8.self)
    }

    private mutating func place(_ code: Int) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[code]) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(code + 1)
    }

    private mutating func rebuild(slotCount: Int) {
        slots = Array(repeating: 0, count: slotCount)
        for code in hashes.indices { place(code) }
    }

    /// A 64-bit hash of bytes, eight at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(bytes.count)
        var k = 0
        let n = bytes.count
        while k + 8 <= n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: k, as: UInt64.self)) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 32
            k += 8
        }
        if k < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while k < n {
                tail |= UInt64(bytes[k]) << shift
                shift += 8
                k += 1
            }
            h = (h ^ tail) &* 0xc4ce_b9fe_1a85_ec53
        }
        h ^= h >> 29
        return h
    }
}
