import ArgumentParser
import Foundation
import WAGateControl
import WAGateCore

/// `wagate send AGENT/ACCOUNT TO TEXT`: sends text as the agent (through the outbox and its limits).
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send a message as the agent: wagate send AGENT/ACCOUNT +15551234567 \"hello\".",
        discussion: "The account's messagePrefix, textChunkLimit and send limits apply; the message is queued and sent when the account is connected.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "AGENT/ACCOUNT; AGENT is the character's name or its slug") var account: String
    @Argument(help: "The recipient: a phone number in international form, or a WhatsApp JID (…@s.whatsapp.net, …@g.us)") var to: String
    @Argument(help: "The text to send") var text: String

    func run() async throws {
        try await callGateway(
            client, method: "messages.send", params: ["account": .string(account), "to": .string(to), "text": .string(text)]
        ) { result in
            let ids = result["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
            return "queued \(ids.count) message\(ids.count == 1 ? "" : "s") to \(result["chat"]?.stringValue ?? to): \(ids.joined(separator: ", "))"
        }
    }
}

/// `wagate history AGENT/ACCOUNT [CHAT] [--limit N]`: stored messages, oldest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Show an account's stored messages, oldest first (one chat, or every chat).")
    @OptionGroup var client: ClientOptions
    @Argument(help: "AGENT/ACCOUNT; AGENT is the character's name or its slug") var account: String
    @Argument(help: "The chat: a phone number in international form or a JID; every chat when left out") var chat: String?
    @Option(help: "How many of the latest messages to show (1–500).") var limit: Int = 20

    func run() async throws {
        var params: [String: JSONValue] = ["account": .string(account), "limit": .int(Int64(limit))]
        if let chat { params["chat"] = .string(chat) }
        try await callGateway(client, method: "messages.history", params: .object(params)) { result in
            let messages = result["messages"]?.arrayValue ?? []
            guard !messages.isEmpty else { return "no messages" }
            var table = Table("TIME", "CHAT", "FROM", "TYPE", "STATUS", "TEXT")
            for m in messages {
                let from = m["from_me"]?.boolValue == true ? "me" : (m["push_name"]?.stringValue ?? m["sender_phone"]?.stringValue ?? m["sender"]?.stringValue ?? "")
                let text = (m["text"]?.stringValue ?? "").replacingOccurrences(of: "\n", with: " ⏎ ")
                let status = [m["status"]?.stringValue, m["error"]?.stringValue.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
                table.add(
                    m["time"]?.stringValue ?? "", m["chat"]?.stringValue ?? "", from, m["type"]?.stringValue ?? "", status,
                    text.count > 80 ? String(text.prefix(79)) + "…" : text)
            }
            return table.render()
        }
    }
}

/// `wagate limits AGENT/ACCOUNT [--messages-per-minute N] [--burst N] [--per-chat-interval-ms N]`.
struct LimitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limits", abstract: "Show an account's send limits and queue, or change the limits until the gateway restarts.")
    @OptionGroup var client: ClientOptions
    @Argument(help: "AGENT/ACCOUNT; AGENT is the character's name or its slug") var account: String
    @Option(help: "Sustained sends per minute for the account.") var messagesPerMinute: Int?
    @Option(help: "Sends allowed at once above the sustained rate.") var burst: Int?
    @Option(help: "Minimum gap between two sends to the same chat, in milliseconds.") var perChatIntervalMs: Int?

    func run() async throws {
        var params: [String: JSONValue] = ["account": .string(account)]
        if let messagesPerMinute { params["messagesPerMinute"] = .int(Int64(messagesPerMinute)) }
        if let burst { params["burst"] = .int(Int64(burst)) }
        if let perChatIntervalMs { params["perChatIntervalMs"] = .int(Int64(perChatIntervalMs)) }
        let method = params.count > 1 ? "accounts.setLimits" : "accounts.limits"
        try await callGateway(client, method: method, params: .object(params)) { result in
            let l = result["limits"] ?? .null
            return """
                \(l["account"]?.stringValue ?? account): \(l["messagesPerMinute"]?.intValue ?? 0)/min, burst \(l["burst"]?.intValue ?? 0), \
                per chat every \(l["perChatIntervalMs"]?.intValue ?? 0) ms
                tokens now: \(l["tokens"]?.intValue ?? 0); queued: \(l["queued"]?.intValue ?? 0); chats waiting: \(l["chatsWaiting"]?.intValue ?? 0)\
                \(l["paused"]?.boolValue == true ? "; paused by WhatsApp" : "")
                """
        }
    }
}

/// `wagate media AGENT/ACCOUNT MESSAGE_ID --out FILE`: downloads a received media file.
struct MediaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media", abstract: "Download the file of a received media message (at most the account's mediaMaxMb).")
    @OptionGroup var client: ClientOptions
    @Argument(help: "AGENT/ACCOUNT; AGENT is the character's name or its slug") var account: String
    @Argument(help: "The message id, as `wagate history` shows it") var id: String
    @Option(help: "Where to write the file (created 0600).") var out: String

    func run() async throws {
        let result = try await ControlClient.withConnection(socketPath: client.socket) {
            try await $0.call("messages.media", params: ["account": .string(account), "id": .string(id)])
        }
        guard let encoded = result["data_base64"]?.stringValue, let data = Data(base64Encoded: encoded) else {
            throw ValidationError("the gateway sent no file")
        }
        let url = URL(fileURLWithPath: out)
        try data.write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)
        print(
            client.json
                ? result.jsonString(pretty: true)
                : "wrote \(data.count) bytes (\(result["mime_type"]?.stringValue ?? "unknown type")) to \(out)")
    }
}
