import Synchronization

/// Wakes one waiting task: the outbox dispatcher sleeps on it when nothing is due, and a new outbox
/// row signals it. A signal sent while nobody waits is kept for the next wait, so none is lost.
final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Wakes the waiter, or the next one to wait.
    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.pending = true
            return nil
        }
        waiter?.resume()
    }

    /// Waits for a signal, at most `timeout` (forever when `nil`), or until the task is cancelled.
    func wait(timeout: Duration?) async {
        if state.withLock({ state in
            defer { state.pending = false }
            return state.pending
        }) { return }
        let timer = timeout.map { timeout in
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled { self?.signal() }
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            signal()
        }
        timer?.cancel()
        // A timeout that fired after a real signal leaves nothing behind: clear it.
        state.withLock { $0.pending = false }
    }
}
