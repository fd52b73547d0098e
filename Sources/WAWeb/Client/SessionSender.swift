import Synchronization

/// Serialises outbound frames: encrypting and handing to the websocket happen as one step per frame, so
/// the Noise nonce order always equals the wire order even with several sending tasks.
///
/// A plain `Mutex` cannot be held across the websocket's `send` (which suspends for back-pressure), so
/// this is a small FIFO async lock; waiters are the concurrently sending tasks, no more.
final class SessionSender: Sendable {
    private struct Lane {
        var codec: FrameCodec
        var cipher: NoiseCipherState
    }

    private struct State {
        var lane: Lane?
        var busy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())
    private let connection: WebSocketConnection

    init(connection: WebSocketConnection) {
        self.connection = connection
    }

    /// Installs the frame codec (which already sent the intro) and the send cipher after the handshake.
    func install(codec: FrameCodec, cipher: NoiseCipherState) {
        state.withLock { $0.lane = Lane(codec: codec, cipher: cipher) }
    }

    /// Encrypts `plaintext` as the next frame and sends it.
    /// - Throws: `WAWebSessionError.connectionClosed` when the websocket is closing; `NoiseError` when the
    ///   cipher is exhausted or the frame too large.
    func send(_ plaintext: [UInt8]) async throws {
        await acquire()
        defer { release() }
        // Only the lock holder touches the lane, so taking it out and putting it back is race-free.
        guard var lane = state.withLock({ $0.lane.take() }) else {
            throw WAWebSessionError(.connectionClosed, "the session is not established")
        }
        defer { state.withLock { $0.lane = lane } }
        let frame = try lane.codec.encode(lane.cipher.encrypt(plaintext))
        do {
            try await connection.send(frame)
        } catch {
            throw WAWebSessionError(.connectionClosed, "cannot send: the connection is closed")
        }
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { state in
                if state.busy {
                    state.waiters.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if acquired { continuation.resume() }
        }
    }

    private func release() {
        // Ownership passes straight to the next waiter, so `busy` stays set.
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
