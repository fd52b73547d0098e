/// Why a subscription could not start, or why it ended early.
public enum EventBusError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `since` is older than the oldest event still in the ring (or newer than the newest event, which means
    /// the cursor comes from another run of the gateway). Resubscribe with `since: oldestAvailable - 1` (or
    /// without `since`) and accept the gap.
    case cursorExpired(since: UInt64, oldestAvailable: UInt64, current: UInt64)
    /// The subscriber fell more than its buffer limit behind. Events up to `droppedFrom - 1` were delivered;
    /// `droppedFrom` and later were not. Resume with `since: droppedFrom - 1`.
    case lagged(droppedFrom: UInt64)

    public var description: String {
        switch self {
        case .cursorExpired(let since, let oldest, let current):
            return "cursor expired: since=\(since), oldest available seq is \(oldest) (current \(current))"
        case .lagged(let droppedFrom):
            return "subscriber lagged: events from seq \(droppedFrom) on were dropped"
        }
    }
}
