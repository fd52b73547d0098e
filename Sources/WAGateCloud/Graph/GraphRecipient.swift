import WAGateCore

/// Whom a message goes to, in the Graph API's terms.
public enum GraphRecipient: Sendable, Hashable {
    /// A user by phone number (`"to"`; digits, a leading `+` is accepted by Meta).
    case phoneNumber(String)
    /// A user by business-scoped user id (`"recipient"`), for users known only by a username.
    case businessScopedID(String)
    /// A Cloud API group (`"recipient_type": "group"`, `"to": <group id>`).
    case group(String)

    /// The recipient of a chat in the gateway's JID form (see ``CloudAddress``):
    /// `<digits>@s.whatsapp.net` → a phone number, `<id>@g.us` → a group, `<BSUID>@bsuid` → a
    /// business-scoped id. `nil` for any other address (a WhatsApp Web `@lid`, say).
    public init?(chat: String) {
        guard let (user, server) = CloudAddress.split(chat), !user.isEmpty else { return nil }
        switch server {
        case CloudAddress.userServer: self = .phoneNumber(user)
        case CloudAddress.groupServer: self = .group(user)
        case CloudAddress.businessScopedServer: self = .businessScopedID(user)
        default: return nil
        }
    }

    /// The request members that name the recipient.
    var requestFields: [String: JSONValue] {
        switch self {
        case .phoneNumber(let number): ["recipient_type": "individual", "to": .string(number)]
        case .businessScopedID(let id): ["recipient_type": "individual", "recipient": .string(id)]
        case .group(let id): ["recipient_type": "group", "to": .string(id)]
        }
    }
}
