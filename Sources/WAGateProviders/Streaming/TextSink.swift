import Synchronization

/// Where the text of one reply goes while it streams: the caller's callback, if any, and a record of
/// whether anything reached it (after which the reply must not be retried).
final class TextSink: Sendable {
    private let onText: (@Sendable (String) async throws -> Void)?
    private let hasDelivered = Mutex(false)

    init(onText: (@Sendable (String) async throws -> Void)?) {
        self.onText = onText
    }

    /// Whether any text reached the caller.
    var delivered: Bool { hasDelivered.withLock { $0 } }

    /// Hands a piece to the caller; a failure of the callback is wrapped so the transport passes it through.
    func send(_ piece: String) async throws {
        guard let onText, !piece.isEmpty else { return }
        hasDelivered.withLock { $0 = true }
        do {
            try await onText(piece)
        } catch {
            throw ProviderTransport.CallerError(underlying: error)
        }
    }
}
