import WAGateCrypto

/// Credentials as named entries for the account's sealed credential store: one sealed row per entry,
/// each bound to its name, so no entry can be swapped for another.
extension DeviceCredentials {
    /// Names of the stored entries.
    public enum EntryName {
        public static let noisePrivateKey = "noise-key"
        public static let identityPrivateKey = "identity-key"
        public static let registrationID = "registration-id"
        public static let signedPreKey = "signed-prekey"
        public static let advSecret = "adv-secret"
        /// Every name `init(entries:)` needs.
        public static let all = [noisePrivateKey, identityPrivateKey, registrationID, signedPreKey, advSecret]
    }

    /// The entries to store. Private keys only: public keys are derived again when loading.
    public func entries() throws -> [String: SecretBytes] {
        var preKey = Self.bigEndian(signedPreKey.id) + signedPreKey.keyPair.privateKey.copyBytes() + signedPreKey.signature
        defer { SecretBytes.wipe(&preKey) }
        return [
            EntryName.noisePrivateKey: noiseKey.privateKey,
            EntryName.identityPrivateKey: identityKey.privateKey,
            EntryName.registrationID: try SecretBytes(copying: Self.bigEndian(registrationID)),
            EntryName.signedPreKey: try SecretBytes(copying: preKey),
            EntryName.advSecret: advSecret,
        ]
    }

    /// Rebuilds credentials from stored entries.
    /// - Throws: `CryptoError.malformed` naming the missing or malformed entry, or when the signed
    ///   prekey's signature does not verify with the stored identity key.
    public init(entries: [String: SecretBytes]) throws {
        func entry(_ name: String, count: Int) throws -> SecretBytes {
            guard let value = entries[name] else { throw CryptoError(.malformed, "stored credentials lack \"\(name)\"") }
            guard value.count == count else {
                throw CryptoError(.malformed, "stored credential \"\(name)\" has \(value.count) bytes, expected \(count)")
            }
            return value
        }
        let registration = try entry(EntryName.registrationID, count: 4).copyBytes()
        var preKey = try entry(EntryName.signedPreKey, count: 4 + 32 + XEdDSA.signatureCount).copyBytes()
        defer { SecretBytes.wipe(&preKey) }
        self.init(
            noiseKey: try .init(privateKey: entry(EntryName.noisePrivateKey, count: 32)),
            identityKey: try .init(privateKey: entry(EntryName.identityPrivateKey, count: 32)),
            registrationID: registration.reduce(0) { $0 << 8 | UInt32($1) },
            signedPreKey: SignedPreKey(
                id: preKey[0..<4].reduce(0) { $0 << 8 | UInt32($1) },
                keyPair: try .init(privateKey: SecretBytes(copying: preKey[4..<36])),
                signature: Array(preKey[36...])),
            advSecret: try entry(EntryName.advSecret, count: 32))
        guard signedPreKeyIsValid else {
            throw CryptoError(.malformed, "stored signed prekey's signature does not verify with the stored identity key")
        }
    }

    static func bigEndian(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }
}
