import Foundation
import SwiftProtobuf
import WABinary
import WAGateCore
import WAProto
import WAWeb

extension InboundMessage {
    /// The gateway's model of one decrypted WhatsApp Web message (reference §5.3): chat and sender
    /// resolved from the stanza (our own messages from another device take the chat from
    /// `deviceSentMessage.destinationJid`), the content unwrapped, replies and mentions as context.
    ///
    /// - Parameters:
    ///   - stanza: the `<message>` it came in.
    ///   - payload: one decrypted payload of it (`MessageDecryption.contents`).
    /// - Returns: `nil` for payloads that are not chat messages: a sender key distribution alone, or a
    ///   protocol message other than a revoke or an edit (history sync, app-state keys, ...), which the
    ///   link handles itself. Content the gateway does not model becomes `.unsupported`, never dropped.
    ///
    /// ```swift
    /// let messages = decryption.contents.compactMap { InboundMessage(stanza: decryption.stanza, payload: $0) }
    /// ```
    public init?(stanza: IncomingMessageStanza, payload: DecryptedPayload) {
        guard payload.hasContent else { return nil }
        let message = payload.message.content
        guard let content = MessageContent(whatsAppWeb: message) else { return nil }
        let chat = (payload.message.isDeviceSent ? payload.message.destination : nil) ?? stanza.chat
        let sender = MessageSender(
            jid: stanza.sender.withoutDevice.description,
            phone: stanza.senderPN.map { "+" + $0.user },
            lid: stanza.senderLID?.withoutDevice.description,
            pushName: stanza.pushName)
        self.init(
            id: stanza.id, chat: chat.withoutDevice.description, sender: sender,
            timestamp: Date(timeIntervalSince1970: TimeInterval(stanza.timestamp ?? 0)), fromMe: stanza.isFromMe, content: content,
            context: MessageContext(whatsAppWeb: message))
    }
}

extension MessageContent {
    /// The content of an unwrapped `Message`; `nil` for protocol messages that are not revokes or edits
    /// and for a message with nothing but a sender key distribution.
    init?(whatsAppWeb message: WAE2E_Message) {
        if message.hasConversation {
            self = .text(message.conversation)
        } else if message.hasExtendedTextMessage {
            self = .text(message.extendedTextMessage.text)
        } else if message.hasReactionMessage {
            let reaction = message.reactionMessage
            self = .reaction(messageID: reaction.key.id, emoji: reaction.text.isEmpty ? nil : reaction.text)
        } else if message.hasImageMessage {
            let image = message.imageMessage
            self = .media(
                Self.media(
                    .image, directPath: image.directPath, url: image.url, mimeType: image.mimetype, sha256: image.fileSha256,
                    caption: image.hasCaption ? image.caption : nil, length: image.hasFileLength ? image.fileLength : nil))
        } else if message.hasVideoMessage {
            let video = message.videoMessage
            self = .media(
                Self.media(
                    .video, directPath: video.directPath, url: video.url, mimeType: video.mimetype, sha256: video.fileSha256,
                    caption: video.hasCaption ? video.caption : nil, length: video.hasFileLength ? video.fileLength : nil,
                    animated: video.gifPlayback))
        } else if message.hasAudioMessage {
            let audio = message.audioMessage
            self = .media(
                Self.media(
                    audio.ptt ? .voice : .audio, directPath: audio.directPath, url: audio.url, mimeType: audio.mimetype,
                    sha256: audio.fileSha256, length: audio.hasFileLength ? audio.fileLength : nil))
        } else if message.hasDocumentMessage {
            let document = message.documentMessage
            self = .media(
                Self.media(
                    .document, directPath: document.directPath, url: document.url, mimeType: document.mimetype, sha256: document.fileSha256,
                    caption: document.hasCaption ? document.caption : nil, fileName: document.hasFileName ? document.fileName : nil,
                    length: document.hasFileLength ? document.fileLength : nil))
        } else if message.hasStickerMessage {
            let sticker = message.stickerMessage
            self = .media(
                Self.media(
                    .sticker, directPath: sticker.directPath, url: sticker.url, mimeType: sticker.mimetype, sha256: sticker.fileSha256,
                    length: sticker.hasFileLength ? sticker.fileLength : nil, animated: sticker.isAnimated))
        } else if message.hasLocationMessage {
            let location = message.locationMessage
            self = .location(
                LocationContent(
                    latitude: location.degreesLatitude, longitude: location.degreesLongitude, name: location.hasName ? location.name : nil,
                    address: location.hasAddress ? location.address : nil, url: location.hasURL ? location.url : nil))
        } else if message.hasContactMessage {
            self = .contacts([ContactCard(whatsAppWeb: message.contactMessage)])
        } else if message.hasProtocolMessage {
            let protocolMessage = message.protocolMessage
            switch protocolMessage.type {
            case .revoke where protocolMessage.hasKey:
                self = .revoke(messageID: protocolMessage.key.id)
            case .messageEdit where protocolMessage.hasKey:
                let edited = protocolMessage.editedMessage
                let text = edited.hasConversation ? edited.conversation : edited.hasExtendedTextMessage ? edited.extendedTextMessage.text : nil
                self = .edit(messageID: protocolMessage.key.id, text: text)
            default:
                return nil
            }
        } else {
            var rest = message
            rest.clearSenderKeyDistributionMessage()
            rest.clearMessageContextInfo()
            guard rest != WAE2E_Message() else { return nil }
            // Content wagate's protobuf definitions do not name (polls, buttons, newer types) arrives as
            // unknown fields: say which field numbers, so the kind can be found.
            self = .unsupported(description: "WhatsApp message with fields \(Self.fieldNumbers(of: rest))")
        }
    }

