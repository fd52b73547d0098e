import Foundation
import WAGateCore

/// Reads a Cloud API webhook body into a ``CloudWebhookBatch``.
///
/// Only the envelope is strict (JSON, `"object": "whatsapp_business_account"`, `entry[]`, `changes[]`):
/// a body that fails it is refused with a ``WebhookPayloadError`` naming what is wrong. Inside a
/// change, nothing is fatal: an unknown message type becomes `.unsupported`, an unknown field or a
/// status value the gateway does not know becomes a ``CloudWebhookEvent/ignored(field:reason:)``, and
/// the rest of the batch is kept.
///
/// The caller bounds the body's size and checks its signature first (``WebhookSignature``).
///
/// ```swift
/// let batch = try WebhookPayloadParser().parse(body)
/// for number in batch.phoneNumbers { try await route(number) }
/// ```
public struct WebhookPayloadParser: Sendable {
    /// The `object` of every WhatsApp Business Account delivery.
    public static let expectedObject = "whatsapp_business_account"

    /// Creates a parser.
    public init() {}

    /// Parses one webhook body.
    /// - Parameters:
    ///   - body: the raw request body (UTF-8 JSON).
    ///   - receivedAt: the time used for an item whose `timestamp` is missing or unreadable.
    /// - Returns: the items grouped by phone number and by business account.
    /// - Throws: ``WebhookPayloadError`` when the body is not JSON or not a WhatsApp Business Account
    ///   delivery.
    public func parse(_ body: some Collection<UInt8>, receivedAt: Date = Date()) throws(WebhookPayloadError)
        -> CloudWebhookBatch
    {
        let document: JSONValue
        do {
            document = try JSONValue.parse(Data(body))
        } catch {
            throw WebhookPayloadError(.invalidJSON, "the body is not valid JSON (\(Self.reason(error)))")
        }
        guard document.objectValue != nil else {
            throw WebhookPayloadError(.wrongEnvelope, "the body is a JSON \(document.typeName), not an object")
        }
        guard let object = document.text("object") else {
            throw WebhookPayloadError(.wrongEnvelope, path: "object", "missing; expected \"\(Self.expectedObject)\"")
        }
        guard object == Self.expectedObject else {
            throw WebhookPayloadError(
                .wrongEnvelope, path: "object", "is \"\(object.prefix(64))\"; expected \"\(Self.expectedObject)\"")
        }
        guard let entries = document["entry"]?.arrayValue else {
            throw WebhookPayloadError(.wrongEnvelope, path: "entry", "missing or not an array")
        }

        var builder = Builder(receivedAt: receivedAt)
        for (entryIndex, entry) in entries.enumerated() {
            let entryPath = "entry[\(entryIndex)]"
            guard entry.objectValue != nil else {
                throw WebhookPayloadError(.wrongEnvelope, path: entryPath, "is a \(entry.typeName), not an object")
            }
            let changes: [JSONValue]
            switch entry["changes"] {
            case nil, .null?: changes = []
            case .array(let array)?: changes = array
            case let other?:
                throw WebhookPayloadError(
                    .wrongEnvelope, path: "\(entryPath).changes", "is a \(other.typeName), not an array")
            }
            for (changeIndex, change) in changes.enumerated() {
                guard change.objectValue != nil else {
                    throw WebhookPayloadError(
                        .wrongEnvelope, path: "\(entryPath).changes[\(changeIndex)]",
                        "is a \(change.typeName), not an object")
                }
                builder.add(change: change, businessAccountID: entry.text("id"))
            }
        }
        return builder.batch
    }

    private static func reason(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "unreadable"
    }
}

// MARK: - Building the batch

extension WebhookPayloadParser {
    /// Collects the items of every change into groups, in payload order.
    struct Builder {
        let receivedAt: Date
        private var numbers: [CloudPhoneNumberBatch] = []
        private var numberIndex: [String: Int] = [:]
        private var accounts: [CloudBusinessAccountBatch] = []
        private var accountIndex: [String: Int] = [:]

        init(receivedAt: Date) {
            self.receivedAt = receivedAt
        }

        var batch: CloudWebhookBatch {
            CloudWebhookBatch(phoneNumbers: numbers, businessAccounts: accounts)
        }

