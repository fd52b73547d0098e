/// The environment variables wagate reads for the Cloud API (the user guide's "Cloud API Setup").
///
/// They may be set in the process environment or in the `env` section of `milady.json` or of a
/// character; the process environment wins.
public enum WhatsAppEnvironmentKeys {
    /// Graph API bearer token.
    public static let accessToken = "WHATSAPP_ACCESS_TOKEN"
    /// Business phone number id.
    public static let phoneNumberID = "WHATSAPP_PHONE_NUMBER_ID"
    /// Webhook verification token.
    public static let webhookVerifyToken = "WHATSAPP_WEBHOOK_VERIFY_TOKEN"
    /// WhatsApp Business Account id.
    public static let businessAccountID = "WHATSAPP_BUSINESS_ACCOUNT_ID"
    /// App secret for webhook signatures.
    public static let appSecret = "WHATSAPP_APP_SECRET"
    /// Graph API version, e.g. `v25.0` (the gateway's command contract; default `v25.0`).
    public static let graphVersion = "WHATSAPP_GRAPH_VERSION"
    /// Graph API base URL (the gateway's command contract; default `https://graph.facebook.com`).
    public static let graphURL = "WHATSAPP_GRAPH_URL"
    /// Graph API version under the elizaOS plugin's name; read only when ``graphVersion`` is unset, so
    /// configurations written for the plugin keep working.
    public static let apiVersion = "WHATSAPP_API_VERSION"

    /// Every variable above.
    public static let all = [
        accessToken, phoneNumberID, webhookVerifyToken, businessAccountID, appSecret, graphVersion, graphURL, apiVersion,
    ]

    /// The variable that stands for an account's Cloud API key, e.g. `accessToken` →
    /// `WHATSAPP_ACCESS_TOKEN`.
    static func variable(forCloudKey key: String) -> String? {
        switch key {
        case "accessToken": return accessToken
        case "phoneNumberId": return phoneNumberID
        case "webhookVerifyToken": return webhookVerifyToken
        case "businessAccountId": return businessAccountID
        case "appSecret": return appSecret
        case "graphVersion": return graphVersion
        case "graphUrl": return graphURL
        default: return nil
        }
    }

    /// The Cloud API fields set in `environment` (empty values count as unset).
    static func cloudFields(in environment: [String: String]) -> WhatsAppSettings.CloudFields {
        func value(_ name: String) -> String? {
            guard let value = environment[name]?.configTrimmed(), !value.isEmpty else { return nil }
            return value
        }
        var fields = WhatsAppSettings.CloudFields()
        fields.accessToken = value(accessToken)
        fields.phoneNumberId = value(phoneNumberID)
        fields.webhookVerifyToken = value(webhookVerifyToken)
        fields.businessAccountId = value(businessAccountID)
        fields.appSecret = value(appSecret)
        fields.graphVersion = value(graphVersion) ?? value(apiVersion)
        fields.graphUrl = value(graphURL)
        return fields
    }
}