    private static func media(
        _ kind: MediaAttachment.Kind, directPath: String, url: String, mimeType: String, sha256: Data, caption: String? = nil,
        fileName: String? = nil, length: UInt64? = nil, animated: Bool = false
    ) -> MediaAttachment {
        MediaAttachment(
            kind: kind, location: directPath.isEmpty ? (url.isEmpty ? nil : url) : directPath, mimeType: mimeType.isEmpty ? nil : mimeType,
            sha256: sha256.isEmpty ? nil : sha256.base64EncodedString(), caption: caption, fileName: fileName,
            fileLength: length.flatMap { Int64(exactly: $0) }, animated: animated)
    }

    /// The field numbers present in serialised protobuf bytes (top level), for `.unsupported` descriptions.
    private static func fieldNumbers(of message: WAE2E_Message) -> [Int] {
        guard let bytes: [UInt8] = try? message.serializedBytes() else { return [] }
        var numbers: [Int] = []
        var index = 0
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        while index < bytes.count, let key = varint() {
            numbers.append(Int(key >> 3))
            switch key & 7 {
            case 0: guard varint() != nil else { return numbers }
            case 1: index += 8
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return numbers }
                index += Int(length)
            case 5: index += 4
            default: return numbers
            }
        }
        return numbers
    }
}

extension MessageContext {
    /// Reply, mentions and forwarding from the content's `contextInfo`; `nil` when there is none.
    init?(whatsAppWeb message: WAE2E_Message) {
        let info: WAE2E_ContextInfo
        if message.hasExtendedTextMessage && message.extendedTextMessage.hasContextInfo {
            info = message.extendedTextMessage.contextInfo
        } else if message.hasImageMessage && message.imageMessage.hasContextInfo {
            info = message.imageMessage.contextInfo
        } else if message.hasVideoMessage && message.videoMessage.hasContextInfo {
            info = message.videoMessage.contextInfo
        } else if message.hasAudioMessage && message.audioMessage.hasContextInfo {
            info = message.audioMessage.contextInfo
        } else if message.hasDocumentMessage && message.documentMessage.hasContextInfo {
            info = message.documentMessage.contextInfo
        } else if message.hasStickerMessage && message.stickerMessage.hasContextInfo {
            info = message.stickerMessage.contextInfo
        } else if message.hasLocationMessage && message.locationMessage.hasContextInfo {
            info = message.locationMessage.contextInfo
        } else if message.hasContactMessage && message.contactMessage.hasContextInfo {
            info = message.contactMessage.contextInfo
        } else {
            return nil
        }
        let quoted = info.hasStanzaID && !info.stanzaID.isEmpty
        guard quoted || !info.mentionedJid.isEmpty || info.isForwarded else { return nil }
        self.init(
            quotedMessageID: quoted ? info.stanzaID : nil, quotedSender: quoted && info.hasParticipant ? info.participant : nil,
            mentions: info.mentionedJid, forwarded: info.isForwarded)
    }
}

extension ContactCard {
    /// A card from a `contactMessage`: the display name, the vCard's `TEL` numbers and their `waid`s.
    init(whatsAppWeb contact: WAE2E_ContactMessage) {
        var phones: [String] = []
        var ids: [String] = []
        for line in contact.vcard.split(whereSeparator: \.isNewline) {
            let upper = line.uppercased()
            guard upper.hasPrefix("TEL") || upper.hasPrefix("ITEM1.TEL") || upper.contains(".TEL"),
                let colon = line.lastIndex(of: ":")
            else { continue }
            phones.append(String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces))
            if let range = line.range(of: "waid=", options: .caseInsensitive) {
                let id = line[range.upperBound...].prefix { $0.isNumber }
                if !id.isEmpty { ids.append(String(id)) }
            }
        }
        self.init(
            name: contact.displayName, phones: phones, whatsappIDs: ids, raw: contact.hasVcard ? .string(contact.vcard) : nil)
    }
}
