import Foundation
import WAGateCore

/// The parts of an elizaOS character that shape how it talks, read from ``AgentDefinition``: `system`,
/// `bio`, and from the keys the loader keeps in `extra`: `lore`, `adjectives`, `topics`, `style`
/// (`all` and `chat`; `post` is for social posts and is not used) and `messageExamples`.
///
/// Values of the wrong JSON type are ignored rather than rejected: character files are shared with other
/// tools, and a reply should not fail because of a field only those tools read.
public struct CharacterProfile: Sendable, Hashable {
    /// One message of an example conversation.
    public struct ExampleMessage: Sendable, Hashable {
        /// Who speaks, placeholders resolved (`User`, `User 2`, or the character's name).
        public var speaker: String
        /// What they say, placeholders resolved.
        public var text: String
        /// Whether the character itself speaks.
        public var isAgent: Bool

        /// Creates an example message.
        public init(speaker: String, text: String, isAgent: Bool) {
            self.speaker = speaker
            self.text = text
            self.isAgent = isAgent
        }
    }

    /// The character's name.
    public var name: String
    /// `system`, placeholders resolved.
    public var system: String?
    /// `bio` lines.
    public var bio: [String]
    /// `lore` lines.
    public var lore: [String]
    /// `adjectives`.
    public var adjectives: [String]
    /// `topics`.
    public var topics: [String]
    /// `style.all` followed by `style.chat` (a plain string or array `style` counts as `all`).
    public var style: [String]
    /// `messageExamples`: conversations, each a list of messages.
    public var messageExamples: [[ExampleMessage]]

    /// Reads the profile of `agent`.
    public init(agent: AgentDefinition) {
        let name = agent.name
        self.name = name
        let resolve = { (text: String) in Self.resolvePlaceholders(in: text, agentName: name) }
        system = agent.system.map(resolve).flatMap { $0.trimmed.isEmpty ? nil : $0.trimmed }
        bio = agent.bio.map(resolve).compactMap(\.trimmedNonEmpty)
        lore = Self.strings(agent.extra["lore"]).map(resolve)
        adjectives = Self.strings(agent.extra["adjectives"])
        topics = Self.strings(agent.extra["topics"])
        switch agent.extra["style"] {
        case .object(let sections)?:
            style = (Self.strings(sections["all"]) + Self.strings(sections["chat"])).map(resolve)
        case let other:
            style = Self.strings(other).map(resolve)
        }
        messageExamples = Self.examples(agent.extra["messageExamples"], agentName: name)
    }

    /// Strings of a JSON string or array of strings, trimmed, blanks dropped.
    static func strings(_ value: JSONValue?) -> [String] {
        switch value {
        case .string(let text)?: return text.trimmedNonEmpty.map { [$0] } ?? []
        case .array(let items)?: return items.compactMap { $0.stringValue?.trimmedNonEmpty }
        default: return []
        }
    }

    /// elizaOS writes examples as `[[{"user"|"name": "...", "content": {"text": "..."}}]]`.
    static func examples(_ value: JSONValue?, agentName: String) -> [[ExampleMessage]] {
        guard let conversations = value?.arrayValue else { return [] }
        return conversations.compactMap { conversation -> [ExampleMessage]? in
            guard let messages = conversation.arrayValue else { return nil }
            let parsed = messages.compactMap { message -> ExampleMessage? in
                let rawSpeaker = (message["user"] ?? message["name"])?.stringValue?.trimmed ?? ""
                let rawText = (message["content"]?["text"] ?? message["content"] ?? message["text"])?.stringValue ?? ""
                let text = resolvePlaceholders(in: rawText, agentName: agentName).trimmed
                guard !text.isEmpty else { return nil }
                let isAgent =
                    rawSpeaker.caseInsensitiveCompare(agentName) == .orderedSame || rawSpeaker == "{{agentName}}"
                    || rawSpeaker == "{{agent}}"
                let speaker = isAgent ? agentName : resolvePlaceholders(in: rawSpeaker, agentName: agentName)
                return ExampleMessage(speaker: speaker.isEmpty ? "User" : speaker, text: text, isAgent: isAgent)
            }
            return parsed.isEmpty ? nil : parsed
        }
    }

    /// Replaces elizaOS placeholders: `{{agentName}}` by the name, `{{user1}}`/`{{name1}}` by `User`,
    /// `{{user2}}` by `User 2` and so on. Other `{{…}}` tokens are left as written.
    static func resolvePlaceholders(in text: String, agentName: String) -> String {
        guard text.contains("{{") else { return text }
        var result = ""
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let token = String(rest[open.upperBound..<close.lowerBound]).trimmed
            result += replacement(for: token, agentName: agentName) ?? "{{\(token)}}"
            rest = rest[close.upperBound...]
        }
        return result + rest
    }

    private static func replacement(for token: String, agentName: String) -> String? {
        let lower = token.lowercased()
        if lower == "agentname" || lower == "agent" { return agentName }
        for stem in ["user", "name"] where lower.hasPrefix(stem) {
            let suffix = lower.dropFirst(stem.count)
            if suffix.isEmpty { return "User" }
            guard let number = Int(suffix) else { return nil }
            return number <= 1 ? "User" : "User \(number)"
        }
        return nil
    }
}
