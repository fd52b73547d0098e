/// Batches messages from one sender in one chat that arrive within `debounceMs`, so they are answered once.
///
/// Media and replies are never batched: they flush what is pending for their key first, then go alone.
/// Pure state: the caller supplies the time, polls ``nextDeadline`` and calls ``tick(at:)``.
public struct Debouncer<C: Clock, Message: Sendable>: Sendable where C.Duration == Duration {
    /// Who a batch belongs to.
    public struct Key: Sendable, Hashable {
        /// The chat (JID).
        public var chat: String
        /// The sender (JID).
        public var sender: String
        /// Creates a key.
        public init(chat: String, sender: String) {
            self.chat = chat
            self.sender = sender
        }
    }

    /// Messages to answer together.
    public struct Batch: Sendable {
        /// Whose messages these are.
        public var key: Key
        /// The messages, in arrival order.
        public var messages: [Message]
    }

    private struct Pending: Sendable {
        var messages: [Message]
        var deadline: C.Instant
        var order: Int
    }

    /// The window; zero passes everything through at once.
    public var window: Duration
    private var pending: [Key: Pending] = [:]
    private var counter = 0

    /// Creates a debouncer with a window of `debounceMs` milliseconds (negative counts as zero).
    public init(debounceMs: Int) {
        self.window = .milliseconds(max(0, debounceMs))
    }

    /// The earliest instant at which ``tick(at:)`` releases a batch, or `nil` when nothing waits.
    public var nextDeadline: C.Instant? {
        pending.values.map(\.deadline).min()
    }

    /// Takes one incoming message; returns the batches ready now (in order).
    ///
    /// `alone` marks media and replies: they flush the key's pending batch, then go as their own batch.
    /// Every further message within the window extends it from its own arrival.
    public mutating func receive(_ message: Message, key: Key, alone: Bool = false, at now: C.Instant) -> [Batch] {
        var ready: [Batch] = []
        if alone || window == .zero {
            if let waiting = pending.removeValue(forKey: key) {
                ready.append(Batch(key: key, messages: waiting.messages))
            }
            ready.append(Batch(key: key, messages: [message]))
            return ready
        }
        if var waiting = pending[key] {
            waiting.messages.append(message)
            waiting.deadline = now.advanced(by: window)
            pending[key] = waiting
        } else {
            counter += 1
            pending[key] = Pending(messages: [message], deadline: now.advanced(by: window), order: counter)
        }
        return ready
    }

    /// Releases every batch whose window has ended by `now`, oldest deadline first.
    public mutating func tick(at now: C.Instant) -> [Batch] {
        let due = pending.filter { $0.value.deadline <= now }
            .sorted { ($0.value.deadline, $0.value.order) < ($1.value.deadline, $1.value.order) }
        for (key, _) in due { pending[key] = nil }
        return due.map { Batch(key: $0.key, messages: $0.value.messages) }
    }

    /// Releases everything pending (on shutdown), oldest first.
    public mutating func flushAll() -> [Batch] {
        let all = pending.sorted { $0.value.order < $1.value.order }
        pending = [:]
        return all.map { Batch(key: $0.key, messages: $0.value.messages) }
    }
}
