import CSodium

/// Secret bytes (keys) kept out of ordinary Swift arrays.
///
/// The bytes live in `sodium_malloc`'d memory (guard pages, locked against swapping where the system
/// allows) and are wiped when the last reference goes away. Arrays get copied and are never zeroed,
/// which is why key material does not travel as `[UInt8]` beyond the moment it is read.
public final class SecretBytes: @unchecked Sendable {
    // @unchecked Sendable: the buffer is written only in `init` and read-only afterwards.
    private let pointer: UnsafeMutableRawPointer
    /// Number of bytes.
    public let count: Int

    private init(uninitialisedCount count: Int) throws {
        try Sodium.ensureInitialised()
        guard let p = sodium_malloc(max(count, 1)) else {
            throw CryptoError(.libraryUnavailable, "sodium_malloc failed for a \(count)-byte secret")
        }
        self.pointer = p
        self.count = count
    }

    /// Copies `bytes` into secure memory. The caller should wipe its own copy when it can.
    public convenience init(copying bytes: some Collection<UInt8>) throws {
        try self.init(uninitialisedCount: bytes.count)
        let buffer = UnsafeMutableRawBufferPointer(start: pointer, count: count)
        _ = buffer.initializeMemory(as: UInt8.self, from: bytes)
    }

    /// Fresh random bytes from the system CSPRNG.
    public static func random(count: Int) throws -> SecretBytes {
        let s = try SecretBytes(uninitialisedCount: count)
        randombytes_buf(s.pointer, count)
        return s
    }

    deinit {
        sodium_free(pointer)  // sodium_free wipes before releasing
    }

    /// Gives read access to the bytes for the duration of `body`.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// Constant-time comparison.
    public func constantTimeEquals(_ other: SecretBytes) -> Bool {
        guard count == other.count else { return false }
        return sodium_memcmp(pointer, other.pointer, count) == 0
    }

    /// A copy of the bytes as an array, for the few places (writing a key file, wrapping) that need one.
    /// Wipe it with `SecretBytes.wipe(_:)` when done.
    public func copyBytes() -> [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Overwrites an array's storage with zeros.
    public static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { if let p = $0.baseAddress { sodium_memzero(p, $0.count) } }
    }
}
