import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// The request loop both providers share: one JSON POST, a timeout on the whole exchange (response head
/// and body), retries with ``RetryPolicy``, and HTTP and network failures turned into ``ProviderError``s
/// that say what to fix and never contain the API key.
struct ProviderTransport: Sendable {
    /// Where a request goes and how errors about it are worded.
    struct Endpoint: Sendable {
        /// The provider's name in messages (`Anthropic`, `OpenAI`).
        var providerName: String
        /// The full URL posted to.
        var url: String
        /// Headers besides `content-type` (authentication, API version).
        var headers: HTTPHeaders
        /// The variable the key came from, named in 401 errors.
        var keyVariable: String?
        /// The API key, scrubbed from everything the provider says before it is shown.
        var secret: String?
        /// The model asked for, named in 404 errors.
        var model: String
    }

    /// What a provider's error body says.
    struct ErrorDetail: Sendable {
        var type: String?
        var code: String?
        var message: String?
    }

    /// Thrown by a reader when the caller's own callback failed: passed through untouched, never retried.
    struct CallerError: Error {
        var underlying: any Error
    }

    private struct Timeout: Error {}

    private enum Attempt<Result: Sendable>: Sendable {
        case success(Result)
        case failure(status: Int, headers: HTTPHeaders, body: ByteBuffer)
    }

    private enum Race<Value: Sendable>: Sendable {
        case value(Value)
        case timedOut
    }

    var client: HTTPClient
    var timeout: Duration
    var retry: RetryPolicy
    var logger: Logger
    /// Waits between attempts; replaced in tests to observe the waits without spending them.
    var sleep: @Sendable (Duration) async throws -> Void

    /// Posts `body` until a successful response has been read by `read`, or a final error.
    /// - Parameters:
    ///   - endpoint: Where to, and how to word errors.
    ///   - body: The JSON request body.
    ///   - accept: The `accept` header (`application/json` or `text/event-stream`).
    ///   - readError: Extracts the provider's error type and message from an error body.
    ///   - delivered: Whether text of this reply has already been handed to the caller; once it has, a
    ///     failure is final, since retrying would send the start of the reply twice.
    ///   - read: Reads a 2xx response; may throw ``ProviderError`` (retried when retryable).
    /// - Throws: ``ProviderError``, `CancellationError`, or what the caller's callback threw.
    func send<Result: Sendable>(
        _ endpoint: Endpoint, body: ByteBuffer, accept: String,
        readError: @escaping @Sendable (ByteBuffer) -> ErrorDetail,
        delivered: @escaping @Sendable () -> Bool,
        read: @escaping @Sendable (HTTPClientResponse) async throws -> Result
    ) async throws -> Result {
        var request = HTTPClientRequest(url: endpoint.url)
        request.method = .POST
        request.headers = endpoint.headers
        request.headers.replaceOrAdd(name: "content-type", value: "application/json")
        request.headers.replaceOrAdd(name: "accept", value: accept)
        request.headers.replaceOrAdd(name: "user-agent", value: "wagate")
        request.body = .bytes(body)

        var random = SystemRandomNumberGenerator()
        var attempt = 0
        while true {
            attempt += 1
            let failure: ProviderError
            var retryAfter: Duration?
            do {
                let outcome = try await attemptOnce(request, read: read)
                switch outcome {
                case .success(let result):
                    return result
                case .failure(let status, let headers, let errorBody):
                    failure = httpError(status: status, detail: readError(errorBody), endpoint: endpoint)
                    retryAfter = RetryPolicy.retryAfter(in: headers)
                }
            } catch let caller as CallerError {
                throw caller.underlying
            } catch let providerError as ProviderError {
                failure = providerError
            } catch is Timeout {
                failure = ProviderError(
                    code: .timeout, provider: endpoint.providerName,
                    message: "\(endpoint.providerName) did not answer within \(Self.seconds(timeout)) (\(endpoint.url))")
            } catch {
                if Task.isCancelled { throw CancellationError() }
                failure = transportError(error, endpoint: endpoint)
            }
            if Task.isCancelled { throw CancellationError() }

            let alreadyDelivered = delivered()
            guard failure.isRetryable, !alreadyDelivered,
                let delay = retry.delay(beforeRetry: attempt, retryAfter: retryAfter, using: &random)
            else {
                throw finalError(failure, attempts: attempt, delivered: alreadyDelivered, endpoint: endpoint)
            }
            logger.warning(
                "model request failed; retrying",
                metadata: [
                    "model": "\(endpoint.model)", "attempt": "\(attempt)",
                    "error.code": "\(failure.code)", "http.status": "\(failure.status.map { String($0) } ?? "-")",
                    "retry.delay_ms": "\(Self.milliseconds(delay))",
                ])
            try await sleep(delay)
        }
    }

