import Foundation
import WAGateCore

/// Control methods of the message path: send, history and send limits (`messages.*`, `accounts.limits`).
public struct MessagingMethods: Sendable {
    private let registry: Registry
    private let ownership: (any AccountOwnership)?

    /// Creates the methods over a registry; `ownership` refuses calls about accounts other processes run.
    public init(registry: Registry, ownership: (any AccountOwnership)? = nil) {
        self.registry = registry
        self.ownership = ownership
    }

    /// Registers every method in `methods`.
    public func register(in methods: inout ControlMethods) {
        let registry = self.registry
        let ownership = self.ownership

        methods.register(
            "messages.send",
            description: "Send text as the agent: {account, to: \"+15551234567\" or a JID, text}; prefix and chunking apply; returns the queued ids.",
            mutating: true
        ) { _, params in
            try params.rejectUnknownParams(allowed: ["account", "to", "text"])
            let account = try GatewayMethods.account(params, registry)
            try await GatewayMethods.ensureLocal(account, ownership)
            let messaging = try Self.messaging(of: account)
            let chat = try Self.chat(params.requireString("to"), field: "to")
            let text = try params.requireString("text")
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ControlError(
                    code: ControlError.Code.invalidParams, message: "text is empty", kind: "gw.InvalidParams", data: ["field": "text"])
            }
            do {
                let ids = try await messaging.send(text: text, to: chat)
                return ["account": .string(account.id.description), "chat": .string(chat), "ids": .array(ids.map(JSONValue.string))]
            } catch let error as ControlError {
                throw error
            } catch {
                throw ControlError.internalError("could not queue the message: \(error)")
            }
        }

        methods.register(
            "messages.history",
            description: "Stored messages, oldest first: {account, chat?, limit? (default 20, at most 500), before? (ISO 8601)}."
        ) { _, params in
            try params.rejectUnknownParams(allowed: ["account", "chat", "limit", "before"])
            let account = try GatewayMethods.account(params, registry)
            try await GatewayMethods.ensureLocal(account, ownership)
            let messaging = try Self.messaging(of: account)
            let chat = try params.optionalString("chat").map { try Self.chat($0, field: "chat") }
            let limit = Int(try params.optionalInt("limit") ?? 20)
            guard (1...500).contains(limit) else {
                throw ControlError(
                    code: ControlError.Code.invalidParams, message: "limit must be between 1 and 500", kind: "gw.InvalidParams",
                    data: ["field": "limit", "value": .int(Int64(limit))])
            }
            var before: Date?
            if let text = try params.optionalString("before") {
                guard let date = Self.parseDate(text) else {
                    throw ControlError(
                        code: ControlError.Code.invalidParams, message: "before must be an ISO 8601 time such as 2026-11-25T06:00:00Z",
                        kind: "gw.InvalidParams", data: ["field": "before", "value": .string(text)])
                }
                before = date
            }
            let entries: [HistoryEntry]
            do {
                entries = try await messaging.history(chat: chat, limit: limit, before: before)
            } catch {
                throw ControlError.internalError("could not read the history: \(error)")
            }
            return ["account": .string(account.id.description), "messages": .array(entries.map(Self.json))]
        }

        methods.register(
            "messages.media",
            description: "Download the file of a received media message: {account, id}; at most the account's mediaMaxMb (and 48 MiB); returns MIME type, size and base64 data."
        ) { _, params in
            try params.rejectUnknownParams(allowed: ["account", "id"])
            let account = try GatewayMethods.account(params, registry)
            try await GatewayMethods.ensureLocal(account, ownership)
            let messaging = try Self.messaging(of: account)
            let id = try params.requireString("id")
            let entry: HistoryEntry?
            do { entry = try await messaging.message(id: id) } catch {
                throw ControlError.internalError("could not read the history: \(error)")
            }
            guard let entry else {
                throw ControlError(
                    code: 108, message: "no stored message \(id) in \(account.id)", kind: "gw.MessageNotFound",
                    data: ["account": .string(account.id.description), "id": .string(id)])
            }
            guard case .media(let media)? = entry.inbound?.content else {
                throw ControlError(
                    code: 109, message: "message \(id) is a \(entry.type) message, not media", kind: "gw.NotMedia",
                    data: ["account": .string(account.id.description), "id": .string(id)])
            }
            do {
                // Base64 grows by a third: 48 MiB keeps the answer under the client's 64 MiB line.
                let (bytes, mimeType) = try await account.downloadMedia(media, ceiling: 48 << 20)
                return [
                    "account": .string(account.id.description), "id": .string(id), "kind": .string(media.kind.rawValue),
                    "mime_type": mimeType.map(JSONValue.string) ?? .null, "size": .int(Int64(bytes.count)),
                    "file_name": media.fileName.map(JSONValue.string) ?? .null,
                    "data_base64": .string(Data(bytes).base64EncodedString()),
                ]
            } catch let error as AccountLinkError {
                throw ControlError(
                    code: 110, message: error.description, kind: "gw.MediaUnavailable", data: ["account": .string(account.id.description)])
            } catch {
                throw ControlError(
                    code: 110, message: "the download failed: \(error)", kind: "gw.MediaUnavailable",
                    data: ["account": .string(account.id.description)])
            }
        }

