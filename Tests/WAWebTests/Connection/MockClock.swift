import Synchronization

/// A clock whose time only moves when a test advances it. The connection state machines take the time
/// as an argument and never sleep, so `sleep` returns at once instead of waiting.
final class MockClock: Clock, Sendable {
    /// A point on the mock time line: an offset from the clock's zero.
    struct Instant: InstantProtocol, CustomStringConvertible {
        var offset: Duration

        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
        var description: String { "t+\(offset)" }
    }

    private let current = Mutex(Instant(offset: .zero))

    var now: Instant { current.withLock { $0 } }
    var minimumResolution: Duration { .nanoseconds(1) }

    /// Moves the time forward.
    func advance(by duration: Duration) {
        current.withLock { $0 = $0.advanced(by: duration) }
    }

    /// Sets the time, forward only.
    func advance(to instant: Instant) {
        current.withLock { if instant > $0 { $0 = instant } }
    }

    /// A stub: the machines never sleep; a shell under test that did would just not wait.
    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
    }
}
