import CSignalProtocol

/// The sender key states of one (group, sender device), in the library's storage format.
///
/// `serialized` is libsignal's `SenderKeyRecordStructure` protobuf: up to five states (key id, chain
/// key and iteration, signing key; our own record also holds the signing private key). Persist it
/// sealed. To rotate our own sender key (a member left), remove our record and create a new
/// distribution message: there is no rotation call in the library.
public struct SenderKeyRecord: Sendable, Equatable {
    /// The library's serialised record.
    public let serialized: [UInt8]

    /// Wraps stored bytes after checking that the library can parse them.
    /// - Throws: `SignalError.invalidProtobuf` (or another parse error) for bytes that are not a sender key record.
    public init(serialized: [UInt8]) throws {
        let context = try SignalContext.parsingPointer()
        var record: OpaquePointer?
        try LibSignal.withBytes(serialized) { try SignalError.check(sender_key_record_deserialize(&record, $0, $1, context)) }
        signal_type_unref(record)
        self.serialized = serialized
    }

    /// Wraps bytes the library itself just serialised (a store callback): no re-parse.
    init(trusted serialized: [UInt8]) {
        self.serialized = serialized
    }
}
