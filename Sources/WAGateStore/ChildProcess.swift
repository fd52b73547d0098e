import Foundation

/// Runs a command to completion without blocking any thread: the caller suspends until Foundation's
/// termination handler reports the exit, so a 10-second `initdb` costs the cooperative pool nothing.
struct ChildProcess {
    /// The program to run.
    var executable: URL
    /// Its arguments.
    var arguments: [String]
    /// Where stdout and stderr are appended; `nil` discards them.
    var logFile: URL?
    /// The working directory (must be reachable by the user the command runs as).
    var currentDirectory: URL?
    /// Close every inherited descriptor above 2 before running the program; needed for commands that
    /// leave a daemon behind (`pg_ctl start`).
    ///
    /// swift-corelibs-foundation learns that a child exited when a socket it hands to the child reaches
    /// end-of-file, and every descendant inherits that socket: a daemonised postmaster would keep it
    /// open, and the termination handler would not run until the server stops. A `bash` prologue closes
    /// the inherited descriptors, then `exec`s the program, so Foundation still waits for the right exit.
    var closesInheritedDescriptors = false

    /// A readable rendering for error messages.
    var commandLine: String { ([executable.path] + arguments).joined(separator: " ") }

    /// Runs the command and returns its exit status.
    /// - Throws: `StoreError` (`embeddedPostgres`) when the program cannot be started.
    func run() async throws -> Int32 {
        let process = Process()
        if closesInheritedDescriptors {
            process.executableURL = try EmbeddedPostgres.findExecutable("bash", in: ["/bin", "/usr/bin"])
            process.arguments = ["-c", Self.closeDescriptorsAndExec, "wagate-exec", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        process.standardInput = FileHandle.nullDevice
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        let output: FileHandle
        if let logFile {
            if !FileManager.default.fileExists(atPath: logFile.path) {
                _ = FileManager.default.createFile(
                    atPath: logFile.path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            do {
                output = try FileHandle(forWritingTo: logFile)
                try output.seekToEnd()
            } catch {
                throw StoreError(.embeddedPostgres, "cannot open log file \(logFile.path): \(error)")
            }
        } else {
            output = FileHandle.nullDevice
        }
        defer { if logFile != nil { try? output.close() } }
        process.standardOutput = output
        process.standardError = output
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int32, any Error>) in
            process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(
                    throwing: StoreError(.embeddedPostgres, "cannot run \(commandLine): \(error)"))
            }
        }
    }

    private static let closeDescriptorsAndExec = """
        for fd in /proc/$$/fd/*; do fd=${fd##*/}; case $fd in 0|1|2) continue;; esac; \
        [ -e /proc/$$/fd/$fd ] && eval "exec $fd>&-"; done; exec "$@"
        """

    /// Runs the command and returns what it printed (stdout and stderr), with its exit status.
    func output() async throws -> (status: Int32, text: String) {
        let capture = FileManager.default.temporaryDirectory
            .appendingPathComponent("wagate-cmd-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out")
        defer { try? FileManager.default.removeItem(at: capture) }
        var command = self
        command.logFile = capture
        let status = try await command.run()
        let text = (try? String(contentsOf: capture, encoding: .utf8)) ?? ""
        return (status, text)
    }

    /// The last `count` lines of a log file, for error messages.
    static func tail(of file: URL, lines count: Int = 15) -> String {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return "" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(count + 1)
            .joined(separator: "\n").trimmingTrailingNewlines()
    }
}
