// The value types of the `connectors.whatsapp` keys. They are nested in `WhatsAppSettings` so that
// names like `RateLimit` or `GroupPolicy` stay free for the components that act on them.

extension WhatsAppSettings {
    /// `dmPolicy`: who may talk to the agent in direct messages.
    public enum DMPolicy: String, Sendable, Hashable, CaseIterable {
        /// Unknown senders get a pairing code that the operator approves (the default).
        case pairing
        /// Only the numbers in `allowFrom` may talk to the agent.
        case allowlist
        /// Everyone may talk to the agent; requires `"*"` in `allowFrom`.
        case open
        /// No direct messages at all. Written `"disabled"` or `"closed"` (the user guide's spelling).
        case disabled

        /// The spellings accepted in files, in the order error messages list them.
        static let spellings = ["pairing", "allowlist", "open", "closed", "disabled"]

        /// Parses a spelling (`"closed"` means `.disabled`).
        init?(spelling: String) {
            if spelling == "closed" {
                self = .disabled
            } else {
                self.init(rawValue: spelling)
            }
        }
    }

    /// `groupPolicy`: which group members may trigger the agent.
    public enum GroupPolicy: String, Sendable, Hashable, CaseIterable {
        /// Only members listed in `groupAllowFrom` (or, when it is unset, `allowFrom`) (the default).
        case allowlist
        /// Every member; mention rules still apply.
        case open
        /// Group messages are ignored.
        case disabled
    }

    /// `chunkMode`: how replies longer than `textChunkLimit` are split.
    public enum ChunkMode: String, Sendable, Hashable, CaseIterable {
        /// Split at the limit, preferring whitespace (the default).
        case length
        /// Split at line breaks first.
        case newline
    }

    /// `dms.<number>`: per-sender direct-message settings.
    public struct DMSettings: Sendable, Hashable {
        /// Overrides `dmHistoryLimit` for this sender.
        public var historyLimit: Int?

        /// Creates per-sender settings.
        public init(historyLimit: Int? = nil) {
            self.historyLimit = historyLimit
        }
    }

    /// `groups.<jid>`: settings for one group, or for every group under `"*"`.
    public struct Group: Sendable, Hashable {
        /// Whether the agent only answers when mentioned (default `true`).
        public var requireMention: Bool?
        /// Tool policy inside this group (stored; not acted on yet).
        public var tools: ToolPolicy?
        /// Tool policy per sender, keyed by E.164 number (stored; not acted on yet).
        public var toolsBySender: [String: ToolPolicy]?
        /// Keys that override the account's values inside this group. Only keys that make sense for a
        /// group are accepted: `groupPolicy`, `groupAllowFrom`, `historyLimit`, `messagePrefix`,
        /// `textChunkLimit`, `chunkMode`, `mediaMaxMb`, `debounceMs`, `blockStreaming`,
        /// `blockStreamingCoalesce`, `ackReaction`, `markdown`, `sendReadReceipts`.
        public var overrides: WhatsAppSettings

        /// Creates group settings.
        public init(
            requireMention: Bool? = nil,
            tools: ToolPolicy? = nil,
            toolsBySender: [String: ToolPolicy]? = nil,
            overrides: WhatsAppSettings = WhatsAppSettings()
        ) {
            self.requireMention = requireMention
            self.tools = tools
            self.toolsBySender = toolsBySender
            self.overrides = overrides
        }
    }

    /// A tool policy (`allow`, `alsoAllow`, `deny`); `allow` and `alsoAllow` exclude each other.
    public struct ToolPolicy: Sendable, Hashable {
        /// Only these tools.
        public var allow: [String]?
        /// These tools in addition to the defaults.
        public var alsoAllow: [String]?
        /// Never these tools.
        public var deny: [String]?

        /// Creates a tool policy.
        public init(allow: [String]? = nil, alsoAllow: [String]? = nil, deny: [String]? = nil) {
            self.allow = allow
            self.alsoAllow = alsoAllow
            self.deny = deny
        }
    }

    /// `blockStreamingCoalesce`: how streamed blocks are merged (stored; not acted on yet).
    public struct BlockStreamingCoalesce: Sendable, Hashable {
        /// Smallest block to send, in characters.
        public var minChars: Int?
        /// Largest block to send, in characters.
        public var maxChars: Int?
        /// Send what is buffered after this many idle milliseconds.
        public var idleMs: Int?

        /// Creates coalescing settings.
        public init(minChars: Int? = nil, maxChars: Int? = nil, idleMs: Int? = nil) {
            self.minChars = minChars
            self.maxChars = maxChars
            self.idleMs = idleMs
        }
    }

