/// What an account found when it opened its stored session.
public struct OpenedSession: Sendable {
    /// The credential whose presence means a phone linked this account's device (WhatsApp Web's
    /// `PairedDevice.entryName`; named here because the store, not the protocol, decides "linked").
    public static let linkedDeviceEntry = "paired-device"

    /// Whether a linked device is stored and could be decrypted.
    public var linked: Bool
    /// Stored credential names (never their values).
    public var credentialNames: [String]
    /// Set when stored credentials existed but could not be decrypted (missing or replaced data key):
    /// the account then counts as not linked.
    public var unreadableReason: String?

    /// Creates a result.
    public init(linked: Bool, credentialNames: [String], unreadableReason: String? = nil) {
        self.linked = linked
        self.credentialNames = credentialNames
        self.unreadableReason = unreadableReason
    }
}

/// Opens an account's stored session: its data key and sealed credentials.
public protocol AccountSessionOpener: Sendable {
    /// Opens the session of `account`.
    /// - Throws: when the store cannot be reached or the data key cannot be created; an unreadable
    ///   session is not an error but an `OpenedSession` with `unreadableReason` set.
    func openSession(for id: AccountID, definition: AccountDefinition) async throws -> OpenedSession
}

/// Hears every change of every account, in order per account.
public protocol AccountObserver: Sendable {
    /// Called from the account's loop after each transition; the loop waits for it, so persisting
    /// the state here keeps the database in the same order as the transitions.
    func accountDidChange(_ status: AccountStatus) async
}