        methods.register("accounts.limits", description: "An account's send limits, tokens and queue: {account}.") { _, params in
            try params.rejectUnknownParams(allowed: ["account"])
            let account = try GatewayMethods.account(params, registry)
            try await GatewayMethods.ensureLocal(account, ownership)
            return ["limits": await (try Self.messaging(of: account)).limitsSnapshot()]
        }

        methods.register(
            "accounts.setLimits",
            description: "Change an account's send limits until restart: {account, messagesPerMinute?, burst?, perChatIntervalMs?}.",
            mutating: true
        ) { _, params in
            try params.rejectUnknownParams(allowed: ["account", "messagesPerMinute", "burst", "perChatIntervalMs"])
            let account = try GatewayMethods.account(params, registry)
            try await GatewayMethods.ensureLocal(account, ownership)
            let messaging = try Self.messaging(of: account)
            guard case .object(let current) = await messaging.limitsSnapshot() else { throw ControlError.internalError("no limits") }
            func value(_ key: String, minimum: Int64) throws(ControlError) -> Int {
                guard let given = try params.optionalInt(key) else { return Int(current[key]?.intValue ?? minimum) }
                guard given >= minimum, given <= 1_000_000 else {
                    throw ControlError(
                        code: ControlError.Code.invalidParams, message: "\(key) must be between \(minimum) and 1000000",
                        kind: "gw.InvalidParams", data: ["field": .string(key), "value": .int(given)])
                }
                return Int(given)
            }
            let limits = WhatsAppSettings.RateLimit(
                messagesPerMinute: try value("messagesPerMinute", minimum: 1), burst: try value("burst", minimum: 1),
                perChatIntervalMs: try value("perChatIntervalMs", minimum: 0))
            await messaging.updateLimits(limits)
            return ["limits": await messaging.limitsSnapshot()]
        }
    }

    static func messaging(of account: Account) throws(ControlError) -> any AccountMessaging {
        guard let messaging = account.messaging else {
            throw ControlError(
                code: 105, message: "\(account.id) has no message store in this process", kind: "gw.NoMessaging",
                data: ["account": .string(account.id.description)])
        }
        return messaging
    }

    static func chat(_ address: String, field: String) throws(ControlError) -> String {
        guard let jid = PhoneNumbers.chatJID(from: address) else {
            throw ControlError(
                code: ControlError.Code.invalidParams,
                message: "\(field) must be a phone number in international format like +15551234567, or a WhatsApp JID",
                kind: "gw.InvalidParams", data: ["field": .string(field), "value": .string(address)])
        }
        return jid
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    static func json(_ entry: HistoryEntry) -> JSONValue {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var object: [String: JSONValue] = [
            "chat": .string(entry.chat),
            "id": .string(entry.id),
            "from_me": .bool(entry.fromMe),
            "time": .string(formatter.string(from: entry.timestamp)),
            "type": .string(entry.type),
        ]
        if let sender = entry.sender { object["sender"] = .string(sender) }
        if let status = entry.status { object["status"] = .string(status) }
        if let text = entry.text { object["text"] = .string(text) }
        if let error = entry.error { object["error"] = .string(error) }
        if let name = entry.inbound?.sender.pushName { object["push_name"] = .string(name) }
        if let phone = entry.inbound?.sender.phone { object["sender_phone"] = .string(phone) }
        return .object(object)
    }
}
