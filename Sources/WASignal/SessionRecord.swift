import CSignalProtocol

/// The pairwise session state with one peer device, in the library's storage format.
///
/// `serialized` is libsignal's `RecordStructure` protobuf: the current session state plus up to 40
/// archived ones (so in-flight messages of a replaced session still decrypt). It holds chain and
/// root keys: persist it sealed, in the same transaction as the message that advanced it.
public struct SessionRecord: Sendable, Equatable {
    /// The library's serialised record.
    public let serialized: [UInt8]

    /// Wraps stored bytes after checking that the library can parse them.
    /// - Throws: `SignalError.invalidProtobuf` (or another parse error) for bytes that are not a session record.
    public init(serialized: [UInt8]) throws {
        let context = try SignalContext.parsingPointer()
        var record: OpaquePointer?
        try LibSignal.withBytes(serialized) { try SignalError.check(session_record_deserialize(&record, $0, $1, context)) }
        signal_type_unref(record)
        self.serialized = serialized
    }

    /// Wraps bytes the library itself just serialised (a store callback): no re-parse.
    init(trusted serialized: [UInt8]) {
        self.serialized = serialized
    }
}
