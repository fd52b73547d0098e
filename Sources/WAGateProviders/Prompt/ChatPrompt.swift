/// What a model is asked: a system prompt and the conversation, in the shape both the Anthropic Messages
/// API and OpenAI chat completions accept.
///
/// ``PromptBuilder`` guarantees that `turns` is not empty, starts and ends with a user turn, and that roles
/// alternate (Anthropic rejects two turns of the same role in a row).
public struct ChatPrompt: Sendable, Hashable {
    /// The system prompt: the character, its style and how to behave on WhatsApp.
    public var system: String
    /// The conversation, oldest first; the last turn holds the messages to answer.
    public var turns: [ChatTurn]

    /// Creates a prompt.
    public init(system: String, turns: [ChatTurn]) {
        self.system = system
        self.turns = turns
    }

    /// Characters in the system prompt and every turn, the measure ``PromptBuilder/Limits`` bounds.
    public var characterCount: Int {
        turns.reduce(system.count) { $0 + $1.content.count }
    }
}
