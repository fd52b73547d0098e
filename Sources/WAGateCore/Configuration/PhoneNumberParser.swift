/// Reads the entries of `allowFrom`, `groupAllowFrom` and `dms`: `"*"`, a phone number, or a JID.
///
/// OpenClaw's `normalizeE164` keeps only digits and `+`, so `1555…:12@s.whatsapp.net` became a wrong
/// number and `123@lid` a fake one (connector reference §2.3). Here a user JID loses its device suffix,
/// and anything that is not clearly a phone number is refused with a reason.
enum PhoneNumberParser {
    enum Result: Equatable {
        /// `"*"`: everyone.
        case wildcard
        /// `+` followed by 6 to 15 digits.
        case number(String)
        /// A group JID (`…@g.us`), lowercased.
        case groupJID(String)
        /// Not usable; the reason completes "… is not a phone number; <reason>".
        case invalid(reason: String)
    }

    static let expectation = "expected \"*\" or a phone number in international format like \"+15551234567\""

    static func parse(_ raw: String) -> Result {
        var text = raw.configTrimmed()
        if text == "*" { return .wildcard }
        while text.lowercased().hasPrefix("whatsapp:") {
            text = String(text.dropFirst("whatsapp:".count)).configTrimmed()
        }
        let lower = text.lowercased()
        if let at = lower.firstIndex(of: "@") {
            let user = lower[..<at]
            let server = lower[lower.index(after: at)...]
            switch server {
            case "g.us":
                return isGroupUser(user) ? .groupJID(lower) : .invalid(reason: "it is not a valid group JID")
            case "s.whatsapp.net", "c.us":
                // `digits` or `digits:device`; the device suffix is not part of the number.
                let digits = user.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                return number(fromDigits: String(digits))
            case "lid":
                return .invalid(
                    reason:
                        "it is a WhatsApp LID (a hidden user id), not a phone number; write the phone number instead"
                )
            default:
                return .invalid(reason: PhoneNumberParser.expectation)
            }
        }
        var digits = ""
        for (offset, character) in text.enumerated() {
            switch character {
            case "0"..."9": digits.append(character)
            case "+" where offset == 0: continue
            case " ", "-", "(", ")", ".", "\u{00A0}": continue
            default: return .invalid(reason: PhoneNumberParser.expectation)
            }
        }
        return number(fromDigits: digits)
    }

    private static func number(fromDigits digits: String) -> Result {
        guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) else {
            return .invalid(reason: expectation)
        }
        if digits.hasPrefix("0") {
            return .invalid(
                reason:
                    "international numbers start with the country code, not 0 (write \"+44…\", not \"0044…\" or \"07…\")"
            )
        }
        guard (6...15).contains(digits.count) else {
            return .invalid(
                reason:
                    "it has \(digits.count) digits; a phone number in international format has 6 to 15 digits after \"+\""
            )
        }
        return .number("+" + digits)
    }

    private static func isGroupUser(_ user: Substring) -> Bool {
        // `^[0-9]+(-[0-9]+)*$`: old groups are `creator-timestamp`, new ones a single number.
        let parts = user.split(separator: "-", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } }
    }

    /// Whether `key` is a valid `groups` key (`"*"` or a group JID) and its normalised form.
    static func groupKey(_ key: String) -> String? {
        let lower = key.configTrimmed().lowercased()
        if lower == "*" { return "*" }
        guard lower.hasSuffix("@g.us") else { return nil }
        return isGroupUser(lower.dropLast("@g.us".count)) ? lower : nil
    }
}

extension String {
    /// The string without leading and trailing whitespace and newlines (Foundation-free so the
    /// configuration code does not depend on `CharacterSet`).
    func configTrimmed() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
