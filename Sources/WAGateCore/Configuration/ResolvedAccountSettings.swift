/// Every `connectors.whatsapp` setting of one account with its final value: the account's own value,
/// else the top-level value, else the default below.
///
/// Resolution is field by field and objects (`ackReaction`, `groups`, `rateLimit`, `markdown`, ...)
/// are replaced whole, never merged. Defaults are applied last, so an account that leaves `dmPolicy`
/// out gets the top-level `dmPolicy` (the openclaw#4321 case), not `"pairing"`.
///
/// ```swift
/// let settings = ResolvedAccountSettings().applying(top).applying(account)
/// ```
public struct ResolvedAccountSettings: Sendable, Hashable {
    // MARK: Direct messages

    /// Who may talk to the agent in direct messages. Default ``WhatsAppSettings/DMPolicy/pairing``.
    public var dmPolicy: WhatsAppSettings.DMPolicy = .pairing
    /// `dmPolicy` as written, for display (`"closed"` stays `"closed"`). Default `"pairing"`.
    public var dmPolicyName: String = "pairing"
    /// Allowed direct-message senders (E.164 or `"*"`). Default empty.
    public var allowFrom: [String] = []
    /// Earlier direct-message turns the agent sees. Default 20: enough context for a conversation
    /// while keeping prompts small (OpenClaw has no default and keeps everything).
    public var dmHistoryLimit: Int = 20
    /// Per-sender direct-message overrides keyed by E.164. Default empty.
    public var dms: [String: WhatsAppSettings.DMSettings] = [:]
    /// Answer messages the linked number sends to itself. Default `false`.
    public var selfChatMode: Bool = false

    // MARK: Groups

    /// Which group members may trigger the agent. Default ``WhatsAppSettings/GroupPolicy/allowlist``.
    public var groupPolicy: WhatsAppSettings.GroupPolicy = .allowlist
    /// Group members allowed when `groupPolicy` is `allowlist`, as written; `nil` when unset (then
    /// ``effectiveGroupAllowFrom`` falls back to `allowFrom`).
    public var groupAllowFrom: [String]?
    /// Per-group settings keyed by lowercase group JID or `"*"`. Default empty (every group passes
    /// the group allowlist; the sender policy still applies).
    public var groups: [String: WhatsAppSettings.Group] = [:]
    /// Pending group messages kept as context (0 turns it off). Default 50 (OpenClaw's).
    public var historyLimit: Int = 50

    // MARK: Outgoing messages

    /// Prefix for every outgoing message; `nil` when unset or empty.
    public var messagePrefix: String?
    /// Maximum characters per outgoing message, 1...65536. Default 4000.
    public var textChunkLimit: Int = 4000
    /// How long replies are split. Default ``WhatsAppSettings/ChunkMode/length``.
    public var chunkMode: WhatsAppSettings.ChunkMode = .length
    /// Send replies whole instead of streaming blocks. Default `false`.
    public var blockStreaming: Bool = false
    /// Block coalescing (stored; not acted on yet). Default `nil`.
    public var blockStreamingCoalesce: WhatsAppSettings.BlockStreamingCoalesce?
    /// Markdown table rendering. Default ``WhatsAppSettings/MarkdownTables/bullets``.
    public var markdownTables: WhatsAppSettings.MarkdownTables = .bullets
    /// Send limits. Default 20 messages per minute, burst 5, 1000 ms between sends to one chat.
    public var rateLimit: WhatsAppSettings.RateLimit = WhatsAppSettings.RateLimit()
    /// Whether `rateLimit` was configured (else the kind's default applies: see ``rateLimit(for:)``).
    public var rateLimitConfigured = false

    // MARK: Incoming messages

    /// Mark incoming messages as read. Default `true`.
    public var sendReadReceipts: Bool = true
    /// Largest media attachment accepted, in MB, 1...2048. Default 50.
    public var mediaMaxMb: Int = 50
    /// Wait for more messages from the same sender before answering, in ms, 0...600000. Default 0.
    public var debounceMs: Int = 0
    /// Acknowledgment reaction; `nil` (the default) means no reaction.
    public var ackReaction: WhatsAppSettings.AckReaction?

    // MARK: Stored, not acted on yet

    /// Channel capabilities. Default empty.
    public var capabilities: [String] = []
    /// Whether the agent may write configuration. Default `true`.
    public var configWrites: Bool = true
    /// Heartbeat options. Default `nil`.
    public var heartbeat: WhatsAppSettings.Heartbeat?
    /// Action switches (from the top level only). Default all `true`.
    public var actions: WhatsAppSettings.Actions = WhatsAppSettings.Actions()

