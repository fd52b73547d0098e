/// The location of a value inside a configuration document, printed the way a user would look for it:
/// `connectors.whatsapp.accounts.default.authDir`, `connectors.whatsapp.allowFrom[2]`,
/// `connectors.whatsapp.groups["120363012345678901@g.us"].requireMention`.
///
/// Keys that are not plain identifiers (group JIDs contain `.` and `@`) are written in brackets so the
/// printed path stays unambiguous.
struct ConfigPath: Hashable, Sendable, CustomStringConvertible {
    enum Component: Hashable, Sendable {
        case key(String)
        case index(Int)
    }

    var components: [Component] = []

    init(_ components: [Component] = []) {
        self.components = components
    }

    /// A path from dotted plain keys, e.g. `ConfigPath("connectors", "whatsapp")`.
    init(_ keys: String...) {
        self.components = keys.map(Component.key)
    }

    func appending(_ key: String) -> ConfigPath {
        ConfigPath(components + [.key(key)])
    }

    func appending(index: Int) -> ConfigPath {
        ConfigPath(components + [.index(index)])
    }

    /// The path without its last component (the root stays the root).
    var parent: ConfigPath {
        ConfigPath(Array(components.dropLast()))
    }

    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .key(let key) where Self.isPlain(key):
                if !text.isEmpty { text += "." }
                text += key
            case .key(let key):
                text += "[" + Self.quoted(key) + "]"
            case .index(let index):
                text += "[\(index)]"
            }
        }
        return text
    }

    private static func isPlain(_ key: String) -> Bool {
        // A leading "-" would read like an option or a negative index.
        guard let first = key.unicodeScalars.first, first != "-" else { return false }
        return key.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || scalar == "_" || scalar == "-"
        }
    }

    /// `key` as a JSON string literal (quotes and backslashes escaped).
    static func quoted(_ key: String) -> String {
        var text = "\""
        for scalar in key.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\t": text += "\\t"
            default:
                if scalar.value < 0x20 {
                    text += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text + "\""
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
