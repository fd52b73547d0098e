import Synchronization

/// The payload the server saw, handed from the handler task to the test.
final class PayloadBox: Sendable {
    private let value = Mutex<[UInt8]?>(nil)
    func set(_ bytes: [UInt8]?) { value.withLock { $0 = bytes } }
    func get() -> [UInt8]? { value.withLock { $0 } }
}
