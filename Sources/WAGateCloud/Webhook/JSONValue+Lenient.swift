import WAGateCore

// Lenient reads for webhook payloads: Meta documents ids as strings but some payloads carry them as
// numbers (`"wa_id": 16505551234` in the group examples), and any field may be missing. A read that
// does not find what it wants returns nil instead of throwing, so one odd field never costs the batch.
extension JSONValue {
    /// The member as text: a string as is, an integer in decimal, a boolean as `true`/`false`; `nil`
    /// when missing, null, or an array/object.
    func text(_ key: String) -> String? {
        self[key]?.textValue
    }

    /// The value as text (see ``text(_:)``).
    var textValue: String? {
        switch self {
        case .string(let string): string
        case .int(let int): String(int)
        case .double(let double): Self.decimalText(double)
        case .bool(let bool): bool ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// The member as non-empty text.
    func nonEmptyText(_ key: String) -> String? {
        guard let text = text(key), !text.isEmpty else { return nil }
        return text
    }

    /// The member as an object, or `nil`.
    func object(_ key: String) -> JSONValue? {
        guard let value = self[key], value.objectValue != nil else { return nil }
        return value
    }

    /// The member's elements, or an empty array when it is missing or not an array.
    func elements(_ key: String) -> [JSONValue] {
        self[key]?.arrayValue ?? []
    }

    /// The member as a boolean; `"true"`/`"false"` strings count.
    func flag(_ key: String) -> Bool? {
        switch self[key] {
        case .bool(let bool): bool
        case .string("true"): true
        case .string("false"): false
        default: nil
        }
    }

    /// The member as a number; numeric strings count.
    func number(_ key: String) -> Double? {
        switch self[key] {
        case .int(let int): Double(int)
        case .double(let double): double
        case .string(let string): Double(string)
        default: nil
        }
    }

    /// The member as an integer; integral numbers and numeric strings count.
    func integer(_ key: String) -> Int? {
        switch self[key] {
        case .int(let int): Int(exactly: int)
        case .double(let double): Int(exactly: double)
        case .string(let string): Int(string)
        default: nil
        }
    }

    /// A number as short decimal text: `30` for 30.0, `30.5` for 30.5.
    static func decimalText(_ value: Double) -> String {
        if value.rounded() == value, abs(value) < 9.0e15 { return String(Int64(value)) }
        return String(value)
    }
}
