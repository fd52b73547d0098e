/// A pairwise Signal message as it travels in a WhatsApp `<enc>` node.
public struct SignalCiphertext: Sendable, Equatable {
    /// The message type, named as WhatsApp's `<enc type=…>` attribute names it.
    public enum Kind: String, Sendable {
        /// A PreKeySignalMessage (`CIPHERTEXT_PREKEY_TYPE`): sent until the peer has answered on the session;
        /// it carries what the peer needs to build the session.
        case pkmsg
        /// A SignalMessage (`CIPHERTEXT_SIGNAL_TYPE`) on an established session.
        case msg
    }

    /// The type.
    public let kind: Kind
    /// The serialised message (version byte `0x33` first).
    public let bytes: [UInt8]

    /// A message of `kind` with its wire bytes.
    public init(kind: Kind, bytes: [UInt8]) {
        self.kind = kind
        self.bytes = bytes
    }
}
