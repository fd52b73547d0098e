import Foundation
import WAGateCrypto

/// Ids for the messages an account sends, as WhatsApp Web clients make them: `3EB0` followed by the
/// upper-case hex of the first 9 bytes of SHA-256(big-endian unix seconds ‖ own user ‖ `@c.us` ‖ 16
/// random bytes), 22 characters. The id is fixed when the message enters the outbox.
public enum MessageIDGenerator {
    /// A new id.
    /// - Parameters:
    ///   - ownUser: the account's own user part (phone number digits), empty when not known yet.
    ///   - now: the time to mix in.
    public static func make(ownUser: String, now: Date = Date()) -> String {
        var input: [UInt8] = []
        let seconds = UInt64(max(0, now.timeIntervalSince1970))
        for shift in stride(from: 56, through: 0, by: -8) { input.append(UInt8(truncatingIfNeeded: seconds >> UInt64(shift))) }
        input += Array(ownUser.utf8)
        input += Array("@c.us".utf8)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<16 { input.append(UInt8.random(in: .min ... .max, using: &generator)) }
        return "3EB0" + SHA256.hash(input).prefix(9).map { String(format: "%02X", $0) }.joined()
    }
}
