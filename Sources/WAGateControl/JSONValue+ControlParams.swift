import WAGateCore

/// Reading a control method's `params` with errors the caller can act on: each failure is
/// `-32602 gw.InvalidParams` with `data.field` naming the member and a message saying what was expected.
///
/// ```swift
/// let account = try params.requireString("account")
/// let limit = try params.optionalInt("limit") ?? 50
/// ```
extension JSONValue {
    /// The string member `key`.
    /// - Throws: ``ControlError`` `gw.InvalidParams` when it is missing or not a string.
    public func requireString(_ key: String) throws(ControlError) -> String {
        guard let value = try optionalString(key) else { throw Self.missing(key, expected: "a string") }
        return value
    }

    /// The string member `key`, or `nil` when it is absent or `null`.
    /// - Throws: ``ControlError`` `gw.InvalidParams` when it is present with another type.
    public func optionalString(_ key: String) throws(ControlError) -> String? {
        guard let value = try member(key) else { return nil }
        guard case .string(let string) = value else { throw Self.wrongType(key, value, expected: "a string") }
        return string
    }

    /// The integer member `key`.
    /// - Throws: ``ControlError`` `gw.InvalidParams` when it is missing or not an integer.
    public func requireInt(_ key: String) throws(ControlError) -> Int64 {
        guard let value = try optionalInt(key) else { throw Self.missing(key, expected: "an integer") }
        return value
    }

    /// The integer member `key`, or `nil` when it is absent or `null`.
    /// - Throws: ``ControlError`` `gw.InvalidParams` when it is present and not an integer.
    public func optionalInt(_ key: String) throws(ControlError) -> Int64? {
        guard let value = try member(key) else { return nil }
        guard let int = value.intValue else { throw Self.wrongType(key, value, expected: "an integer") }
        return int
    }

    /// The non-negative integer member `key` as `UInt64`, or `nil` when it is absent or `null`.
    /// - Throws: ``ControlError`` `gw.InvalidParams` when it is present and not a non-negative integer.
    public func optionalUInt64(_ key: String) throws(ControlError) -> UInt64? {
        guard let int = try optionalInt(key) else { return nil }
        guard int >= 0 else {
            throw .invalidParams(field: key, "\"\(key)\" must be a non-negative integer")
        }
        return UInt64(int)
    }

    /// The boolean member `key`.
    /// - Throws: ``ControlError`` `gw.InvalidParams` when it is missing or not a boolean.
    public func requireBool(_ key: String) throws(ControlError) -> Bool {
        guard let value = try optionalBool(key) else { throw Self.missing(key, expected: "a boolean") }
        return value
    }

    /// The boolean member `key`, or `nil` when it is absent or `null`.
    /// - Throws: ``ControlError`` `gw.InvalidParams` when it is present and not a boolean.
    public func optionalBool(_ key: String) throws(ControlError) -> Bool? {
        guard let value = try member(key) else { return nil }
        guard case .bool(let bool) = value else { throw Self.wrongType(key, value, expected: "a boolean") }
        return bool
    }

    /// The array-of-strings member `key`, or `nil` when it is absent or `null`.
    /// - Throws: ``ControlError`` `gw.InvalidParams` when it is present and not an array of strings.
    public func optionalStringArray(_ key: String) throws(ControlError) -> [String]? {
        guard let value = try member(key) else { return nil }
        guard case .array(let elements) = value else {
            throw Self.wrongType(key, value, expected: "an array of strings")
        }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for element in elements {
            guard case .string(let string) = element else {
                throw .invalidParams(
                    field: key, "\"\(key)\" must be an array of strings (found a \(element.typeName) element)")
            }
            strings.append(string)
        }
        return strings
    }

    /// The object member `key`.
    /// - Throws: ``ControlError`` `gw.InvalidParams` when it is missing or not an object.
    public func requireObject(_ key: String) throws(ControlError) -> [String: JSONValue] {
        guard let value = try member(key) else { throw Self.missing(key, expected: "an object") }
        guard case .object(let object) = value else { throw Self.wrongType(key, value, expected: "an object") }
        return object
    }

    /// Rejects members other than `allowed` (strict params for mutating methods, so a typo is not silently
    /// ignored).
    /// - Throws: ``ControlError`` `gw.InvalidParams` naming the first unknown member (in sorted order).
    public func rejectUnknownParams(allowed: Set<String>) throws(ControlError) {
        guard case .object(let object) = self else { return }
        if let unknown = object.keys.filter({ !allowed.contains($0) }).sorted().first {
            var error = ControlError.invalidParams(field: unknown, "unknown parameter \"\(unknown)\"")
            error.data["allowed"] = .array(allowed.sorted().map { .string($0) })
            throw error
        }
    }

    // MARK: - Private

    /// The member `key`, `nil` when absent or `null`.
    private func member(_ key: String) throws(ControlError) -> JSONValue? {
        guard case .object(let object) = self else {
            throw .invalidParams(field: nil, "params must be an object")
        }
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    private static func missing(_ key: String, expected: String) -> ControlError {
        var error = ControlError.invalidParams(field: key, "missing parameter \"\(key)\" (\(expected))")
        error.data["expected"] = .string(expected)
        return error
    }

    private static func article(_ noun: String) -> String {
        noun.first.map { "aeiou".contains($0) } == true ? "an" : "a"
    }

    private static func wrongType(_ key: String, _ value: JSONValue, expected: String) -> ControlError {
        var error = ControlError.invalidParams(
            field: key, "\"\(key)\" must be \(expected), not \(article(value.typeName)) \(value.typeName)")
        error.data["expected"] = .string(expected)
        error.data["got"] = .string(value.typeName)
        return error
    }
}
