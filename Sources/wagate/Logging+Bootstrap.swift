import Logging

/// Sends logs to standard error, once per process. Only the executable bootstraps logging.
func bootstrapLogging() {
    LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
}