        /// Files one `changes[]` item under its phone number, or its business account when it has no
        /// `metadata.phone_number_id`.
        mutating func add(change: JSONValue, businessAccountID: String?) {
            let field = change.text("field") ?? ""
            guard let value = change.object("value") else {
                addAccountEvent(
                    .ignored(field: field, reason: "the change has no value object"),
                    businessAccountID: businessAccountID)
                return
            }
            guard let metadata = value.object("metadata"), let phoneNumberID = metadata.nonEmptyText("phone_number_id")
            else {
                addAccountEvents(
                    WebhookPayloadParser.accountEvents(field: field, value: value), businessAccountID: businessAccountID)
                return
            }
            let number = NumberContext(
                phoneNumberID: phoneNumberID, displayPhoneNumber: metadata.nonEmptyText("display_phone_number"),
                receivedAt: receivedAt)
            var group = takeNumber(phoneNumberID, display: number.displayPhoneNumber, businessAccountID: businessAccountID)
            WebhookPayloadParser.fill(&group, field: field, value: value, number: number)
            numbers[group.index] = group.batch
        }

        private mutating func takeNumber(
            _ phoneNumberID: String, display: String?, businessAccountID: String?
        ) -> (index: Int, batch: CloudPhoneNumberBatch) {
            if let index = numberIndex[phoneNumberID] {
                var batch = numbers[index]
                batch.displayPhoneNumber = batch.displayPhoneNumber ?? display
                batch.businessAccountID = batch.businessAccountID ?? businessAccountID
                return (index, batch)
            }
            let batch = CloudPhoneNumberBatch(
                phoneNumberID: phoneNumberID, displayPhoneNumber: display, businessAccountID: businessAccountID)
            numbers.append(batch)
            numberIndex[phoneNumberID] = numbers.count - 1
            return (numbers.count - 1, batch)
        }

        private mutating func addAccountEvent(_ event: CloudWebhookEvent, businessAccountID: String?) {
            addAccountEvents([event], businessAccountID: businessAccountID)
        }

        private mutating func addAccountEvents(_ events: [CloudWebhookEvent], businessAccountID: String?) {
            let id = businessAccountID ?? ""
            if let index = accountIndex[id] {
                accounts[index].events += events
            } else {
                accounts.append(CloudBusinessAccountBatch(businessAccountID: id, events: events))
                accountIndex[id] = accounts.count - 1
            }
        }
    }

    /// What every item of one change shares: the business number it was delivered for.
    struct NumberContext {
        var phoneNumberID: String
        var displayPhoneNumber: String?
        var receivedAt: Date

        /// A payload timestamp (Unix seconds, as a string or a number) as a date.
        func date(_ object: JSONValue, _ key: String = "timestamp") -> Date {
            object.number(key).map { Date(timeIntervalSince1970: $0) } ?? receivedAt
        }
    }

    /// Adds the items of one change with `metadata` to its number's group.
    static func fill(
        _ group: inout (index: Int, batch: CloudPhoneNumberBatch), field: String, value: JSONValue, number: NumberContext
    ) {
        group.batch.errors += value.elements("errors").compactMap(failure)
        switch field {
        case "messages":
            let contacts = ContactDirectory(value.elements("contacts"))
            for (index, message) in value.elements("messages").enumerated() {
                switch inboundMessage(message, contacts: contacts, number: number) {
                case .success(let inbound): group.batch.messages.append(inbound)
                case .failure(let skipped):
                    group.batch.events.append(.ignored(field: field, reason: "messages[\(index)]: \(skipped.reason)"))
                }
            }
            for (index, status) in value.elements("statuses").enumerated() {
                switch statusUpdate(status, contacts: contacts, number: number) {
                case .success(let update): group.batch.statuses.append(update)
                case .failure(let skipped):
                    group.batch.events.append(.ignored(field: field, reason: "statuses[\(index)]: \(skipped.reason)"))
                }
            }
        case "smb_message_echoes", "message_echoes":
            for (index, echo) in value.elements("message_echoes").enumerated() {
                switch echoedMessage(echo, number: number) {
                case .success(let inbound): group.batch.messages.append(inbound)
                case .failure(let skipped):
                    group.batch.events.append(
                        .ignored(field: field, reason: "message_echoes[\(index)]: \(skipped.reason)"))
                }
            }
        default:
            group.batch.events += numberEvents(field: field, value: value)
        }
    }
}
