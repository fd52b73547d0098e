import WAGateCrypto

/// `X-Hub-Signature-256` on webhook deliveries: `sha256=` and the lower-case hex HMAC-SHA256 of the
/// raw request body, keyed with the App Secret of the Meta app the webhook belongs to.
///
/// The signature covers the bytes exactly as received (Meta escapes non-ASCII as `\uXXXX` before
/// signing), so verify before any JSON decoding and never over a re-serialised body.
///
/// ```swift
/// switch WebhookSignature.verify(header: request.headers["X-Hub-Signature-256"], body: body, secrets: secrets) {
/// case .valid(let appID): route(body, toAccountsOf: appID)
/// case .missing, .malformed, .mismatch: respond(401)
/// }
/// ```
public enum WebhookSignature {
    /// The header Meta signs deliveries with.
    public static let headerName = "X-Hub-Signature-256"
    /// What precedes the hex digest in the header.
    public static let prefix = "sha256="

    /// The outcome of checking one delivery.
    public enum Verdict: Sendable, Hashable, CustomStringConvertible {
        /// The signature is the HMAC of the body under the secret of `appID`.
        case valid(appID: String)
        /// There is no signature header (or it is empty).
        case missing
        /// The header is not `sha256=` followed by 64 hex digits.
        case malformed
        /// Well formed, but no configured secret produces it (or no secret is configured).
        case mismatch

        /// Whether the delivery may be processed.
        public var isValid: Bool { if case .valid = self { true } else { false } }

        /// A word for logs.
        public var description: String {
            switch self {
            case .valid(let appID): "valid (app \(appID))"
            case .missing: "missing"
            case .malformed: "malformed"
            case .mismatch: "mismatch"
            }
        }
    }

    /// Checks a delivery against every configured App Secret.
    ///
    /// Each comparison runs in constant time, and every secret is tried even after a match, so the
    /// time taken does not tell which app (or which prefix of a digest) matched.
    /// - Parameters:
    ///   - header: the `X-Hub-Signature-256` value, or `nil` when the request had none.
    ///   - body: the raw request body, exactly as received.
    ///   - secrets: the App Secrets of every Meta app whose numbers this process serves.
    /// - Returns: the app whose secret matched, or why the delivery must be refused.
    public static func verify(
        header: String?, body: some Collection<UInt8>, secrets: [WebhookAppSecret]
    ) -> Verdict {
        guard let header = header?.trimmingSpaces, !header.isEmpty else { return .missing }
        guard header.hasPrefix(prefix), let digest = Hex.decode(String(header.dropFirst(prefix.count))),
            digest.count == HMAC.sha256Count
        else { return .malformed }
        let message = Array(body)
        var matched: String?
        for secret in secrets {
            if HMAC.isValid(digest, sha256Key: secret.key, message: message), matched == nil {
                matched = secret.appID
            }
        }
        return matched.map { .valid(appID: $0) } ?? .mismatch
    }

    /// The header value Meta would send for `body` under `secret`: `sha256=<64 lower-case hex>`
    /// (for tests, the sandbox, and tools that replay deliveries).
    public static func headerValue(body: some Collection<UInt8>, secret: WebhookAppSecret) -> String {
        prefix + Hex.encode(HMAC.sha256(key: secret.key, message: body))
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs (header values may carry them).
    fileprivate var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
