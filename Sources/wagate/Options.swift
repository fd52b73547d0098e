import ArgumentParser
import Foundation
import Logging

/// Where the agents come from: `--character` (repeatable), `--characters DIR`, `--config FILE`.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .customLong("character"), help: "A character file (repeatable).")
    var characterFiles: [String] = []

    @Option(name: .customLong("characters"), help: "A directory of character files (*.json).")
    var characterDirectory: String?

    @Option(name: .customLong("config"), help: "A Milady-style config file with `env` and `connectors`.")
    var configFile: String?

    var isEmpty: Bool { characterFiles.isEmpty && characterDirectory == nil && configFile == nil }
}

/// The state directory and the control socket inside it.
struct StateOptions: ParsableArguments {
    @Option(name: .customLong("state-dir"), help: "Holds the embedded PostgreSQL, the master key file and the control socket.")
    var stateDirectory: String = "./.wagate"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (or WAGATE_LOG_LEVEL).")
    var logLevel: String?

    var absoluteStateDirectory: String {
        URL(fileURLWithPath: stateDirectory, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
    }

    func makeLogger(label: String = "wagate") -> Logger {
        let levelText = logLevel ?? ProcessInfo.processInfo.environment["WAGATE_LOG_LEVEL"] ?? "info"
        var logger = Logger(label: label)
        logger.logLevel = Logger.Level(rawValue: levelText.lowercased()) ?? .info
        return logger
    }
}

/// Options of the commands that are clients of the control socket.
struct ClientOptions: ParsableArguments {
    @Option(help: "The gateway's control socket.")
    var socket: String = "./.wagate/control.sock"

    @Flag(help: "Print the JSON result instead of a table.")
    var json = false
}
