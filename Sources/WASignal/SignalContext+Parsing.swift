extension SignalContext {
    /// The context the record types use to parse stored bytes (`PreKeyRecord(serialized:)` and friends),
    /// where no account's context is at hand. Nil only if it could not be allocated.
    ///
    /// `nonisolated(unsafe)` is sound here: the context is fully set up before first use and never
    /// changed afterwards; the (de)serialisers only read its log function (unset) and the crypto
    /// provider's stateless callbacks, and take no lock (reference §1). Concurrent reads are safe.
    nonisolated(unsafe) static let parsing: SignalContext? = try? SignalContext()

    /// `parsing`'s pointer, or `SignalError.outOfMemory`.
    static func parsingPointer() throws -> OpaquePointer {
        guard let parsing else { throw SignalError.outOfMemory }
        return parsing.pointer
    }
}
