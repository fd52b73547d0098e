import WABinary
import WAProto

/// A decrypted `Message` with its wrappers taken off (reference §5.3 "After decrypting"): the copy our
/// other device sent (`deviceSentMessage`, whose chat is `destinationJid`) and the future-proof wrappers
/// (ephemeral, view-once, document-with-caption, edited) around the real content.
///
/// ```swift
/// let unwrapped = UnwrappedMessage(message)
/// if unwrapped.content.hasConversation { print(unwrapped.content.conversation) }
/// ```
public struct UnwrappedMessage: Sendable {
    /// A wrapper that was around the content.
    public enum Wrapper: String, Sendable, Hashable {
        /// `deviceSentMessage`: our own message, sent from another of our devices.
        case deviceSent
        /// `ephemeralMessage`: sent in a chat with disappearing messages.
        case ephemeral
        /// `viewOnceMessage`.
        case viewOnce
        /// `viewOnceMessageV2`.
        case viewOnceV2
        /// `viewOnceMessageV2Extension`.
        case viewOnceV2Extension
        /// `documentWithCaptionMessage`.
        case documentWithCaption
        /// `editedMessage` (holds a `protocolMessage` of type MESSAGE_EDIT).
        case edited
    }

    /// The most wrappers taken off; deeper nesting is left as it is (no sender nests this deep).
    public static let maximumDepth = 8

    /// The message as decrypted.
    public var original: WAE2E_Message
    /// The innermost content.
    public var content: WAE2E_Message
    /// The wrappers that were around it, outermost first.
    public var wrappers: [Wrapper]
    /// `deviceSentMessage.destinationJid`: the chat of our own message sent from another device.
    public var destination: JID?

    /// Unwraps `message`.
    public init(_ message: WAE2E_Message) {
        original = message
        var content = message
        var wrappers: [Wrapper] = []
        var destination: JID?
        for _ in 0..<Self.maximumDepth {
            let next: (Wrapper, WAE2E_Message)?
            if content.hasDeviceSentMessage {
                destination = JID(content.deviceSentMessage.destinationJid)
                next = (.deviceSent, content.deviceSentMessage.message)
            } else if content.hasEphemeralMessage {
                next = (.ephemeral, content.ephemeralMessage.message)
            } else if content.hasViewOnceMessage {
                next = (.viewOnce, content.viewOnceMessage.message)
            } else if content.hasViewOnceMessageV2 {
                next = (.viewOnceV2, content.viewOnceMessageV2.message)
            } else if content.hasViewOnceMessageV2Extension {
                next = (.viewOnceV2Extension, content.viewOnceMessageV2Extension.message)
            } else if content.hasDocumentWithCaptionMessage {
                next = (.documentWithCaption, content.documentWithCaptionMessage.message)
            } else if content.hasEditedMessage {
                next = (.edited, content.editedMessage.message)
            } else {
                next = nil
            }
            guard let (wrapper, inner) = next else { break }
            wrappers.append(wrapper)
            content = inner
        }
        self.content = content
        self.wrappers = wrappers
        self.destination = destination
    }

    /// True for our own message from another device.
    public var isDeviceSent: Bool { wrappers.contains(.deviceSent) }
    /// True for a view-once message (any version).
    public var isViewOnce: Bool { wrappers.contains { [.viewOnce, .viewOnceV2, .viewOnceV2Extension].contains($0) } }
}
