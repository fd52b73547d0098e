import WAGateCore

/// A webhook item that is neither a message nor a status: account and template news, marketing
/// preferences, group lifecycle, and everything the gateway skipped (with the reason), so that the
/// gateway can log it.
public enum CloudWebhookEvent: Sendable, Hashable, CustomStringConvertible {
    /// `account_update`: something happened to the WhatsApp Business Account (`ACCOUNT_VIOLATION`,
    /// `DISABLED_UPDATE`, `PARTNER_REMOVED`, ...); `detail` is the whole change value.
    case accountUpdate(event: String, detail: JSONValue)
    /// `message_template_status_update`: a template was approved, rejected, paused, ...
    case templateStatus(templateID: String?, name: String?, language: String?, status: String, reason: String?)
    /// `user_preferences`: a user stopped, resumed or signed up for marketing messages.
    case userPreference(waID: String?, category: String?, value: String?, detail: String?)
    /// A group field (`group_lifecycle_update`, `group_settings_update`, `group_participants_update`, ...):
    /// `type` and `groupID` from the item, `detail` the item as received.
    case group(field: String, type: String?, groupID: String?, detail: JSONValue)
    /// Something the gateway does not handle (an unknown field, a status value it does not know, a
    /// message with no id), and why.
    case ignored(field: String, reason: String)

    /// The webhook field the event came in.
    public var field: String {
        switch self {
        case .accountUpdate: "account_update"
        case .templateStatus: "message_template_status_update"
        case .userPreference: "user_preferences"
        case .group(let field, _, _, _): field
        case .ignored(let field, _): field
        }
    }

    /// One line for the log (no message content).
    public var description: String {
        switch self {
        case .accountUpdate(let event, _): "account_update \(event)"
        case .templateStatus(let id, let name, let language, let status, let reason):
            "template \(name ?? "?") (\(id ?? "?"), \(language ?? "?")) \(status)\(reason.map { ": \($0)" } ?? "")"
        case .userPreference(let waID, let category, let value, _):
            "user_preferences \(waID ?? "?") \(category ?? "?") \(value ?? "?")"
        case .group(let field, let type, let groupID, _): "\(field) \(type ?? "?") \(groupID ?? "?")"
        case .ignored(let field, let reason): "ignored \(field): \(reason)"
        }
    }
}
