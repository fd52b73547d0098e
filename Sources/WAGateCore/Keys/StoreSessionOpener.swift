import Logging

/// Opens an account's stored session from PostgreSQL: its data key and sealed credentials.
///
/// An unreadable session (the data key in `authDir` was deleted or replaced) is discarded and the
/// account counts as not linked: this is the documented way to re-pair, never a crash.
public struct StoreSessionOpener: AccountSessionOpener {
    private let credentials: SealedCredentials
    private let keys: AccountKeys
    private let logger: Logger

    /// Creates the opener.
    public init(credentials: SealedCredentials, keys: AccountKeys, logger: Logger) {
        self.credentials = credentials
        self.keys = keys
        self.logger = logger
    }

    public func openSession(for id: AccountID, definition: AccountDefinition) async throws -> OpenedSession {
        switch try await credentials.load(account: id, authDir: definition.authDir) {
        case .values(let values):
            // Keys alone are a device waiting for its first scan; only the linked device makes it linked.
            return OpenedSession(linked: values[OpenedSession.linkedDeviceEntry] != nil, credentialNames: values.keys.sorted())
        case .unreadable(let reason):
            let discarded = try await credentials.discard(account: id)
            logger.warning(
                "the stored session cannot be decrypted; it was discarded and the account is not linked",
                metadata: ["account": "\(id)", "reason": "\(reason)", "discarded": "\(discarded)"])
            return OpenedSession(linked: false, credentialNames: [], unreadableReason: reason)
        }
    }
}
