import Foundation
import WAGateCrypto

/// The sandbox's persistent state: its root key, its phones and their devices.
///
/// Kept as JSON in `DIR/sandbox-state.json` (0600, written to a temporary file and renamed, so a crash
/// never leaves half a file): a restarted sandbox keeps its root key, so gateways configured with it
/// keep trusting it, and linked devices keep logging in.
struct SandboxStateFile: Codable, Sendable {
    struct Device: Codable, Sendable {
        var id: Int
        var noiseKey: String
        var identityKey: String
        var registrationID: UInt32
        var revoked: Bool
    }

    struct Phone: Codable, Sendable {
        /// The account signature key's private half (hex), the phone's long-term identity.
        var accountKey: String
        /// The phone's LID user number.
        var lid: String
        var nextDevice: Int
        var devices: [Device]
    }

    var rootKey: String
    /// By E.164 digits (no `+`).
    var phones: [String: Phone]

    static let fileName = "sandbox-state.json"

    static func load(directory: String) throws -> SandboxStateFile? {
        let path = (directory as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(SandboxStateFile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw SandboxError("cannot read the sandbox state \(path): \(error); move it away to start afresh")
        }
    }

    func save(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let temporary = path + ".tmp"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(self)
        // Created 0600 before any byte is written: the file holds private keys.
        guard FileManager.default.createFile(atPath: temporary, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw SandboxError("cannot write \(temporary)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: temporary))
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        guard rename(temporary, path) == 0 else { throw SandboxError("cannot replace \(path): errno \(errno)") }
    }
}