    /// How Markdown tables are rendered for WhatsApp.
    public enum MarkdownTables: String, Sendable, Hashable, CaseIterable {
        /// Leave tables as they are.
        case off
        /// Turn table rows into bullet lists (the WhatsApp default).
        case bullets
        /// Put tables in a monospace block.
        case code
    }

    /// `markdown`: Markdown conversion options.
    public struct Markdown: Sendable, Hashable {
        /// How tables are rendered (default ``MarkdownTables/bullets``).
        public var tables: MarkdownTables?

        /// Creates Markdown options.
        public init(tables: MarkdownTables? = nil) {
            self.tables = tables
        }
    }

    /// `rateLimit`: wagate's own per-account send limits (not in Milady or OpenClaw). WhatsApp bans
    /// numbers that send too fast, so every account sends through a token bucket.
    ///
    /// ```json
    /// "rateLimit": { "messagesPerMinute": 20, "burst": 5, "perChatIntervalMs": 1000 }
    /// ```
    /// Keys left out take their defaults; an account's `rateLimit` replaces the top-level one whole.
    public struct RateLimit: Sendable, Hashable {
        /// Sustained sends per minute for the whole account (default 20).
        public var messagesPerMinute: Int
        /// Sends allowed at once above the sustained rate (default 5).
        public var burst: Int
        /// Minimum gap between two sends to the same chat, in milliseconds (default 1000).
        public var perChatIntervalMs: Int

        /// Creates send limits.
        public init(messagesPerMinute: Int = 20, burst: Int = 5, perChatIntervalMs: Int = 1000) {
            self.messagesPerMinute = messagesPerMinute
            self.burst = burst
            self.perChatIntervalMs = perChatIntervalMs
        }
    }

    /// `ackReaction`: a reaction sent as soon as a message is accepted. Replaced whole, never merged.
    public struct AckReaction: Sendable, Hashable {
        /// When to react in groups.
        public enum GroupMode: String, Sendable, Hashable, CaseIterable {
            /// React to every processed group message.
            case always
            /// React when the agent was mentioned (the default).
            case mentions
            /// Never react in groups.
            case never
        }

        /// The emoji itself (a name such as `"eyes"` from the user guide is converted to 👀); `nil`
        /// or empty turns reactions off, as there is no default emoji.
        public var emoji: String?
        /// Whether to react in direct messages (default `true`).
        public var direct: Bool
        /// When to react in groups (default ``GroupMode/mentions``).
        public var group: GroupMode

        /// Creates reaction settings.
        public init(emoji: String? = nil, direct: Bool = true, group: GroupMode = .mentions) {
            self.emoji = emoji
            self.direct = direct
            self.group = group
        }

        /// Emoji names accepted in place of the emoji (with or without surrounding colons).
        static let namedEmoji: [String: String] = [
            "eyes": "👀", "thumbsup": "👍", "+1": "👍", "thumbs_up": "👍", "ok_hand": "👌",
            "white_check_mark": "✅", "check": "✅", "heavy_check_mark": "✔️", "heart": "❤️",
            "hourglass": "⌛", "hourglass_flowing_sand": "⏳", "hourglass_not_done": "⏳",
            "thinking": "🤔", "thinking_face": "🤔", "robot": "🤖", "robot_face": "🤖", "wave": "👋",
            "pray": "🙏", "raised_hands": "🙌", "star": "⭐", "sparkles": "✨", "fire": "🔥",
            "zap": "⚡", "rocket": "🚀", "speech_balloon": "💬", "memo": "📝", "bulb": "💡",
            "brain": "🧠", "hand": "✋", "raised_hand": "✋", "smile": "😄", "slightly_smiling_face": "🙂",
        ]
    }

    /// `heartbeat`: heartbeat display options (stored; not acted on yet).
    public struct Heartbeat: Sendable, Hashable {
        /// Show OK heartbeats.
        public var showOk: Bool?
        /// Show alert heartbeats.
        public var showAlerts: Bool?
        /// Use a presence indicator.
        public var useIndicator: Bool?

        /// Creates heartbeat options.
        public init(showOk: Bool? = nil, showAlerts: Bool? = nil, useIndicator: Bool? = nil) {
            self.showOk = showOk
            self.showAlerts = showAlerts
            self.useIndicator = useIndicator
        }
    }

    /// `actions`: which message actions the agent may use. Top level only; each defaults to `true`.
    public struct Actions: Sendable, Hashable {
        /// Reacting to messages.
        public var reactions: Bool
        /// Sending messages to other chats.
        public var sendMessage: Bool
        /// Creating polls.
        public var polls: Bool

        /// Creates action switches.
        public init(reactions: Bool = true, sendMessage: Bool = true, polls: Bool = true) {
            self.reactions = reactions
            self.sendMessage = sendMessage
            self.polls = polls
        }
    }
}
