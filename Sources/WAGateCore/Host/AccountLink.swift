import Foundation
import WAGateStore

/// The connection of one account to WhatsApp (WhatsApp Web by QR link, or the Business Cloud API).
///
/// A link runs until it is cancelled (the account stops) or it ends by itself; it reports its progress
/// through the reporter, which feeds the account's single consumer loop, so state changes are applied
/// in order and never concurrently.
public protocol AccountLink: Sendable {
    /// Runs the connection. Must return promptly when the task is cancelled.
    func run(reporter: AccountLinkReporter) async

    /// The QR code the phone should scan now; `nil` when the link is not waiting for a scan.
    func currentQR() -> PairingQR?

    /// Asks for a phone-number pairing code (the alternative to scanning), shown as `XXXX-XXXX`.
    /// - Parameter phoneNumber: The number of the phone that will link, in international form.
    /// - Throws: ``AccountLinkError`` when the link is not waiting for a scan or cannot pair this way.
    func requestPairingCode(phoneNumber: String) async throws -> String

    /// How the account's outbox sends through this link while it is connected; `nil` for a link that
    /// cannot send.
    var transport: (any MessageTransport)? { get }

    /// Downloads the file of a received media message, refusing more than `maxBytes`.
    /// - Returns: the bytes and their MIME type.
    func downloadMedia(_ media: MediaAttachment, maxBytes: Int) async throws -> (bytes: [UInt8], mimeType: String?)
}

extension AccountLink {
    /// Links without QR pairing (the Cloud API) never have a code to show.
    public func currentQR() -> PairingQR? { nil }

    /// Links without QR pairing refuse pairing codes.
    public func requestPairingCode(phoneNumber: String) async throws -> String {
        throw AccountLinkError("this account does not link with a phone (it is not a WhatsApp Web account)")
    }

    /// Links send nothing unless they say how.
    public var transport: (any MessageTransport)? { nil }

    /// Links download nothing unless they say how.
    public func downloadMedia(_ media: MediaAttachment, maxBytes: Int) async throws -> (bytes: [UInt8], mimeType: String?) {
        throw AccountLinkError("downloading media is not available for this kind of account in this build")
    }
}

/// A QR code on offer for linking a device.
public struct PairingQR: Sendable, Equatable {
    /// The text to encode (`https://wa.me/settings/linked_devices#…`).
    public var text: String
    /// When it was shown.
    public var shownAt: Date
    /// When the link replaces it with the next one.
    public var expiresAt: Date

    /// Creates a snapshot.
    public init(text: String, shownAt: Date, expiresAt: Date) {
        self.text = text
        self.shownAt = shownAt
        self.expiresAt = expiresAt
    }
}

/// Why a request to an account's link was refused.
public struct AccountLinkError: Error, Sendable, CustomStringConvertible {
    /// What to tell the operator.
    public var description: String

    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// Writes that must commit in the same transaction as the inbound messages they came with (the Signal
/// state their decryption advanced); the closure learns which messages were new.
public typealias InboundCompanionWrite = @Sendable (isolated PGConnection, [Bool]) throws -> Void

/// How a link tells its account what is happening.
public struct AccountLinkReporter: Sendable {
    let send: @Sendable (AccountState, String?) -> Void
    let deliverInbound: @Sendable ([InboundMessage], InboundCompanionWrite?) async throws -> Void
    let applyStatuses: @Sendable ([MessageStatusUpdate]) async throws -> Void
    let leaseProvider: @Sendable () async -> AccountLease?

    /// Creates a reporter that forwards states to `send`, and messages to `deliver` and `apply` (by default
    /// refused: the account has no message path).
    public init(
        _ send: @escaping @Sendable (AccountState, String?) -> Void,
        deliver: @escaping @Sendable ([InboundMessage], InboundCompanionWrite?) async throws -> Void = { _, _ in
            throw AccountLinkError("this account has no message store")
        },
        apply: @escaping @Sendable ([MessageStatusUpdate]) async throws -> Void = { _ in
            throw AccountLinkError("this account has no message store")
        },
        lease: @escaping @Sendable () async -> AccountLease? = { nil }
    ) {
        self.send = send
        self.deliverInbound = deliver
        self.applyStatuses = apply
        self.leaseProvider = lease
    }

    /// The lease under which the account runs, for the link's own fenced writes (`nil` without leases).
    public func lease() async -> AccountLease? { await leaseProvider() }

    /// Reports a state and the reason for entering it.
    public func report(_ state: AccountState, reason: String? = nil) { send(state, reason) }

    /// Hands inbound messages to the account; returns after their durable write (with `alsoWrite` in
    /// the same transaction), so the link may then acknowledge them to WhatsApp.
    public func deliver(_ messages: [InboundMessage], alsoWrite: InboundCompanionWrite? = nil) async throws {
        try await deliverInbound(messages, alsoWrite)
    }

    /// Hands delivery news about sent messages to the account.
    public func apply(_ updates: [MessageStatusUpdate]) async throws { try await applyStatuses(updates) }
}

/// Makes the link for an account kind; returns `nil` when this build has no link for it.
public struct AccountLinkFactory: Sendable {
    let make: @Sendable (AccountID, AccountDefinition, OpenedSession) -> (any AccountLink)?

    /// Creates a factory.
    public init(_ make: @escaping @Sendable (AccountID, AccountDefinition, OpenedSession) -> (any AccountLink)?) {
        self.make = make
    }

    /// The link for an account, or `nil` when this factory has none for its kind.
    public func link(for id: AccountID, definition: AccountDefinition, session: OpenedSession) -> (any AccountLink)? {
        make(id, definition, session)
    }

    /// A factory that has no links: accounts start, open their stored session, and then report that
    /// no connection is available for their kind.
    public static let none = AccountLinkFactory { _, _, _ in nil }
}
