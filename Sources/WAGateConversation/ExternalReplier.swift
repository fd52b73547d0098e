import Foundation
import WAGateCore

/// The `external` model provider: the gateway does not answer by itself; it publishes each batch to
/// answer as a `message.received` event on the control socket, and the operator's program (any agent
/// framework) replies with `messages.send`.
public struct ExternalReplier: AgentReplier {
    private let events: EventBus

    /// Creates the provider publishing on `events`.
    public init(events: EventBus) { self.events = events }

    public func reply(to request: ReplyRequest) async throws -> String? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let messages: [JSONValue] = request.messages.map { message in
            var object: [String: JSONValue] = [
                "id": .string(message.id),
                "sender": .string(message.sender.jid),
                "type": .string(message.content.kind),
                "time": .string(formatter.string(from: message.timestamp)),
            ]
            if let phone = message.sender.phone ?? PhoneNumbers.e164(fromJID: message.sender.jid) { object["sender_phone"] = .string(phone) }
            if let name = message.sender.pushName { object["push_name"] = .string(name) }
            if let text = message.content.text { object["text"] = .string(text) }
            if let quoted = message.context?.quotedMessageID { object["reply_to"] = .string(quoted) }
            return .object(object)
        }
        _ = events.publish(
            kind: "message.received", agent: request.account.agent, account: request.account.description,
            data: ["chat": .string(request.chat), "group": .bool(request.chat.hasSuffix("@g.us")), "messages": .array(messages)])
        return nil
    }
}
