/// How Cloud API identifiers become the gateway's JID-form addresses, and back.
///
/// The gateway keeps one kind of address for every link (see `InboundMessage`): a user's `wa_id`
/// becomes `<wa_id>@s.whatsapp.net` and a Cloud API group id `<group_id>@g.us`. A user who adopted a
/// username may arrive with no phone number at all, only a business-scoped user id (BSUID); such a
/// user is addressed as `<BSUID>@bsuid`, a server name WhatsApp Web never uses, so the two cannot be
/// confused and a reply can be sent back with `"recipient": "<BSUID>"`.
public enum CloudAddress {
    /// The server part of a user JID.
    public static let userServer = "s.whatsapp.net"
    /// The server part of a group JID.
    public static let groupServer = "g.us"
    /// The server part of an address made from a business-scoped user id.
    public static let businessScopedServer = "bsuid"

    /// `<wa_id>@s.whatsapp.net`; a leading `+` is dropped.
    public static func userJID(waID: String) -> String {
        "\(digits(waID))@\(userServer)"
    }

    /// `<group_id>@g.us`.
    public static func groupJID(groupID: String) -> String {
        "\(groupID)@\(groupServer)"
    }

    /// `<BSUID>@bsuid`.
    public static func businessScopedJID(_ businessScopedID: String) -> String {
        "\(businessScopedID)@\(businessScopedServer)"
    }

    /// The phone number in E.164 form: `+` and the `wa_id`'s digits.
    public static func phoneNumber(waID: String) -> String {
        "+\(digits(waID))"
    }

    /// The part before `@` and the server after it; `nil` when `jid` has no `@`.
    public static func split(_ jid: String) -> (user: String, server: String)? {
        guard let at = jid.lastIndex(of: "@") else { return nil }
        return (String(jid[..<at]), String(jid[jid.index(after: at)...]))
    }

    private static func digits(_ waID: String) -> String {
        waID.hasPrefix("+") ? String(waID.dropFirst()) : waID
    }
}
