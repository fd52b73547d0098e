import WAGateCrypto

/// The App Secret of one Meta app, under a name the gateway chooses for that app.
///
/// One process may host Cloud API numbers of several Meta apps, each signing its webhooks with its own
/// secret. ``WebhookSignature/verify(header:body:secrets:)`` says which app's secret matched, and the
/// gateway routes the payload only to numbers of that app.
///
/// > Warning: the secret stays in locked memory (`SecretBytes`); ``description`` shows only the app.
public struct WebhookAppSecret: Sendable, CustomStringConvertible {
    /// The gateway's name for the app (for example its Meta app id, or the first account that uses it).
    public let appID: String
    /// The key for HMAC-SHA256.
    let key: SecretBytes

    /// Holds `secret` (the App Secret exactly as the App Dashboard shows it) for `appID`.
    /// - Throws: `CryptoError` when secure memory cannot be allocated.
    public init(appID: String, secret: String) throws {
        self.appID = appID
        self.key = try SecretBytes(copying: Array(secret.utf8))
    }

    /// Holds a secret that is already in secure memory.
    public init(appID: String, secret: SecretBytes) {
        self.appID = appID
        self.key = secret
    }

    /// The app, never the secret.
    public var description: String { "WebhookAppSecret(appID: \(appID), secret: <redacted>)" }
}
