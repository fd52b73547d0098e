/// One problem found in a configuration file: where it is and what to do about it.
///
/// Loading collects every issue of every file before it fails, so a user fixes all mistakes in one go
/// instead of one per restart.
///
/// ```
/// examples/x.json: connectors.whatsapp.dmPolicy: "opne" is not a valid value; expected one of "pairing", "allowlist", "open", "closed", "disabled"
/// ```
public struct ConfigIssue: Sendable, Hashable, CustomStringConvertible {
    /// The file the issue is in, as it was given on the command line; `nil` for issues that are not
    /// tied to one file (for example an environment variable).
    public var file: String?
    /// The key path inside the file, e.g. `connectors.whatsapp.accounts.default.authDir`; empty for
    /// issues about the whole file (such as a JSON syntax error).
    public var path: String
    /// What is wrong and, where possible, how to fix it.
    public var message: String

    /// Creates an issue.
    /// - Parameters:
    ///   - file: The file the issue is in, or `nil`.
    ///   - path: The key path of the offending value, or `""`.
    ///   - message: The explanation shown to the user.
    public init(file: String?, path: String, message: String) {
        self.file = file
        self.path = path
        self.message = message
    }

    /// `file: path: message`, leaving out the parts that are empty.
    public var description: String {
        var parts: [String] = []
        if let file, !file.isEmpty { parts.append(file) }
        if !path.isEmpty { parts.append(path) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}
