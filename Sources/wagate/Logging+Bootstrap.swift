import Logging
import Synchronization

/// Sends logs to standard error, once per process. Only the executable bootstraps logging.
///
/// Every record also bumps ``TerminalActivity``, so the QR display knows whether anything was printed
/// below its last QR code (and then prints the next one anew instead of overwriting log lines).
func bootstrapLogging() {
    LoggingSystem.bootstrap { label in CountingLogHandler(base: StreamLogHandler.standardError(label: label)) }
}

/// Counts the log records written, for ``TerminalQRDisplay``.
enum TerminalActivity {
    static let records = Atomic<Int>(0)
}

/// A log handler that counts what it forwards.
struct CountingLogHandler: LogHandler {
    var base: StreamLogHandler

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        TerminalActivity.records.add(1, ordering: .relaxed)
        base.log(event: event)
    }
}
