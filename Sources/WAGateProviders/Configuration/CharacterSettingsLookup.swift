import WAGateCore

/// Reads provider settings from a character the way elizaOS does, so existing character files work.
///
/// A *variable* (`ANTHROPIC_API_KEY`, `OPENAI_BASE_URL`, ...) is looked up, first non-blank value wins, in:
/// 1. the character's `secrets`;
/// 2. `settings.secrets` (where elizaOS v0 characters keep them);
/// 3. `settings` itself;
/// 4. the character's `env` section;
/// 5. the environment the agent sees (the process environment over `milady.json`'s `env`).
///
/// A *setting* is a path in `settings` (`model`, `modelConfig.temperature`), see ``firstSetting(_:)``.
struct CharacterSettingsLookup: Sendable {
    let agent: AgentDefinition

    /// The value of the first of `names` that is set, and which one it was.
    func variable(_ names: String...) -> (name: String, value: String)? {
        for name in names {
            if let value = variable(named: name) { return (name, value) }
        }
        return nil
    }

    private func variable(named name: String) -> String? {
        let sources: [JSONValue?] = [agent.secrets[name], agent.settings["secrets"]?[name], agent.settings[name]]
        for source in sources {
            if let text = Self.text(source) { return text }
        }
        return agent.env[name]?.trimmedNonEmpty ?? agent.environment[name]?.trimmedNonEmpty
    }

    /// The first of several setting paths that is present, with its dotted name for error messages.
    func firstSetting(_ paths: [[String]]) -> (path: String, value: JSONValue)? {
        for path in paths {
            guard let first = path.first else { continue }
            var value = agent.settings[first]
            for key in path.dropFirst() { value = value?[key] }
            if let value, !value.isNull { return ("settings." + path.joined(separator: "."), value) }
        }
        return nil
    }

    /// A top-level character key the loader kept in `extra` (`modelEndpointOverride`), as non-blank text.
    func characterString(_ key: String) -> String? {
        Self.text(agent.extra[key])
    }

    private static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: text.trimmedNonEmpty
        // Numbers are accepted because some tools write numeric-looking secrets without quotes.
        case .int(let number)?: String(number)
        default: nil
        }
    }
}
