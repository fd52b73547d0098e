/// One turn of a conversation given to a model.
public struct ChatTurn: Sendable, Hashable {
    /// Who speaks in a turn.
    public enum Role: String, Sendable, Hashable {
        /// The people writing to the agent.
        case user
        /// The agent itself.
        case assistant
    }

    /// Who speaks.
    public var role: Role
    /// What is said; never empty.
    public var content: String

    /// Creates a turn.
    public init(role: Role, content: String) {
        self.role = role
        self.content = content
    }
}
