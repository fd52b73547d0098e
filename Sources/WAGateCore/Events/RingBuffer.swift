/// A FIFO queue on a circular array: O(1) `append` and `popFirst`, indexed access from the oldest element.
///
/// The bus uses it twice: as the replay ring (callers pop the oldest element before appending once the ring is
/// full) and as each subscriber's pending queue. It grows by doubling; it never shrinks except through
/// `removeAll()`, which is what a long-lived ring wants.
struct RingBuffer<Element> {
    private var storage: [Element?] = []
    private var head = 0
    private(set) var count = 0

    init() {}

    var isEmpty: Bool { count == 0 }

    /// The element `offset` positions after the oldest one.
    subscript(offset: Int) -> Element {
        precondition(offset >= 0 && offset < count, "RingBuffer index out of range")
        return storage[(head + offset) % storage.count]!
    }

    /// The oldest element, if any.
    var first: Element? { isEmpty ? nil : self[0] }

    /// The newest element, if any.
    var last: Element? { isEmpty ? nil : self[count - 1] }

    mutating func append(_ element: Element) {
        if count == storage.count { grow() }
        storage[(head + count) % storage.count] = element
        count += 1
    }

    mutating func popFirst() -> Element? {
        guard count > 0 else { return nil }
        let element = storage[head]
        storage[head] = nil
        head = (head + 1) % storage.count
        count -= 1
        return element
    }

    mutating func removeAll() {
        storage = []
        head = 0
        count = 0
    }

    private mutating func grow() {
        let newCapacity = Swift.max(16, storage.count * 2)
        var newStorage = [Element?](repeating: nil, count: newCapacity)
        for i in 0..<count {
            newStorage[i] = storage[(head + i) % storage.count]
        }
        storage = newStorage
        head = 0
    }
}
