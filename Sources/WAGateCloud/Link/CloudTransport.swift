import WAGateCore

/// The outbox's way out for a Cloud API account: the Graph API client, with Meta's error codes turned
/// into what the outbox should do (slow down, retry, give up on the message, or stop the account).
public struct CloudTransport: MessageTransport {
    private let client: GraphClient

    /// Creates the transport over an account's Graph client.
    public init(client: GraphClient) { self.client = client }

    public func send(_ message: OutboundMessage, id: String) async throws -> String {
        do {
            return try await client.send(message).messageID
        } catch {
            throw Self.sendError(error)
        }
    }

    public func markRead(_ message: InboundMessage) async throws {
        try await client.markAsRead(messageID: message.id)
    }

    public func showTyping(replyingTo message: InboundMessage) async throws {
        try await client.showTypingIndicator(replyingTo: message.id)
    }

    /// What the outbox does about a Graph API failure, decided by Meta's error code.
    static func sendError(_ error: GraphClientError) -> SendError {
        let failure = error.apiError.map { SendFailure(code: $0.code, title: $0.type ?? "Graph API error", detail: $0.message) }
        let description = error.description
        switch error.classification {
        case .throttled(.recipient):
            return SendError(.throttleChat(pause: .seconds(4)), failure: failure, description: description)
        case .throttled(.phoneNumber):
            return SendError(.throttleAccount(pause: .seconds(2)), failure: failure, description: description)
        case .throttled(.app), .throttled(.businessAccount):
            return SendError(.throttleAccount(pause: .seconds(60)), failure: failure, description: description)
        case .transient:
            return SendError(.retry(after: nil), failure: failure, description: description)
        case .outsideCustomerServiceWindow:
            return SendError(
                .rejected, failure: failure,
                description: "\(description) — more than 24 hours since the user last wrote; only a template message can reach them now")
        case .permanent:
            return SendError(.rejected, failure: failure, description: description)
        case .credentialsInvalid:
            return SendError(
                .accountFailed(
                    reason: "the Cloud API access token was refused (\(error.apiError.map { "\($0.code)" } ?? "401")): set a new accessToken / WHATSAPP_ACCESS_TOKEN and restart the account"),
                failure: failure, description: description)
        case .accountBlocked:
            return SendError(
                .accountFailed(reason: "Meta refuses this account's messages: \(description)"), failure: failure, description: description)
        }
    }
}
