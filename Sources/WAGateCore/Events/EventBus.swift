import Foundation
import Synchronization

/// The gateway-wide event bus: a monotonic sequence number, a replay ring of the last `capacity` events, and
/// any number of subscribers with bounded queues.
///
/// Publishing is synchronous and cheap: one lock, an append to the ring, an append to each matching
/// subscriber's queue. It never waits for a subscriber. A subscriber that falls more than its buffer limit
/// behind is ended with ``EventBusError/lagged(droppedFrom:)`` instead of making the bus hold more memory.
///
/// ```swift
/// let bus = EventBus()
/// bus.publish(kind: "account.state", account: "sales", data: ["state": "connected"])
///
/// let subscription = try bus.subscribe(since: lastSeenSeq, filter: EventFilter(kinds: ["account.*"]))
/// do {
///     for try await event in subscription { print(event.seq, event.kind) }
/// } catch .lagged(let droppedFrom) {
///     // resubscribe with since: droppedFrom - 1
/// }
/// ```
public final class EventBus: Sendable {
    /// The default number of events kept for resume.
    public static let defaultCapacity = 10_000
    /// The default number of undelivered events a subscriber may hold before it is ended as lagged.
    public static let defaultBufferLimit = 1_024

    /// How many past events the ring keeps for `subscribe(since:)`.
    public let capacity: Int

    private let state: Mutex<State>

    /// Creates a bus.
    /// - Parameter capacity: How many past events to keep for resume (at least 1).
    public init(capacity: Int = EventBus.defaultCapacity) {
        precondition(capacity >= 1, "EventBus capacity must be at least 1")
        self.capacity = capacity
        self.state = Mutex(State())
    }

    // MARK: - Publishing

    /// Publishes an event to the ring and to every matching subscriber, without waiting for any of them.
    ///
    /// - Parameters:
    ///   - kind: A dotted kind, e.g. `"account.state"`.
    ///   - agent: The agent concerned, if any.
    ///   - account: The account concerned, if any.
    ///   - data: The payload.
    /// - Returns: The published event (with its `seq`).
    @discardableResult
    public func publish(
        kind: String, agent: String? = nil, account: String? = nil, data: JSONValue = .null
    ) -> GatewayEvent {
        let time = Date()
        let capacity = self.capacity
        let (event, wake) = state.withLock { s -> (GatewayEvent, [CheckedContinuation<Void, Never>]) in
            s.lastSeq += 1
            let event = GatewayEvent(seq: s.lastSeq, time: time, kind: kind, agent: agent, account: account, data: data)
            if s.ring.count == capacity { _ = s.ring.popFirst() }
            s.ring.append(event)
            var wake: [CheckedContinuation<Void, Never>] = []
            for index in s.subscribers.indices {
                if let waiter = s.subscribers.values[index].offer(event) { wake.append(waiter) }
            }
            return (event, wake)
        }
        // Resume outside the lock: a resumed subscriber immediately takes the lock again.
        for waiter in wake { waiter.resume() }
        return event
    }

    // MARK: - Subscribing

    /// Subscribes to events after `since` (replayed from the ring), followed by live events.
    ///
    /// The subscription's snapshot point is atomic with registration: every event with `seq > startSeq` that
    /// passes the filter is delivered exactly once, in order, and none with `seq <= startSeq` beyond the replay.
    ///
    /// - Parameters:
    ///   - since: The last seq the caller has seen; events with a greater seq are replayed from the ring.
    ///     `nil` means "live events only". `0` means "everything still in the ring, if nothing was evicted".
    ///   - filter: Which events to deliver.
    ///   - bufferLimit: How many undelivered live events the subscription may hold; one more ends it with
    ///     ``EventBusError/lagged(droppedFrom:)``. A replay longer than this limit raises the limit to the replay's
    ///     length (the replay is bounded by the ring anyway).
    /// - Returns: The subscription, an `AsyncSequence` of ``GatewayEvent`` for a single consumer.
    /// - Throws: ``EventBusError/cursorExpired(since:oldestAvailable:current:)`` when `since` is older than the
    ///   ring or newer than the current seq.
    public func subscribe(
        since: UInt64? = nil, filter: EventFilter = .all, bufferLimit: Int = EventBus.defaultBufferLimit
    ) throws(EventBusError) -> EventSubscription {
        precondition(bufferLimit >= 1, "bufferLimit must be at least 1")
        let (id, startSeq) = try state.withLock { s throws(EventBusError) -> (UInt64, UInt64) in
            var queue = RingBuffer<GatewayEvent>()
            if let since {
                let oldest = s.ring.first?.seq ?? s.lastSeq + 1
                guard since >= oldest - 1, since <= s.lastSeq else {
                    throw .cursorExpired(since: since, oldestAvailable: oldest, current: s.lastSeq)
                }
                for offset in Int(since + 1 - oldest)..<s.ring.count {
                    let event = s.ring[offset]
                    if filter.matches(event) { queue.append(event) }
                }
            }
            let id = s.nextSubscriberID
            s.nextSubscriberID += 1
            s.subscribers[id] = Subscriber(filter: filter, queue: queue, limit: Swift.max(bufferLimit, queue.count))
            return (id, s.lastSeq)
        }
        return EventSubscription(bus: self, id: id, startSeq: startSeq)
    }

