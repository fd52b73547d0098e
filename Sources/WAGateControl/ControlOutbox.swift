import NIOCore
import Synchronization

/// One connection's output queue, drained by a single writer task into the channel.
///
/// Three kinds of messages share one FIFO, so a subscription's response precedes its first event:
/// - responses to calls are never dropped; they are bounded because a call keeps its in-flight slot until its
///   response is written; if none can be written for the write-stall timeout the connection is closed (see
///   ``stalledDuration(now:)``);
/// - event notifications are bounded by message count and bytes; when full, the caller ends its subscription as
///   lagged instead of queueing more;
/// - control messages (`events.lagged`) are never dropped and not counted: there is at most one per subscription.
final class ControlOutbox: Sendable {
    enum Kind: Sendable {
        case response
        case notification
        case control
    }

    enum NotificationResult: Sendable {
        case enqueued
        /// The notification limit is reached: end the subscription as lagged.
        case full
        /// The connection is closing: stop.
        case closed
    }

    /// Queue lengths for statistics and tests.
    struct Statistics: Sendable {
        var queuedMessages: Int
        var queuedNotifications: Int
        var queuedNotificationBytes: Int
        var pendingResponses: Int
    }

    private let maxNotificationMessages: Int
    private let maxNotificationBytes: Int
    /// How many queued messages one write hands to NIO (one flush per batch).
    private let batchSize = 64
    private let state: Mutex<State>

    init(maxNotificationMessages: Int, maxNotificationBytes: Int) {
        self.maxNotificationMessages = max(1, maxNotificationMessages)
        self.maxNotificationBytes = max(1, maxNotificationBytes)
        self.state = Mutex(State(lastProgress: .now))
    }

    // MARK: - Producers

    /// Queues a response or a control message.
    /// - Returns: `false` when the outbox is finished (the connection is closing).
    @discardableResult
    func enqueue(_ buffer: ByteBuffer, kind: Kind) -> Bool {
        precondition(kind != .notification, "use tryEnqueueNotification")
        let (accepted, waiter) = state.withLock { s -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !s.finished else { return (false, nil) }
            s.queue.append(Entry(buffer: buffer, kind: kind))
            if kind == .response {
                if s.pendingResponses == 0 { s.responsesWaitingSince = .now }
                s.pendingResponses += 1
            }
            return (true, s.takeWriterWaiter())
        }
        waiter?.resume()
        return accepted
    }

    /// Queues an event notification unless the notification limit is reached.
    func tryEnqueueNotification(_ buffer: ByteBuffer) -> NotificationResult {
        let (result, waiter) = state.withLock { s -> (NotificationResult, CheckedContinuation<Void, Never>?) in
            guard !s.finished else { return (.closed, nil) }
            if s.queuedNotifications > 0
                && (s.queuedNotifications >= maxNotificationMessages
                    || s.queuedNotificationBytes + buffer.readableBytes > maxNotificationBytes)
            {
                return (.full, nil)
            }
            s.queue.append(Entry(buffer: buffer, kind: .notification))
            s.queuedNotifications += 1
            s.queuedNotificationBytes += buffer.readableBytes
            return (.enqueued, s.takeWriterWaiter())
        }
        waiter?.resume()
        return result
    }

    /// Accepts nothing more; the writer exits once the queue is drained.
    func finish() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.finished = true
            return s.takeWriterWaiter()
        }
        waiter?.resume()
    }

    // MARK: - Writer

    /// What the writer hands to the channel in one write.
    struct Batch: Sendable {
        var buffers: [ByteBuffer]
        /// How many of them are responses to calls.
        var responses: Int
    }

    /// The next messages to write, waiting for some; `nil` after ``finish()`` once the queue is empty, or when
    /// the writer task is cancelled.
    func nextBatch() async -> Batch? {
        while true {
            if Task.isCancelled { return nil }
            let batch = state.withLock { s -> Batch? in
                guard !s.queue.isEmpty else { return nil }
                var batch = Batch(buffers: [], responses: 0)
                batch.buffers.reserveCapacity(min(batchSize, s.queue.count))
                while batch.buffers.count < batchSize, let entry = s.queue.popFirst() {
                    switch entry.kind {
                    case .notification:
                        s.queuedNotifications -= 1
                        s.queuedNotificationBytes -= entry.buffer.readableBytes
                    case .response:
                        batch.responses += 1
                    case .control:
                        break
                    }
                    batch.buffers.append(entry.buffer)
                }
                return batch
            }
            if let batch { return batch }
            if state.withLock({ $0.finished }) { return nil }
            await waitForMessages()
        }
    }

    /// Records that a batch was written (progress for the stall check).
    func didWrite(_ batch: Batch) {
        state.withLock { s in
            s.lastProgress = .now
            s.pendingResponses -= batch.responses
            if s.pendingResponses == 0 { s.responsesWaitingSince = nil }
        }
    }

    /// Waits until the writer task has exited.
    func waitForWriterExit() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let exited = state.withLock { s -> Bool in
                if s.writerExited { return true }
                s.exitWaiters.append(continuation)
                return false
            }
            if exited { continuation.resume() }
        }
    }

    // MARK: - Monitoring

    /// How long responses have been waiting without any write making progress, or `nil` when no response is
    /// pending.
    func stalledDuration(now: ContinuousClock.Instant) -> Duration? {
        state.withLock { s in
            guard s.pendingResponses > 0, let since = s.responsesWaitingSince else { return nil }
            return now - max(since, s.lastProgress)
        }
    }

    /// Whether any response is queued or being written.
    var hasPendingResponses: Bool { state.withLock { $0.pendingResponses > 0 } }

    func statistics() -> Statistics {
        state.withLock { s in
            Statistics(
                queuedMessages: s.queue.count, queuedNotifications: s.queuedNotifications,
                queuedNotificationBytes: s.queuedNotificationBytes, pendingResponses: s.pendingResponses)
        }
    }

    // MARK: - Private

    private func waitForMessages() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if !s.queue.isEmpty || s.finished || s.writerCancelled { return true }
                    s.writerWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
                s.writerCancelled = true
                return s.takeWriterWaiter()
            }
            waiter?.resume()
        }
    }

    /// Called by the writer task when it stops: nothing more is accepted, and waiters are released.
    func writerExited() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.finished = true
            s.writerExited = true
            s.queue.removeAll()
            s.queuedNotifications = 0
            s.queuedNotificationBytes = 0
            s.pendingResponses = 0
            s.responsesWaitingSince = nil
            let waiters = s.exitWaiters
            s.exitWaiters = []
            return waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private struct Entry {
        var buffer: ByteBuffer
        var kind: Kind
    }

    private struct State {
        var queue = CircularBuffer<Entry>()
        var queuedNotifications = 0
        var queuedNotificationBytes = 0
        /// Responses queued or being written.
        var pendingResponses = 0
        /// When `pendingResponses` last went from 0 to 1.
        var responsesWaitingSince: ContinuousClock.Instant?
        /// When a write last completed.
        var lastProgress: ContinuousClock.Instant
        var writerWaiter: CheckedContinuation<Void, Never>?
        var writerCancelled = false
        var finished = false
        var writerExited = false
        var exitWaiters: [CheckedContinuation<Void, Never>] = []

        mutating func takeWriterWaiter() -> CheckedContinuation<Void, Never>? {
            let waiter = writerWaiter
            writerWaiter = nil
            return waiter
        }
    }
}
