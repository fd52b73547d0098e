import Foundation
import SwiftProtobuf
import WABinary
import WAProto
import WASignal
import WAWeb

/// The plaintexts WAWeb's messaging layer encrypts (MessagePayload, as MessageEncryptor uses it), made
/// with real Signal keys where the reference asks for them, for neonize to parse in the suite's run.
enum MessagingBuilt {
    static let chat = JID("12025550199@s.whatsapp.net")!
    static let group = JID("120363025246125486@g.us")!

    /// The sender key distribution message a fresh WASignal engine makes for `group` (computed once:
    /// the tests compare neonize's reading with these exact bytes).
    static let distribution: [UInt8] = {
        do {
            let context = try SignalContext()
            let identity = try context.generateIdentityKeyPair()
            let engine = try SignalEngine(store: SignalStore(identity: identity, registrationId: 7), context: context)
            return try engine.senderKeyDistributionMessage(for: SenderKeyName(groupId: group.description, sender: .lid("98765432109876", device: 3)))
        } catch {
            return []
        }
    }()

    /// The reply of SwiftBuilt, wrapped for our own other devices.
    static func deviceSent() -> WAE2E_Message { MessagePayload.deviceSent(SwiftBuilt.reply(), destination: chat) }

    static func senderKeyDistribution() -> WAE2E_Message {
        MessagePayload.senderKeyDistribution(group: group, distributionMessage: distribution)
    }

    static func plaintexts() throws -> [(String, [UInt8])] {
        [("deviceSent", try deviceSent().serializedBytes()), ("senderKeyDistribution", try senderKeyDistribution().serializedBytes())]
    }
}
