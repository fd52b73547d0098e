import WAGateCore

// Fields other than messages and statuses: account and template news for the business account,
// marketing preferences and group news for a number. Unknown fields are kept as ignored entries.

extension WebhookPayloadParser {
    /// The events of a change without `metadata` (it concerns the business account as a whole).
    static func accountEvents(field: String, value: JSONValue) -> [CloudWebhookEvent] {
        switch field {
        case "account_update":
            return [.accountUpdate(event: value.text("event") ?? "", detail: value)]
        case "message_template_status_update":
            return [
                .templateStatus(
                    templateID: value.text("message_template_id"), name: value.nonEmptyText("message_template_name"),
                    language: value.nonEmptyText("message_template_language"), status: value.text("event") ?? "",
                    reason: value.nonEmptyText("reason"))
            ]
        default:
            return [.ignored(field: field, reason: "a field the gateway does not handle")]
        }
    }

    /// The events of a change with `metadata` that carries neither messages nor echoes.
    static func numberEvents(field: String, value: JSONValue) -> [CloudWebhookEvent] {
        if field == "user_preferences" {
            return value.elements("user_preferences").map { preference in
                .userPreference(
                    waID: preference.nonEmptyText("wa_id"), category: preference.nonEmptyText("category"),
                    value: preference.nonEmptyText("value"), detail: preference.nonEmptyText("detail"))
            }
        }
        if field.hasPrefix("group_") {
            return value.elements("groups").map { group in
                .group(field: field, type: group.nonEmptyText("type"), groupID: group.nonEmptyText("group_id"), detail: group)
            }
        }
        return [.ignored(field: field, reason: "a field the gateway does not handle")]
    }
}
