import Foundation

/// Reads character files, character directories and `milady.json`, validates them all, and builds the
/// ``GatewayConfiguration``.
///
/// Every problem in every file is collected before loading fails, and the error lists them all.
/// The loader reads only the files it is given; the process environment is a parameter (so tests
/// control it), and nothing is created on disk (see ``GatewayConfiguration/checkAuthDirectories()``).
///
/// ```swift
/// let loader = ConfigurationLoader(
///     sources: [.miladyConfig(path: "milady.json"), .character(path: "./your-character.json")],
///     environment: ProcessInfo.processInfo.environment)
/// do {
///     let configuration = try loader.load()
/// } catch {
///     print(error) // one line per issue
/// }
/// ```
public struct ConfigurationLoader: Sendable {
    /// Where configuration comes from.
    public struct Source: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            case characterFile(String)
            case characterDirectory(String)
            case miladyFile(String)
            case characterText(String, file: String, baseDirectory: String?)
            case miladyText(String, file: String, baseDirectory: String?)
        }

        let kind: Kind

        /// A character file (`--character=PATH`).
        public static func character(path: String) -> Source { Source(kind: .characterFile(path)) }
        /// Every `*.json` file in a directory, sorted by name (`--characters DIR`).
        public static func characterDirectory(_ path: String) -> Source { Source(kind: .characterDirectory(path)) }
        /// A Milady-style config file (`--config milady.json`): its `env` section applies to every
        /// agent, and a `connectors.whatsapp` section in it defines one agent (named by its `name`,
        /// else `milady`).
        public static func miladyConfig(path: String) -> Source { Source(kind: .miladyFile(path)) }
        /// A character given as JSON text (tests, the control API). `file` names it in messages;
        /// relative `authDir` paths resolve against `baseDirectory`, else against `file`'s directory.
        public static func character(json: String, file: String, baseDirectory: String? = nil) -> Source {
            Source(kind: .characterText(json, file: file, baseDirectory: baseDirectory))
        }
        /// A Milady-style config given as JSON text.
        public static func miladyConfig(json: String, file: String, baseDirectory: String? = nil) -> Source {
            Source(kind: .miladyText(json, file: file, baseDirectory: baseDirectory))
        }
    }

    /// The sources, in order; agents keep this order.
    public var sources: [Source]
    /// The real process environment; it wins over every `env` section.
    public var environment: [String: String]
    /// The directory `~` stands for; defaults to `environment["HOME"]`.
    public var homeDirectory: String?

    /// Creates a loader.
    /// - Parameters:
    ///   - sources: Character files, directories and Milady configs, in order.
    ///   - environment: The process environment (pass `ProcessInfo.processInfo.environment`).
    ///   - homeDirectory: What `~` expands to; `nil` uses `environment["HOME"]`.
    public init(sources: [Source], environment: [String: String], homeDirectory: String? = nil) {
        self.sources = sources
        self.environment = environment
        self.homeDirectory = homeDirectory ?? environment["HOME"]
    }

    /// Reads and validates every source.
    /// - Returns: The agents and the environment.
    /// - Throws: `ConfigurationError` listing every issue in every file.
    public func load() throws(ConfigurationError) -> GatewayConfiguration {
        var run = ConfigurationLoadRun(homeDirectory: homeDirectory)
        for source in sources {
            run.read(source)
        }
        return try run.finish(processEnvironment: environment)
    }
}
