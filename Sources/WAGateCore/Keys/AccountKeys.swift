import Foundation
import Logging
import WAGateCrypto
import WAGateStore

/// Hands out each account's data key, creating it on first use.
///
/// - Without an `authDir`, the data key is stored in `account_data_keys`, wrapped by the master key.
///   A row still wrapped by a previous master key is re-wrapped under the current one when it is read,
///   so a rotation finishes by itself as accounts start.
/// - With an `authDir`, the data key is the 0600 file `<authDir>/wagate-data.key`; removing it makes
///   the account's stored session unreadable, which is how "delete authDir to re-pair" works.
///
/// Unwrapped keys are cached for the life of the process (they are needed for every sealed write).
public actor AccountKeys {
    /// File name of an account's data key inside its `authDir`.
    public static let keyFileName = "wagate-data.key"

    private var ring: KeyRing
    private let reloadRing: (@Sendable () throws -> KeyRing)?
    private let repository: DataKeyRepository
    private let logger: Logger
    private var cache: [AccountID: SecretBytes] = [:]

    /// Creates the key source.
    /// - Parameters:
    ///   - ring: the master keys at start.
    ///   - reloadRing: reads the master keys again before a data key is wrapped, so that a gateway that
    ///     keeps running through `wagate keys rotate` wraps new data keys under the new master key.
    public init(
        ring: KeyRing, reloadRing: (@Sendable () throws -> KeyRing)? = nil, repository: DataKeyRepository, logger: Logger
    ) {
        self.ring = ring
        self.reloadRing = reloadRing
        self.repository = repository
        self.logger = logger
    }

    /// The ring to wrap with: reloaded when possible (rotation may have happened since start), else the
    /// one we have. Reading a few bytes of key files is cheap next to the rarity of wrapping.
    private func currentRing() -> KeyRing {
        guard let reloadRing else { return ring }
        do {
            let fresh = try reloadRing()
            if fresh.current.id != ring.current.id {
                logger.notice("master key changed since start; using it", metadata: ["kek": "\(fresh.current.id)"])
                // Keep the old current key for unwrapping rows not re-wrapped yet.
                ring = KeyRing(current: fresh.current, previous: fresh.previous + [ring.current] + ring.previous)
            }
        } catch {
            logger.warning("cannot re-read the master key; using the one loaded at start", metadata: ["error": "\(error)"])
        }
        return ring
    }

    /// The data key of `account`, created if it has none.
    /// - Parameter authDir: the account's `authDir`, if configured.
    public func dataKey(for account: AccountID, authDir: String?) async throws -> SecretBytes {
        if let cached = cache[account] { return cached }
        let key: SecretBytes
        if let authDir {
            key = try fileKey(in: authDir, account: account)
        } else {
            key = try await databaseKey(for: account)
        }
        cache[account] = key
        return key
    }

    /// Forgets a cached key (after an account's session was discarded).
    public func forget(_ account: AccountID) {
        cache[account] = nil
    }

    private func fileKey(in authDir: String, account: AccountID) throws -> SecretBytes {
        let path = (authDir as NSString).appendingPathComponent(Self.keyFileName)
        if let text = try KeyFile.read(path) {
            guard let raw = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), raw.count == Sealer.keyLength
            else {
                throw CryptoError.keyFileCorrupt(path)
            }
            return try SecretBytes(copying: raw)
        }
        try FileManager.default.createDirectory(atPath: authDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = try SecretBytes.random(count: Sealer.keyLength)
        var raw = key.copyBytes()
        defer { SecretBytes.wipe(&raw) }
        try KeyFile.write(Data(raw).base64EncodedString() + "\n", to: path)
        logger.info("created the account's data key in its authDir", metadata: ["path": "\(path)"])
        return key
    }

    private func databaseKey(for account: AccountID) async throws -> SecretBytes {
        let id = account.description
        let ring = currentRing()
        if let row = try await repository.find(accountID: id) {
            let key = try ring.unwrap(row.wrapped, kekID: row.kekID, accountID: id)
            if row.kekID != ring.current.id {
                let (kek, wrapped) = try ring.wrap(key, accountID: id)
                if try await repository.rewrap(.init(accountID: id, kekID: kek, wrapped: wrapped), expectedKEK: row.kekID) {
                    logger.info("re-wrapped the account's data key under the current master key", metadata: ["kek": "\(kek)"])
                }
            }
            return key
        }
        let fresh = try SecretBytes.random(count: Sealer.keyLength)
        let (kek, wrapped) = try ring.wrap(fresh, accountID: id)
        let stored = try await repository.insertIfAbsent(.init(accountID: id, kekID: kek, wrapped: wrapped))
        return try ring.unwrap(stored.wrapped, kekID: stored.kekID, accountID: id)
    }
}

extension CryptoError {
    static func keyFileCorrupt(_ path: String) -> CryptoError {
        CryptoError(.keyFile, "data key file \(path) does not hold 32 bytes of base64; delete it to start the account unlinked")
    }
}
