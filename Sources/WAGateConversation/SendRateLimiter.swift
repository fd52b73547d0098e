import WAGateCore

/// Per-account send limits: a token bucket (`messagesPerMinute`, `burst`) plus a minimum gap per chat.
///
/// The bucket holds at most `burst` tokens and refills at `messagesPerMinute` per 60 s, so any 60 s
/// window admits at most `burst + messagesPerMinute` sends. Pure state: the caller supplies the time.
public struct SendRateLimiter<C: Clock>: Sendable where C.Duration == Duration {
    /// What the caller should do with one send.
    public enum Decision: Sendable, Hashable {
        /// Send now; a token was consumed and the chat's gap started.
        case sendNow
        /// Ask again at this instant (nothing was consumed).
        case wait(until: C.Instant)
    }

    /// The limiter's state, for `accounts.limits`.
    public struct Snapshot: Sendable, Hashable {
        /// The limits in force.
        public var limits: WhatsAppSettings.RateLimit
        /// Whole tokens available at the snapshot's instant.
        public var tokens: Int
        /// Per chat, the earliest next send (only chats still inside their gap).
        public var chatNextAllowed: [String: C.Instant]
    }

    /// The limits in force; see ``updateLimits(_:at:)`` to change them.
    public private(set) var limits: WhatsAppSettings.RateLimit
    /// Tokens in units of 1/60000 of a token per ms, exact integer arithmetic: one token = `unit`.
    private var tokenMicros: Int64
    private var updatedAt: C.Instant
    private var chatNext: [String: C.Instant] = [:]

    /// A token is 60_000 units; the bucket gains `messagesPerMinute` units per millisecond.
    private static var unit: Int64 { 60_000 }

    /// Creates a limiter with a full bucket at `now`.
    public init(limits: WhatsAppSettings.RateLimit, now: C.Instant) {
        self.limits = Self.sanitized(limits)
        self.tokenMicros = Int64(self.limits.burst) * Self.unit
        self.updatedAt = now
    }

    private static func sanitized(_ limits: WhatsAppSettings.RateLimit) -> WhatsAppSettings.RateLimit {
        WhatsAppSettings.RateLimit(
            messagesPerMinute: max(1, limits.messagesPerMinute), burst: max(1, limits.burst),
            perChatIntervalMs: max(0, limits.perChatIntervalMs))
    }

    private var capacity: Int64 { Int64(limits.burst) * Self.unit }

    /// Refills up to `now`, in whole milliseconds (the remainder stays for the next refill).
    private mutating func refill(at now: C.Instant) {
        guard now > updatedAt else { return }
        let elapsed = updatedAt.duration(to: now)
        let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        guard ms > 0 else { return }
        updatedAt = updatedAt.advanced(by: .milliseconds(ms))
        tokenMicros = min(capacity, tokenMicros + ms * Int64(limits.messagesPerMinute))
        if tokenMicros == capacity { updatedAt = now }
    }

    /// Decides one send to `chat` at `now`: ``Decision/sendNow`` (consuming a token) or when to retry.
    public mutating func decide(chat: String, at now: C.Instant) -> Decision {
        refill(at: now)
        var earliest = now
        if let next = chatNext[chat], next > now { earliest = next }
        if tokenMicros < Self.unit {
            let missing = Self.unit - tokenMicros
            let rate = Int64(limits.messagesPerMinute)
            let ms = (missing + rate - 1) / rate
            let ready = updatedAt.advanced(by: .milliseconds(ms))
            if ready > earliest { earliest = ready }
        }
        if earliest > now { return .wait(until: earliest) }
        tokenMicros -= Self.unit
        chatNext[chat] = now.advanced(by: .milliseconds(limits.perChatIntervalMs))
        return .sendNow
    }

    /// Changes the limits from `now` on; tokens above a smaller burst are dropped.
    public mutating func updateLimits(_ newLimits: WhatsAppSettings.RateLimit, at now: C.Instant) {
        refill(at: now)
        limits = Self.sanitized(newLimits)
        tokenMicros = min(tokenMicros, capacity)
        updatedAt = now
    }

    /// The state at `now`; chats whose gap has passed are omitted (and forgotten).
    public mutating func snapshot(at now: C.Instant) -> Snapshot {
        refill(at: now)
        chatNext = chatNext.filter { $0.value > now }
        return Snapshot(limits: limits, tokens: Int(tokenMicros / Self.unit), chatNextAllowed: chatNext)
    }
}
