import WAGateCore

/// The settings both providers read from a character, validated. Which keys are read is documented on
/// ``AnthropicReplier/Configuration/init(agent:)`` and ``OpenAIReplier/Configuration/init(agent:compatible:)``.
struct ModelSettings: Sendable {
    var model: String?
    var maxTokens: Int?
    var temperature: Double?
    var requestTimeout: Duration?
    var maxRetries: Int?
    var streaming: Bool?

    /// Reads and checks the settings; `modelVariables` are the provider's model variables in priority order.
    init(_ lookup: CharacterSettingsLookup, modelVariables: [String], agentName: String) throws {
        if let found = lookup.firstSetting([["model"]]) {
            guard let text = found.value.stringValue?.trimmedNonEmpty else {
                throw Self.invalid(found.path, found.value, expected: "a model name", agent: agentName)
            }
            model = text
        } else {
            model = modelVariables.lazy.compactMap { lookup.variable($0)?.value }.first
        }
        if let found = lookup.firstSetting([
            ["maxTokens"], ["modelConfig", "maxTokens"], ["modelConfig", "maxOutputTokens"], ["modelConfig", "max_response_length"],
        ]) {
            guard let value = found.value.intValue, value >= 1, value <= 1_000_000 else {
                throw Self.invalid(found.path, found.value, expected: "an integer from 1 to 1000000", agent: agentName)
            }
            maxTokens = Int(value)
        }
        if let found = lookup.firstSetting([["temperature"], ["modelConfig", "temperature"]]) {
            guard let value = found.value.doubleValue, value >= 0, value <= 2 else {
                throw Self.invalid(found.path, found.value, expected: "a number from 0 to 2", agent: agentName)
            }
            temperature = value
        }
        if let found = lookup.firstSetting([["modelConfig", "requestTimeoutMs"]]) {
            guard let value = found.value.intValue, value >= 1, value <= 3_600_000 else {
                throw Self.invalid(found.path, found.value, expected: "milliseconds from 1 to 3600000", agent: agentName)
            }
            requestTimeout = .milliseconds(value)
        }
        if let found = lookup.firstSetting([["modelConfig", "maxRetries"]]) {
            guard let value = found.value.intValue, value >= 0, value <= 10 else {
                throw Self.invalid(found.path, found.value, expected: "an integer from 0 to 10", agent: agentName)
            }
            maxRetries = Int(value)
        }
        if let found = lookup.firstSetting([["modelConfig", "stream"]]) {
            guard let value = found.value.boolValue else {
                throw Self.invalid(found.path, found.value, expected: "true or false", agent: agentName)
            }
            streaming = value
        }
    }

    static func invalid(_ path: String, _ value: JSONValue, expected: String, agent: String) -> ProviderError {
        .configuration("agent \"\(agent)\": \(path) is \(value.jsonString()); expected \(expected)")
    }

    /// A base URL from a variable or `modelEndpointOverride`, checked to be http(s), without trailing `/`.
    static func baseURL(_ found: (name: String, value: String)?, agentName: String) throws -> String? {
        guard let found else { return nil }
        let lower = found.value.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            // The value is not shown: a key pasted into the wrong variable must not end up in a log.
            throw ProviderError.configuration(
                "agent \"\(agentName)\": \(found.name) must be an http:// or https:// URL (it does not start with either)")
        }
        var url = found.value
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
