import Foundation

/// Everything the gateway runs: the agents from the character files and `milady.json`, and the
/// environment after the files' `env` sections were applied.
///
/// Made by ``ConfigurationLoader/load()``:
/// ```swift
/// let configuration = try ConfigurationLoader(
///     sources: [.character(path: "examples/milady-whatsapp-test.character.json")],
///     environment: ProcessInfo.processInfo.environment
/// ).load()
/// ```
public struct GatewayConfiguration: Sendable, Hashable {
    /// The agents, in the order their files were given (a directory's files sorted by name).
    public var agents: [AgentDefinition]
    /// The process environment over `milady.json`'s `env` section (process values win). Characters'
    /// own `env` sections are in each agent's ``AgentDefinition/environment``.
    public var environment: [String: String]
    /// Things that do not stop the gateway but deserve a look (an unused Cloud API variable, a key
    /// written twice outside `connectors.whatsapp`, ...).
    public var warnings: [ConfigIssue]

    /// Creates a configuration.
    public init(agents: [AgentDefinition], environment: [String: String] = [:], warnings: [ConfigIssue] = []) {
        self.agents = agents
        self.environment = environment
        self.warnings = warnings
    }

    /// The agent with this slug.
    public func agent(slug: String) -> AgentDefinition? {
        agents.first { $0.slug == slug }
    }

    /// Creates every missing `authDir` of an enabled account (mode 0700, parents included) and reports
    /// the ones that cannot be created, are not directories or are not writable.
    ///
    /// Loading does not touch the file system; `wagate check` and `wagate start` call this so the
    /// guide's "The `authDir` path is valid and writable" is checked with a message naming the path.
    /// - Returns: One issue per unusable directory; empty when all are fine.
    public func checkAuthDirectories() -> [ConfigIssue] {
        let fileManager = FileManager.default
        var issues: [ConfigIssue] = []
        var checked: Set<String> = []
        for agent in agents {
            for account in agent.whatsapp?.accounts ?? [] where account.enabled {
                guard let directory = account.authDir, checked.insert(directory).inserted else { continue }
                let path = account.authDirConfigPath ?? account.configPath
                func report(_ message: String) {
                    issues.append(ConfigIssue(file: agent.sourceFile, path: path, message: message))
                }
                var isDirectory: ObjCBool = false
                if fileManager.fileExists(atPath: directory, isDirectory: &isDirectory) {
                    if !isDirectory.boolValue {
                        report(
                            "authDir \(ConfigPath.quoted(directory)) exists but is not a directory; remove it or choose another authDir"
                        )
                    } else if !fileManager.isWritableFile(atPath: directory) {
                        report(
                            "authDir \(ConfigPath.quoted(directory)) is not writable by this process; make it writable by the user running wagate (chmod 700) or choose another authDir"
                        )
                    }
                    continue
                }
                do {
                    try fileManager.createDirectory(
                        atPath: directory,
                        withIntermediateDirectories: true,
                        attributes: [.posixPermissions: 0o700]
                    )
                } catch {
                    report(
                        "authDir \(ConfigPath.quoted(directory)) does not exist and cannot be created (\(ConfigurationLoadRun.reason(error))); create it or choose another authDir"
                    )
                }
            }
        }
        return issues
    }

    /// The configuration for display: every agent and account with resolved settings, and the names
    /// (not values) of the environment variables the files set. No secrets.
    public func redacted() -> JSONValue {
        .object([
            "agents": .array(agents.map { $0.redacted() }),
            "warnings": .array(warnings.map { .string($0.description) }),
        ])
    }
}
