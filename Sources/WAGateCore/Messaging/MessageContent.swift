/// What a message carries. One case per kind of message the gateway understands; anything else is
/// `.unsupported`, kept with a description so nothing is silently lost.
public enum MessageContent: Sendable, Hashable, Codable {
    /// Plain or extended text.
    case text(String)
    /// An image, audio or voice note, video, document or sticker; the bytes are fetched separately.
    case media(MediaAttachment)
    /// A shared location.
    case location(LocationContent)
    /// Shared contact cards.
    case contacts([ContactCard])
    /// A reaction to `messageID`; `emoji` is `nil` when the reaction was removed.
    case reaction(messageID: String, emoji: String?)
    /// A tap on a reply button the account sent.
    case buttonReply(id: String, title: String)
    /// A choice from a list the account sent.
    case listReply(id: String, title: String, description: String?)
    /// A tap on a quick-reply button of a template the account sent.
    case templateButton(payload: String, text: String)
    /// An order from the account's catalog.
    case order(OrderContent)
    /// A notice from WhatsApp (number changed, identity changed, ...): its kind, the text, and the new
    /// `wa_id` when the user changed number.
    case system(kind: String, body: String, newID: String?)
    /// The sender deleted `messageID` for everyone.
    case revoke(messageID: String)
    /// The sender edited `messageID`; `text` is the new text when the edit has one.
    case edit(messageID: String, text: String?)
    /// A message of a kind the gateway does not handle; `description` says which.
    case unsupported(description: String)

    /// The kind in one word, stored in the history's `type` column and used by policies (`text`, `image`,
    /// `voice`, `reaction`, ...).
    public var kind: String {
        switch self {
        case .text: "text"
        case .media(let media): media.kind.rawValue
        case .location: "location"
        case .contacts: "contacts"
        case .reaction: "reaction"
        case .buttonReply: "button"
        case .listReply: "list"
        case .templateButton: "template_button"
        case .order: "order"
        case .system: "system"
        case .revoke: "revoke"
        case .edit: "edit"
        case .unsupported: "unsupported"
        }
    }

    /// The text an agent reads: the body, a caption, the chosen button's title, ...; `nil` when the
    /// message has nothing to read (a sticker, a reaction, a revoke).
    public var text: String? {
        switch self {
        case .text(let text): text
        case .media(let media): media.caption
        case .location(let location): [location.name, location.address].compactMap { $0 }.joined(separator: ", ").nilIfEmpty
        case .contacts(let cards): cards.map(\.name).joined(separator: ", ").nilIfEmpty
        case .buttonReply(_, let title): title
        case .listReply(_, let title, _): title
        case .templateButton(_, let text): text
        case .order(let order): order.text
        case .edit(_, let text): text
        case .reaction, .system, .revoke, .unsupported: nil
        }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
