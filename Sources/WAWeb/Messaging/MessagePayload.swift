import Foundation
import WABinary
import WAProto

/// The `Message` protobufs a sender builds around its content, and the stanza attributes derived from
/// the content (reference §5.6, §5.9), as whatsmeow derives them.
public enum MessagePayload {
    /// The copy of a 1:1 message for our own other devices: `Message{deviceSentMessage{destinationJid,
    /// message}, messageContextInfo}` (the original's context info is copied alongside).
    public static func deviceSent(_ message: WAE2E_Message, destination: JID) -> WAE2E_Message {
        var wrapper = WAE2E_Message()
        wrapper.deviceSentMessage.destinationJid = destination.description
        wrapper.deviceSentMessage.message = message
        if message.hasMessageContextInfo { wrapper.messageContextInfo = message.messageContextInfo }
        return wrapper
    }

    /// `Message{senderKeyDistributionMessage{groupId, axolotlSenderKeyDistributionMessage}}`, sent
    /// pairwise to the group's devices that lack our sender key.
    public static func senderKeyDistribution(group: JID, distributionMessage: [UInt8]) -> WAE2E_Message {
        var message = WAE2E_Message()
        message.senderKeyDistributionMessage.groupID = group.description
        message.senderKeyDistributionMessage.axolotlSenderKeyDistributionMessage = Data(distributionMessage)
        return message
    }

    /// The stanza `type`: `reaction`, `media` for media content, else `text` (also for protocol messages).
    public static func stanzaType(of message: WAE2E_Message) -> String {
        let content = UnwrappedMessage(message).content
        if content.hasReactionMessage { return "reaction" }
        return mediaType(of: message) != nil ? "media" : "text"
    }

    /// The `mediatype` attribute of the `<enc>`: image, video, gif, ptt, audio, document, sticker, vcard,
    /// url (extended text with a title); `nil` for plain text, location and protocol messages.
    public static func mediaType(of message: WAE2E_Message) -> String? {
        let content = UnwrappedMessage(message).content
        if content.hasExtendedTextMessage && content.extendedTextMessage.hasTitle { return "url" }
        if content.hasImageMessage { return "image" }
        if content.hasStickerMessage { return "sticker" }
        if content.hasDocumentMessage { return "document" }
        if content.hasAudioMessage { return content.audioMessage.ptt ? "ptt" : "audio" }
        if content.hasVideoMessage { return content.videoMessage.gifPlayback ? "gif" : "video" }
        if content.hasContactMessage { return "vcard" }
        return nil
    }

    /// The stanza `edit` attribute: `1` for an edit, `7` for revoking our own message or removing a
    /// reaction, `8` for an admin revoke; `nil` otherwise.
    public static func editAttribute(of message: WAE2E_Message) -> String? {
        var content = message
        if content.hasEditedMessage { content = content.editedMessage.message }
        if content.hasProtocolMessage && content.protocolMessage.hasKey {
            switch content.protocolMessage.type {
            case .revoke: return content.protocolMessage.key.fromMe ? "7" : "8"
            case .messageEdit where content.protocolMessage.hasEditedMessage: return "1"
            default: return nil
            }
        }
        if content.hasReactionMessage && content.reactionMessage.text.isEmpty { return "7" }
        return nil
    }

    /// Whether receivers should hide a failure to decrypt (`decrypt-fail="hide"`): reactions and edits.
    public static func hidesDecryptFailure(_ message: WAE2E_Message) -> Bool {
        editAttribute(of: message) != nil || stanzaType(of: message) == "reaction"
    }
}
