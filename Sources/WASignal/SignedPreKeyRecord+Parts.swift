import CSignalProtocol
import WAGateCrypto

extension SignedPreKeyRecord {
    /// A record for a signed prekey made elsewhere — e.g. the one a WhatsApp companion generated before
    /// pairing and announced in its registration payload — so the library can answer pkmsgs built on it.
    /// - Parameters:
    ///   - id: its id, in `0...0xFFFFFF`.
    ///   - privateKey: its 32-byte Curve25519 private key (the public key is derived from it).
    ///   - signature: the identity key's 64-byte XEdDSA signature over `05 ‖ public key`.
    ///   - timestamp: creation time in milliseconds since 1970.
    /// - Throws: `SignalError.invalidArgument` for an id out of range or a signature that is not 64 bytes;
    ///   `SignalError.invalidKey` for a private key that is not 32 bytes.
    public init(id: UInt32, privateKey: SecretBytes, signature: [UInt8], timestamp: UInt64) throws {
        guard id <= 0xFF_FFFF, signature.count == 64 else { throw SignalError.invalidArgument }
        guard privateKey.count == 32, let raw = try? Curve25519.publicKey(for: privateKey) else { throw SignalError.invalidKey }
        let context = try SignalContext.parsingPointer()
        let publicKey = try LibSignal.decode(try SignalPublicKey(raw: raw), context: context)
        defer { signal_type_unref(publicKey) }
        var decodedPrivate: OpaquePointer?
        try privateKey.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw SignalError.invalidKey }
            try SignalError.check(curve_decode_private_point(&decodedPrivate, base, bytes.count, context))
        }
        defer { signal_type_unref(decodedPrivate) }
        var pair: OpaquePointer?
        try SignalError.check(ec_key_pair_create(&pair, publicKey, decodedPrivate))
        defer { signal_type_unref(pair) }
        var record: OpaquePointer?
        try LibSignal.withBytes(signature) { try SignalError.check(session_signed_pre_key_create(&record, id, timestamp, pair, $0, $1)) }
        defer { signal_type_unref(record) }
        try self.init(record)
    }
}
