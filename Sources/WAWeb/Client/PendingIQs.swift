import Synchronization
import WABinary

/// The IQs awaiting an answer, by id.
///
/// An id is registered before its request is sent, so an answer arriving before the sender starts
/// waiting is kept (`completed`) rather than mistaken for an unsolicited stanza.
final class PendingIQs: Sendable {
    private enum Slot {
        case registered
        case waiting(CheckedContinuation<Node, any Error>)
        case completed(Result<Node, any Error>)
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var closedError: (any Error)?
    }

    private let state = Mutex(State())

    /// Reserves `id`.
    /// - Throws: the session's end error once it ended; `.invalidNode` if `id` is already pending.
    func register(_ id: String) throws {
        try state.withLock { state in
            if let error = state.closedError { throw error }
            guard state.slots[id] == nil else {
                throw WAWebSessionError(.invalidNode, "an IQ with id \(id) is already pending")
            }
            state.slots[id] = .registered
        }
    }

    /// Waits for the answer to a registered `id`; cancellation throws `CancellationError`.
    func wait(for id: String) async throws -> Node {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Node, any Error>) in
                let immediate: Result<Node, any Error>? = state.withLock { state in
                    switch state.slots[id] {
                    case .completed(let result):
                        state.slots[id] = nil
                        return result
                    case .registered:
                        if Task.isCancelled {
                            state.slots[id] = nil
                            return .failure(CancellationError())
                        }
                        state.slots[id] = .waiting(continuation)
                        return nil
                    case .waiting, nil:
                        return .failure(CancellationError())
                    }
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            cancel(id)
        }
    }

    /// Forgets `id` (timeout, cancellation); a waiter gets `CancellationError`.
    func cancel(_ id: String) {
        let slot = state.withLock { $0.slots.removeValue(forKey: id) }
        if case .waiting(let continuation) = slot { continuation.resume(throwing: CancellationError()) }
    }

    /// Delivers an answer; false when nobody awaits `id` (the stanza is then an ordinary event).
    func complete(_ id: String, with result: Result<Node, any Error>) -> Bool {
        let (known, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Node, any Error>?) in
            switch state.slots[id] {
            case .registered:
                state.slots[id] = .completed(result)
                return (true, nil)
            case .waiting(let continuation):
                state.slots[id] = nil
                return (true, continuation)
            case .completed, nil:
                return (false, nil)
            }
        }
        waiter?.resume(with: result)
        return known
    }

    /// Fails every pending IQ and every later `register` with `error`.
    func close(with error: any Error) {
        let waiters = state.withLock { state -> [CheckedContinuation<Node, any Error>] in
            if state.closedError == nil { state.closedError = error }
            var waiters: [CheckedContinuation<Node, any Error>] = []
            for (id, slot) in state.slots {
                switch slot {
                case .waiting(let continuation):
                    waiters.append(continuation)
                    state.slots[id] = nil
                case .registered:
                    state.slots[id] = .completed(.failure(error))
                case .completed:
                    break
                }
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(throwing: error) }
    }
}
