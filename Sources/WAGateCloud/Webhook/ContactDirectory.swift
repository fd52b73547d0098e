import WAGateCore

/// The `contacts[]` of a change: who the senders are (profile name, business-scoped user id).
struct ContactDirectory {
    struct Contact {
        var waID: String?
        var userID: String?
        var name: String?
    }

    private let contacts: [Contact]

    init(_ values: [JSONValue]) {
        contacts = values.compactMap { value in
            guard value.objectValue != nil else { return nil }
            return Contact(
                waID: value.nonEmptyText("wa_id"), userID: value.nonEmptyText("user_id"),
                name: value.object("profile")?.nonEmptyText("name"))
        }
    }

    /// The contact of a message's sender: by `wa_id`, else by business-scoped id. A sender without a
    /// phone number and without `from_user_id` can only be the change's one contact; a sender whose
    /// ids match no contact gets none (a name that belongs to someone else is worse than no name).
    func find(waID: String?, userID: String?) -> Contact? {
        if let waID, let match = contacts.first(where: { $0.waID == waID }) { return match }
        if let userID, let match = contacts.first(where: { $0.userID == userID }) { return match }
        return waID == nil && userID == nil && contacts.count == 1 ? contacts[0] : nil
    }
}
