/// One WhatsApp account of an agent, with every setting resolved.
public struct AccountDefinition: Sendable, Hashable {
    /// How the account talks to WhatsApp.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A personal or business number linked by QR code through the multi-device Web protocol
        /// (what Baileys does). The default.
        case web
        /// A business number through Meta's Cloud API (webhooks in, Graph API out).
        case cloud
    }

    /// The account id: the key under `accounts` (`[A-Za-z0-9][A-Za-z0-9_-]{0,63}`), `default` when
    /// there is no `accounts` key, or `cloud` for the account made from the `WHATSAPP_*` variables.
    public var id: String
    /// Web (QR) or Cloud API.
    public var kind: Kind
    /// `false` when the account or the whole connector has `"enabled": false`.
    public var enabled: Bool
    /// Display name (`name`, trimmed); `nil` when unset or blank.
    public var name: String?
    /// Absolute directory for the account's session key files, `~` expanded and relative paths
    /// resolved against the character file's directory; `nil` keeps all state in PostgreSQL.
    public var authDir: String?
    /// Every setting with its resolved value.
    public var settings: ResolvedAccountSettings
    /// Cloud API credentials; set for every `.cloud` account except a disabled one whose credentials
    /// are incomplete (an enabled one without them is a configuration error). `nil` for `.web`.
    public var cloud: CloudAccountSettings?
    /// Where the account was defined, for messages: `connectors.whatsapp.accounts.work`,
    /// `connectors.whatsapp` (the implicit `default`), or `WHATSAPP_PHONE_NUMBER_ID` (from the
    /// environment).
    public var configPath: String
    /// The key path that set `authDir` (the account's own, or the top-level one for `default`).
    public var authDirConfigPath: String?

    /// Creates an account definition.
    public init(
        id: String,
        kind: Kind = .web,
        enabled: Bool = true,
        name: String? = nil,
        authDir: String? = nil,
        settings: ResolvedAccountSettings = ResolvedAccountSettings(),
        cloud: CloudAccountSettings? = nil,
        configPath: String? = nil,
        authDirConfigPath: String? = nil
    ) {
        self.id = id
        self.kind = kind
        self.enabled = enabled
        self.name = name
        self.authDir = authDir
        self.settings = settings
        self.cloud = cloud
        self.configPath = configPath ?? "connectors.whatsapp.accounts.\(id)"
        self.authDirConfigPath = authDirConfigPath
    }
}

// MARK: - Display

extension AccountDefinition {
    /// The account for display: id, kind, switch, name, authDir and resolved settings; Cloud API
    /// secrets are replaced by `"<redacted>"`.
    public func redacted() -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .string(id),
            "kind": .string(kind.rawValue),
            "enabled": .bool(enabled),
            "settings": settings.jsonValue,
        ]
        if let name { object["name"] = .string(name) }
        if let authDir { object["authDir"] = .string(authDir) }
        if let cloud { object["cloud"] = cloud.redacted() }
        return .object(object)
    }
}
