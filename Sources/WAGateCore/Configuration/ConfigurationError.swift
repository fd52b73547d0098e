/// Loading the configuration failed; `issues` lists every problem found in every file.
///
/// The description prints one issue per line, ready for the terminal:
/// ```
/// invalid configuration (2 issues):
/// a.json: connectors.whatsapp.dmPolicyy: unknown key "dmPolicyy"; did you mean "dmPolicy"?
/// a.json: connectors.whatsapp.textChunkLimit: 0 is out of range; expected an integer from 1 to 65536
/// ```
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    /// Every issue, in file order and, within a file, in the order the keys appear.
    public var issues: [ConfigIssue]

    /// Creates an error from the issues found.
    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    /// A header line followed by one line per issue.
    public var description: String {
        let header =
            issues.count == 1 ? "invalid configuration (1 issue):" : "invalid configuration (\(issues.count) issues):"
        return ([header] + issues.map(\.description)).joined(separator: "\n")
    }
}
