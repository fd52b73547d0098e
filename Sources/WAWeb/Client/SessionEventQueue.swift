import Synchronization

/// A bounded single-producer, single-consumer queue between a session's reader and its `events`.
///
/// The reader suspends in `push` while `capacity` events wait, so a slow consumer slows the socket reads
/// (the websocket then applies its own back-pressure) instead of growing a buffer.
final class SessionEventQueue: Sendable {
    private struct State {
        var buffer: [WAWebSessionEvent] = []
        var consumer: CheckedContinuation<Result<WAWebSessionEvent?, any Error>, Never>?
        var producer: CheckedContinuation<Void, Never>?
        /// Set once finished: `nil` inside means a clean end.
        var termination: Result<Void, any Error>?
    }

    private let state = Mutex(State())
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
    }

    /// Enqueues `event`, first waiting for room while `capacity` events are buffered. Returns at once
    /// (dropping the event) once finished or when the task is cancelled.
    func push(_ event: WAWebSessionEvent) async {
        while true {
            let (done, consumer) = state.withLock { state -> (Bool, CheckedContinuation<Result<WAWebSessionEvent?, any Error>, Never>?) in
                guard state.termination == nil, !Task.isCancelled else { return (true, nil) }
                if let consumer = state.consumer.take() { return (true, consumer) }
                guard state.buffer.count >= capacity else {
                    state.buffer.append(event)
                    return (true, nil)
                }
                return (false, nil)
            }
            consumer?.resume(returning: .success(event))
            if done { return }
            await waitForRoom()
        }
    }

    private func waitForRoom() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let mustWait = state.withLock { state in
                    guard state.termination == nil, state.buffer.count >= capacity, !Task.isCancelled else { return false }
                    state.producer = continuation
                    return true
                }
                if !mustWait { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.producer.take() }?.resume()
        }
    }

    /// Ends the queue: buffered events are still delivered, then `next` returns nil or throws `error`.
    func finish(throwing error: (any Error)? = nil) {
        let (consumer, producer) = state.withLock { state -> (CheckedContinuation<Result<WAWebSessionEvent?, any Error>, Never>?, CheckedContinuation<Void, Never>?) in
            guard state.termination == nil else { return (nil, nil) }
            let consumer = state.consumer.take()
            // A waiting consumer gets the error now, so it must not be reported again.
            state.termination = consumer == nil ? error.map { .failure($0) } ?? .success(()) : .success(())
            return (consumer, state.producer.take())
        }
        producer?.resume()
        // The consumer waits only when the buffer is empty, so the end is what it gets.
        consumer?.resume(returning: error.map { .failure($0) } ?? .success(nil))
    }

    /// The next event; nil after a clean end.
    /// - Throws: the error the queue was finished with (once), or `CancellationError`.
    func next() async throws -> WAWebSessionEvent? {
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<WAWebSessionEvent?, any Error>, Never>) in
                let (immediate, producer) = state.withLock { state -> (Result<WAWebSessionEvent?, any Error>?, CheckedContinuation<Void, Never>?) in
                    if !state.buffer.isEmpty {
                        let event = state.buffer.removeFirst()
                        let producer = state.buffer.count < capacity ? state.producer.take() : nil
                        return (.success(event), producer)
                    }
                    switch state.termination {
                    case .failure(let error):
                        state.termination = .success(())  // the error is reported once
                        return (.failure(error), nil)
                    case .success:
                        return (.success(nil), nil)
                    case nil:
                        if Task.isCancelled { return (.failure(CancellationError()), nil) }
                        state.consumer = continuation
                        return (nil, nil)
                    }
                }
                producer?.resume()
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            state.withLock { $0.consumer.take() }?.resume(returning: .failure(CancellationError()))
        }
        return try result.get()
    }
}
