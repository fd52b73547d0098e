import Synchronization

/// Remembers which phone numbers and business accounts nobody serves, so each is logged once rather
/// than on every delivery Meta makes for it.
final class UnknownRecipientLog: Sendable {
    /// Past this many ids the log stops remembering new ones (and stops logging them): a flood of
    /// made-up ids must not grow memory without bound.
    static let capacity = 10_000

    private let seen = Mutex<Set<String>>([])

    /// Whether `id` is new (and so should be logged); records it.
    func firstSighting(of id: String) -> Bool {
        seen.withLock { seen in
            guard seen.count < Self.capacity else { return false }
            return seen.insert(id).inserted
        }
    }
}
