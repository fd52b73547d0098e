import Foundation

/// Phone numbers as the policies compare them: E.164 (`+15551234567`).
public enum PhoneNumbers {
    /// The E.164 number of a user JID (`15551234567@s.whatsapp.net`, with or without a device suffix),
    /// `nil` for LIDs, groups and anything else that is not a phone-number JID.
    public static func e164(fromJID jid: String) -> String? {
        guard jid.lowercased().hasSuffix("@s.whatsapp.net") || jid.lowercased().hasSuffix("@c.us") else { return nil }
        if case .number(let number) = PhoneNumberParser.parse(jid) { return number }
        return nil
    }

    /// An `allowFrom`-style entry in E.164, `"*"` for the wildcard, `nil` when it is not a number.
    public static func normalize(_ entry: String) -> String? {
        switch PhoneNumberParser.parse(entry) {
        case .wildcard: "*"
        case .number(let number): number
        case .groupJID, .invalid: nil
        }
    }
}

extension PhoneNumbers {
    /// The chat JID an operator means: a JID as written (user, group or LID), or a phone number in
    /// international form turned into `<digits>@s.whatsapp.net`; `nil` when it is neither.
    public static func chatJID(from address: String) -> String? {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        if trimmed.contains("@") {
            let lower = trimmed.lowercased()
            let servers = ["@s.whatsapp.net", "@g.us", "@lid", "@c.us"]
            guard servers.contains(where: lower.hasSuffix), !lower.hasPrefix("@") else { return nil }
            return lower.hasSuffix("@c.us") ? lower.replacingOccurrences(of: "@c.us", with: "@s.whatsapp.net") : lower
        }
        guard let number = normalize(trimmed), number != "*" else { return nil }
        return String(number.dropFirst()) + "@s.whatsapp.net"
    }
}
