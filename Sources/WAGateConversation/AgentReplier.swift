import WAGateCore

/// What an agent is asked to answer: the messages (one, or a debounced batch from one sender) and the
/// chat's recent history.
public struct ReplyRequest: Sendable {
    /// The agent's character.
    public var agent: AgentDefinition
    /// The account the messages arrived on.
    public var account: AccountID
    /// The chat to answer in.
    public var chat: String
    /// The messages to answer, oldest first.
    public var messages: [InboundMessage]
    /// The chat's history window before them (`dmHistoryLimit` or `historyLimit` messages), oldest first.
    public var history: [HistoryEntry]

    /// Creates a request.
    public init(agent: AgentDefinition, account: AccountID, chat: String, messages: [InboundMessage], history: [HistoryEntry]) {
        self.agent = agent
        self.account = account
        self.chat = chat
        self.messages = messages
        self.history = history
    }

    /// The text of the messages to answer, one per line (a debounced batch reads as one message).
    public var text: String {
        messages.compactMap(\.content.text).joined(separator: "\n")
    }
}

/// Produces an agent's reply (a model provider, or the built-in echo).
public protocol AgentReplier: Sendable {
    /// The reply text; `nil` when the agent has nothing to say.
    /// - Throws: when the provider failed; the conversation records it and never shows it to the user.
    func reply(to request: ReplyRequest) async throws -> String?
}
