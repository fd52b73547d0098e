/// The author of an inbound message, with every identifier the link knows for them.
public struct MessageSender: Sendable, Hashable, Codable {
    /// The JID the message came from (without device suffix), e.g. `15551234567@s.whatsapp.net` or
    /// `12345678901234@lid`.
    public var jid: String
    /// The phone number in E.164 form (`+15551234567`), when known.
    public var phone: String?
    /// The sender's LID (`…@lid`), when known alongside a phone-number JID.
    public var lid: String?
    /// The Cloud API's business-scoped user id (`user_id`, e.g. `US.13491208655302741918`), when given.
    public var businessScopedID: String?
    /// The name the sender chose for themselves (push name / profile name).
    public var pushName: String?

    /// Creates a sender.
    public init(
        jid: String, phone: String? = nil, lid: String? = nil, businessScopedID: String? = nil, pushName: String? = nil
    ) {
        self.jid = jid
        self.phone = phone
        self.lid = lid
        self.businessScopedID = businessScopedID
        self.pushName = pushName
    }
}
