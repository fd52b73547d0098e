import Foundation

/// One agent: a character file (elizaOS / Milady format) and its WhatsApp connector.
public struct AgentDefinition: Sendable, Hashable {
    /// The character's `name`, trimmed.
    public var name: String
    /// The agent id derived from `name` (see ``slug(for:)``), unique in the gateway.
    public var slug: String
    /// `description`, if any.
    public var description: String?
    /// `bio`, as a list of lines (a single string becomes one line).
    public var bio: [String]
    /// `system`, the system prompt, if any.
    public var system: String?
    /// `modelProvider`, e.g. `anthropic` or `echo`, if any.
    public var modelProvider: String?
    /// `settings`, as written.
    public var settings: [String: JSONValue]
    /// `secrets`, as written. Never shown by `redacted()`.
    public var secrets: [String: JSONValue]
    /// The character's own `env` section (values as strings).
    public var env: [String: String]
    /// The environment this agent sees: the process environment, over the character's `env`, over
    /// `milady.json`'s `env`.
    public var environment: [String: String]
    /// Every other top-level key of the character (`lore`, `messageExamples`, `plugins`, ...), kept as
    /// written because character files are shared with other tools.
    public var extra: [String: JSONValue]
    /// The file the agent comes from, as given on the command line.
    public var sourceFile: String
    /// The WhatsApp connector, or `nil` when the character has no `connectors.whatsapp` section (and
    /// no Cloud API account came from the environment).
    public var whatsapp: WhatsAppConnectorConfiguration?

    /// Creates an agent definition.
    public init(
        name: String,
        slug: String? = nil,
        description: String? = nil,
        bio: [String] = [],
        system: String? = nil,
        modelProvider: String? = nil,
        settings: [String: JSONValue] = [:],
        secrets: [String: JSONValue] = [:],
        env: [String: String] = [:],
        environment: [String: String] = [:],
        extra: [String: JSONValue] = [:],
        sourceFile: String,
        whatsapp: WhatsAppConnectorConfiguration? = nil
    ) {
        self.name = name
        self.slug = slug ?? Self.slug(for: name)
        self.description = description
        self.bio = bio
        self.system = system
        self.modelProvider = modelProvider
        self.settings = settings
        self.secrets = secrets
        self.env = env
        self.environment = environment
        self.extra = extra
        self.sourceFile = sourceFile
        self.whatsapp = whatsapp
    }

    /// Whether the WhatsApp connector starts for this agent, and if not, why.
    public var connectorStatus: ConnectorStatus {
        guard let whatsapp else {
            return .inactive(
                reason:
                    "\(sourceFile) has no connectors.whatsapp section; add one (see \"Quick Start with Baileys\", Step 1) "
                    + "or set WHATSAPP_ACCESS_TOKEN and WHATSAPP_PHONE_NUMBER_ID for the Cloud API"
            )
        }
        return whatsapp.status
    }

    /// The agent id for a name: lowercase ASCII letters and digits, every other run of characters
    /// becomes one `-`, no `-` at either end. Accents are removed first (`"Zoë"` → `zoe`).
    ///
    /// ```swift
    /// AgentDefinition.slug(for: "Milady WhatsApp Test") // "milady-whatsapp-test"
    /// ```
    public static func slug(for name: String) -> String {
        let folded = name.folding(
            options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive],
            locale: Locale(identifier: "en_US_POSIX")
        )
        var slug = ""
        var pendingDash = false
        for scalar in folded.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash, !slug.isEmpty { slug.append("-") }
                pendingDash = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return slug
    }

    /// The agent for display, without `secrets`, environment values or secret-looking settings.
    public func redacted() -> JSONValue {
        var object: [String: JSONValue] = [
            "name": .string(name),
            "slug": .string(slug),
            "bio": .array(bio.map(JSONValue.string)),
            "sourceFile": .string(sourceFile),
            "settings": Self.redactSecrets(.object(settings)),
            "extraKeys": .array(extra.keys.sorted().map(JSONValue.string)),
            "envKeys": .array(env.keys.sorted().map(JSONValue.string)),
        ]
        if let description { object["description"] = .string(description) }
        if let system { object["system"] = .string(system) }
        if let modelProvider { object["modelProvider"] = .string(modelProvider) }
        if let whatsapp { object["whatsapp"] = whatsapp.redacted() }
        switch connectorStatus {
        case .active: object["connector"] = "active"
        case .inactive(let reason): object["connector"] = .string("inactive: " + reason)
        }
        return .object(object)
    }

    /// `value` with every member whose name looks like a secret (`secrets`, `*token*`, `*key*`,
    /// `*secret*`, `*password*`, `*credential*`) replaced by `"<redacted>"`, at any depth.
    static func redactSecrets(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result: [String: JSONValue] = [:]
            for (key, member) in object {
                let lower = key.lowercased()
                let secret = ["secret", "token", "key", "password", "passwd", "credential", "auth"].contains {
                    lower.contains($0)
                }
                result[key] = secret ? "<redacted>" : redactSecrets(member)
            }
            return .object(result)
        case .array(let array):
            return .array(array.map(redactSecrets))
        default:
            return value
        }
    }
}
