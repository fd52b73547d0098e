import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Reading whole response bodies, bounded.
enum ProviderResponse {
    /// The largest non-streamed reply read: far above any chat reply, small enough to never exhaust memory.
    static let maximumBodyBytes = 4 * 1024 * 1024

    /// The whole body of `response`.
    /// - Throws: ``ProviderError`` (malformed response) when it is larger than ``maximumBodyBytes``.
    static func collect(_ response: HTTPClientResponse, provider: String) async throws -> ByteBuffer {
        do {
            return try await response.body.collect(upTo: maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw ProviderError(
                code: .malformedResponse, provider: provider,
                message: "\(provider) answered with more than \(maximumBodyBytes / 1024 / 1024) MiB; that is not a chat reply")
        }
    }

    /// Whether a response is a server-sent event stream. A server may answer a streaming request with
    /// plain JSON (some proxies and compatible servers ignore `stream`), which is then read whole.
    static func isEventStream(_ headers: HTTPHeaders) -> Bool {
        headers.first(name: "content-type")?.lowercased().contains("text/event-stream") ?? false
    }
}
