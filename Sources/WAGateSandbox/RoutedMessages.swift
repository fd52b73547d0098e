import WABinary

/// The senders of the messages the sandbox routed, by message id, so a recipient's receipt can be
/// forwarded to whoever sent the message. Bounded: the oldest entries are forgotten first, as a real
/// server would stop forwarding receipts for very old messages.
struct RoutedMessages: Sendable {
    /// How many message ids are remembered.
    static let capacity = 10_000

    private var senders: [String: JID] = [:]
    private var order: [String] = []
    private var start = 0

    /// Remembers that `sender` sent message `id`.
    mutating func record(_ id: String, sender: JID) {
        if senders.updateValue(sender, forKey: id) == nil { order.append(id) }
        while senders.count > Self.capacity, start < order.count {
            senders[order[start]] = nil
            start += 1
        }
        // Compact now and then, so the order list does not grow without bound.
        if start > Self.capacity {
            order.removeFirst(start)
            start = 0
        }
    }

    /// The sender of message `id`, if remembered.
    func sender(of id: String) -> JID? { senders[id] }
}
