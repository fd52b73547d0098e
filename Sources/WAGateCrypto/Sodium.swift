import CSodium

/// One-time initialisation of libsodium.
///
/// `sodium_init()` is idempotent and thread-safe; the lazy static makes every entry point of this module
/// call it exactly once without the caller having to remember.
enum Sodium {
    private static let initialised: Bool = sodium_init() >= 0

    /// Initialises libsodium if needed.
    /// - Throws: `CryptoError.libraryUnavailable` when libsodium cannot initialise (no entropy source).
    static func ensureInitialised() throws {
        guard initialised else { throw CryptoError(.libraryUnavailable, "libsodium failed to initialise") }
    }

    /// Fills `count` bytes from the system CSPRNG.
    static func randomBytes(_ count: Int) throws -> [UInt8] {
        try ensureInitialised()
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, $0.count) }
        return bytes
    }
}
