import Foundation
import WAGateCore

// Inbound messages (`value.messages[]`) and the business's own echoed messages
// (`value.message_echoes[]`), mapped into the gateway's `InboundMessage`.

extension WebhookPayloadParser {
    /// Maps one `messages[]` item: the user's message to the business number.
    static func inboundMessage(
        _ message: JSONValue, contacts: ContactDirectory, number: NumberContext
    ) -> Result<InboundMessage, SkippedItem> {
        guard message.objectValue != nil else { return .failure(SkippedItem("not an object")) }
        guard let id = message.nonEmptyText("id") else { return .failure(SkippedItem("a message without an id")) }
        let from = message.nonEmptyText("from")
        let contact = contacts.find(waID: from, userID: message.nonEmptyText("from_user_id"))
        let businessScopedID = message.nonEmptyText("from_user_id") ?? contact?.userID
        let senderJID: String
        if let from {
            senderJID = CloudAddress.userJID(waID: from)
        } else if let businessScopedID {
            // A user with a username may come without a phone number (BSUID only).
            senderJID = CloudAddress.businessScopedJID(businessScopedID)
        } else {
            return .failure(SkippedItem("message \(id) has neither from nor from_user_id"))
        }
        let sender = MessageSender(
            jid: senderJID, phone: from.map(CloudAddress.phoneNumber(waID:)), businessScopedID: businessScopedID,
            pushName: contact?.name)
        let chat = message.nonEmptyText("group_id").map(CloudAddress.groupJID(groupID:)) ?? senderJID
        return .success(
            InboundMessage(
                id: id, chat: chat, sender: sender, timestamp: number.date(message), fromMe: false,
                content: content(of: message), context: context(of: message),
                errors: message.elements("errors").compactMap(failure)))
    }

    /// Maps one `message_echoes[]` item: a message the business sent from the WhatsApp Business app
    /// (coexistence), kept as the account's own (`fromMe`).
    static func echoedMessage(_ echo: JSONValue, number: NumberContext) -> Result<InboundMessage, SkippedItem> {
        guard echo.objectValue != nil else { return .failure(SkippedItem("not an object")) }
        guard let id = echo.nonEmptyText("id") else { return .failure(SkippedItem("an echo without an id")) }
        let from = echo.nonEmptyText("from")
        let to = echo.nonEmptyText("to")
        // The user is whichever side is not the business number. Echoes of deletions and edits have
        // been seen with `from` and `to` the other way round, so decide by the number, not the key.
        let user: String?
        if let to, let from, to == number.displayPhoneNumber {
            user = from
        } else {
            user = to
        }
        let chat: String
        if let user {
            chat = CloudAddress.userJID(waID: user)
        } else if let userID = echo.nonEmptyText("to_user_id") {
            chat = CloudAddress.businessScopedJID(userID)
        } else {
            return .failure(SkippedItem("echo \(id) has no recipient"))
        }
        let business = number.displayPhoneNumber ?? (user == from ? to : from)
        let sender = MessageSender(
            jid: business.map(CloudAddress.userJID(waID:)) ?? chat, phone: business.map(CloudAddress.phoneNumber(waID:)))
        return .success(
            InboundMessage(
                id: id, chat: chat, sender: sender, timestamp: number.date(echo), fromMe: true,
                content: content(of: echo), context: context(of: echo),
                errors: echo.elements("errors").compactMap(failure)))
    }

    // MARK: - Content

    /// The content of a message object, by its `type`; anything not understood is `.unsupported`.
    static func content(of message: JSONValue) -> MessageContent {
        let type = message.text("type") ?? ""
        switch type {
        case "text":
            guard let body = message.object("text")?.text("body") else {
                return .unsupported(description: "text without a body")
            }
            return .text(body)
        case "image", "video", "document", "sticker", "audio", "voice":
            guard let media = message.object(type) else { return .unsupported(description: "\(type) without media") }
            return .media(attachment(media, type: type))
        case "location":
            guard let location = message.object("location"), let latitude = location.number("latitude"),
                let longitude = location.number("longitude")
            else { return .unsupported(description: "location without coordinates") }
            return .location(
                LocationContent(
                    latitude: latitude, longitude: longitude, name: location.nonEmptyText("name"),
                    address: location.nonEmptyText("address"), url: location.nonEmptyText("url")))
        case "contacts":
            let cards = message.elements("contacts").compactMap(contactCard)
            guard !cards.isEmpty else { return .unsupported(description: "contacts without a card") }
            return .contacts(cards)
        case "interactive":
            return interactive(message.object("interactive"))
        case "button":
            guard let button = message.object("button") else { return .unsupported(description: "button without content") }
            let text = button.text("text") ?? ""
            return .templateButton(payload: button.text("payload") ?? text, text: text)
        case "reaction":
            guard let reaction = message.object("reaction"), let target = reaction.nonEmptyText("message_id") else {
                return .unsupported(description: "reaction without a message id")
            }
            // A removed reaction comes as `"emoji": ""` or with no emoji at all.
            return .reaction(messageID: target, emoji: reaction.nonEmptyText("emoji"))
        case "order":
            guard let order = message.object("order") else { return .unsupported(description: "order without content") }
            return .order(orderContent(order))
        case "system":
            guard let system = message.object("system") else { return .unsupported(description: "system without content") }
            return .system(
                kind: system.text("type") ?? "", body: system.text("body") ?? "", newID: system.nonEmptyText("wa_id"))
        case "revoke":
            guard let target = message.object("revoke")?.nonEmptyText("original_message_id") else {
                return .unsupported(description: "revoke without a message id")
            }
            return .revoke(messageID: target)
        case "edit":
            guard let edit = message.object("edit"), let target = edit.nonEmptyText("original_message_id") else {
                return .unsupported(description: "edit without a message id")
            }
            let replacement = edit.object("message").map(content(of:))
            return .edit(messageID: target, text: replacement?.text)
        case "unsupported":
            // `unsupported.type` names what the user sent (a poll, a view-once message, ...), when given.
            if let what = message.object("unsupported")?.nonEmptyText("type") {
                return .unsupported(description: "unsupported: \(what)")
            }
            return .unsupported(description: "unsupported")
        case "":
            return .unsupported(description: "message without a type")
        default:
            return .unsupported(description: type)
        }
    }

