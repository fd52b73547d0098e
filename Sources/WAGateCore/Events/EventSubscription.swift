/// A subscription to the ``EventBus``: an `AsyncSequence` of ``GatewayEvent`` that ends when cancelled, or throws
/// ``EventBusError/lagged(droppedFrom:)`` (after delivering what it had buffered) when its consumer fell too far
/// behind.
///
/// Meant for one consumer. Cancelling the task that iterates it, calling ``cancel()``, or dropping the last
/// reference to it ends it and frees its queue.
public final class EventSubscription: AsyncSequence, Sendable {
    public typealias Element = GatewayEvent
    public typealias Failure = EventBusError

    /// The bus-wide subscription number (for logs).
    public let id: UInt64
    /// The bus's current seq when the subscription was registered: live events have a greater seq.
    public let startSeq: UInt64

    private let bus: EventBus

    init(bus: EventBus, id: UInt64, startSeq: UInt64) {
        self.bus = bus
        self.id = id
        self.startSeq = startSeq
    }

    deinit {
        bus.remove(id)
    }

    /// Ends the subscription: undelivered events are discarded and the consumer's loop finishes.
    public func cancel() {
        bus.cancel(id)
    }

    /// How many events are waiting for the consumer (bounded by the buffer limit).
    public var bufferedCount: Int { bus.bufferedCount(id) }

    /// An iterator over the subscription (use one at a time: they share the subscription's queue).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(subscription: self)
    }

    /// Iterates a subscription.
    public struct AsyncIterator: AsyncIteratorProtocol {
        public typealias Element = GatewayEvent
        public typealias Failure = EventBusError

        let subscription: EventSubscription

        /// The next event, waiting for one; `nil` once the subscription was cancelled.
        /// - Throws: ``EventBusError/lagged(droppedFrom:)`` once, after the events buffered before the overflow.
        public mutating func next() async throws(EventBusError) -> GatewayEvent? {
            try await subscription.bus.next(subscription.id)
        }

        /// The next event (see ``next()``).
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(EventBusError) -> GatewayEvent? {
            try await subscription.bus.next(subscription.id)
        }
    }
}