    // MARK: - Introspection

    /// The seq of the newest event (0 before the first one).
    public var currentSeq: UInt64 { state.withLock { $0.lastSeq } }

    /// The seq of the oldest event still in the ring (`currentSeq + 1` while the ring is empty).
    public var oldestAvailableSeq: UInt64 { state.withLock { $0.ring.first?.seq ?? $0.lastSeq + 1 } }

    /// Counters for monitoring and tests.
    public struct Statistics: Sendable, Hashable {
        /// Live subscriptions (including ended ones whose consumer has not seen the end yet).
        public var subscribers: Int
        /// Undelivered events over all subscriptions.
        public var bufferedEvents: Int
        /// The largest number of undelivered events held for one subscription.
        public var maxBufferedEvents: Int
        /// Events in the replay ring.
        public var ringEvents: Int
        /// The newest seq.
        public var currentSeq: UInt64
    }

    /// A snapshot of the bus's counters.
    public func statistics() -> Statistics {
        state.withLock { s in
            var total = 0
            var maximum = 0
            for subscriber in s.subscribers.values {
                total += subscriber.queue.count
                maximum = Swift.max(maximum, subscriber.queue.count)
            }
            return Statistics(
                subscribers: s.subscribers.count, bufferedEvents: total, maxBufferedEvents: maximum,
                ringEvents: s.ring.count, currentSeq: s.lastSeq)
        }
    }

    // MARK: - Used by EventSubscription

    /// Undelivered events held for one subscription.
    func bufferedCount(_ id: UInt64) -> Int {
        state.withLock { $0.subscribers[id]?.queue.count ?? 0 }
    }

    /// The next event for subscription `id`, waiting for one if needed; `nil` once the subscription was
    /// cancelled (and after its end was delivered). Cancelling the waiting task cancels the subscription.
    func next(_ id: UInt64) async throws(EventBusError) -> GatewayEvent? {
        while true {
            let step = state.withLock { s -> Step in
                guard s.subscribers[id] != nil else { return .finished }
                if let event = s.subscribers[id]!.queue.popFirst() { return .event(event) }
                switch s.subscribers[id]!.end {
                case .lagged(let droppedFrom):
                    // Deliver the end once, then forget the subscriber.
                    s.subscribers[id] = nil
                    return .lagged(droppedFrom)
                case .cancelled:
                    s.subscribers[id] = nil
                    return .finished
                case nil:
                    return .wait
                }
            }
            switch step {
            case .event(let event): return event
            case .lagged(let droppedFrom): throw .lagged(droppedFrom: droppedFrom)
            case .finished: return nil
            case .wait: await waitForEvent(id)
            }
        }
    }

    /// Ends subscription `id`: its undelivered events are discarded and its consumer sees the end.
    func cancel(_ id: UInt64) {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard s.subscribers[id] != nil else { return nil }
            if s.subscribers[id]!.end == nil {
                s.subscribers[id]!.end = .cancelled
                s.subscribers[id]!.queue.removeAll()
            }
            let waiter = s.subscribers[id]!.waiter
            s.subscribers[id]!.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Forgets subscription `id` entirely (its handle is gone).
    func remove(_ id: UInt64) {
        let waiter = state.withLock { $0.subscribers.removeValue(forKey: id)?.waiter }
        waiter?.resume()
    }

    private func waitForEvent(_ id: UInt64) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    guard let subscriber = s.subscribers[id], subscriber.queue.isEmpty, subscriber.end == nil else {
                        return true
                    }
                    s.subscribers[id]!.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.cancel(id)
        }
    }

    // MARK: - State

    private enum Step {
        case event(GatewayEvent)
        case lagged(UInt64)
        case finished
        case wait
    }

    private struct State {
        var lastSeq: UInt64 = 0
        var ring = RingBuffer<GatewayEvent>()
        var subscribers: [UInt64: Subscriber] = [:]
        var nextSubscriberID: UInt64 = 1
    }

    private struct Subscriber {
        enum End {
            case lagged(droppedFrom: UInt64)
            case cancelled
        }

        var filter: EventFilter
        var queue: RingBuffer<GatewayEvent>
        var limit: Int
        var end: End? = nil
        var waiter: CheckedContinuation<Void, Never>? = nil

        /// Queues `event` if it matches; ends the subscriber as lagged when its queue is full.
        /// - Returns: The waiting consumer to wake, if any.
        mutating func offer(_ event: GatewayEvent) -> CheckedContinuation<Void, Never>? {
            guard end == nil, filter.matches(event) else { return nil }
            if queue.count >= limit {
                end = .lagged(droppedFrom: event.seq)
            } else {
                queue.append(event)
            }
            let waiter = self.waiter
            self.waiter = nil
            return waiter
        }
    }
}
