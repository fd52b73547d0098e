/// The Meta Cloud API credentials and endpoint of a `cloud` account.
///
/// They come from the account's own keys, else from the `WHATSAPP_*` variables (process environment,
/// then the character's and `milady.json`'s `env` sections).
///
/// > Warning: `accessToken`, `webhookVerifyToken` and `appSecret` are secrets. `redacted()` leaves them
/// > out; never log this value directly.
public struct CloudAccountSettings: Sendable, Hashable {
    /// Graph API bearer token (`accessToken` / `WHATSAPP_ACCESS_TOKEN`).
    public var accessToken: String
    /// Business phone number id (`phoneNumberId` / `WHATSAPP_PHONE_NUMBER_ID`).
    public var phoneNumberId: String
    /// Webhook verification token (`webhookVerifyToken` / `WHATSAPP_WEBHOOK_VERIFY_TOKEN`).
    public var webhookVerifyToken: String?
    /// WhatsApp Business Account id (`businessAccountId` / `WHATSAPP_BUSINESS_ACCOUNT_ID`).
    public var businessAccountId: String?
    /// App secret for `X-Hub-Signature-256` (`appSecret` / `WHATSAPP_APP_SECRET`).
    public var appSecret: String?
    /// Graph API version such as `v25.0` (`graphVersion` / `WHATSAPP_GRAPH_VERSION`, or the older
    /// `WHATSAPP_API_VERSION`); `nil` means ``defaultGraphVersion``.
    public var graphVersion: String?
    /// Graph API base URL (`graphUrl` / `WHATSAPP_GRAPH_URL`); `nil` means ``defaultGraphURL``.
    public var graphUrl: String?

    /// The Graph API version used when neither the account nor the environment names one.
    public static let defaultGraphVersion = "v25.0"
    /// The Graph API base URL used when neither the account nor the environment names one.
    public static let defaultGraphURL = "https://graph.facebook.com"

    /// Creates Cloud API settings.
    public init(
        accessToken: String,
        phoneNumberId: String,
        webhookVerifyToken: String? = nil,
        businessAccountId: String? = nil,
        appSecret: String? = nil,
        graphVersion: String? = nil,
        graphUrl: String? = nil
    ) {
        self.accessToken = accessToken
        self.phoneNumberId = phoneNumberId
        self.webhookVerifyToken = webhookVerifyToken
        self.businessAccountId = businessAccountId
        self.appSecret = appSecret
        self.graphVersion = graphVersion
        self.graphUrl = graphUrl
    }

    /// The settings for display: ids and endpoint, and only whether each secret is set.
    public func redacted() -> JSONValue {
        var object: [String: JSONValue] = [
            "phoneNumberId": .string(phoneNumberId),
            "accessToken": "<redacted>",
        ]
        if let businessAccountId { object["businessAccountId"] = .string(businessAccountId) }
        if let graphVersion { object["graphVersion"] = .string(graphVersion) }
        if let graphUrl { object["graphUrl"] = .string(graphUrl) }
        if webhookVerifyToken != nil { object["webhookVerifyToken"] = "<redacted>" }
        if appSecret != nil { object["appSecret"] = "<redacted>" }
        return .object(object)
    }
}
