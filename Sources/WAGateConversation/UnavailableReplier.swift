/// Stands in for a model provider this process cannot run (unknown name, or missing configuration):
/// every reply fails with the reason, which the conversation logs; inbound messages are still stored.
public struct UnavailableReplier: AgentReplier {
    /// Why no reply can be made.
    public var reason: String

    /// Creates the stand-in.
    public init(reason: String) { self.reason = reason }

    public func reply(to request: ReplyRequest) async throws -> String? {
        throw ReplierUnavailable(description: reason)
    }
}

/// The error of ``UnavailableReplier``.
public struct ReplierUnavailable: Error, CustomStringConvertible, Sendable {
    /// The reason.
    public var description: String
}
