import WAProto
import WASignal

/// One `<enc>` successfully decrypted: the `Message` it carried, unwrapped, and what decrypting it
/// changed in the Signal state (reference §5.3).
public struct DecryptedPayload: Sendable {
    /// The message and its content without wrappers.
    public var message: UnwrappedMessage
    /// The Signal address the message was decrypted from (the sender's LID device when known).
    public var sender: SignalAddress
    /// The one-time prekey a `pkmsg` consumed (already removed from the store).
    public var consumedPreKeyId: UInt32?
    /// The sender's identity key changed (a reinstall): accepted and reported.
    public var identityChange: IdentityChange?
    /// The sender key the message's `senderKeyDistributionMessage` installed, if it carried one.
    public var installedSenderKey: SenderKeyName?

    /// A payload from its parts.
    public init(
        message: UnwrappedMessage, sender: SignalAddress, consumedPreKeyId: UInt32? = nil, identityChange: IdentityChange? = nil,
        installedSenderKey: SenderKeyName? = nil
    ) {
        self.message = message
        self.sender = sender
        self.consumedPreKeyId = consumedPreKeyId
        self.identityChange = identityChange
        self.installedSenderKey = installedSenderKey
    }

    /// False when the message only carries a sender key distribution (and context info): the pairwise
    /// half of a group message, whose content is in the `skmsg`.
    public var hasContent: Bool {
        var rest = message.content
        rest.clearSenderKeyDistributionMessage()
        rest.clearMessageContextInfo()
        return rest != .init()
    }
}
