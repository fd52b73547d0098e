import WAGateConversation
import WAGateCore

/// Turns a ``ReplyRequest`` into a ``ChatPrompt``: the character as the system prompt, the chat's history
/// window as alternating user and assistant turns, and the messages to answer as the final user turn.
///
/// - The account's own messages (`fromMe`) are assistant turns, with the account's `messagePrefix` taken
///   off so the model does not learn to write it (the gateway adds it to every chunk it sends).
/// - In groups every user message starts with its sender (`Ana: …`, the push name, else the phone number)
///   so the model knows who speaks; the system prompt says so.
/// - A message that quotes an earlier one in the window starts with `[replying to Ana: "…"]`.
/// - A message with no text but media reads `<media:image>` (the kind), as OpenClaw shows it; reactions,
///   revokes and other messages with nothing to read are left out.
/// - Consecutive messages of one role are merged into one turn (Anthropic requires alternation), and
///   leading assistant turns are dropped (the first turn must be the user's).
/// - The whole prompt stays within ``Limits/maximumCharacters``: the oldest history goes first; the
///   messages to answer are kept, and cut only if they alone do not fit.
///
/// ```swift
/// let prompt = PromptBuilder().build(for: request)
/// // prompt.system: "You are Milady, …\n\nYour name is Milady.\n…"
/// // prompt.turns.last: ChatTurn(role: .user, content: "hi")
/// ```
public struct PromptBuilder: Sendable {
    /// Bounds on what the prompt contains.
    public struct Limits: Sendable, Hashable {
        /// Characters in the system prompt and all turns together (roughly 4 characters per token).
        public var maximumCharacters: Int
        /// Example conversations taken from `messageExamples`.
        public var maximumExampleConversations: Int
        /// Messages taken from each example conversation.
        public var maximumExampleMessages: Int
        /// Lines taken from each of `bio`, `lore`, `style`, `adjectives` and `topics`.
        public var maximumListItems: Int
        /// Characters of any one of those lines or example messages.
        public var maximumItemCharacters: Int

        /// Creates limits; the defaults keep a prompt near 6,000 tokens.
        public init(
            maximumCharacters: Int = 24_000, maximumExampleConversations: Int = 3, maximumExampleMessages: Int = 6,
            maximumListItems: Int = 12, maximumItemCharacters: Int = 600
        ) {
            self.maximumCharacters = maximumCharacters
            self.maximumExampleConversations = maximumExampleConversations
            self.maximumExampleMessages = maximumExampleMessages
            self.maximumListItems = maximumListItems
            self.maximumItemCharacters = maximumItemCharacters
        }
    }

    /// The bounds in force.
    public var limits: Limits

    /// Creates a builder.
    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// The prompt for `request`.
    public func build(for request: ReplyRequest) -> ChatPrompt {
        let isGroup = request.chat.hasSuffix("@g.us")
        // The system prompt may take at most half the budget, so history and the question always fit.
        let system = Self.cut(systemPrompt(for: request.agent, isGroup: isGroup), to: max(limits.maximumCharacters / 2, 1))
        let prefix = request.agent.whatsapp?.account(request.account.account)?.settings.messagePrefix
        let answering = Set(request.messages.map(\.id))
        let window = request.history.filter { !answering.contains($0.id) }
        let byID = Dictionary(window.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })

        var question = request.messages.compactMap { message -> String? in
            guard var text = Self.readableText(text: message.content.text, kind: message.content.kind) else { return nil }
            if let quoted = message.context?.quotedMessageID.flatMap({ byID[$0] }) {
                text = quoteLine(for: quoted, isGroup: isGroup, prefix: prefix) + "\n" + text
            }
            return isGroup ? "\(Self.label(for: message.sender)): \(text)" : text
        }.joined(separator: "\n")
        if question.isEmpty { question = "<message without text>" }
        question = Self.cut(question, to: max(limits.maximumCharacters - system.count, 1))

        var budget = limits.maximumCharacters - system.count - question.count
        var kept: [ChatTurn] = []
        for entry in window.reversed() {
            guard let turn = turn(for: entry, isGroup: isGroup, prefix: prefix) else { continue }
            // A separator joins merged turns; count it so merging cannot push the prompt past the bound.
            let cost = turn.content.count + 1
            guard cost <= budget else { break }
            budget -= cost
            kept.append(turn)
        }
        return ChatPrompt(system: system, turns: Self.alternating(kept.reversed() + [ChatTurn(role: .user, content: question)]))
    }

    // MARK: Turns

    private func turn(for entry: HistoryEntry, isGroup: Bool, prefix: String?) -> ChatTurn? {
        guard var text = Self.readableText(text: entry.text, kind: entry.type) else { return nil }
        if entry.fromMe {
            if let prefix, !prefix.isEmpty, text.hasPrefix(prefix) { text = String(text.dropFirst(prefix.count)) }
            guard let content = text.trimmedNonEmpty else { return nil }
            return ChatTurn(role: .assistant, content: content)
        }
        return ChatTurn(role: .user, content: isGroup ? "\(Self.label(for: entry)): \(text)" : text)
    }

    private func quoteLine(for quoted: HistoryEntry, isGroup: Bool, prefix: String?) -> String {
        let who = quoted.fromMe ? "your message" : Self.label(for: quoted)
        var text = Self.readableText(text: quoted.text, kind: quoted.type) ?? ""
        if quoted.fromMe, let prefix, !prefix.isEmpty, text.hasPrefix(prefix) { text = String(text.dropFirst(prefix.count)) }
        return "[replying to \(who): \"\(Self.cut(text.trimmed, to: 200))\"]"
    }

    /// Merges runs of one role and drops leading assistant turns, so the result alternates and starts and
    /// ends with the user (the last turn is always the question).
    static func alternating(_ turns: [ChatTurn]) -> [ChatTurn] {
        var result: [ChatTurn] = []
        for turn in turns {
            if result.isEmpty, turn.role == .assistant { continue }
            if let last = result.last, last.role == turn.role {
                result[result.count - 1].content = last.content + "\n" + turn.content
            } else {
                result.append(turn)
            }
        }
        return result
    }

    // MARK: Text

    static let mediaKinds = Set(MediaAttachment.Kind.allCases.map(\.rawValue))

    /// The text a model reads for a message, `nil` when there is nothing to read.
    static func readableText(text: String?, kind: String) -> String? {
        if let text = text?.trimmedNonEmpty { return text }
        return mediaKinds.contains(kind) ? "<media:\(kind)>" : nil
    }

    /// Who wrote a message, for group transcripts: the push name, else the phone number, else the JID's user.
    static func label(for sender: MessageSender) -> String {
        if let name = sender.pushName?.trimmedNonEmpty { return name }
        if let phone = sender.phone ?? PhoneNumbers.e164(fromJID: sender.jid) { return phone }
        return String(sender.jid.prefix { $0 != "@" && $0 != ":" })
    }

    static func label(for entry: HistoryEntry) -> String {
        if let sender = entry.inbound?.sender { return label(for: sender) }
        guard let jid = entry.sender else { return "someone" }
        return label(for: MessageSender(jid: jid))
    }

    /// `text` shortened to `limit` characters, ending in `…` when cut.
    static func cut(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        guard limit > 1 else { return String(text.prefix(limit)) }
        return String(text.prefix(limit - 1)) + "…"
    }
}
