/// An agent's `connectors.whatsapp` section, validated, with its accounts resolved.
public struct WhatsAppConnectorConfiguration: Sendable, Hashable {
    /// `false` when the top level says `"enabled": false`, which turns the whole connector off.
    public var enabled: Bool
    /// The top-level keys as written (sparse: `nil` means not written). Accounts inherit from it.
    public var topLevel: WhatsAppSettings
    /// Every account, sorted by id, each with its settings resolved.
    public var accounts: [AccountDefinition]
    /// Whether the section had an `accounts` key (an empty `accounts` object is a configuration
    /// mistake, unlike a missing one which means the single account `default`).
    public var hasAccountsKey: Bool
    /// Whether the section exists only because the `WHATSAPP_*` Cloud API variables were set for an
    /// agent without a `connectors.whatsapp` section.
    public var isFromEnvironmentOnly: Bool

    /// Creates a connector configuration.
    public init(
        enabled: Bool = true,
        topLevel: WhatsAppSettings = WhatsAppSettings(),
        accounts: [AccountDefinition],
        hasAccountsKey: Bool = true,
        isFromEnvironmentOnly: Bool = false
    ) {
        self.enabled = enabled
        self.topLevel = topLevel
        self.accounts = accounts.sorted { $0.id < $1.id }
        self.hasAccountsKey = hasAccountsKey
        self.isFromEnvironmentOnly = isFromEnvironmentOnly
    }

    /// The account with this id.
    public func account(_ id: String) -> AccountDefinition? {
        accounts.first { $0.id == id }
    }

    /// The account used when none is named: `default` if it exists, else the first by id.
    public var defaultAccount: AccountDefinition? {
        account("default") ?? accounts.first
    }

    /// Whether the connector starts, and which accounts.
    ///
    /// The reasons match the user guide's "Plugin Not Loading" checklist.
    public var status: ConnectorStatus {
        if !enabled {
            return .inactive(
                reason:
                    "connectors.whatsapp.enabled is false; remove \"enabled\": false (or set it to true) to start the WhatsApp connector"
            )
        }
        if accounts.isEmpty {
            return .inactive(
                reason: "connectors.whatsapp.accounts is empty; define at least one account with \"enabled\": true, "
                    + "e.g. \"accounts\": {\"default\": {\"enabled\": true, \"authDir\": \"./auth/whatsapp\"}}"
            )
        }
        let enabledAccounts = accounts.filter(\.enabled)
        if enabledAccounts.isEmpty {
            let names = accounts.map(\.configPath).joined(separator: ", ")
            return .inactive(
                reason: "every account has \"enabled\": false (\(names)); set \"enabled\": true on at least one account"
            )
        }
        return .active(enabledAccounts)
    }

    /// The section for display: the connector switch and every account with its resolved settings,
    /// without secrets.
    public func redacted() -> JSONValue {
        .object([
            "enabled": .bool(enabled),
            "accounts": .array(accounts.map { $0.redacted() }),
        ])
    }

    /// Normalises a phone number the way `allowFrom` entries are normalised: removes a `whatsapp:`
    /// prefix, spaces, dashes, dots and parentheses, accepts a user JID (`15551234567@s.whatsapp.net`,
    /// device suffix dropped), and returns `+` followed by 6 to 15 digits, or `nil`.
    ///
    /// ```swift
    /// WhatsAppConnectorConfiguration.normalizePhoneNumber("+1 (555) 123-4567") // "+15551234567"
    /// ```
    public static func normalizePhoneNumber(_ text: String) -> String? {
        if case .number(let number) = PhoneNumberParser.parse(text) { return number }
        return nil
    }
}
