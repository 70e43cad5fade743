import Foundation

/// Numbers distinct byte strings (reps, activity types) in the order they are first met, looked up
/// by their bytes in an open-addressing table, so a cell becomes a code with no String made
/// except for a new key.
///
/// A slot holds a key's first 16 bytes as two words and its length, so a key of up to 16 bytes is
/// found with one read of the table (no second read of the stored bytes, which was most of the cost).
struct ExportByteKeyTable {
    private struct Slot {
        var head: UInt64 = 0
        var tail: UInt64 = 0
        var length: Int32 = 0
        /// -1 for an empty slot.
        var code: Int32 = -1
    }

    private var arena: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    /// A power of two, kept under half full.
    private var slots: [Slot] = Array(repeating: Slot(), count: 1024)

    /// The number of keys.
    var count: Int { hashes.count }

    /// The code of `bytes`, and whether it was added just now.
    @inline(__always)
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> (code: Int32, isNew: Bool) {
        let (head, tail) = Self.words(bytes)
        let hash = Self.hash(bytes, head, tail)
        let length = Int32(truncatingIfNeeded: bytes.count)
        let found: Int32? = slots.withUnsafeBufferPointer { slots in
            let mask = slots.count &- 1
            var index = Int(truncatingIfNeeded: hash) & mask
            while true {
                let slot = slots[index]
                if slot.code < 0 { return nil }
                if slot.head == head && slot.tail == tail && slot.length == length && (length <= 16 || isKey(Int(slot.code), bytes)) {
                    return slot.code
                }
                index = (index &+ 1) & mask
            }
        }
        if let found { return (found, false) }
        return (add(bytes, hash: hash), true)
    }

    private func isKey(_ code: Int, _ bytes: UnsafeRawBufferPointer) -> Bool {
        let start = starts[code], length = starts[code + 1] - start
        guard length == bytes.count else { return false }
        return arena.withUnsafeBytes { stored in
            guard let key = stored.baseAddress, let cell = bytes.baseAddress else { return length == 0 }
            return memcmp(key + start, cell, length) == 0
        }
    }

    private mutating func add(_ bytes: UnsafeRawBufferPointer, hash: UInt64) -> Int32 {
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
        var index = Int(truncatingIfNeeded: hashes[code]) & mask
        while slots[index].code >= 0 { index = (index + 1) & mask }
        let (head, tail) = arena.withUnsafeBytes { Self.words(UnsafeRawBufferPointer(rebasing: $0[starts[code]..<starts[code + 1]])) }
        slots[index] = Slot(head: head, tail: tail, length: Int32(truncatingIfNeeded: starts[code + 1] - starts[code]), code: Int32(code))
    }

    private mutating func rebuild(slotCount: Int) {
        slots = Array(repeating: Slot(), count: slotCount)
        for code in hashes.indices { place(code) }
    }

    /// The first 16 bytes as two little-endian words, zero past the end.
    @inline(__always)
    private static func words(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let n = bytes.count
        @inline(__always) func load(_ k: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: k, as: UInt64.self)) }
        if n >= 16 { return (load(0), load(8)) }
        if n > 8 { return (load(0), load(n - 8) >> UInt64((16 - n) * 8)) }
        if n == 8 { return (load(0), 0) }
        var head: UInt64 = 0
        for k in 0..<n { head |= UInt64(bytes[k]) << UInt64(8 * k) }
        return (head, 0)
    }

    /// A 64-bit hash of the key: its words, its length, and its bytes past the 16th.
    @inline(__always)
    private static func hash(_ bytes: UnsafeRawBufferPointer, _ head: UInt64, _ tail: UInt64) -> UInt64 {
        var h = (head ^ 0x9e37_79b9_7f4a_7c15) &* 0xff51_afd7_ed55_8ccd
        h ^= (tail ^ UInt64(bytes.count)) &* 0xc4ce_b9fe_1a85_ec53
        if bytes.count > 16 {
            for k in 16..<bytes.count { h = (h ^ UInt64(bytes[k])) &* 0x0000_0100_0000_01b3 }
        }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 29
        return h
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
}
