import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Logging
import WAGateConversation
import WAGateCore

/// Characters, messages and requests for the tests.
enum Fixtures {
    static let dmChat = "15550001111@s.whatsapp.net"
    static let groupChat = "120363000000000001@g.us"
    static let anthropicKey = "sk-ant-api03-TESTKEY-0123456789abcdef"
    static let openAIKey = "sk-proj-TESTKEY-0123456789abcdef"

    static func agent(
        name: String = "Milady", system: String? = "You are Milady, a friendly assistant.", modelProvider: String? = "anthropic",
        settings: [String: JSONValue] = [:], secrets: [String: JSONValue] = [:], env: [String: String] = [:],
        environment: [String: String] = [:], extra: [String: JSONValue] = [:], messagePrefix: String? = nil
    ) -> AgentDefinition {
        var accountSettings = ResolvedAccountSettings()
        accountSettings.messagePrefix = messagePrefix
        return AgentDefinition(
            name: name, bio: ["Lives in Tokyo", "Loves tea"], system: system, modelProvider: modelProvider, settings: settings,
            secrets: secrets, env: env, environment: environment, extra: extra, sourceFile: "milady.character.json",
            whatsapp: WhatsAppConnectorConfiguration(accounts: [AccountDefinition(id: "default", settings: accountSettings)]))
    }

    static func message(
        _ text: String, id: String = UUID().uuidString, chat: String = dmChat, sender: String = dmChat,
        pushName: String? = nil, quoting: String? = nil, content: MessageContent? = nil
    ) -> InboundMessage {
        InboundMessage(
            id: id, chat: chat, sender: MessageSender(jid: sender, pushName: pushName), timestamp: Date(timeIntervalSince1970: 1_700_000_000),
            content: content ?? .text(text), context: quoting.map { MessageContext(quotedMessageID: $0) })
    }

    /// A history entry; `fromMe` entries are the agent's own replies.
    static func entry(
        _ text: String?, id: String = UUID().uuidString, chat: String = dmChat, sender: String? = dmChat, pushName: String? = nil,
        fromMe: Bool = false, type: String = "text"
    ) -> HistoryEntry {
        let inbound = fromMe ? nil : message(text ?? "", id: id, chat: chat, sender: sender ?? dmChat, pushName: pushName)
        return HistoryEntry(
            chat: chat, id: id, sender: fromMe ? nil : sender, fromMe: fromMe, timestamp: Date(timeIntervalSince1970: 1_700_000_000),
            type: type, status: fromMe ? "delivered" : "received", text: text, inbound: inbound)
    }

    static func request(
        agent: AgentDefinition = agent(), chat: String = dmChat, history: [HistoryEntry] = [], messages: [InboundMessage]
    ) -> ReplyRequest {
        ReplyRequest(
            agent: agent, account: AccountID(agent: agent.slug, account: "default"), chat: chat, messages: messages,
            history: history)
    }

    /// A logger that keeps its entries in `handler` instead of printing them.
    static func logger(_ handler: InMemoryLogHandler = InMemoryLogHandler()) -> Logger {
        Logger(label: "test", factory: { _ in handler })
    }

    /// Runs `body` against a fresh server answering with `answers` and a fresh client; both are shut down
    /// afterwards, whatever happens.
    static func withServer<T>(
        _ answers: [TestHTTPServer.Answer], _ body: (TestHTTPServer, HTTPClient) async throws -> T
    ) async throws -> T {
        let server = try await TestHTTPServer(answers: answers)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let result: Result<T, any Error>
        do {
            result = .success(try await body(server, client))
        } catch {
            result = .failure(error)
        }
        try? await client.shutdown()
        await server.shutdown()
        return try result.get()
    }

    /// `text` as UTF-8 cut into pieces of `size` bytes, splitting characters and line breaks wherever they fall.
    static func pieces(_ text: String, every size: Int) -> [[UInt8]] {
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }
}
