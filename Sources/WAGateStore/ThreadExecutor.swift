import Foundation

/// A serial executor that owns one OS thread, for actors that make blocking C calls (libpq).
///
/// Swift's cooperative pool has one thread per core; a blocking `PQexec` on it would stall unrelated tasks.
/// An actor whose `unownedExecutor` is a `ThreadExecutor` runs every job on the executor's own thread
/// instead (style guide §4.4, design A).
///
/// ```swift
/// actor Blocking {
///     let executor = ThreadExecutor(name: "blocking")
///     nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
/// }
/// ```
///
/// The thread runs until `stop()`, and keeps the executor alive until then: stop every executor you create.
/// `stop()` lets the thread finish the jobs already queued and exit. Jobs enqueued after the thread has
/// exited still run, one at a time, on a private serial dispatch queue, so a late call on a stopped actor
/// completes instead of hanging forever.
public final class ThreadExecutor: SerialExecutor, @unchecked Sendable {
    // @unchecked Sendable: every mutable field below is only touched with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []
    private var started = false
    private var stopRequested = false
    private var exited = false
    private var exitWaiters: [CheckedContinuation<Void, Never>] = []
    private var thread: Thread?
    private let lateJobs: DispatchQueue
    private let lateJobsKey = DispatchSpecificKey<ObjectIdentifier>()
    /// The thread's name (visible in debuggers and `/proc/self/task/*/comm`).
    public let name: String

    /// Starts the thread.
    /// - Parameter name: the thread's name; Linux shows its first 15 bytes.
    public init(name: String) {
        self.name = name
        self.lateJobs = DispatchQueue(label: "\(name).late")
        lateJobs.setSpecific(key: lateJobsKey, value: ObjectIdentifier(self))
        // The thread keeps the executor alive until it exits, so an executor is never freed under a job.
        let thread = Thread { [self] in self.runLoop() }
        self.thread = thread
        thread.start()
        condition.lock()
        started = true
        condition.broadcast()
        condition.unlock()
    }

    /// Whether the thread is still running.
    public var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return !exited
    }

    /// Asks the thread to exit once the jobs already queued have run. Returns at once.
    public func stop() {
        condition.lock()
        stopRequested = true
        condition.signal()
        condition.unlock()
    }

    /// Asks the thread to exit and waits until it has.
    public func stopAndWait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            condition.lock()
            stopRequested = true
            if exited {
                condition.unlock()
                continuation.resume()
                return
            }
            exitWaiters.append(continuation)
            condition.signal()
            condition.unlock()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        if exited {
            condition.unlock()
            lateJobs.async { job.runSynchronously(on: self.asUnownedSerialExecutor()) }
            return
        }
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    public func checkIsolated() {
        precondition(isIsolatingCurrentThread, "expected to run on the thread of executor \(name)")
    }

    private var isIsolatingCurrentThread: Bool {
        condition.lock()
        defer { condition.unlock() }
        if exited { return DispatchQueue.getSpecific(key: lateJobsKey) == ObjectIdentifier(self) }
        return thread.map { Thread.current === $0 } ?? false
    }

    private func runLoop() {
        // Named from inside, once `start()` has returned: swift-corelibs-foundation applies a name to the
        // OS thread only when set on the current, fully started thread; otherwise the thread keeps its
        // creator's name (often a cooperative-pool worker's).
        condition.lock()
        while !started { condition.wait() }
        condition.unlock()
        Thread.current.name = name
        var batch: [UnownedJob] = []
        while true {
            condition.lock()
            while jobs.isEmpty && !stopRequested { condition.wait() }
            if jobs.isEmpty {
                // Stop requested and nothing left: from now on `enqueue` uses the late-job queue, and as this
                // thread runs nothing more, the two never run jobs at the same time.
                exited = true
                thread = nil
                let waiters = exitWaiters
                exitWaiters.removeAll()
                condition.unlock()
                for waiter in waiters { waiter.resume() }
                return
            }
            swap(&batch, &jobs)
            condition.unlock()
            for job in batch { job.runSynchronously(on: asUnownedSerialExecutor()) }
            batch.removeAll(keepingCapacity: true)
        }
    }
}
