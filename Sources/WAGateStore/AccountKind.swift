/// How an account reaches WhatsApp: `web` (multi-device client) or `cloud` (Cloud API).
///
/// A struct with static values rather than an enum, so that adding a kind is not a breaking change; the
/// database's check constraint lists the kinds it accepts.
public struct AccountKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The value stored in `accounts.kind`.
    public var rawValue: String
    /// - Parameter rawValue: `web` or `cloud`.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// The WhatsApp Web multi-device protocol, paired by QR code or phone number.
    public static let web = AccountKind(rawValue: "web")
    /// Meta's WhatsApp Cloud API.
    public static let cloud = AccountKind(rawValue: "cloud")

    public var description: String { rawValue }
}
