/// The result of decrypting a pairwise message.
public struct DecryptedMessage: Sendable, Equatable {
    /// The plaintext (for WhatsApp v2 messages, still padded: see `WhatsAppPadding.remove`).
    public let plaintext: [UInt8]
    /// The one-time prekey the pkmsg consumed, if any. It is already deleted from the store (and the
    /// deletion is in the change set); the caller also marks it used wherever else it tracks prekeys.
    public let consumedPreKeyId: UInt32?
    /// Set when the sender's identity key differed from the stored one (and was accepted).
    public let identityChange: IdentityChange?

    /// A decryption result.
    public init(plaintext: [UInt8], consumedPreKeyId: UInt32?, identityChange: IdentityChange?) {
        self.plaintext = plaintext
        self.consumedPreKeyId = consumedPreKeyId
        self.identityChange = identityChange
    }
}