    /// One exchange, bounded by `timeout` from sending the request to the end of the body.
    private func attemptOnce<Result: Sendable>(
        _ request: HTTPClientRequest, read: @escaping @Sendable (HTTPClientResponse) async throws -> Result
    ) async throws -> Attempt<Result> {
        let client = client
        let timeout = timeout
        let logger = logger
        // AsyncHTTPClient's deadline ends when the response head arrives, so the body needs a timeout of its own.
        return try await withThrowingTaskGroup(of: Race<Attempt<Result>>.self) { group in
            group.addTask {
                let response = try await client.execute(
                    request, deadline: .now() + .nanoseconds(Self.nanoseconds(timeout)), logger: logger)
                guard (200..<300).contains(response.status.code) else {
                    // An unreadable error body still leaves the status to report.
                    let body = (try? await response.body.collect(upTo: 64 * 1024)) ?? ByteBuffer()
                    return .value(.failure(status: Int(response.status.code), headers: response.headers, body: body))
                }
                return .value(.success(try await read(response)))
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return .timedOut
            }
            defer { group.cancelAll() }
            guard let first = try await group.next() else { throw Timeout() }
            switch first {
            case .value(let attempt): return attempt
            case .timedOut: throw Timeout()
            }
        }
    }

    // MARK: Errors

    private func httpError(status: Int, detail: ErrorDetail, endpoint: Endpoint) -> ProviderError {
        let name = endpoint.providerName
        let kind = detail.type ?? detail.code
        let tag = "(\(status)\(kind.map { " " + $0 } ?? ""))"
        let said = detail.message.map { ": " + scrub($0, secret: endpoint.secret) } ?? ""
        let (code, sentence): (ProviderError.Code, String)
        switch status {
        case 401:
            let hint = endpoint.keyVariable.map { "; check \($0)" } ?? ""
            (code, sentence) = (.authentication, "\(name) rejected the API key \(tag)\(said)\(hint)")
        case 403:
            (code, sentence) = (.permission, "\(name) refused this API key access \(tag)\(said)")
        case 404:
            (code, sentence) = (
                .notFound,
                "\(name) has no model \"\(endpoint.model)\" or no API at \(endpoint.url) \(tag)\(said); check the model and the base URL"
            )
        case 429 where detail.code == "insufficient_quota" || detail.type == "insufficient_quota":
            // Waiting does not bring back a quota; this needs the operator, not a retry.
            (code, sentence) = (.permission, "\(name) says the account's quota is used up \(tag)\(said); check the plan and billing")
        case 429:
            (code, sentence) = (.rateLimited, "\(name) rate limit reached \(tag)\(said)")
        case 529:
            (code, sentence) = (.overloaded, "\(name) is overloaded \(tag)\(said)")
        case 408:
            (code, sentence) = (.timeout, "\(name) timed out the request \(tag)\(said)")
        case 409, 500...599:
            (code, sentence) = (.serverError, "\(name) failed to answer \(tag)\(said)")
        default:
            (code, sentence) = (.badRequest, "\(name) rejected the request \(tag)\(said)")
        }
        return ProviderError(
            code: code, provider: name, status: status, providerErrorType: kind, message: sentence)
    }

    private func transportError(_ error: any Error, endpoint: Endpoint) -> ProviderError {
        if let clientError = error as? HTTPClientError,
            [.deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout].contains(clientError)
        {
            return ProviderError(
                code: .timeout, provider: endpoint.providerName,
                message: "\(endpoint.providerName) did not answer within \(Self.seconds(timeout)) (\(endpoint.url))")
        }
        let text = scrub(String(describing: error), secret: endpoint.secret)
        return ProviderError(
            code: .transport, provider: endpoint.providerName,
            message: "could not reach \(endpoint.providerName) at \(endpoint.url): \(text)")
    }

    /// The error as finally thrown: after retries it says how many attempts were made; after text was
    /// handed on it says the reply broke off.
    private func finalError(_ error: ProviderError, attempts: Int, delivered: Bool, endpoint: Endpoint) -> ProviderError {
        var result = error
        // Every message passes through here, so this is the one place that guarantees no key is shown.
        result.message = redact(result.message, secret: endpoint.secret)
        if delivered, error.code != .streamInterrupted {
            result.code = .streamInterrupted
            result.message = "\(endpoint.providerName)'s streamed reply broke off after part of it was sent: \(result.message)"
        } else if attempts > 1 {
            result.message += " (gave up after \(attempts) attempts)"
        }
        return result
    }

    /// A provider's message made safe to show: the key removed, one line, bounded.
    func scrub(_ text: String, secret: String?) -> String {
        let oneLine = redact(text, secret: secret).split(whereSeparator: \.isNewline).joined(separator: " ").trimmed
        return oneLine.count > 400 ? String(oneLine.prefix(399)) + "…" : oneLine
    }

    /// `text` without the key. Besides the key itself, any word containing the key's first six characters
    /// goes too: OpenAI quotes a rejected key masked but with its first and last characters
    /// (`sk-proj-****abcd`).
    func redact(_ text: String, secret: String?) -> String {
        guard let secret, secret.count >= 4 else { return text }
        var text = text.replacingOccurrences(of: secret, with: "<redacted>")
        if secret.count >= 12 {
            let head = String(secret.prefix(6))
            text = text.split(separator: " ", omittingEmptySubsequences: false)
                .map { $0.contains(head) ? "<redacted>" : String($0) }
                .joined(separator: " ")
        }
        return text
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    static func milliseconds(_ duration: Duration) -> Int64 { nanoseconds(duration) / 1_000_000 }

    static func seconds(_ duration: Duration) -> String {
        let ms = milliseconds(duration)
        return ms % 1000 == 0 ? "\(ms / 1000) s" : "\(Double(ms) / 1000) s"
    }
}
