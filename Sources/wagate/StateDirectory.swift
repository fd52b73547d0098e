import Foundation

/// The gateway's state directory (embedded cluster, master key file, control socket).
enum StateDirectory {
    /// Creates the directory with mode 0750 (the control socket's directory rule), or tightens an existing one; the master key file inside is 0600.
    static func prepare(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o750])
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: path)
        guard FileManager.default.isWritableFile(atPath: path) else {
            throw StateDirectoryError(message: "state directory \(path) is not writable; pass --state-dir with a writable directory")
        }
    }
}

struct StateDirectoryError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
