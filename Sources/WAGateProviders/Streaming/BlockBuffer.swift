import Synchronization

/// A ``ReplyBlockCoalescer`` shared with the `@Sendable` text callback of a streamed reply. The callback
/// is never called concurrently, so the lock is never contended; it only makes the sharing checkable.
final class BlockBuffer: Sendable {
    private let coalescer: Mutex<ReplyBlockCoalescer>

    init(_ coalescer: ReplyBlockCoalescer) {
        self.coalescer = Mutex(coalescer)
    }

    func append(_ piece: String) -> [String] {
        coalescer.withLock { $0.append(piece) }
    }

    func finish() -> String? {
        coalescer.withLock { $0.finish() }
    }
}
