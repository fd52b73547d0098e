/// The connection of one account to WhatsApp (WhatsApp Web by QR link, or the Business Cloud API).
///
/// A link runs until it is cancelled (the account stops) or it ends by itself; it reports its progress
/// through the reporter, which feeds the account's single consumer loop, so state changes are applied
/// in order and never concurrently.
public protocol AccountLink: Sendable {
    /// Runs the connection. Must return promptly when the task is cancelled.
    func run(reporter: AccountLinkReporter) async
}

/// How a link tells its account what is happening.
public struct AccountLinkReporter: Sendable {
    let send: @Sendable (AccountState, String?) -> Void

    /// Creates a reporter that forwards to `send`.
    public init(_ send: @escaping @Sendable (AccountState, String?) -> Void) { self.send = send }

    /// Reports a state and the reason for entering it.
    public func report(_ state: AccountState, reason: String? = nil) { send(state, reason) }
}

/// Makes the link for an account kind; returns `nil` when this build has no link for it.
public struct AccountLinkFactory: Sendable {
    let make: @Sendable (AccountDefinition, OpenedSession) -> (any AccountLink)?

    /// Creates a factory.
    public init(_ make: @escaping @Sendable (AccountDefinition, OpenedSession) -> (any AccountLink)?) { self.make = make }

    /// A factory that has no links: accounts start, open their stored session, and then report that
    /// no connection is available for their kind.
    public static let none = AccountLinkFactory { _, _ in nil }
}
