import CSignalProtocol

/// A one-time prekey: an id and a Curve25519 key pair, in the library's storage format.
///
/// `serialized` is libsignal's `PreKeyRecordStructure` protobuf (id, public key, private key): persist
/// it (sealed: it holds the private key) and restore it with `init(serialized:)`. Upload `id` (3 bytes
/// big-endian) and `publicKey.raw`. Ids are 24-bit, from 1 to `maximumId`; `nextId(after:)` wraps.
public struct PreKeyRecord: Sendable, Equatable {
    /// The largest one-time prekey id. The library generates ids in `1...0xFFFFFE` and never deletes a
    /// prekey with id `0xFFFFFF` after use (Signal's "last resort" key), so that id is not generated.
    public static let maximumId: UInt32 = 0xFF_FFFE

    /// The prekey id.
    public let id: UInt32
    /// The public key.
    public let publicKey: SignalPublicKey
    /// The library's serialised record (contains the private key).
    public let serialized: [UInt8]

    /// Parses a stored record.
    /// - Throws: `SignalError.invalidProtobuf` / `.invalidKey` for bytes that are not a prekey record.
    public init(serialized: [UInt8]) throws {
        let context = try SignalContext.parsingPointer()
        var record: OpaquePointer?
        try LibSignal.withBytes(serialized) { try SignalError.check(session_pre_key_deserialize(&record, $0, $1, context)) }
        defer { signal_type_unref(record) }
        try self.init(record)
    }

    /// Copies a library `session_pre_key` (borrowed).
    init(_ record: OpaquePointer?) throws {
        guard let record else { throw SignalError.invalidArgument }
        var buffer: OpaquePointer?
        try SignalError.check(session_pre_key_serialize(&buffer, record))
        self.serialized = LibSignal.consume(buffer)
        self.id = session_pre_key_get_id(record)
        self.publicKey = try LibSignal.serialize(publicKey: ec_key_pair_get_public(session_pre_key_get_key_pair(record)))
    }

    /// The id that follows `id` in the 24-bit id space: `id + 1`, wrapping from `maximumId` back to 1.
    public static func nextId(after id: UInt32) -> UInt32 {
        id >= maximumId ? 1 : id + 1
    }
}
