/// The WhatsApp settings exactly as one level of `connectors.whatsapp` wrote them: the top level, one
/// account (`accounts.<id>`), or one group override (`groups.<jid>`).
///
/// Every field is optional and `nil` means "not written here". Defaults are **never** filled into a
/// level: an account inherits every key it leaves out from the top level, and only then does the
/// default apply (`account.X ?? top.X ?? default`, see ``ResolvedAccountSettings``). OpenClaw filled
/// schema defaults into each account entry, so a top-level `"groupPolicy"` or `"dmPolicy"` was
/// silently ignored for any account that existed (openclaw#4321, #3323); keeping levels sparse avoids
/// that.
///
/// Values are already validated and normalised: phone numbers are E.164 (`+15551234567`), group JIDs
/// are lowercase, `authDir` is an absolute path.
public struct WhatsAppSettings: Sendable, Hashable {
    // MARK: Direct messages

    /// Who may talk to the agent in direct messages.
    public var dmPolicy: DMPolicy?
    /// `dmPolicy` as written (`"closed"` and `"disabled"` both mean ``DMPolicy/disabled``).
    public var dmPolicyName: String?
    /// Allowed direct-message senders: E.164 numbers, or `"*"` for everyone.
    public var allowFrom: [String]?
    /// How many earlier direct-message turns the agent sees.
    public var dmHistoryLimit: Int?
    /// Per-sender direct-message overrides, keyed by E.164 number.
    public var dms: [String: DMSettings]?
    /// Whether the agent answers messages the linked number sends to itself (testing only).
    public var selfChatMode: Bool?

    // MARK: Groups

    /// Which group members may trigger the agent.
    public var groupPolicy: GroupPolicy?
    /// Group members (E.164 numbers, or `"*"`) allowed to trigger the agent when `groupPolicy` is
    /// `allowlist`. These are people, not groups; groups are allowed through ``groups``.
    public var groupAllowFrom: [String]?
    /// Per-group settings keyed by lowercase group JID or `"*"`. When present, it is also the list of
    /// groups the agent takes part in.
    public var groups: [String: Group]?
    /// How many pending group messages are kept as context for the next reply (0 turns it off).
    public var historyLimit: Int?

    // MARK: Outgoing messages

    /// Text put in front of every outgoing message (the user guide: "Text prefix added to all outgoing
    /// messages").
    public var messagePrefix: String?
    /// Maximum characters per outgoing message; longer replies are split.
    public var textChunkLimit: Int?
    /// How long replies are split.
    public var chunkMode: ChunkMode?
    /// When true, the reply is sent whole instead of streamed in blocks.
    public var blockStreaming: Bool?
    /// How streamed blocks are merged before sending (stored; not acted on yet).
    public var blockStreamingCoalesce: BlockStreamingCoalesce?
    /// How Markdown is converted for WhatsApp (stored; not acted on yet).
    public var markdown: Markdown?
    /// wagate's per-account send limits.
    public var rateLimit: RateLimit?

    // MARK: Incoming messages

    /// Whether incoming messages are marked as read.
    public var sendReadReceipts: Bool?
    /// Largest media attachment accepted, in MB.
    public var mediaMaxMb: Int?
    /// How long to wait for more messages from the same sender before answering, in milliseconds.
    public var debounceMs: Int?
    /// The reaction that acknowledges an incoming message. Replaced whole, never merged.
    public var ackReaction: AckReaction?

    // MARK: Stored, not acted on yet

    /// Extra channel capabilities (stored; not acted on yet).
    public var capabilities: [String]?
    /// Whether the agent may write configuration changes (stored; not acted on yet).
    public var configWrites: Bool?
    /// Heartbeat display options (stored; not acted on yet).
    public var heartbeat: Heartbeat?
    /// Which tool actions the agent may use. Top level only.
    public var actions: Actions?

    // MARK: Account and connector keys

    /// `false` turns an account off; at the top level it turns the whole connector off.
    public var enabled: Bool?
    /// Directory for the account's session key files (absolute, `~` expanded). At the top level it
    /// belongs to the account `default`.
    public var authDir: String?
    /// Display name of an account (trimmed). Accounts only.
    public var name: String?
    /// `web` (QR-linked, the default) or `cloud` (Meta Cloud API). Accounts only.
    public var type: AccountDefinition.Kind?
    /// Cloud API credentials and endpoint of a `cloud` account. Accounts only.
    public var cloud: CloudFields?

    /// Creates an empty level (nothing written).
    public init() {}

    /// The Cloud API keys an account may write; each is optional here and checked when the account
    /// is built.
    public struct CloudFields: Sendable, Hashable {
        /// `accessToken`: the Graph API bearer token.
        public var accessToken: String?
        /// `phoneNumberId`: the business phone number id messages are sent from.
        public var phoneNumberId: String?
        /// `webhookVerifyToken`: the token Meta echoes when the webhook is registered.
        public var webhookVerifyToken: String?
        /// `businessAccountId`: the WhatsApp Business Account id.
        public var businessAccountId: String?
        /// `appSecret`: the app secret that signs webhook bodies (`X-Hub-Signature-256`).
        public var appSecret: String?
        /// `graphVersion`: the Graph API version, e.g. `v25.0`.
        public var graphVersion: String?
        /// `graphUrl`: the Graph API base URL (for a sandbox).
        public var graphUrl: String?

        /// Creates an empty set of fields.
        public init() {}

        /// Whether nothing is written.
        public var isEmpty: Bool { self == CloudFields() }
    }
}
