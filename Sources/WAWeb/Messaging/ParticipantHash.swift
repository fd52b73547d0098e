import Foundation
import WABinary
import WAGateCrypto

/// The participant (device list) hash WhatsApp compares to detect stale device lists (reference §5.9
/// step 5, whatsmeow's `participantListHashV2`): `2:` followed by unpadded standard base64 of the first
/// 6 bytes of SHA-256 over the sorted device JIDs in `user.agent:device@server` form, concatenated.
///
/// ```swift
/// ParticipantHash.v2([JID("12025550123:5@s.whatsapp.net")!])   // "2:…" (8 characters after "2:")
/// ```
public enum ParticipantHash {
    /// The hash of `devices` (order does not matter).
    public static func v2(_ devices: [JID]) -> String {
        let joined = devices.map(adString).sorted().joined()
        let digest = SHA256.hash(Array(joined.utf8))
        var text = Data(digest.prefix(6)).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return "2:" + text
    }

    /// `user.agent:device@server`, always with agent and device (whatsmeow's `ADString`; the agent is the
    /// raw agent byte, 0 for LID and hosted JIDs whose domain is implied by the server).
    static func adString(_ jid: JID) -> String {
        "\(jid.user).\(jid.agent):\(jid.device)@\(jid.server.rawValue)"
    }
}
