import Foundation
import WAGateCloud
import WAGateCore

/// One line of text per item of a parsed batch, with every field the mapping sets, so that a fixture's
/// expected result can be written out in full and compared exactly.
enum BatchRendering {
    static func lines(_ batch: CloudWebhookBatch) -> [String] {
        var lines: [String] = []
        for number in batch.phoneNumbers {
            let head = "\(number.phoneNumberID)"
            lines.append(
                "number \(head) display=\(number.displayPhoneNumber ?? "-") waba=\(number.businessAccountID ?? "-")")
            lines += number.messages.map { "\(head) " + message($0) }
            lines += number.statuses.map { "\(head) " + status($0) }
            lines += number.errors.map { "\(head) error " + failure($0) }
            lines += number.events.map { "\(head) event " + event($0) }
        }
        for account in batch.businessAccounts {
            lines += account.events.map { "waba \(account.businessAccountID) event " + event($0) }
        }
        return lines
    }

    static func message(_ m: InboundMessage) -> String {
        var parts = ["message \(m.id)", "chat=\(m.chat)", "sender=\(m.sender.jid)"]
        parts.append("phone=\(m.sender.phone ?? "-")")
        parts.append("bsuid=\(m.sender.businessScopedID ?? "-")")
        parts.append("name=\(m.sender.pushName.map { "\"\($0)\"" } ?? "-")")
        if m.sender.lid != nil { parts.append("lid=\(m.sender.lid!)") }
        parts.append("t=\(Int(m.timestamp.timeIntervalSince1970))")
        if m.fromMe { parts.append("fromMe") }
        parts.append(content(m.content))
        if let context = m.context { parts.append(self.context(context)) }
        if !m.errors.isEmpty { parts.append("errors=[" + m.errors.map(failure).joined(separator: "; ") + "]") }
        return parts.joined(separator: " ")
    }

    static func content(_ content: MessageContent) -> String {
        switch content {
        case .text(let text): return "text \(quoted(text))"
        case .media(let media):
            var parts = [media.kind.rawValue, "id=\(media.mediaID ?? "-")", "mime=\(media.mimeType ?? "-")"]
            parts.append("sha256=\(media.sha256 ?? "-")")
            if let caption = media.caption { parts.append("caption=\(quoted(caption))") }
            if let fileName = media.fileName { parts.append("file=\(quoted(fileName))") }
            if let location = media.location { parts.append("url=\(location)") }
            if let length = media.fileLength { parts.append("size=\(length)") }
            if media.animated { parts.append("animated") }
            return parts.joined(separator: " ")
        case .location(let l):
            var parts = ["location \(l.latitude),\(l.longitude)"]
            if let name = l.name { parts.append("name=\(quoted(name))") }
            if let address = l.address { parts.append("address=\(quoted(address))") }
            if let url = l.url { parts.append("url=\(url)") }
            return parts.joined(separator: " ")
        case .contacts(let cards):
            return "contacts ["
                + cards.map { card in
                    "\(quoted(card.name)) phones=\(card.phones.joined(separator: ",")) ids=\(card.whatsappIDs.joined(separator: ","))"
                        + (card.raw == nil ? " no-raw" : "")
                }.joined(separator: "; ") + "]"
        case .reaction(let messageID, let emoji): return "reaction \(messageID) \(emoji.map(quoted) ?? "removed")"
        case .buttonReply(let id, let title): return "button_reply \(id) \(quoted(title))"
        case .listReply(let id, let title, let description):
            return "list_reply \(id) \(quoted(title))" + (description.map { " " + quoted($0) } ?? "")
        case .templateButton(let payload, let text): return "template_button \(quoted(payload)) \(quoted(text))"
        case .order(let order):
            let items = order.items.map { "\($0.productID)x\($0.quantity)@\($0.itemPrice ?? "-")\($0.currency ?? "")" }
            return "order catalog=\(order.catalogID ?? "-") text=\(order.text.map(quoted) ?? "-") items=\(items.joined(separator: ","))"
        case .system(let kind, let body, let newID):
            return "system \(kind) \(quoted(body)) new=\(newID ?? "-")"
        case .revoke(let messageID): return "revoke \(messageID)"
        case .edit(let messageID, let text): return "edit \(messageID) \(text.map(quoted) ?? "-")"
        case .unsupported(let description): return "unsupported \(quoted(description))"
        }
    }

    static func context(_ c: MessageContext) -> String {
        var parts: [String] = []
        if let id = c.quotedMessageID { parts.append("reply-to=\(id)") }
        if let from = c.quotedSender { parts.append("quoted-from=\(from)") }
        if !c.mentions.isEmpty { parts.append("mentions=\(c.mentions.joined(separator: ","))") }
        if c.forwarded { parts.append("forwarded") }
        if c.forwardedManyTimes { parts.append("forwarded-many") }
        if let referral = c.referral {
            parts.append("referral=\(referral.text("source_type") ?? "-")/\(referral.text("source_id") ?? "-")/\(referral.text("ctwa_clid") ?? "-")")
        }
        if let product = c.referredProduct {
            parts.append("product=\(product.text("catalog_id") ?? "-")/\(product.text("product_retailer_id") ?? "-")")
        }
        return "ctx(" + parts.joined(separator: " ") + ")"
    }

    static func status(_ s: MessageStatusUpdate) -> String {
        var parts = ["status \(s.messageID) \(s.status.rawValue)", "chat=\(s.chat)", "t=\(Int(s.timestamp.timeIntervalSince1970))"]
        if let participant = s.participant { parts.append("participant=\(participant)") }
        if let bsuid = s.recipientBusinessScopedID { parts.append("bsuid=\(bsuid)") }
        if let callback = s.callbackData { parts.append("callback=\(quoted(callback))") }
        if !s.errors.isEmpty { parts.append("errors=[" + s.errors.map(failure).joined(separator: "; ") + "]") }
        return parts.joined(separator: " ")
    }

    static func failure(_ f: SendFailure) -> String {
        "\(f.code) \(quoted(f.title))" + (f.detail.map { " " + quoted($0) } ?? "")
    }

    static func event(_ e: CloudWebhookEvent) -> String {
        switch e {
        case .accountUpdate(let event, let detail):
            return "account_update \(event) keys=\(detail.objectValue?.keys.sorted().joined(separator: ",") ?? "-")"
        case .templateStatus(let id, let name, let language, let status, let reason):
            return "template \(id ?? "-") \(name ?? "-") \(language ?? "-") \(status) reason=\(reason ?? "-")"
        case .userPreference(let waID, let category, let value, let detail):
            return "user_preference \(waID ?? "-") \(category ?? "-") \(value ?? "-") \(detail.map(quoted) ?? "-")"
        case .group(let field, let type, let groupID, _):
            return "group \(field) \(type ?? "-") \(groupID ?? "-")"
        case .ignored(let field, let reason):
            return "ignored \(field) \(quoted(reason))"
        }
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}

extension JSONValue {
    /// A member as text (strings, and integers in decimal), for rendering.
    fileprivate func text(_ key: String) -> String? {
        switch self[key] {
        case .string(let s)?: s
        case .int(let i)?: String(i)
        default: nil
        }
    }
}
