import Synchronization

/// What the event-loop side of a connection shares with the async side: whether it is closing or closed,
/// what the peer's close frame said, and the pings waiting for their pong.
///
/// Written by `WebSocketMessageHandler` on the event loop, read by `WebSocketConnection` from any task.
final class WebSocketConnectionState: Sendable {
    private struct PendingPing {
        let id: UInt64
        let payload: [UInt8]
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct Storage {
        var isClosing = false
        var isClosed = false
        var peerCloseFrame: WebSocketCloseFrame?
        var pendingPings: [PendingPing] = []
        var nextPingID: UInt64 = 0
    }

    private let storage = Mutex(Storage())

    /// Whether a close frame was sent or received, or the connection failed: sending is over.
    var isClosing: Bool { storage.withLock { $0.isClosing } }

    /// The peer's close frame, once one arrived.
    var peerCloseFrame: WebSocketCloseFrame? { storage.withLock { $0.peerCloseFrame } }

    func markClosing() {
        storage.withLock { $0.isClosing = true }
    }

    func recordPeerClose(_ frame: WebSocketCloseFrame) {
        storage.withLock {
            $0.isClosing = true
            $0.peerCloseFrame = frame
        }
    }

    /// The channel is gone: fails every waiting ping, and every later one at once.
    func markClosed() {
        let pings = storage.withLock { storage in
            storage.isClosing = true
            storage.isClosed = true
            defer { storage.pendingPings.removeAll() }
            return storage.pendingPings
        }
        for ping in pings { ping.continuation.resume(throwing: Self.closedError) }
    }

    // MARK: Pings

    func makePingID() -> UInt64 {
        storage.withLock {
            $0.nextPingID &+= 1
            return $0.nextPingID
        }
    }

    /// Registers a ping before it is written, so that its pong cannot arrive first.
    func addPing(id: UInt64, payload: [UInt8], continuation: CheckedContinuation<Void, any Error>) {
        let accepted = storage.withLock {
            guard !$0.isClosing else { return false }
            $0.pendingPings.append(PendingPing(id: id, payload: payload, continuation: continuation))
            return true
        }
        if !accepted { continuation.resume(throwing: Self.closedError) }
    }

    /// Removes a ping (write failed, or its task was cancelled) and resumes it with `error`.
    func cancelPing(id: UInt64, with error: any Error) {
        let ping = storage.withLock { storage -> PendingPing? in
            guard let index = storage.pendingPings.firstIndex(where: { $0.id == id }) else { return nil }
            return storage.pendingPings.remove(at: index)
        }
        ping?.continuation.resume(throwing: error)
    }

    /// A pong arrived: it answers the ping with the same payload and, since a peer may answer only the
    /// latest of several pings (RFC 6455 §5.5.3), every ping sent before it. Unsolicited pongs are ignored.
    func receivedPong(payload: [UInt8]) {
        let answered = storage.withLock { storage -> [PendingPing] in
            guard let index = storage.pendingPings.firstIndex(where: { $0.payload == payload }) else { return [] }
            defer { storage.pendingPings.removeFirst(index + 1) }
            return Array(storage.pendingPings[...index])
        }
        for ping in answered { ping.continuation.resume() }
    }

    static var closedError: WebSocketError { WebSocketError(.connectionClosed, "the websocket is closed") }
}
