/// Pairing codes for unknown senders: 8 characters from an alphabet without look-alikes (no 0, O, 1, I),
/// as the connector gives them, valid for an hour, at most 3 pending per account.
public enum PairingCode {
    /// The alphabet (32 characters).
    public static let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    /// Code length.
    public static let length = 8
    /// How long a request waits for approval.
    public static let ttl: Duration = .seconds(3600)
    /// Pending requests per account.
    public static let maxPending = 3

    /// A random code.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    /// The one reply an unknown sender gets.
    public static func reply(sender: String, code: String, account: AccountID) -> String {
        [
            "Access not configured.", "", "Your WhatsApp phone number: \(sender)", "", "Pairing code: \(code)", "",
            "Ask the bot owner to approve with:", "wagate pairing approve \(account) \(code)",
        ].joined(separator: "\n")
    }
}
