import Foundation
import NIOHTTP1

/// When and how long to wait before asking a provider again.
///
/// Retried: 408, 409, 429, every 5xx (Anthropic's 529 "overloaded" included), timeouts, broken connections
/// and a stream that fails before any text was handed on. Never retried: 400, 401, 403, 404 and the other
/// 4xx, which would fail the same way again.
///
/// The wait is the provider's `retry-after-ms` or `retry-after` (seconds or an HTTP date) when it sends
/// one, else exponential backoff with jitter:
///
/// | retry | base wait (initialDelay 0.5 s) | with jitter 0.25 |
/// |-------|--------------------------------|------------------|
/// | 1     | 0.5 s                          | 0.375–0.5 s      |
/// | 2     | 1 s                            | 0.75–1 s         |
/// | 3     | 2 s                            | 1.5–2 s          |
/// | …     | capped at maximumDelay (8 s)   |                  |
public struct RetryPolicy: Sendable, Hashable {
    /// Retries after the first attempt (so `maxRetries + 1` attempts at most).
    public var maxRetries: Int
    /// The wait before the first retry; doubled for each further retry.
    public var initialDelay: Duration
    /// The longest backoff wait.
    public var maximumDelay: Duration
    /// The longest `retry-after` the provider may ask for; a longer one ends the retries at once, because a
    /// chat reply that comes minutes late is worse than none.
    public var maximumRetryAfter: Duration
    /// The fraction of each backoff wait taken off at random (0 to 1), so many agents do not retry in step.
    public var jitter: Double

    /// Creates a policy.
    public init(
        maxRetries: Int = 2, initialDelay: Duration = .milliseconds(500), maximumDelay: Duration = .seconds(8),
        maximumRetryAfter: Duration = .seconds(60), jitter: Double = 0.25
    ) {
        self.maxRetries = maxRetries
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumRetryAfter = maximumRetryAfter
        self.jitter = jitter
    }

    /// Whether an HTTP status is worth another attempt.
    public static func isRetryable(status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || (500...599).contains(status)
    }

    /// How long to wait before retry number `retry` (1 for the first retry), or `nil` to stop.
    /// - Parameters:
    ///   - retry: The retry about to be made, from 1.
    ///   - retryAfter: What the provider asked for, if anything.
    ///   - random: The source of jitter.
    public func delay(
        beforeRetry retry: Int, retryAfter: Duration?, using random: inout some RandomNumberGenerator
    ) -> Duration? {
        guard retry >= 1, retry <= maxRetries else { return nil }
        if let retryAfter {
            return retryAfter <= maximumRetryAfter ? max(retryAfter, .zero) : nil
        }
        let exponent = min(retry - 1, 30)
        let base = min(initialDelay * (1 << exponent), maximumDelay)
        let fraction = min(max(jitter, 0), 1)
        guard fraction > 0 else { return base }
        return base * (1 - Double.random(in: 0...fraction, using: &random))
    }

    /// The wait a response asks for: `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an
    /// HTTP date; `nil` when absent or unreadable.
    public static func retryAfter(in headers: HTTPHeaders, now: Date = Date()) -> Duration? {
        if let text = headers.first(name: "retry-after-ms"), let ms = Double(text.trimmed), ms.isFinite, ms >= 0 {
            return .milliseconds(Int64(ms.rounded(.up)))
        }
        guard let text = headers.first(name: "retry-after")?.trimmed, !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        guard let date = httpDate(text) else { return nil }
        let seconds = max(date.timeIntervalSince(now), 0)
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// The IMF-fixdate form of RFC 9110 (`Wed, 21 Oct 2015 07:28:00 GMT`), the one servers send. A
    /// formatter per call: `DateFormatter` is not `Sendable`, and dates in `retry-after` are rare.
    private static func httpDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text)
    }
}
