import Synchronization

/// Records the waits a replier asks for between attempts, without waiting.
final class SleepRecorder: Sendable {
    private let delays = Mutex<[Duration]>([])

    var recorded: [Duration] { delays.withLock { $0 } }

    var sleep: @Sendable (Duration) async throws -> Void {
        { [self] duration in self.delays.withLock { $0.append(duration) } }
    }
}
