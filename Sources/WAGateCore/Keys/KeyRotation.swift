import Foundation
import Logging
import WAGateCrypto
import WAGateStore

/// `wagate keys rotate`: re-wraps every account's data key under a new master key.
///
/// The order keeps every moment recoverable. With key files: the new key is written to
/// `master.key.next` first, the rows are re-wrapped in one transaction, then `master.key` becomes
/// `master.key.previous` and `master.key.next` becomes `master.key`. A process starting at any point
/// loads all three, so it can unwrap every row. Running gateways keep their unwrapped data keys in
/// memory and never stop.
public struct KeyRotation: Sendable {
    /// What a rotation did.
    public struct Report: Sendable {
        /// Fingerprint of the old current key.
        public var oldKEK: String
        /// Fingerprint of the new key.
        public var newKEK: String
        /// Rows re-wrapped.
        public var rewrapped: Int
        /// What the operator must do next (environment keys), if anything.
        public var instructions: String?
    }

    private let source: MasterKeySource
    private let repository: DataKeyRepository
    private let logger: Logger

    /// Creates a rotation.
    public init(source: MasterKeySource, repository: DataKeyRepository, logger: Logger) {
        self.source = source
        self.repository = repository
        self.logger = logger
    }

    /// Runs the rotation.
    /// - Parameter newKeyFile: a file holding the new key in base64; required when the current key
    ///   comes from `WAGATE_MASTER_KEY`, generated otherwise.
    public func rotate(newKeyFile: String?) async throws -> Report {
        let ring = try source.load(createIfMissing: false, logger: logger)
        let newKey: MasterKey
        if let newKeyFile {
            guard let text = try KeyFile.read(newKeyFile) else {
                throw CryptoError(.keyFile, "new key file \(newKeyFile) does not exist")
            }
            newKey = try MasterKey(base64: text, source: newKeyFile)
        } else if source.usesEnvironment {
            throw CryptoError(
                .keyFile,
                "\(MasterKeySource.environmentVariable) is set, so the new key cannot be stored for you: write it to a file (e.g. `openssl rand -base64 32 > new.key; chmod 600 new.key`) and pass --new-key-file new.key")
        } else {
            newKey = try MasterKey.generate()
        }
        guard newKey.id != ring.current.id else {
            throw CryptoError(.invalidKey, "the new master key is the current one (\(newKey.id))")
        }
        if !source.usesEnvironment {
            try KeyFile.write(newKey.base64Encoded() + "\n", to: source.nextKeyFilePath)
        }
        let unwrapRing = KeyRing(current: newKey, previous: [ring.current] + ring.previous)
        let count = try await repository.rewrapAll { row in
            let dataKey = try unwrapRing.unwrap(row.wrapped, kekID: row.kekID, accountID: row.accountID)
            let (kek, wrapped) = try unwrapRing.wrap(dataKey, accountID: row.accountID)
            return .init(accountID: row.accountID, kekID: kek, wrapped: wrapped)
        }
        var instructions: String?
        if source.usesEnvironment {
            instructions =
                "Set \(MasterKeySource.environmentVariable) to the new key for every process, and \(MasterKeySource.previousEnvironmentVariable) to the old one until all have restarted."
        } else {
            try? FileManager.default.removeItem(atPath: source.previousKeyFilePath)
            try FileManager.default.moveItem(atPath: source.keyFilePath, toPath: source.previousKeyFilePath)
            try FileManager.default.moveItem(atPath: source.nextKeyFilePath, toPath: source.keyFilePath)
        }
        logger.notice(
            "master key rotated", metadata: ["old_kek": "\(ring.current.id)", "new_kek": "\(newKey.id)", "rewrapped": "\(count)"])
        return Report(oldKEK: ring.current.id, newKEK: newKey.id, rewrapped: count, instructions: instructions)
    }
}
