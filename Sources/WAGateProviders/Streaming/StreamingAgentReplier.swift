import WAGateConversation

/// An ``AgentReplier`` that can hand on its reply while the model is still writing it, so the gateway can
/// send finished parts of a long reply as they complete (`blockStreaming`).
///
/// `onText` receives each piece of text in order (pieces are as small as the provider sends them: a few
/// characters); the concatenation of all pieces is the returned reply. Use
/// ``streamReplyBlocks(to:coalescer:onBlock:)`` to receive whole paragraphs instead.
///
/// > Important: Once `onText` has been called, a failure is final: the provider is not asked again, since
/// > the start of the reply would be sent twice. The error then has the code
/// > ``ProviderError/Code/streamInterrupted``. Failures before the first piece are retried as usual.
///
/// A provider configured without streaming calls `onText` once with the whole reply. An error thrown by
/// `onText` stops the reply and is rethrown unchanged. `onText` runs inside the request timeout, so it
/// should hand the text on (queue it in the outbox) rather than wait for delivery.
///
/// ```swift
/// if let streaming = replier as? any StreamingAgentReplier, settings.blockStreaming {
///     _ = try await streaming.streamReplyBlocks(to: request) { block in
///         await enqueue(try chunker.chunks(block))
///     }
/// } else if let reply = try await replier.reply(to: request) {
///     await enqueue(try chunker.chunks(reply))
/// }
/// ```
public protocol StreamingAgentReplier: AgentReplier {
    /// Produces the reply, passing each piece of text to `onText` as it arrives.
    /// - Parameters:
    ///   - request: What to answer.
    ///   - onText: Called with each piece of text, in order, never concurrently.
    /// - Returns: The whole reply; `nil` when the model said nothing.
    /// - Throws: ``ProviderError``, or what `onText` threw.
    func streamReply(to request: ReplyRequest, onText: @escaping @Sendable (String) async throws -> Void) async throws
        -> String?
}

extension StreamingAgentReplier {
    /// Produces the reply, passing whole blocks (paragraphs, bounded in size by `coalescer`) to `onBlock` as
    /// they complete, and the rest when the model finishes.
    /// - Parameters:
    ///   - request: What to answer.
    ///   - coalescer: How pieces are gathered into blocks.
    ///   - onBlock: Called with each block, in order; blocks are trimmed and never empty.
    /// - Returns: The whole reply; `nil` when the model said nothing.
    public func streamReplyBlocks(
        to request: ReplyRequest, coalescer: ReplyBlockCoalescer = ReplyBlockCoalescer(),
        onBlock: @escaping @Sendable (String) async throws -> Void
    ) async throws -> String? {
        let buffer = BlockBuffer(coalescer)
        let reply = try await streamReply(to: request) { piece in
            for block in buffer.append(piece) { try await onBlock(block) }
        }
        if let rest = buffer.finish() { try await onBlock(rest) }
        return reply
    }
}
