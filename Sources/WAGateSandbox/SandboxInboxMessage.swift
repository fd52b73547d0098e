/// A message a simulated phone received and decrypted, as ``SandboxContact/inbox()`` lists it.
public struct SandboxInboxMessage: Codable, Sendable, Equatable {
    /// The message id.
    public var id: String
    /// The sender's user JID (phone number), e.g. `15550001111@s.whatsapp.net`.
    public var from: String
    /// The sending device's JID.
    public var device: String
    /// The chat: the sender for a direct message; for our own account's message from another device, its
    /// destination.
    public var chat: String
    /// The text (or caption), when the message has one.
    public var text: String?
    /// What kind of message it was: `text`, `media`, `reaction`, `other`.
    public var kind: String
    /// The server's time stamp, Unix seconds.
    public var timestamp: UInt64
    /// True for a copy of a message the phone's own account sent from a linked device.
    public var fromMe: Bool

    /// An inbox entry from its parts.
    public init(id: String, from: String, device: String, chat: String, text: String?, kind: String, timestamp: UInt64, fromMe: Bool) {
        self.id = id
        self.from = from
        self.device = device
        self.chat = chat
        self.text = text
        self.kind = kind
        self.timestamp = timestamp
        self.fromMe = fromMe
    }
}