    /// The defaults, before any level is applied.
    public init() {}

    /// These settings with every key that `level` writes replacing the current value.
    ///
    /// Applying the top level and then an account gives `account.X ?? top.X ?? default` for every
    /// key. Account-only keys (`enabled`, `authDir`, `name`, `type`, Cloud API keys) are not
    /// settings and are ignored here.
    public func applying(_ level: WhatsAppSettings) -> ResolvedAccountSettings {
        var result = self
        if let dmPolicy = level.dmPolicy {
            result.dmPolicy = dmPolicy
            result.dmPolicyName = level.dmPolicyName ?? dmPolicy.rawValue
        }
        if let value = level.allowFrom { result.allowFrom = value }
        if let value = level.dmHistoryLimit { result.dmHistoryLimit = value }
        if let value = level.dms { result.dms = value }
        if let value = level.selfChatMode { result.selfChatMode = value }
        if let value = level.groupPolicy { result.groupPolicy = value }
        if let value = level.groupAllowFrom { result.groupAllowFrom = value }
        if let value = level.groups { result.groups = value }
        if let value = level.historyLimit { result.historyLimit = value }
        if let value = level.messagePrefix { result.messagePrefix = value.isEmpty ? nil : value }
        if let value = level.textChunkLimit { result.textChunkLimit = value }
        if let value = level.chunkMode { result.chunkMode = value }
        if let value = level.blockStreaming { result.blockStreaming = value }
        if let value = level.blockStreamingCoalesce { result.blockStreamingCoalesce = value }
        if let value = level.markdown { result.markdownTables = value.tables ?? .bullets }
        if let value = level.rateLimit {
            result.rateLimit = value
            result.rateLimitConfigured = true
        }
        if let value = level.sendReadReceipts { result.sendReadReceipts = value }
        if let value = level.mediaMaxMb { result.mediaMaxMb = value }
        if let value = level.debounceMs { result.debounceMs = value }
        if let value = level.ackReaction { result.ackReaction = value }
        if let value = level.capabilities { result.capabilities = value }
        if let value = level.configWrites { result.configWrites = value }
        if let value = level.heartbeat { result.heartbeat = value }
        if let value = level.actions { result.actions = value }
        return result
    }

    // MARK: - Derived values

    /// The sender allowlist for groups: `groupAllowFrom` when set, else `allowFrom` (OpenClaw's rule).
    /// Empty means nobody, when `groupPolicy` is `allowlist`.
    public var effectiveGroupAllowFrom: [String] {
        groupAllowFrom ?? allowFrom
    }

    /// Whether the group passes the group allowlist: `groups` is empty, or it has the key `"*"` or
    /// the group's JID.
    public func allowsGroup(_ jid: String) -> Bool {
        groups.isEmpty || groups["*"] != nil || groups[jid.lowercased()] != nil
    }

    /// Whether the agent answers in this group only when mentioned: `groups[jid].requireMention`,
    /// else `groups["*"].requireMention`, else `true`.
    public func requireMention(inGroup jid: String) -> Bool {
        groups[jid.lowercased()]?.requireMention ?? groups["*"]?.requireMention ?? true
    }

    /// The settings that apply inside one group: these settings with the overrides of `groups["*"]`
    /// and then of `groups[jid]` applied, key by key.
    public func settings(forGroup jid: String) -> ResolvedAccountSettings {
        var result = self
        if let wildcard = groups["*"] { result = result.applying(wildcard.overrides) }
        if let group = groups[jid.lowercased()] { result = result.applying(group.overrides) }
        return result
    }

    /// The history limit for one direct-message sender: `dms[number].historyLimit`, else
    /// `dmHistoryLimit`.
    public func dmHistoryLimit(for sender: String) -> Int {
        dms[sender]?.historyLimit ?? dmHistoryLimit
    }
}

extension ResolvedAccountSettings {
    /// The Cloud API's own default throughput: 80 messages per second per business number (Meta's
    /// default tier), a burst of as many, and no per-chat gap beyond Meta's own pair limit.
    public static let cloudDefaultRateLimit = WhatsAppSettings.RateLimit(messagesPerMinute: 4800, burst: 80, perChatIntervalMs: 0)

    /// The send limits for an account of `kind`: the configured ones, else the kind's default (personal
    /// accounts are paced like a person; Cloud API numbers at Meta's throughput).
    public func rateLimit(for kind: AccountDefinition.Kind) -> WhatsAppSettings.RateLimit {
        rateLimitConfigured || kind != .cloud ? rateLimit : Self.cloudDefaultRateLimit
    }
}
