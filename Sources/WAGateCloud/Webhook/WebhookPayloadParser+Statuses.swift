import Foundation
import WAGateCore

// Delivery statuses (`value.statuses[]`) and the error objects Meta attaches to statuses, messages
// and whole changes.

extension WebhookPayloadParser {
    /// Maps one `statuses[]` item.
    static func statusUpdate(
        _ status: JSONValue, contacts: ContactDirectory, number: NumberContext
    ) -> Result<MessageStatusUpdate, SkippedItem> {
        guard status.objectValue != nil else { return .failure(SkippedItem("not an object")) }
        guard let id = status.nonEmptyText("id") else { return .failure(SkippedItem("a status without a message id")) }
        let word = status.text("status") ?? ""
        guard let state = MessageStatusUpdate.Status(rawValue: word) else {
            return .failure(SkippedItem("status \"\(word.prefix(32))\" of \(id) is not one the gateway knows"))
        }
        let isGroup = status.text("recipient_type") == "group"
        let chat: String
        if let recipient = status.nonEmptyText("recipient_id") {
            chat = isGroup ? CloudAddress.groupJID(groupID: recipient) : CloudAddress.userJID(waID: recipient)
        } else if let userID = status.nonEmptyText("recipient_user_id") {
            chat = CloudAddress.businessScopedJID(userID)
        } else {
            return .failure(SkippedItem("status of \(id) has no recipient"))
        }
        let participant =
            status.nonEmptyText("recipient_participant_id").map(CloudAddress.userJID(waID:))
            ?? status.nonEmptyText("recipient_participant_user_id").map(CloudAddress.businessScopedJID)
        return .success(
            MessageStatusUpdate(
                messageID: id, chat: chat, status: state, timestamp: number.date(status),
                errors: status.elements("errors").compactMap(failure), participant: participant,
                recipientBusinessScopedID: status.nonEmptyText("recipient_user_id")
                    ?? status.nonEmptyText("recipient_participant_user_id")
                    ?? (isGroup ? nil : contacts.find(waID: status.nonEmptyText("recipient_id"), userID: nil)?.userID),
                callbackData: status.text("biz_opaque_callback_data")))
    }

    /// One Cloud API error object (`{code, title, message, error_data: {details}}`); `nil` when it has
    /// no code.
    static func failure(_ error: JSONValue) -> SendFailure? {
        guard let code = error.integer("code") else { return nil }
        return SendFailure(
            code: code, title: error.nonEmptyText("title") ?? error.nonEmptyText("message") ?? "",
            detail: error.object("error_data")?.nonEmptyText("details"))
    }
}
