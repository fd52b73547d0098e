/// What the gateway should do about a failed Graph API call or a `failed` status, decided by the
/// error's `code` (``GraphErrorClassifier``), never by its HTTP status or title.
public enum GraphErrorClass: Sendable, Hashable, CustomStringConvertible {
    /// Who is over a rate limit, and so what to slow down.
    public enum ThrottleScope: String, Sendable, Hashable {
        /// The Meta app's API call limit (code 4).
        case app
        /// The WhatsApp Business Account's API call limit (80007).
        case businessAccount = "business_account"
        /// The business phone number: throughput (130429), spam limit (131048), maintenance (131057),
        /// registration attempts (133016).
        case phoneNumber = "phone_number"
        /// One (business number, user) pair (131056): delay only messages to that recipient.
        case recipient
    }

    /// Slow down the given scope and retry the same message later.
    case throttled(ThrottleScope)
    /// More than 24 hours since the user last wrote (131047): free-form messages are refused until
    /// they write again; only a template may be sent. Do not retry; tell the operator.
    case outsideCustomerServiceWindow
    /// The access token is invalid or expired (190, 0): the account fails with that reason until the
    /// operator gives it a new token.
    case credentialsInvalid
    /// The account cannot send until the operator acts: a permission or capability is missing, the
    /// number is not registered, or Meta blocked or restricted it (3, 10, 200–299, 131005, 368, 131031,
    /// 130497, 131064, 133010). Do not retry.
    case accountBlocked
    /// This message cannot be delivered as it is (131026 undeliverable, bad parameters, media or
    /// template errors, a user who opted out, ...). Record it on the message; do not retry.
    case permanent
    /// A passing failure on Meta's side or on the way there (131000, 1, 2, 131016, a 5xx without a
    /// known code, a network error): retry with backoff.
    case transient

    /// Whether the same request may succeed if sent again later.
    public var isRetryable: Bool {
        switch self {
        case .throttled, .transient: true
        case .outsideCustomerServiceWindow, .credentialsInvalid, .accountBlocked, .permanent: false
        }
    }

    /// A suggested wait before retry number `attempt` (0 for the first retry); `nil` when the error
    /// must not be retried.
    ///
    /// | class | waits |
    /// |---|---|
    /// | `.throttled(.recipient)` | 4^attempt s: 1, 4, 16, 64 … (Meta's advice for 131056), at most 1024 s |
    /// | `.throttled(.phoneNumber)` | 2^attempt s: 1, 2, 4 …, at most 60 s |
    /// | `.throttled(.app)`, `.throttled(.businessAccount)` | 60 × 2^attempt s, at most 1 h |
    /// | `.transient` | 2^attempt s, at most 300 s |
    public func retryDelay(attempt: Int) -> Duration? {
        let attempt = max(0, min(attempt, 30))
        func capped(_ base: Double, _ factor: Double, _ cap: Double) -> Duration {
            .seconds(min(cap, base * pow(factor, attempt)))
        }
        switch self {
        case .throttled(.recipient): return capped(1, 4, 1024)
        case .throttled(.phoneNumber): return capped(1, 2, 60)
        case .throttled(.app), .throttled(.businessAccount): return capped(60, 2, 3600)
        case .transient: return capped(1, 2, 300)
        case .outsideCustomerServiceWindow, .credentialsInvalid, .accountBlocked, .permanent: return nil
        }
    }

    /// A stable word for logs and metrics labels (`throttled_recipient`, `outside_window`, ...).
    public var description: String {
        switch self {
        case .throttled(let scope): "throttled_\(scope.rawValue)"
        case .outsideCustomerServiceWindow: "outside_window"
        case .credentialsInvalid: "credentials_invalid"
        case .accountBlocked: "account_blocked"
        case .permanent: "permanent"
        case .transient: "transient"
        }
    }
}

/// `base × factor^exponent` without Foundation.
private func pow(_ factor: Double, _ exponent: Int) -> Double {
    var result = 1.0
    for _ in 0..<exponent { result *= factor }
    return result
}
