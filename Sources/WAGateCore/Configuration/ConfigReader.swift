/// Reads typed values out of one parsed configuration file and collects an issue for every value that
/// does not fit, instead of stopping at the first one.
///
/// Each reader returns `nil` after recording an issue, so callers simply skip the value and go on.
/// Messages name the value and what is allowed; the key path is the issue's `path`.
struct ConfigReader {
    /// The file being read, as given by the user.
    let file: String?
    /// Where each key starts, to report issues in file order.
    let lines: [ConfigPath: Int]
    /// Issues with the line they belong to.
    private(set) var recorded: [(line: Int, issue: ConfigIssue)] = []

    init(file: String?, lines: [ConfigPath: Int] = [:]) {
        self.file = file
        self.lines = lines
    }

    /// The issues in the order their keys appear in the file.
    var issues: [ConfigIssue] {
        recorded.enumerated().sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }.map(
            \.element.issue
        )
    }

    mutating func report(_ path: ConfigPath, _ message: String) {
        var probe = path
        var line = lines[probe]
        while line == nil, !probe.components.isEmpty {
            probe = probe.parent
            line = lines[probe]
        }
        recorded.append((line ?? 0, ConfigIssue(file: file, path: path.description, message: message)))
    }

    // MARK: - Typed readers

    mutating func bool(_ value: JSONValue, at path: ConfigPath) -> Bool? {
        if let bool = value.boolValue { return bool }
        report(path, Self.mismatch(value, expected: "expected true or false"))
        return nil
    }

    mutating func string(_ value: JSONValue, at path: ConfigPath) -> String? {
        if let string = value.stringValue { return string }
        report(path, Self.mismatch(value, expected: "expected a string"))
        return nil
    }

    /// A string that is not blank, trimmed.
    mutating func nonEmptyString(_ value: JSONValue, at path: ConfigPath) -> String? {
        guard let string = string(value, at: path) else { return nil }
        let trimmed = string.configTrimmed()
        if trimmed.isEmpty {
            report(path, "must not be empty")
            return nil
        }
        return trimmed
    }

    /// An integer in `minimum...maximum` (no upper bound when `maximum` is `nil`).
    mutating func integer(_ value: JSONValue, at path: ConfigPath, minimum: Int, maximum: Int? = nil) -> Int? {
        let expected =
            if let maximum { "expected an integer from \(minimum) to \(maximum)" } else {
                "expected an integer of \(minimum) or more"
            }
        switch value {
        case .int, .double:
            guard let integer = value.intValue else {
                report(path, "\(Self.describe(value)) is not an integer; \(expected)")
                return nil
            }
            guard integer >= Int64(minimum), maximum.map({ integer <= Int64($0) }) ?? true else {
                report(path, "\(Self.describe(value)) is out of range; \(expected)")
                return nil
            }
            return Int(integer)
        default:
            report(path, Self.mismatch(value, expected: expected))
            return nil
        }
    }

    /// One of `allowed`, as written.
    mutating func choice(_ value: JSONValue, at path: ConfigPath, allowed: [String]) -> String? {
        let expected = "expected one of " + allowed.map(ConfigPath.quoted).joined(separator: ", ")
        guard let string = value.stringValue else {
            report(path, Self.mismatch(value, expected: expected))
            return nil
        }
        guard allowed.contains(string) else {
            report(path, "\(Self.describe(value)) is not a valid value; \(expected)")
            return nil
        }
        return string
    }

    mutating func object(
        _ value: JSONValue,
        at path: ConfigPath,
        expected: String = "expected an object"
    ) -> [String: JSONValue]? {
        if let object = value.objectValue { return object }
        report(path, Self.mismatch(value, expected: expected))
        return nil
    }

    /// An array of strings; every bad element is reported by its index.
    mutating func strings(_ value: JSONValue, at path: ConfigPath) -> [String]? {
        guard let array = value.arrayValue else {
            report(path, Self.mismatch(value, expected: "expected an array of strings"))
            return nil
        }
        var result: [String] = []
        var valid = true
        for (index, element) in array.enumerated() {
            if let string = element.stringValue {
                result.append(string)
            } else {
                report(path.appending(index: index), Self.mismatch(element, expected: "expected a string"))
                valid = false
            }
        }
        return valid ? result : nil
    }

    /// Reads an object whose keys are all known, reporting the unknown ones with a suggestion, and
    /// calls `read` for each known key in sorted order.
    mutating func strictObject(
        _ value: JSONValue,
        at path: ConfigPath,
        keys: [String],
        expected: String = "expected an object",
        read: (inout ConfigReader, String, JSONValue, ConfigPath) -> Void
    ) -> Bool {
        guard let object = object(value, at: path, expected: expected) else { return false }
        for key in object.keys.sorted() {
            let keyPath = path.appending(key)
            if keys.contains(key) {
                read(&self, key, object[key]!, keyPath)
            } else {
                report(keyPath, Self.unknownKeyMessage(key, validKeys: keys))
            }
        }
        return true
    }

    // MARK: - Messages

    /// How a value is shown in a message: strings quoted, numbers and literals as written,
    /// containers by kind.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let bool): return bool ? "true" : "false"
        case .int(let int): return String(int)
        case .double(let double):
            return double.rounded() == double && abs(double) < 1e15 ? String(Int64(double)) : String(double)
        case .string(let string):
            let shown = string.count > 60 ? String(string.prefix(57)) + "..." : string
            return ConfigPath.quoted(shown)
        case .array: return "an array"
        case .object: return "an object"
        }
    }

    /// "`"yes"` is a string; expected true or false".
    static func mismatch(_ value: JSONValue, expected: String) -> String {
        switch value {
        case .null: return "null is not allowed; \(expected) (leave the key out to use the inherited or default value)"
        case .array, .object: return "\(describe(value)) is not allowed here; \(expected)"
        case .bool: return "\(describe(value)) is a boolean; \(expected)"
        case .int, .double: return "\(describe(value)) is a number; \(expected)"
        case .string: return "\(describe(value)) is a string; \(expected)"
        }
    }

    /// `unknown key "dmPolicyy"; did you mean "dmPolicy"?`, or the list of valid keys when nothing is
    /// close.
    static func unknownKeyMessage(_ key: String, validKeys: [String]) -> String {
        if let suggestion = closest(to: key, in: validKeys) {
            return "unknown key \(ConfigPath.quoted(key)); did you mean \(ConfigPath.quoted(suggestion))?"
        }
        let list = validKeys.sorted().map(ConfigPath.quoted).joined(separator: ", ")
        return "unknown key \(ConfigPath.quoted(key)); valid keys are \(list)"
    }

    /// The candidate closest to `word` by case-insensitive edit distance, if it is close enough to be
    /// a likely typo (at most a third of the word's length, and at least one edit allowed).
    static func closest(to word: String, in candidates: [String]) -> String? {
        let lowered = Array(word.lowercased())
        let limit = max(1, min(3, lowered.count / 3))
        var best: (distance: Int, key: String)?
        for candidate in candidates.sorted() {
            let distance = editDistance(lowered, Array(candidate.lowercased()))
            if distance <= limit, distance < (best?.distance ?? Int.max) {
                best = (distance, candidate)
            }
        }
        return best?.key
    }

    /// Levenshtein distance, counting an adjacent swap as one edit (so `"opne"` is one edit from
    /// `"open"`).
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }
}
