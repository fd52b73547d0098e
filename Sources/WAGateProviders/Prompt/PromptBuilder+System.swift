import WAGateCore

extension PromptBuilder {
    /// The system prompt for `agent`: its `system` text, name, bio, lore, adjectives, topics, style and a
    /// few example conversations (each bounded by ``Limits``), then how to behave in a WhatsApp chat.
    ///
    /// - Parameters:
    ///   - agent: The character.
    ///   - isGroup: Whether the chat is a group (user messages then start with the sender's name).
    /// - Returns: Paragraphs separated by blank lines.
    public func systemPrompt(for agent: AgentDefinition, isGroup: Bool) -> String {
        let profile = CharacterProfile(agent: agent)
        let name = profile.name
        var sections: [String] = []
        if let system = profile.system { sections.append(system) }
        sections.append("Your name is \(name).")
        if let bio = bulletList("About \(name):", profile.bio) { sections.append(bio) }
        if let lore = bulletList("Background:", profile.lore) { sections.append(lore) }
        if let adjectives = inlineList("\(name) is", profile.adjectives) { sections.append(adjectives) }
        if let topics = inlineList("\(name) knows about", profile.topics) { sections.append(topics) }
        if let style = bulletList("How \(name) writes:", profile.style) { sections.append(style) }
        if let examples = examplesSection(profile) { sections.append(examples) }
        sections.append(whatsAppInstructions(name: name, isGroup: isGroup))
        return sections.joined(separator: "\n\n")
    }

    private func bulletList(_ title: String, _ items: [String]) -> String? {
        let lines = items.prefix(limits.maximumListItems).map { "- " + Self.cut($0, to: limits.maximumItemCharacters) }
        return lines.isEmpty ? nil : ([title] + lines).joined(separator: "\n")
    }

    private func inlineList(_ title: String, _ items: [String]) -> String? {
        let values = items.prefix(limits.maximumListItems).map { Self.cut($0, to: limits.maximumItemCharacters) }
        return values.isEmpty ? nil : "\(title): \(values.joined(separator: ", "))."
    }

    private func examplesSection(_ profile: CharacterProfile) -> String? {
        let conversations = profile.messageExamples.prefix(limits.maximumExampleConversations).map { conversation in
            conversation.prefix(limits.maximumExampleMessages)
                .map { "\($0.speaker): \(Self.cut($0.text, to: limits.maximumItemCharacters))" }
                .joined(separator: "\n")
        }
        guard !conversations.isEmpty else { return nil }
        // The examples show tone only; saying so keeps the model from continuing them as if they were the chat.
        return "Example conversations showing how \(profile.name) talks (not part of this chat):\n\n"
            + conversations.joined(separator: "\n\n")
    }

    private func whatsAppInstructions(name: String, isGroup: Bool) -> String {
        let setting =
            isGroup
            ? "You are \(name), chatting in a WhatsApp group. Each message from the others starts with the sender's "
                + "name and a colon; answer the latest message, and do not start your reply with a name."
            : "You are \(name), chatting with one person on WhatsApp."
        return setting
            + " Reply with the text of a chat message: plain and short, no headings or tables. WhatsApp shows "
            + "*bold*, _italic_, ~strikethrough~ and ```monospace```."
    }
}
