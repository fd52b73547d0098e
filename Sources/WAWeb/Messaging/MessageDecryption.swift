import WASignal
/// The outcome of decrypting one `<message>`: a result per `<enc>`, in document order (reference §5.3),
/// and what to answer the server.
///
/// The caller stores the contents and the Signal store's changes in one transaction and only then
/// sends ``IncomingMessageStanza``'s receipt (`Receipts.delivery`) — or, when ``needsRetry``, a retry
/// receipt and an ack (`Receipts.retry`, `Receipts.ack`).
public struct MessageDecryption: Sendable {
    /// The result of one `<enc>`.
    public struct Part: Sendable {
        /// Its position among the stanza's `<enc>` children.
        public var index: Int
        /// Its `type` attribute.
        public var type: String
        /// The payload, or why there is none.
        public var result: Result<DecryptedPayload, MessagingError>

        /// A part from its parts.
        public init(index: Int, type: String, result: Result<DecryptedPayload, MessagingError>) {
            self.index = index
            self.type = type
            self.result = result
        }
    }

    /// The stanza.
    public var stanza: IncomingMessageStanza
    /// One entry per `<enc>`, in document order.
    public var parts: [Part]

    /// A decryption from its parts.
    public init(stanza: IncomingMessageStanza, parts: [Part]) {
        self.stanza = stanza
        self.parts = parts
    }

    /// The decrypted payloads, in document order.
    public var payloads: [DecryptedPayload] { parts.compactMap { try? $0.result.get() } }

    /// The payloads that carry content (not only a sender key distribution).
    public var contents: [DecryptedPayload] { payloads.filter(\.hasContent) }

    /// The failures other than duplicates, in document order.
    public var failures: [MessagingError] {
        parts.compactMap { part in
            guard case .failure(let error) = part.result, error.code != .duplicate else { return nil }
            return error
        }
    }

    /// True when every `<enc>` was a re-delivery of something already decrypted: acknowledge, store nothing.
    public var isDuplicate: Bool {
        !parts.isEmpty
            && parts.allSatisfy { part in
                if case .failure(let error) = part.result { return error.code == .duplicate }
                return false
            }
    }

    /// True when a Signal failure asks for the sender to re-send (a retry receipt, reference §5.8).
    public var needsRetry: Bool {
        failures.contains { $0.code == .decryptionFailed || $0.code == .invalidPadding }
    }

    /// True when the retry receipt should carry our keys: a sender-key message failed and there was no
    /// pairwise message in the stanza (the sender must rebuild its session to resend the key; whatsmeow).
    public var retryNeedsKeys: Bool {
        let pairwise = parts.contains { $0.type == "pkmsg" || $0.type == "msg" }
        let failedGroup = parts.contains { part in
            guard part.type == "skmsg", case .failure(let error) = part.result else { return false }
            return error.signalError == .noSession
        }
        return failedGroup && !pairwise
    }

    /// The error code to nack the stanza with instead of a receipt, or `nil` to send the receipt (or a
    /// retry receipt): 488 for a stanza without any `<enc>`, 491 when a plaintext is not a protobuf and
    /// nothing else decrypted (reference §5.5).
    public var nackCode: Int? {
        if parts.isEmpty { return stanza.unavailableType == nil ? 488 : nil }
        if payloads.isEmpty && failures.contains(where: { $0.code == .invalidProtobuf }) { return 491 }
        return nil
    }
}