    private static func attachment(_ media: JSONValue, type: String) -> MediaAttachment {
        let kind: MediaAttachment.Kind
        switch type {
        case "image": kind = .image
        case "video": kind = .video
        case "document": kind = .document
        case "sticker": kind = .sticker
        case "voice": kind = .voice
        default: kind = media.flag("voice") == true ? .voice : .audio
        }
        return MediaAttachment(
            kind: kind, mediaID: media.nonEmptyText("id"), location: media.nonEmptyText("url"),
            mimeType: media.nonEmptyText("mime_type"), sha256: media.nonEmptyText("sha256"),
            caption: media.nonEmptyText("caption"), fileName: media.nonEmptyText("filename"),
            fileLength: media.integer("file_size").map(Int64.init), animated: media.flag("animated") ?? false)
    }

    private static func contactCard(_ card: JSONValue) -> ContactCard? {
        guard card.objectValue != nil else { return nil }
        let name = card.object("name")
        let formatted =
            name?.nonEmptyText("formatted_name")
            ?? [name?.nonEmptyText("first_name"), name?.nonEmptyText("last_name")].compactMap { $0 }
            .joined(separator: " ")
        let phones = card.elements("phones")
        return ContactCard(
            name: formatted, phones: phones.compactMap { $0.nonEmptyText("phone") },
            whatsappIDs: phones.compactMap { $0.nonEmptyText("wa_id") }, raw: card)
    }

    private static func interactive(_ interactive: JSONValue?) -> MessageContent {
        guard let interactive else { return .unsupported(description: "interactive") }
        let type = interactive.text("type") ?? ""
        switch type {
        case "button_reply":
            guard let reply = interactive.object("button_reply"), let id = reply.text("id") else { break }
            return .buttonReply(id: id, title: reply.text("title") ?? "")
        case "list_reply":
            guard let reply = interactive.object("list_reply"), let id = reply.text("id") else { break }
            return .listReply(id: id, title: reply.text("title") ?? "", description: reply.nonEmptyText("description"))
        default:
            break
        }
        return .unsupported(description: type.isEmpty ? "interactive" : "interactive \(type)")
    }

    private static func orderContent(_ order: JSONValue) -> OrderContent {
        let items = order.elements("product_items").compactMap { item -> OrderContent.Item? in
            guard let productID = item.nonEmptyText("product_retailer_id") else { return nil }
            return OrderContent.Item(
                productID: productID, quantity: item.integer("quantity") ?? 0, itemPrice: item.text("item_price"),
                currency: item.nonEmptyText("currency"))
        }
        return OrderContent(catalogID: order.nonEmptyText("catalog_id"), text: order.nonEmptyText("text"), items: items)
    }

    // MARK: - Context

    /// Reply, forwarding, product inquiry and ad referral; `nil` when the message has none of them.
    static func context(of message: JSONValue) -> MessageContext? {
        let context = message.object("context")
        let referral = message.object("referral")
        let mentions = context?.elements("mentions").compactMap(\.textValue).filter { !$0.isEmpty } ?? []
        let result = MessageContext(
            quotedMessageID: context?.nonEmptyText("id"), quotedSender: context?.nonEmptyText("from"),
            mentions: mentions.map(CloudAddress.userJID(waID:)),
            forwarded: context?.flag("forwarded") ?? false,
            forwardedManyTimes: context?.flag("frequently_forwarded") ?? false, referral: referral,
            referredProduct: context?.object("referred_product"))
        return result == MessageContext() ? nil : result
    }
}
