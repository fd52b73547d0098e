/// The master keys a process can unwrap with: the current one, which wraps every new data key, and any
/// previous ones still accepted while a rotation completes.
public struct KeyRing: Sendable {
    /// The key new wraps use.
    public let current: MasterKey
    /// Older keys, accepted for unwrapping only.
    public let previous: [MasterKey]

    /// Creates a ring.
    public init(current: MasterKey, previous: [MasterKey] = []) {
        self.current = current
        self.previous = previous.filter { $0.id != current.id }
    }

    /// The key with fingerprint `id`, if this ring holds it.
    public func key(id: String) -> MasterKey? {
        if current.id == id { return current }
        return previous.first { $0.id == id }
    }

    /// Wraps an account's data key under the current master key.
    /// - Returns: the master key's id and the sealed data key.
    public func wrap(_ dataKey: SecretBytes, accountID: String) throws -> (kekID: String, wrapped: [UInt8]) {
        var raw = dataKey.copyBytes()
        defer { SecretBytes.wipe(&raw) }
        return (current.id, try Sealer.seal(raw, key: current.secret, context: Self.context(accountID)))
    }

    /// Unwraps a data key stored with `kekID`.
    /// - Throws: `CryptoError.invalidKey` when no key of this ring has that id (the process was started
    ///   with another master key), `.authenticationFailed` when the wrapped bytes were altered or moved.
    public func unwrap(_ wrapped: [UInt8], kekID: String, accountID: String) throws -> SecretBytes {
        guard let kek = key(id: kekID) else {
            throw CryptoError(
                .invalidKey,
                "the data key of account \(accountID) is wrapped by master key \(kekID), but this process has \(([current] + previous).map(\.id).joined(separator: ", "))")
        }
        var raw = try Sealer.open(wrapped, key: kek.secret, context: Self.context(accountID))
        defer { SecretBytes.wipe(&raw) }
        return try SecretBytes(copying: raw)
    }

    static func context(_ accountID: String) -> SealContext {
        SealContext(table: "account_data_keys", accountID: accountID, key: "data-key")
    }
}
