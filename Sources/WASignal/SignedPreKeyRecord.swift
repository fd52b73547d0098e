import CSignalProtocol

/// A signed prekey: an id, a Curve25519 key pair, a timestamp and the identity key's XEdDSA signature
/// over the 33-byte public key, in the library's storage format.
///
/// `serialized` is libsignal's `SignedPreKeyRecordStructure` protobuf (with the private key: persist it
/// sealed). WhatsApp uploads it as `<skey>`: `id` (3 bytes), `publicKey.raw`, `signature` (64 bytes).
/// Keep a rotated-out signed prekey for a while: pkmsgs built on it may still be in flight.
public struct SignedPreKeyRecord: Sendable, Equatable {
    /// The signed prekey id (24-bit on WhatsApp's wire).
    public let id: UInt32
    /// The public key.
    public let publicKey: SignalPublicKey
    /// The 64-byte XEdDSA signature by the identity key over `publicKey.serialized`.
    public let signature: [UInt8]
    /// Creation time, milliseconds since 1970.
    public let timestamp: UInt64
    /// The library's serialised record (contains the private key).
    public let serialized: [UInt8]

    /// Parses a stored record.
    /// - Throws: `SignalError.invalidProtobuf` / `.invalidKey` for bytes that are not a signed prekey record.
    public init(serialized: [UInt8]) throws {
        let context = try SignalContext.parsingPointer()
        var record: OpaquePointer?
        try LibSignal.withBytes(serialized) {
            try SignalError.check(session_signed_pre_key_deserialize(&record, $0, $1, context))
        }
        defer { signal_type_unref(record) }
        try self.init(record)
    }

    /// Copies a library `session_signed_pre_key` (borrowed).
    init(_ record: OpaquePointer?) throws {
        guard let record else { throw SignalError.invalidArgument }
        var buffer: OpaquePointer?
        try SignalError.check(session_signed_pre_key_serialize(&buffer, record))
        self.serialized = LibSignal.consume(buffer)
        self.id = session_signed_pre_key_get_id(record)
        self.timestamp = session_signed_pre_key_get_timestamp(record)
        let signatureCount = session_signed_pre_key_get_signature_len(record)
        if let signature = session_signed_pre_key_get_signature(record), signatureCount > 0 {
            self.signature = Array(UnsafeBufferPointer(start: signature, count: signatureCount))
        } else {
            self.signature = []
        }
        self.publicKey = try LibSignal.serialize(publicKey: ec_key_pair_get_public(session_signed_pre_key_get_key_pair(record)))
    }
}
