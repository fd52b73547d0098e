import WAGateCore

extension AnthropicReplier {
    /// How to reach Anthropic's Messages API and what to ask for.
    ///
    /// Its description never shows the API key.
    public struct Configuration: Sendable, CustomStringConvertible {
        /// The API root; requests go to `{baseURL}/v1/messages` (or `{baseURL}/messages` when it already
        /// ends in `/v1`).
        public var baseURL: String
        /// The `x-api-key`.
        public var apiKey: String
        /// Where the key came from (`ANTHROPIC_API_KEY`), named in authentication errors.
        public var apiKeySource: String
        /// The model, e.g. `claude-sonnet-4-5`.
        public var model: String
        /// `max_tokens`: the longest reply, in tokens.
        public var maxTokens: Int
        /// `temperature`; `nil` leaves the model's default.
        public var temperature: Double?
        /// The longest one attempt may take, from sending the request to the end of the reply.
        public var requestTimeout: Duration
        /// When and how to retry.
        public var retry: RetryPolicy
        /// Whether replies are streamed (`stream: true`).
        public var streaming: Bool
        /// The `anthropic-version` header.
        public var apiVersion: String

        /// The default API root.
        public static let defaultBaseURL = "https://api.anthropic.com"
        /// The model used when the character names none.
        public static let defaultModel = "claude-sonnet-4-5"

        /// Creates a configuration.
        public init(
            apiKey: String, apiKeySource: String = "ANTHROPIC_API_KEY", baseURL: String = Configuration.defaultBaseURL,
            model: String = Configuration.defaultModel, maxTokens: Int = 1024, temperature: Double? = nil,
            requestTimeout: Duration = .seconds(60), retry: RetryPolicy = RetryPolicy(), streaming: Bool = true,
            apiVersion: String = "2023-06-01"
        ) {
            self.apiKey = apiKey
            self.apiKeySource = apiKeySource
            self.baseURL = baseURL
            self.model = model
            self.maxTokens = maxTokens
            self.temperature = temperature
            self.requestTimeout = requestTimeout
            self.retry = retry
            self.streaming = streaming
            self.apiVersion = apiVersion
        }

        /// The configuration a character asks for.
        ///
        /// | what | read from (first found wins) | default |
        /// |------|------------------------------|---------|
        /// | API key | variable `ANTHROPIC_API_KEY` | required |
        /// | base URL | `modelEndpointOverride`, variables `ANTHROPIC_BASE_URL`, `ANTHROPIC_API_URL` | `https://api.anthropic.com` |
        /// | model | `settings.model`, variables `ANTHROPIC_MODEL`, `ANTHROPIC_LARGE_MODEL`, `LARGE_ANTHROPIC_MODEL` | `claude-sonnet-4-5` |
        /// | max tokens | `settings.maxTokens`, `settings.modelConfig.maxTokens`, `.maxOutputTokens`, `.max_response_length` | 1024 |
        /// | temperature | `settings.temperature`, `settings.modelConfig.temperature` | the model's |
        /// | timeout | `settings.modelConfig.requestTimeoutMs` | 60000 |
        /// | retries | `settings.modelConfig.maxRetries` | 2 |
        /// | streaming | `settings.modelConfig.stream` | true |
        ///
        /// A variable is looked up in the character's `secrets`, `settings.secrets`, `settings`, `env`, then
        /// the environment.
        /// - Throws: ``ProviderError`` with code ``ProviderError/Code/configuration`` when the key is missing
        ///   or a value is invalid; the message names the key to set.
        public init(agent: AgentDefinition) throws {
            let lookup = CharacterSettingsLookup(agent: agent)
            guard let key = lookup.variable("ANTHROPIC_API_KEY") else {
                throw ProviderError.configuration(
                    "agent \"\(agent.name)\" uses modelProvider \"anthropic\" but ANTHROPIC_API_KEY is not set; add it to "
                        + "the character's secrets or env section, or to the environment",
                    provider: "Anthropic")
            }
            let settings = try ModelSettings(
                lookup, modelVariables: ["ANTHROPIC_MODEL", "ANTHROPIC_LARGE_MODEL", "LARGE_ANTHROPIC_MODEL"],
                agentName: agent.name)
            let endpoint =
                lookup.characterString("modelEndpointOverride").map { ("modelEndpointOverride", $0) }
                ?? lookup.variable("ANTHROPIC_BASE_URL", "ANTHROPIC_API_URL")
            self.init(
                apiKey: key.value, apiKeySource: key.name,
                baseURL: try ModelSettings.baseURL(endpoint, agentName: agent.name) ?? Self.defaultBaseURL,
                model: settings.model ?? Self.defaultModel, maxTokens: settings.maxTokens ?? 1024,
                temperature: settings.temperature, requestTimeout: settings.requestTimeout ?? .seconds(60),
                retry: RetryPolicy(maxRetries: settings.maxRetries ?? 2), streaming: settings.streaming ?? true)
        }

        /// The Messages endpoint.
        public var messagesURL: String {
            baseURL.hasSuffix("/v1") ? baseURL + "/messages" : baseURL + "/v1/messages"
        }

        public var description: String {
            "Anthropic(\(messagesURL), model: \(model), maxTokens: \(maxTokens), streaming: \(streaming), key: <redacted>)"
        }
    }
}
