import WAGateCrypto

/// A Curve25519 public key as Signal uses it.
///
/// Inside Signal messages, records and signatures the key is 33 bytes, `05 ‖ u` (the Djb type byte and
/// the X25519 u-coordinate); WhatsApp's binary nodes and ADV protobufs carry the raw 32 bytes. This
/// type holds the raw form and gives both, so a caller never has to remember which one a field wants.
public struct SignalPublicKey: Hashable, Sendable, CustomStringConvertible {
    /// The type byte of Curve25519 ("Djb") keys in Signal's serialised form.
    public static let djbType: UInt8 = 0x05

    /// The 32-byte X25519 u-coordinate (WhatsApp node form).
    public let raw: [UInt8]

    /// A key from its raw 32 bytes.
    /// - Throws: `SignalError.invalidKey` when `raw` is not 32 bytes.
    public init(raw: some Collection<UInt8>) throws {
        guard raw.count == 32 else { throw SignalError.invalidKey }
        self.raw = Array(raw)
    }

    /// A key from Signal's 33-byte serialised form.
    /// - Throws: `SignalError.invalidKey` when the bytes are not `05` followed by 32 bytes.
    public init(serialized: some Collection<UInt8>) throws {
        guard serialized.count == 33, serialized.first == Self.djbType else { throw SignalError.invalidKey }
        self.raw = Array(serialized.dropFirst())
    }

    /// The 33-byte serialised form, `05 ‖ raw` (what signatures sign and Signal protobufs carry).
    public var serialized: [UInt8] { [Self.djbType] + raw }

    /// Hex of the raw key (public data, safe to log).
    public var description: String { Hex.encode(raw) }
}
