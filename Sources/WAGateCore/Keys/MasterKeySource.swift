import Foundation
import Logging
import WAGateCrypto

/// Where the master key comes from: `WAGATE_MASTER_KEY` (and `WAGATE_MASTER_KEY_PREVIOUS`), or key
/// files in the state directory (`master.key`, plus `master.key.previous` and `master.key.next` kept by
/// a rotation).
public struct MasterKeySource: Sendable {
    /// Environment variable with the current master key (32 bytes, standard base64).
    public static let environmentVariable = "WAGATE_MASTER_KEY"
    /// Environment variable with the previous master key, accepted for unwrapping during a rotation.
    public static let previousEnvironmentVariable = "WAGATE_MASTER_KEY_PREVIOUS"

    /// The state directory holding the key files.
    public var stateDirectory: String
    /// The process environment.
    public var environment: [String: String]

    /// Creates a source.
    public init(stateDirectory: String, environment: [String: String]) {
        self.stateDirectory = stateDirectory
        self.environment = environment
    }

    /// Path of the current key file.
    public var keyFilePath: String { (stateDirectory as NSString).appendingPathComponent("master.key") }
    var previousKeyFilePath: String { keyFilePath + ".previous" }
    var nextKeyFilePath: String { keyFilePath + ".next" }

    /// Whether the key comes from the environment rather than files.
    public var usesEnvironment: Bool { !(environment[Self.environmentVariable] ?? "").isEmpty }

    /// Loads the key ring.
    /// - Parameter createIfMissing: create `master.key` (0600) when neither the environment nor a file
    ///   has a key (first start).
    public func load(createIfMissing: Bool, logger: Logger) throws -> KeyRing {
        if usesEnvironment {
            let current = try MasterKey(base64: environment[Self.environmentVariable]!, source: Self.environmentVariable)
            var previous: [MasterKey] = []
            if let p = environment[Self.previousEnvironmentVariable], !p.isEmpty {
                previous.append(try MasterKey(base64: p, source: Self.previousEnvironmentVariable))
            }
            return KeyRing(current: current, previous: previous)
        }
        let current: MasterKey
        if let text = try KeyFile.read(keyFilePath) {
            current = try MasterKey(base64: text, source: keyFilePath)
        } else if createIfMissing {
            current = try MasterKey.generate()
            try KeyFile.write(current.base64Encoded() + "\n", to: keyFilePath)
            logger.notice(
                "created a new master key; back it up: without it the sealed data cannot be read",
                metadata: ["path": "\(keyFilePath)", "kek": "\(current.id)"])
        } else {
            throw CryptoError(
                .keyFile, "no master key: set \(Self.environmentVariable) or start the gateway once to create \(keyFilePath)")
        }
        var previous: [MasterKey] = []
        for path in [previousKeyFilePath, nextKeyFilePath] {
            if let text = try KeyFile.read(path) { previous.append(try MasterKey(base64: text, source: path)) }
        }
        return KeyRing(current: current, previous: previous)
    }

    /// Checks that `ring` can unwrap every stored data key, before anything is claimed or started.
    /// - Parameter stored: `(account, master-key fingerprint)` of every stored data key.
    /// - Throws: a `CryptoError` naming the accounts and the keys they need.
    public static func verify(ring: KeyRing, canUnwrap stored: [(accountID: String, kekID: String)]) throws {
        let missing = stored.filter { ring.key(id: $0.kekID) == nil }
        guard !missing.isEmpty else { return }
        let needed = Set(missing.map(\.kekID)).sorted().joined(separator: ", ")
        let accounts = missing.prefix(5).map(\.accountID).joined(separator: ", ") + (missing.count > 5 ? ", ..." : "")
        throw CryptoError(
            .invalidKey,
            "this process's master key (\(ring.current.id)) cannot unwrap the data keys of \(missing.count) account(s) (\(accounts)), which were wrapped by master key \(needed). Start it with the master key the other processes use (\(environmentVariable)), or with \(previousEnvironmentVariable) set during a rotation.")
    }
}
